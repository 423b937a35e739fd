"""`measures.returns.export.neutralise` and `write_csv`, worked through by hand: no line of any text opens as a formula,
and every CSV text field is quoted."""

from __future__ import annotations

import io

import pytest

from measures.returns.export import neutralise, write_csv


@pytest.mark.parametrize(
    "text, safe",
    [
        ("Plain text", "Plain text"),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("Verified by the team manager\r=1+1+SUM(2+2)", "Verified by the team manager\r'=1+1+SUM(2+2)"),
        ("first\n+44 1432\r\n-2+3", "first\n'+44 1432\r\n'-2+3"),
        ("a\u2028@SUM(A1)\u2029=B1\x85-C1", "a\u2028'@SUM(A1)\u2029'=B1\x85'-C1"),
        ("\t=1", "'\t=1"),
        ("line\r\r=1", "line\r'\r'=1"),
        ("a - b = c", "a - b = c"),  # only the start of a line matters
        ("bell\x07 and vertical tab\x0b=1", "bell  and vertical tab '=1"),  # no Excel file holds these characters
        # Spaces, invisible and control characters before the sign, and the full-width signs Japanese input gives.
        (" =1+1", "' =1+1"),
        ("\u00a0\u3000@SUM(A1)", "'\u00a0\u3000@SUM(A1)"),
        ("\ufeff\u200b-2+3", "'\ufeff\u200b-2+3"),
        ("\x00=1+1", "' =1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("note\n  \uff0bA1\r\n\ufe66B1", "note\n'  \uff0bA1\r\n'\ufe66B1"),
        (" plain, with a - b = c", " plain, with a - b = c"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_every_line_that_would_start_a_formula_gets_an_apostrophe(text, safe):
    assert neutralise(text) == safe


def test_csv_quotes_every_text_field_and_ends_lines_with_cr_lf():
    handle = io.StringIO(newline="")
    write_csv(handle, [["ref", "note"], ["3.1", "a;b\r=c"], [None, -2.5]])
    assert handle.getvalue() == '"ref","note"\r\n"3.1","a;b\r\'=c"\r\n"",-2.5\r\n'
