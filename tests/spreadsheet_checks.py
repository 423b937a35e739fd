"""Checks that a written CSV or Excel file holds no live spreadsheet formula, however a spreadsheet reads it."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# What a spreadsheet may pass over before a formula sign: spaces of every width, invisible and control characters.
_SKIPPABLE = re.compile(r"^[\x00-\x08\x0e-\x1f \u00a0\u1680\u2000-\u200f\u202a-\u202f\u205f-\u206f\u3000\ufeff]*")
_FORMULA_SIGNS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b")


def _is_live_formula(cell: str) -> bool:
    if cell[:1] in ("\t", "\r"):
        return True
    return _SKIPPABLE.sub("", cell)[:1] in _FORMULA_SIGNS and not _NUMBER.fullmatch(cell.strip())


def assert_no_formula_in_csv(text: str) -> None:
    """Fail if any reading of `text` a spreadsheet might make gives a cell that starts a formula: a CSV parser
    with comma, semicolon or tab as separator (the choices LibreOffice offers), and a reader that ends a row at
    every line break, quoted or not."""
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for cell in row:
                assert not _is_live_formula(cell), (delimiter, cell)
    for line in _LINE_BREAKS.split(text):
        for cell in re.split(r"[,;\t]", line):
            assert not _is_live_formula(cell.lstrip('"')), cell


def assert_no_formula_in_xlsx(content: bytes) -> None:
    """Fail if any cell of the workbook, or any line inside a cell, starts a formula."""
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    for line in _LINE_BREAKS.split(cell.value):
                        assert not _is_live_formula(line), (cell.coordinate, cell.value)
