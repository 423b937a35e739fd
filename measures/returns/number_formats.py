"""What the cell reader does not tell: which cells Excel shows as percentages, which hold a formula with no
saved result, and which show an Excel error. All are read from the workbook's own XML (styles and sheets).

A cell showing 61% holds 0.61; only its number format says it is a percentage. A file written by a program
rather than Excel may hold formulas that were never calculated, and a cell may show #DIV/0!: the reader gives
both as empty cells, and the figure would be lost without a word.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

import numpy as np
from openpyxl.utils import column_index_from_string, get_column_letter

from measures.returns.cells import ErrorValue, LiteralPercentCell, PercentCell
from measures.returns.report import Issue
from measures.returns.workbook import Sheet

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Excel's "Strict Open XML Spreadsheet" writes the same elements under other namespaces, read as the usual ones.
_STRICT_MAIN = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_STRICT_OFFICE_RELATIONSHIP_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_BUILT_IN_PERCENT_FORMATS = frozenset({9, 10})  # 0% and 0.00%
# Parts of a format code that never show a percent sign: "quoted text", \x escapes, _x spacers, *x fills,
# and [colour], [condition] or [$locale] sections.
_LITERAL_PARTS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_CELL_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_DOCTYPE = b"<!DOCTYPE"
_CHUNK = 1024 * 1024


class UnreadableFormats(ValueError):
    """The workbook's styles or sheet XML cannot be read; the message says which part."""


@dataclass
class SheetFormats:
    """One sheet's cells that the values alone do not describe (0-based row and column, as `Sheet.rows`)."""

    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    # Cells whose format writes a % sign without scaling (0.0"%"): 61 shows 61%.
    literal_percent_cells: set[tuple[int, int]] = field(default_factory=set)
    uncomputed_formulas: list[tuple[str, str]] = field(default_factory=list)  # (cell such as 'G5', formula)
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # what the cell shows: '#DIV/0!'


def is_percent_format(code: str) -> bool:
    """Return True when an Excel number format code shows a percentage (a '%' outside quotes and escapes)."""
    return "%" in _LITERAL_PARTS.sub("", code)


def shows_literal_percent(code: str) -> bool:
    """Return True when a format code writes a % sign only as literal text ('0.0"%"', '0.0\\%'), so that the
    number is shown as it is, followed (or preceded) by %."""
    return "%" in code and not is_percent_format(code)


def _declares_document_type(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether `<!DOCTYPE` appears anywhere in the part: after any length of comments it is still a declaration,
    and in a cell's text it would be escaped, so searching the whole part misses nothing and refuses no return."""
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            if _DOCTYPE in tail + chunk:
                return True
            tail = (tail + chunk)[-len(_DOCTYPE) :]
    return False


def _parse(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, ElementTree.Element]]:
    """Stream the elements of one part (a Strict Open XML element under its usual name), refusing a document
    type declaration (Excel never writes one, and entity definitions are how XML is made to expand without
    limit)."""
    try:
        if _declares_document_type(archive, name):
            raise UnreadableFormats(f"{name} declares a document type")
        with archive.open(name) as part:
            for event, element in ElementTree.iterparse(part, events=("start", "end")):
                if event == "start" and element.tag.startswith(_STRICT_MAIN):
                    element.tag = _MAIN + element.tag[len(_STRICT_MAIN) :]
                yield event, element
    except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise UnreadableFormats(f"{name} cannot be read: {error}") from None


_SCALED, _LITERAL = "scaled", "literal"


