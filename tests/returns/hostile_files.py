"""Hostile workbooks built by code, small on disk but costly to read: a cell far away, too many sheets, too many
rows, a lying dimension or string count. Written as minimal .xlsx XML with zipfile, because openpyxl itself would
allocate the grid these files describe."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORKSHEET_TYPE = REL_NS + "/worksheet"
_STRINGS_TYPE = REL_NS + "/sharedStrings"

# The template's header, so that a hostile file looks like a return until its far cell.
TEMPLATE_HEADER = ("Ref", "Measure", "Team", "Period", "Numerator", "Denominator", "Value", "Status", "Note")


def column_letters(column: int) -> str:
    """Excel's letters for a 1-based column number (1 -> A, 16384 -> XFD)."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_xml(row: int, column: int, value: object) -> str:
    """One `<c>` element with its reference: a number, or text as an inline string."""
    reference = f"{column_letters(column)}{row}"
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: Iterable[tuple[int, Iterable[tuple[int, object]]]]) -> Iterator[str]:
    """`<row>` elements for (row number, [(column number, value), ...]) pairs, in the order given."""
    for row, cells in rows:
        yield f'<row r="{row}">' + "".join(cell_xml(row, column, value) for column, value in cells) + "</row>"


def header_row() -> tuple[int, list[tuple[int, object]]]:
    """Row 1 holding the template's header."""
    return 1, list(enumerate(TEMPLATE_HEADER, start=1))


def write_workbook(
    path: Path, sheets: dict[str, Iterable[str]], dimension: str | None = None, shared_strings: str | None = None
) -> Path:
    """Write an .xlsx with one worksheet per entry of `sheets` (name -> the `<row>` elements of its sheetData),
    optionally a `<dimension ref>` on every sheet and a sharedStrings part. Returns `path`."""
    names = list(sheets)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PACKAGE_RELS_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        "<sheets>"
        + "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))
        + "</sheets></workbook>"
    )
    relationships = "".join(
        f'<Relationship Id="rId{n}" Type="{_WORKSHEET_TYPE}" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(names) + 1)
    )
    if shared_strings is not None:
        relationships += f'<Relationship Id="rIdStrings" Type="{_STRINGS_TYPE}" Target="sharedStrings.xml"/>'
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PACKAGE_RELS_NS}">'
        + relationships
        + "</Relationships>"
    )
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for number, name in enumerate(names, start=1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as entry:
                entry.write(
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
                    f"{dimension_xml}<sheetData>".encode()
                )
                for row in sheets[name]:
                    entry.write(row.encode())
                entry.write(b"</sheetData></worksheet>")
    return Path(path)


def far_cell_xlsx(path: Path, reference: tuple[int, int] = (1_048_576, 16_384), value: object = 1) -> Path:
    """A return's header and one figure at (row, column), by default XFD1048576, Excel's last cell: a file of a
    few hundred bytes whose grid, built from A1, would be 1,048,576 x 16,384 cells."""
    row, column = reference
    return write_workbook(path, {"Return": rows_xml([header_row(), (row, [(column, value)])])})


def many_sheets_xlsx(path: Path, sheets: int) -> Path:
    """A workbook of `sheets` small sheets, each with the template's header."""
    return write_workbook(path, {f"Sheet {n}": rows_xml([header_row()]) for n in range(1, sheets + 1)})


def many_rows_xlsx(path: Path, rows: int, columns: int = 3) -> Path:
    """One sheet: the header, then `rows` rows of `columns` numbers (streamed, never held in memory)."""
    body = ((row, [(column, row) for column in range(1, columns + 1)]) for row in range(2, rows + 2))
    return write_workbook(path, {"Return": rows_xml(_chain([header_row()], body))})


def _chain(first: Iterable, rest: Iterable) -> Iterator:
    yield from first
    yield from rest
