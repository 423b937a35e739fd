"""What the reader does not say, read from the workbook's XML: percentage formats, formulas never calculated
and cells showing Excel errors, however the sheet XML is written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from measures.returns.number_formats import _scan_sheet_quickly, is_percent_format, read_number_formats
from tests.returns import builders
from tests.returns.builders import percent, template_row

SHEET = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize(
    ("code", "shows_percent"),
    [
        ("0%", True),
        ("0.0%", True),
        ("#,##0.00%", True),
        ("[Red]0.0%;[Blue]-0.0%", True),
        ('0%;-0%;"-"', True),
        ("0.0 %", True),
        ('0.0"%"', False),
        ("0.0\\%", False),
        ('"%"0', False),
        ("0.0_%", False),
        ("0*%", False),
        ("[$%-809]0.0", False),
        ("General", False),
        ("0.0", False),
        ("mmm-yy", False),
        ("@", False),
    ],
)
def test_a_format_shows_a_percentage_only_with_a_percent_sign_outside_quotes_and_escapes(code, shows_percent):
    assert is_percent_format(code) is shows_percent


def _workbook(path: Path) -> Path:
    """Rows filled from A to G with no gap (so that cells without addresses still sit in their columns)."""
    values = (percent(0.61), percent(1, "0.0%"), 11, "=6*2", 30)  # G2 0%, G3 0.0%, G4, G5 formula, G6 error
    refs = ("2.1", "10.2", "2.3", "8.3", "4.1")
    path = builders.template_workbook(
        path, [template_row(ref, "2023-02", 1, 2, value, team="Team") for ref, value in zip(refs, values, strict=True)]
    )
    return builders.replace_cell_xml(path, "G6", '<c r="G6" t="e"><f>30/0</f><v>#DIV/0!</v></c>')


EXPECTED_PERCENT = {(1, 6), (2, 6)}
EXPECTED_FORMULAS = [("G5", "6*2")]


def _rewrite(path: Path, change) -> bytes:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts[SHEET] = change(parts[SHEET])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path.read_bytes()


def _check(found) -> None:
    sheet = found["Return"]
    assert sheet.percent_cells == EXPECTED_PERCENT
    assert sheet.uncomputed_formulas == EXPECTED_FORMULAS
    assert sheet.error_cells == {(5, 6): "#DIV/0!"}


def test_the_usual_sheet_xml_is_read_by_the_quick_scan(tmp_path):
    path = _workbook(tmp_path / "usual.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert _scan_sheet_quickly(archive.read(SHEET), {1: "scaled", 2: "scaled"}) is not None
    _check(read_number_formats(path.read_bytes()))


@pytest.mark.parametrize(
    "change",
    [
        # Cells without their r="A1" address, which the format allows (position from order within the row).
        pytest.param(lambda xml: re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", xml), id="no-cell-addresses"),
        # Every element with a namespace prefix, as some libraries write.
        pytest.param(
            lambda xml: re.sub(
                rb"<(/?)(worksheet|sheetData|row|c|v|f|is|t|dimension|sheetViews|sheetView|"
                rb"selection|sheetFormatPr|sheetPr|outlinePr|pageSetUpPr|pageMargins)\b",
                rb"<\1x:\2",
                xml,
            ).replace(b'xmlns="', b'xmlns:x="'),
            id="prefixed",
        ),
        # Single-quoted attributes and a comment.
        pytest.param(
            lambda xml: xml.replace(b'r="G5"', b"r='G5'").replace(b"<sheetData>", b"<!-- note --><sheetData>"),
            id="single-quotes-and-comment",
        ),
        # A '>' inside an attribute's value before the style (allowed by XML), which ends a tag early for a pattern.
        pytest.param(lambda xml: xml.replace(b'<c r="G2"', b'<c r="G2" cm="a>b"'), id="greater-than-in-a-value"),
        # Spaces around '=' (allowed by XML) in the style attribute.
        pytest.param(lambda xml: xml.replace(b'<c r="G2" s="', b'<c r="G2" s = "'), id="spaces-around-equals"),
        # The style written as a character reference: s="&#49;" is s="1".
        pytest.param(
            lambda xml: re.sub(rb'(<c r="G2" s=")(\d)', lambda m: m.group(1) + b"&#%d;" % m.group(2)[0], xml),
            id="character-reference",
        ),
        pytest.param(lambda xml: xml.replace(b'<c r="G2" s="', b'<c r="G2" s="0'), id="style-with-a-leading-zero"),
    ],
)
def test_unusual_sheet_xml_is_streamed_with_the_same_result(tmp_path, change):
    path = _workbook(tmp_path / "unusual.xlsx")
    data = _rewrite(path, change)
    with zipfile.ZipFile(path) as archive:
        assert _scan_sheet_quickly(archive.read(SHEET), {1: "scaled", 2: "scaled"}) is None
    _check(read_number_formats(data))


def test_a_sheet_declaring_a_document_type_is_refused_as_unreadable(tmp_path, catalogue):
    from measures.returns.parsing import parse_return

    path = _workbook(tmp_path / "doctype.xlsx")
    data = _rewrite(path, lambda xml: xml.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet', 1))
    _, issues = parse_return(data, "doctype.xlsx", catalogue)
    assert [issue.code for issue in issues] == ["truncated"], issues


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_a_document_type_after_a_long_comment_is_refused_as_unreadable(tmp_path, catalogue, part):
    from measures.returns.parsing import parse_return

    path = _workbook(tmp_path / "late-doctype.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    content = parts[part]
    declaration_end = content.index(b"?>") + 2 if content.startswith(b"<?xml") else 0
    parts[part] = (
        content[:declaration_end]
        + b"<!--"
        + b" " * 10_000
        + b"-->"
        + b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
        + content[declaration_end:]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _, issues = parse_return(path.read_bytes(), "late-doctype.xlsx", catalogue)
    assert [issue.code for issue in issues] == ["truncated"], issues


def test_attributes_typed_as_text_are_not_taken_for_a_cells_format(tmp_path):
    """A note whose text reads like a cell's style or error attribute changes nothing: the quick scan reads the
    same cells as the streamed one."""
    from measures.returns.number_formats import _scan_sheet_streaming

    path = _workbook(tmp_path / "text.xlsx")
    data = _rewrite(path, lambda xml: xml.replace(b"<t>Team</t>", b'<t>Team s="1" t="e" x</t>', 1))
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(SHEET)
        assert b'Team s="1" t="e"' in xml
        quick = _scan_sheet_quickly(xml, {1: "scaled", 2: "scaled"})
        streamed = _scan_sheet_streaming(archive, SHEET, {1: "scaled", 2: "scaled"})
    assert quick == streamed
    _check(read_number_formats(data))


@pytest.mark.parametrize(
    "xml",
    [
        b'<sheetData><row r="1"><c r="A1" s="1"><v>1</v></c></row></sheetData>',
        b'<sheetData><row r="1"><c r="A1" t="e"><v>#DIV/0!</v></c></row></sheetData>',
        b'<sheetData><row r="1"><c r="A1"><f>B1/C1</f></c><c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        b"</sheetData>",
        b'<sheetData><row r="1"><c r="A1"><f/></c><c r="B1" t="str"><v>e</v></c></row></sheetData>',
        b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData><foo x="t"/>',
    ],
)
def test_the_quick_scan_skips_only_the_searches_that_cannot_find_anything(xml):
    """The quick scan leaves out the search for Excel errors or formulas only when the XML holds none of them."""
    from measures.returns.number_formats import _ERROR_TYPE, _FORMULA, _usual_markers

    markers = _usual_markers(xml)
    assert markers is not None
    assert markers.errors is (_ERROR_TYPE.search(xml) is not None)
    assert markers.formulas or _FORMULA.search(xml) is None
    assert markers.formulas is (b"<f" in xml)