def _percent_styles(archive: zipfile.ZipFile) -> dict[int, str]:
    """The indexes of the cell formats (a cell's `s` attribute) that show a % sign: 'scaled' for a percentage
    format (0.61 shows 61%), 'literal' for a % sign written as text (61 shows 61%)."""
    if "xl/styles.xml" not in archive.namelist():
        return {}
    custom: dict[int, str] = {}
    styles: list[int] = []
    inside_cell_formats = inside_number_formats = False
    for event, element in _parse(archive, "xl/styles.xml"):
        tag = element.tag
        if event == "start":
            if tag == f"{_MAIN}cellXfs":
                inside_cell_formats = True
            elif tag == f"{_MAIN}numFmts":
                inside_number_formats = True
            elif tag == f"{_MAIN}xf" and inside_cell_formats:
                styles.append(_integer(element.get("numFmtId")))
            continue
        # Only the workbook's own formats count: a conditional format's (under <dxfs>) may reuse a number.
        if tag == f"{_MAIN}numFmt" and inside_number_formats:
            custom[_integer(element.get("numFmtId"))] = element.get("formatCode") or ""
        elif tag == f"{_MAIN}cellXfs":
            inside_cell_formats = False
        elif tag == f"{_MAIN}numFmts":
            inside_number_formats = False
    percent_formats = set(_BUILT_IN_PERCENT_FORMATS) | {
        number for number, code in custom.items() if is_percent_format(code)
    }
    percent_formats -= {number for number, code in custom.items() if not is_percent_format(code)}
    literal_formats = {number for number, code in custom.items() if shows_literal_percent(code)}
    kinds = {}
    for index, number in enumerate(styles):
        if number in percent_formats:
            kinds[index] = _SCALED
        elif number in literal_formats:
            kinds[index] = _LITERAL
    return kinds


def _integer(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, path of its XML part) for each worksheet, in workbook order. Part names are matched
    ignoring case, and a target written with backslashes is read with slashes, as the cell reader reads them."""
    parts = {name.lower(): name for name in archive.namelist()}
    targets: dict[str | None, str] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in archive.namelist():
        for event, element in _parse(archive, rels):
            if event == "end" and element.tag == f"{_RELATIONSHIPS}Relationship":
                target = (element.get("Target") or "").replace("\\", "/")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[element.get("Id")] = path
    sheets = []
    for event, element in _parse(archive, "xl/workbook.xml"):
        if event == "end" and element.tag == f"{_MAIN}sheet":
            relationship = element.get(_OFFICE_RELATIONSHIP_ID) or element.get(_STRICT_OFFICE_RELATIONSHIP_ID)
            sheet_path = targets.get(relationship)
            if sheet_path and sheet_path.lower() in parts:
                sheets.append((element.get("name") or "", parts[sheet_path.lower()]))
    return sheets


def _position(letters: str, number: str | bytes) -> tuple[int, int]:
    """The 0-based (row, column) of a cell address's column letters and row number."""
    return int(number) - 1, column_index_from_string(letters.upper()) - 1


def _note_cell(
    found: SheetFormats, element: ElementTree.Element, row_index: int, column: int, percent_styles: dict[int, str]
) -> None:
    """Record what one <c> element says beyond its value."""
    kind = element.get("t")
    saved = element.find(f"{_MAIN}v")
    if percent_styles and saved is not None:  # an empty cell's format changes nothing
        style = percent_styles.get(_integer(element.get("s")))
        if style is not None:
            (found.percent_cells if style == _SCALED else found.literal_percent_cells).add((row_index, column))
    if kind == "e":
        found.error_cells[(row_index, column)] = (saved.text or "").strip() if saved is not None else ""
    formula = element.find(f"{_MAIN}f")
    # An empty saved result is a real one only for a formula that gives text (t="str"): "" from IF(...).
    if formula is not None and (saved is None or (not (saved.text or "").strip() and kind != "str")):
        cell = f"{get_column_letter(column + 1)}{row_index + 1}"
        found.uncomputed_formulas.append((cell, (formula.text or "").strip()))


def _scan_sheet_streaming(archive: zipfile.ZipFile, part: str, percent_styles: dict[int, str]) -> SheetFormats:
    """Every cell, element by element: for any sheet XML, however it is written."""
    found = SheetFormats()
    row_index, column_index_next = -1, 0
    for event, element in _parse(archive, part):
        tag = element.tag
        if event == "start":
            if tag == f"{_MAIN}row":
                number = element.get("r")
                row_index = int(number) - 1 if number and number.isdigit() else row_index + 1
                column_index_next = 0
            continue
        if tag == f"{_MAIN}c":
            address = _CELL_ADDRESS.match(element.get("r") or "")
            if address:
                row_index, column = _position(address.group(1), address.group(2))
            else:
                column = column_index_next
            column_index_next = column + 1
            _note_cell(found, element, row_index, column, percent_styles)
            element.clear()
        elif tag == f"{_MAIN}row":
            element.clear()
    return found


# The quick scan reads only the cells that can matter (a percentage style, an error, a formula) and parses each
# of those with the XML parser. It applies to sheet XML written the usual way (every cell with its r="A1"
# address, double-quoted attributes, no namespace prefix, no comments or CDATA); anything else is streamed.
# Each kind of unusual XML has its own pattern, tried only when a plain search of the bytes (which is many times
# faster than any pattern) finds what that pattern needs in order to match.
_MARKUP_TO_STREAM = (b"<![CDATA[", b"<!--", b"<!DOCTYPE")  # comments, CDATA or a document type
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")  # a namespace prefix on cells
_UNADDRESSED_CELL = re.compile(rb"<c(?=[\s/>])(?![^>]*\sr=\")")  # a cell without its address
# A '>' inside an attribute's value, which would end a tag early for the patterns (looked for once every '=' is
# known to be written straight before its '"').
_QUOTED_GREATER_THAN = re.compile(rb'="[^"]*>')
_WHITESPACE = b" \t\n\r\f\v"
_CELL_TAG = re.compile(rb"<c[\s/>]")
_ADDRESS_ATTRIBUTE = re.compile(rb"\sr=\"([A-Z]{1,3})(\d+)\"")
_ERROR_TYPE = re.compile(rb't="e"')
_FORMULA = re.compile(rb"<f[\s/>]")
_LOOK_BACK = 64 * 1024  # bytes searched back from a formula for its cell's tag
_WRAP = f'<w xmlns="{_MAIN[1:-1]}">'.encode()


def _byte_set(characters: bytes) -> np.ndarray:
    return np.frombuffer(characters, dtype=np.uint8)


def _byte_table(characters: bytes) -> np.ndarray:
    """A lookup table answering, for every byte value at once, whether it is one of `characters` (indexing it with
    an array of bytes is several times faster than np.isin)."""
    table = np.zeros(256, dtype=bool)
    table[_byte_set(characters)] = True
    return table


_SPACES_BEFORE_EQUALS = _byte_table(b" \t\n\r")
_CELL_TAG_ENDS = _byte_table(_WHITESPACE + b"/>")
_WHITESPACE_TABLE = _byte_table(_WHITESPACE)
_DIGITS = _byte_table(b"0123456789")
_LOOK_AHEAD = 8  # bytes of padding after the XML, so that looking a few bytes past any position stays inside


@dataclass(frozen=True)
class _Markers:
    """What the quick scan must look for in sheet XML written the usual way: False when the XML surely holds none."""

    errors: bool  # an attribute written t="e" (a cell showing an Excel error)
    formulas: bool  # a tag whose name starts with f (a formula)


def _usual_markers(xml: bytes) -> _Markers | None:
    """None if the sheet XML is written otherwise than the quick scan reads (see above); otherwise what the scan must
    look for in it. The bytes around every '=' and every '<' are looked at as arrays, each question answered for all
    of them at once."""
    if b"&" in xml and b"&#" in xml:  # a search for one byte is many times faster than for two
        return None
    codes = np.frombuffer(xml + b"\0" * _LOOK_AHEAD, dtype=np.uint8)
    equals = np.flatnonzero(codes == ord("="))
    if len(equals) and ((codes[equals + 1] != ord('"')).any() or _SPACES_BEFORE_EQUALS[codes[equals - 1]].any()):
        # Spaces around an attribute's '=' (which the patterns do not expect), or an '=' in a formula's text
        # (which only costs streaming).
        return None
    opens = np.flatnonzero(codes == ord("<"))
    following = codes[opens + 1]
    if (following == ord("!")).any() and any(markup in xml for markup in _MARKUP_TO_STREAM):
        return None
    cells = opens[following == ord("c")]
    cells = cells[_CELL_TAG_ENDS[codes[cells + 2]]]
    addressed = (
        (codes[cells + 2] == ord(" "))
        & (codes[cells + 3] == ord("r"))
        & (codes[cells + 4] == ord("="))
        & (codes[cells + 5] == ord('"'))
    )
    # Every '=' is written straight before '"' by now, so no attribute is single-quoted.
    styles = equals[codes[equals - 1] == ord("s")]
    zero_styles = styles[
        _WHITESPACE_TABLE[codes[styles - 2]] & (codes[styles + 2] == ord("0")) & _DIGITS[codes[styles + 3]]
    ]
    if (
        len(zero_styles)
        or (bool((codes[np.flatnonzero(codes == ord(":")) + 1] == ord("c")).any()) and _PREFIXED_CELL.search(xml))
        or (not addressed.all() and _UNADDRESSED_CELL.search(xml))
        or _QUOTED_GREATER_THAN.search(xml)
    ):
        return None
    return _Markers(
        # Where _ERROR_TYPE and _FORMULA could match: t="e" around an '=', and '<f'.
        errors=bool(
            (
                (codes[equals - 1] == ord("t"))
                & (codes[equals + 1] == ord('"'))
                & (codes[equals + 2] == ord("e"))
                & (codes[equals + 3] == ord('"'))
            ).any()
        ),
        formulas=bool((following == ord("f")).any()),
    )


def _cell_tag_around(xml: bytes, position: int) -> tuple[int, int] | None:
    """(start, end) of the cell tag (`<c ...>`, end at its '>') holding the attribute found at `position`, or None
    when the attribute is not inside a cell tag's angle brackets (another tag's, or text)."""
    if position == 0 or xml[position - 1] not in _WHITESPACE:
        return None
    start = xml.rfind(b"<", 0, position)
    if start < 0 or not xml.startswith(b"<c", start) or xml[start + 2] not in _WHITESPACE:
        return None
    end = xml.find(b">", position)
    if end < 0 or xml.find(b">", start, position) >= 0:
        return None
    return start, end


def _scan_sheet_quickly(xml: bytes, percent_styles: dict[int, str]) -> SheetFormats | None:
    """The cells worth reading, found by pattern and parsed one by one; None if the XML is unusual."""
    # A character reference (s="&#49;" is s="1") is read by the parser, not by the patterns.
    markers = _usual_markers(xml)
    if markers is None:
        return None
    found = SheetFormats()
    if percent_styles:
        styles = b"|".join(str(index).encode() for index in sorted(percent_styles))
        seen: set[int] = set()
        for match in re.finditer(rb's="(' + styles + rb')"', xml):
            tag = _cell_tag_around(xml, match.start())
            if tag is None or tag[0] in seen:
                continue
            start, tag_end = tag
            seen.add(start)
            if xml[tag_end - 1 : tag_end] == b"/":
                continue  # an empty cell: its format changes nothing
            address = _ADDRESS_ATTRIBUTE.search(xml, start, tag_end)
            if not address:
                return None
            scaled = percent_styles[int(match.group(1))] == _SCALED
            position = _position(address.group(1).decode(), address.group(2))
            (found.percent_cells if scaled else found.literal_percent_cells).add(position)
    starts: set[int] = set()
    for match in _ERROR_TYPE.finditer(xml) if markers.errors else ():
        tag = _cell_tag_around(xml, match.start())
        if tag is not None:
            starts.add(tag[0])
    for match in _FORMULA.finditer(xml) if markers.formulas else ():
        tags = list(_CELL_TAG.finditer(xml, max(0, match.start() - _LOOK_BACK), match.start()))
        if not tags:
            return None
        starts.add(tags[-1].start())
    for start in sorted(starts):
        tag_end = xml.find(b">", start)
        end = tag_end + 1 if xml[tag_end - 1 : tag_end] == b"/" else xml.find(b"</c>", tag_end) + len(b"</c>")
        if tag_end < 0 or end < len(b"</c>"):
            return None
        try:
            element = ElementTree.fromstring(_WRAP + xml[start:end] + b"</w>")[0]
        except (ElementTree.ParseError, IndexError):
            return None
        cell_address = _CELL_ADDRESS.match(element.get("r") or "")
        if not cell_address:
            return None
        _note_cell(found, element, *_position(cell_address.group(1), cell_address.group(2)), percent_styles)
    return found


def _scan_sheet(archive: zipfile.ZipFile, part: str, percent_styles: dict[int, str]) -> SheetFormats:
    try:
        with archive.open(part) as stream:
            xml = stream.read()
    except (KeyError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise UnreadableFormats(f"{part} cannot be read: {error}") from None
    quick = _scan_sheet_quickly(xml, percent_styles)
    return quick if quick is not None else _scan_sheet_streaming(archive, part, percent_styles)


def read_number_formats(data: bytes) -> dict[str, SheetFormats]:
    """Return, for each worksheet name, its %-formatted cells and its formulas with no saved value.

    `data` is an .xlsx (or .xlsm) that has already passed the container checks. Raises UnreadableFormats
    when a part needed cannot be parsed.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise UnreadableFormats(f"the file is not a readable zip: {error}") from None
    with archive:
        percent_styles = _percent_styles(archive)
        return {name: _scan_sheet(archive, part, percent_styles) for name, part in _sheet_parts(archive)}


def mark_percent_cells(sheet: Sheet, formats: SheetFormats | None) -> Sheet:
    """Return the sheet with each number in a %-formatted cell as a PercentCell (0.61 that shows 61%), each
    number whose format writes a % sign as text as a LiteralPercentCell (61 that shows 61%), and
    each cell showing an Excel error (which the reader gives as empty) as an ErrorValue such as '#DIV/0!'."""
    if formats is None:
        return sheet
    rows = sheet.rows
    for cells, kind in ((formats.percent_cells, PercentCell), (formats.literal_percent_cells, LiteralPercentCell)):
        for row_index, column in cells:
            if row_index < len(rows) and column < len(rows[row_index]):
                value = rows[row_index][column]
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    rows[row_index][column] = kind(value)
    for (row_index, column), shown in formats.error_cells.items():
        if row_index < len(rows) and column < len(rows[row_index]) and rows[row_index][column] is None:
            rows[row_index][column] = ErrorValue(shown or "#VALUE!")
    return sheet


MAX_FORMULA_ISSUES = 50  # one error per cell up to this many; a sentence counts the rest


def uncomputed_formulas(formats: dict[str, SheetFormats]) -> list[Issue]:
    """Return an error naming the sheet and cell of each formula that has no saved value (a file written by a
    program that does not calculate): its figure cannot be read, and is never dropped without a word."""
    found = [
        (sheet, cell, formula)
        for sheet, sheet_formats in formats.items()
        for cell, formula in sheet_formats.uncomputed_formulas
    ]
    advice = (
        "Open the file in Excel or LibreOffice and save it (that calculates every formula), or type the "
        "figure itself, then upload it again."
    )
    issues = []
    for sheet, cell, formula in found[:MAX_FORMULA_ISSUES]:
        what = f"the formula ={formula}" if formula else "the formula in this cell"
        what += " has no saved result"
        issues.append(
            Issue(
                "error",
                "formula-without-value",
                f"Sheet ‘{sheet}’, cell {cell}: {what}, so its figure cannot be read. {advice}",
                sheet,
                cell,
                detail=f"{what[0].upper()}{what[1:]}, so its figure cannot be read. {advice}",
            )
        )
    if len(found) > MAX_FORMULA_ISSUES:
        issues.append(
            Issue(
                "error",
                "formula-without-value",
                f"{len(found) - MAX_FORMULA_ISSUES} more formulas have no saved result. Open the file in Excel or "
                "LibreOffice and save it, then upload it again.",
                found[MAX_FORMULA_ISSUES][0],
                found[MAX_FORMULA_ISSUES][1],
            )
        )
    return issues
