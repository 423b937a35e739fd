"""Opening an uploaded workbook safely. Before any cell is read: size, format and decompression limits are checked
from the file's bytes and its zip directory, then each worksheet's XML is streamed to find how far its cells
really reach (the `<dimension>` a file declares is not trusted), so a hostile file is refused in milliseconds and
no reader ever builds a grid larger than a return needs."""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from posixpath import normpath

import numpy as np

from measures.returns.report import Issue

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all entries together, as declared in the zip directory
MAX_ENTRY_RATIO = 250  # an entry that inflates more than this many times its stored size is a zip bomb
MAX_ENTRIES = 10_000  # parts in the zip; a workbook with a few sheets, pictures and charts has tens
_RATIO_APPLIES_ABOVE = 4 * 1024 * 1024  # small entries may compress very well; only large ones matter

# What a return never needs (a council's return is tens of measures x a few dozen teams x a few months; a
# first load of three years by team is about 26,000 rows of 9 columns). A file beyond any of these is refused
# before a cell is read. Rows and columns count from A1 to the last cell holding something, as Excel numbers
# them; cells are the rows x columns read from every sheet, added together.
MAX_SHEETS = 50
MAX_ROWS = 50_000
MAX_COLUMNS = 200  # column GR
MAX_CELLS = 1_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: old .xls, or an encrypted .xlsx
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Sheet:
    """One worksheet's cells as Python values, row by row from A1 (None for an empty cell)."""

    name: str
    rows: list[list]


def _file_issue(code: str, message: str) -> list[Issue]:
    return [Issue("error", code, message)]


def too_large(filename: str, size: int) -> list[Issue]:
    """The error for a file of `size` bytes, over MAX_FILE_BYTES."""
    return _file_issue(
        "file-too-large",
        f"{filename or 'the file'} is {size / 1_048_576:.1f} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB. "
        "Remove pictures and unused sheets, or send the month's figures only.",
    )


def check_container(data: bytes, filename: str) -> list[Issue]:
    """Return the errors that make `data` unreadable as an .xlsx (empty list if it may be read).

    Checks, without inflating anything: the size limit, the file type, a truncated or damaged zip,
    password protection, and the declared inflated sizes (zip bombs).
    """
    name = filename or "the file"
    if len(data) > MAX_FILE_BYTES:
        return too_large(name, len(data))
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED_MARK in data:
            return _file_issue(
                "password-protected",
                f"{name} is protected with a password, so it cannot be read. "
                "Save a copy without a password (File > Info > Protect Workbook) and upload that.",
            )
        return _file_issue(
            "not-xlsx",
            f"{name} is an old-style Excel 97-2003 (.xls) workbook. Open it in Excel, choose "
            "File > Save As > Excel Workbook (.xlsx), and upload the .xlsx file.",
        )
    if not data.startswith(_ZIP_MAGIC):
        return _file_issue(
            "not-xlsx",
            f"{name} is not an Excel workbook. Upload the return as an .xlsx file "
            "(the template from this page, or the committee table saved from Excel).",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        return _file_issue(
            "truncated",
            f"{name} is damaged or incomplete (perhaps the upload or the save was cut short). "
            "Open it in Excel to check it, save it again and upload the new copy.",
        )
    if len(entries) > MAX_ENTRIES:
        return _file_issue(
            "over-limits",
            f"{name} is made of {len(entries):,} parts; an Excel workbook that is a return has at most "
            f"{MAX_ENTRIES:,}. Copy the figures into a new workbook (or the template) and upload that.",
        )
    names = {entry.filename for entry in entries}
    if len({name.replace("\\", "/").lower() for name in names}) != len(entries):
        # Two parts under one name: readers differ on which they take, so what is checked may not be what is read.
        return _file_issue(
            "truncated",
            f"{name} is damaged: it holds two parts under the same name. "
            "Open it in Excel to check it, save it again and upload the new copy.",
        )
    if not all(required in names for required in _REQUIRED_ENTRIES):
        return _file_issue(
            "not-xlsx",
            f"{name} is a zip file but not an Excel workbook. Upload the return as an .xlsx file.",
        )
    inflated = sum(entry.file_size for entry in entries)
    suspicious = [
        entry
        for entry in entries
        if entry.file_size > _RATIO_APPLIES_ABOVE and entry.file_size > MAX_ENTRY_RATIO * max(entry.compress_size, 1)
    ]
    if inflated > MAX_INFLATED_BYTES or suspicious:
        return _file_issue(
            "inflates-too-far",
            f"{name} would expand to {inflated / 1_048_576:,.0f} MB when opened, far more than a monthly return "
            "needs, so it was not opened. Copy the figures into a new workbook (or the template) and upload that.",
        )
    return []


# ---------------------------------------------------------------------------------------------------------------
# How far each sheet's cells really reach, from a streamed scan of its XML (bounded memory, no grid).

_CHUNK_BYTES = 1024 * 1024
_LONGEST_TAG = 1024 * 1024  # no well-formed sheet has a tag, or a run of text without '>', longer than this
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"  # some writers prefix every element (x:row, x:c)
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData[\s/>]")
_SHEET_DATA_TAG_LENGTH = 256  # enough for "<" + any sensible prefix + "sheetData" and the character after it
# A cell tag as every common writer makes it: `r` first and plain (A1 to XFD9999999), then attributes with
# double-quoted values, none of them another `r`; group 3 is '/' for a styled but empty cell, which no reader keeps.
# Attributes are matched whole, so an `r=` inside another attribute's value is never taken for the reference.
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?:\s+(?!r\s*=)[A-Za-z_][\w.:\-]*="[^"<]*")*\s*(/?)>')
# The quick upper bound: the row and the column of every cell tag written the common way, styled empty ones
# included. Rows 0 and references with leading zeros are left to the closer look.
_PLAIN_ROW = re.compile(rb'<c r="[A-Z]{1,3}([1-9][0-9]{0,6})"')

# Where an `r` attribute may start: the bound holds only if every one belongs to a plain cell or row tag.
_R_ATTRIBUTE_STARTS = (b" r=", b" r ", b"\tr", b"\nr", b"\rr")
# Any other way of writing a cell tag (a prefix, other whitespace, no attribute): the positions are then
# followed tag by tag instead.
_OTHER_CELL_FORM = re.compile(rb"<c[\t\n\r/>]|:c[\s/>]")
# A '>' inside an attribute value (allowed, if odd) could end a tag early for the quick scans.
_QUOTED_GREATER_THAN = re.compile(rb"""=\s*"[^"]*>|=\s*'[^']*>""")
_DOUBLE_QUOTED_GREATER_THAN = re.compile(rb'="[^"]*>')  # the same, where every '=' is written straight before '"'
# For sheets written any other way: the start of each row or cell tag (or a comment, CDATA or processing
# instruction to pass over), and the whole tag from there, attribute values read whole.
_POSITION_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?P<closing>/?)" + _PREFIX + rb"(?P<name>row|c)(?=[\s/>])", re.S
)
_WHOLE_TAG = re.compile(rb"</?" + _PREFIX + rb"(?:row|c)((?:\s+[^\s=/>\"']+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
_ATTRIBUTE_PAIR = re.compile(rb"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")
_SHEET_TAG = re.compile(rb"<" + _PREFIX + rb"sheet\s[^>]*>")
_RELATIONSHIP_TAG = re.compile(rb"<" + _PREFIX + rb"Relationship\s[^>]*>")
_STRING_ITEM = re.compile(rb"<" + _PREFIX + rb"si[\s/>]")
_UNIQUE_COUNT = re.compile(rb"""<""" + _PREFIX + rb"""sst\b[^>]*?\suniqueCount\s*=\s*["']\s*([0-9]+)""")


class _Damaged(Exception):
    """The XML of an entry cannot be a worksheet any reader would accept."""


@dataclass
class Extent:
    """How far one part's cells reach: the last row and column holding something (1-based, 0 if none) and how
    many cells hold something."""

    part: str
    rows: int = 0
    columns: int = 0
    cells: int = 0
    lowest: tuple[int, int] = (0, 0)  # (row, column) of a cell in the last row
    rightmost: tuple[int, int] = (0, 0)  # (row, column) of a cell in the last column
    exact: bool = True  # False for a quick upper bound, which counts styled empty cells too

    @property
    def within_limits(self) -> bool:
        """Whether this one sheet is within the row, column and cell limits."""
        return self.rows <= MAX_ROWS and self.columns <= MAX_COLUMNS and self.cells <= MAX_CELLS

    def reach(self, row: int, column: int) -> None:
        """Count a cell holding something at (row, column)."""
        if row > self.rows:
            self.rows, self.lowest = row, (row, column)
        if column > self.columns:
            self.columns, self.rightmost = column, (row, column)

    @property
    def area(self) -> int:
        """The cells of the grid a reader builds for this sheet, from A1 to its last row and column."""
        return self.rows * self.columns


@dataclass
class WorkbookExtent:
    """What the scan found: each sheet's name and part in workbook order, every part holding cells, the shared
    string count."""

    sheets: list[tuple[str, str]] = field(default_factory=list)
    parts: dict[str, Extent] = field(default_factory=dict)
    strings: int = 0

    def sheet_extents(self) -> list[tuple[str, Extent]]:
        """(sheet name, extent) for every sheet a reader would read: each named sheet, then any part holding
        sheet data that no sheet names (under its part name)."""
        named = {part for _, part in self.sheets if part}
        extents = [(name, self.parts[part]) for name, part in self.sheets if part in self.parts]
        return extents + [(part, extent) for part, extent in self.parts.items() if part not in named]

    def total_area(self) -> int:
        """The cells of every grid a reader builds, added together."""
        return sum(extent.area for _, extent in self.sheet_extents())


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, carry: bytes = b"", entry=None):
    """The entry's inflated bytes in pieces that never split a tag: each piece ends just after a '>'. Raises
    _Damaged for a tag (or a run of text without '>') longer than any well-formed part has."""
    with archive.open(info) if entry is None else entry as stream:
        while True:
            chunk = stream.read(_CHUNK_BYTES)
            if not chunk:
                break
            buffer = carry + chunk
            cut = buffer.rfind(b">") + 1
            carry = buffer[cut:]
            if len(carry) > _LONGEST_TAG:
                raise _Damaged(info.filename)
            if cut:
                yield buffer[:cut]
    if carry.strip():
        yield carry


def _sheet_data(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The pieces (see _chunks) of an entry from its `<sheetData>` tag on; nothing if it has none. Any entry may
    be read as a sheet, pictures included, so until the tag is found only its length is carried between reads."""
    stream = archive.open(info)
    tail = b""
    while True:
        chunk = stream.read(_CHUNK_BYTES)
        if not chunk:
            stream.close()
            return
        buffer = tail + chunk
        found = _SHEET_DATA.search(buffer)
        if found is not None:
            yield from _chunks(archive, info, carry=buffer[found.start() :], entry=stream)
            return
        tail = buffer[-_SHEET_DATA_TAG_LENGTH:]


def _equals_signs(piece: bytes) -> np.ndarray:
    """The positions of every '=' in `piece`."""
    return np.flatnonzero(np.frombuffer(piece, dtype=np.uint8) == ord("="))


def _codes_and_equals(piece: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of `piece` as an array, and the positions of its '=' signs."""
    return np.frombuffer(piece, dtype=np.uint8), _equals_signs(piece)


def _quoted_greater_than(piece: bytes, codes_and_equals: tuple[np.ndarray, np.ndarray] | None = None) -> bool:
    """Whether some attribute value in `piece` holds a '>' (what _QUOTED_GREATER_THAN finds); `codes_and_equals` is
    what _codes_and_equals gives for `piece`, if already known. When every '=' is written straight before a '"', as
    nearly every writer does, a simpler pattern finds the same, several times faster."""
    codes, equals = codes_and_equals or _codes_and_equals(piece)
    if len(equals) and equals[-1] + 1 < len(codes) and bool((codes[equals + 1] == ord('"')).all()):
        return _DOUBLE_QUOTED_GREATER_THAN.search(piece) is not None
    return _QUOTED_GREATER_THAN.search(piece) is not None


def _r_attribute_starts(piece: bytes, codes_and_equals: tuple[np.ndarray, np.ndarray] | None = None) -> int:
    """How many times the starts of an `r` attribute (_R_ATTRIBUTE_STARTS) occur in `piece`, as `bytes.count`
    counts them (`codes_and_equals` as for _quoted_greater_than). ' r=' is counted at the '=' signs, which are far
    fewer than the spaces a search starts from."""
    codes, equals = codes_and_equals or _codes_and_equals(piece)
    equals = equals[equals >= 2]
    found = int(((codes[equals - 1] == ord("r")) & (codes[equals - 2] == ord(" "))).sum())
    found += piece.count(b" r ")
    for start in (b"\tr", b"\nr", b"\rr"):
        if start[:1] in piece:
            found += piece.count(start)
    return found


def _holds_colon_c(codes: np.ndarray) -> bool:
    """Whether ':c' occurs in the bytes `codes` (as `b":c" in` answers, several times faster: colons are few)."""
    colons = np.flatnonzero(codes[:-1] == ord(":"))
    return bool((codes[colons + 1] == ord("c")).any())


def _has_other_cell_forms(
    piece: bytes,
    cell_tags: int,
    codes_and_equals: tuple[np.ndarray, np.ndarray],
    c_tags: int | None = None,
) -> bool:
    """Whether some cell tag in `piece` is written otherwise than the quick scans read (see _OTHER_CELL_FORM),
    or some attribute value holds a '>'; `cell_tags` is how many times '<c ' occurs in `piece`, `c_tags` how many
    times '<c' does (counted here if not given), `codes_and_equals` what _codes_and_equals gives for it."""
    if _quoted_greater_than(piece, codes_and_equals):
        return True
    if c_tags is None:
        c_tags = piece.count(b"<c")
    if c_tags == cell_tags and not _holds_colon_c(codes_and_equals[0]):
        return False  # the quick answer for nearly every file; other tags such as <col> need the closer look
    return _OTHER_CELL_FORM.search(piece) is not None


_PADDING = 16  # zero bytes after a piece, so that looking a few bytes past any tag stays inside the array
_UPPER_CASE = np.zeros(256, dtype=bool)
_UPPER_CASE[ord("A") : ord("Z") + 1] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_LONGEST_ROW_NUMBER = 7  # digits of a plain reference (_PLAIN_ROW)


class _TagCounts:
    """The tags of one piece of sheet XML found from the positions of its '<' signs, every question answered for
    all of them at once: how many times '<c ', '<c' and '<row r=' occur (as `bytes.count` counts them), whether
    every '<c ' starts a plain reference as _PLAIN_ROW reads it (`<c r="` then 1 to 3 capitals, a row number of 1
    to 7 digits without a leading zero, and '"'), and, when so, the last row and column those references reach."""

    def __init__(self, piece: bytes) -> None:
        codes = np.frombuffer(piece + b"\0" * _PADDING, dtype=np.uint8)
        opens = np.flatnonzero(codes == ord("<"))
        after = codes[opens + 1]
        c_opens = opens[after == ord("c")]
        starts = c_opens[codes[c_opens + 2] == ord(" ")]
        row_opens = opens[after == ord("r")]
        self.c_tags, self.cell_tags = len(c_opens), len(starts)
        self.row_tags = int(
            (
                (codes[row_opens + 2] == ord("o"))
                & (codes[row_opens + 3] == ord("w"))
                & (codes[row_opens + 4] == ord(" "))
                & (codes[row_opens + 5] == ord("r"))
                & (codes[row_opens + 6] == ord("="))
            ).sum()
        )
        # Capitals from `<c r="`: the run's length (1 to 3 for a plain reference; 4 stands for any longer run).
        letters = starts + len(b'<c r="')
        capitals = [_UPPER_CASE[codes[letters]]]
        for offset in (1, 2, 3):
            capitals.append(capitals[-1] & _UPPER_CASE[codes[letters + offset]])
        width = sum(run.astype(np.int64) for run in capitals)
        digits = letters + width
        is_digit = [_DIGIT[codes[digits]]]
        for offset in range(1, _LONGEST_ROW_NUMBER + 1):
            is_digit.append(is_digit[-1] & _DIGIT[codes[digits + offset]])
        length = sum(run.astype(np.int64) for run in is_digit)
        plain = (
            (codes[starts + 3] == ord("r"))
            & (codes[starts + 4] == ord("="))
            & (codes[starts + 5] == ord('"'))
            & (width >= 1)
            & (width <= 3)
            & (codes[digits] >= ord("1"))
            & (codes[digits] <= ord("9"))
            & (length <= _LONGEST_ROW_NUMBER)
            & (codes[digits + length] == ord('"'))
        )
        self.all_cells_plain = bool(plain.all())
        self._codes, self._letters, self._width, self._digits, self._length = codes, letters, width, digits, length

    def last_row(self) -> int:
        """The largest row number of the plain references (only when all_cells_plain)."""
        return self._largest(self._digits, self._length, 10, ord("0"))

    def last_column(self) -> int:
        """The largest column number of the plain references (only when all_cells_plain)."""
        return self._largest(self._letters, self._width, 26, ord("A") - 1)

    def _largest(self, starts: np.ndarray, lengths: np.ndarray, base: int, zero: int) -> int:
        """The largest of the numbers written from `starts` in `lengths` characters, each worth its code less
        `zero`, in `base`. No number has a leading zero, so the largest is among the longest: only those are read."""
        if not len(starts):
            return 0
        longest = int(lengths.max())
        starts = starts[lengths == longest]
        numbers = np.zeros(len(starts), dtype=np.int64)
        for offset in range(longest):
            numbers = numbers * base + (self._codes[starts + offset].astype(np.int64) - zero)
        return int(numbers.max())


def _bound(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Extent | None:
    """A quick upper bound of the extent of a part holding `<sheetData>` whose cell tags are all written the
    common way (`r` first and plain, no second `r`); None if the part holds no sheet data; raises LookupError
    otherwise. Styled empty cells count, so a bound over a limit must be checked with `_scan_exact`."""
    extent = Extent(info.filename, exact=False)
    in_sheet_data = False
    for piece in _sheet_data(archive, info):
        in_sheet_data = True
        tags = _TagCounts(piece)
        codes_and_equals = _codes_and_equals(piece)
        if (
            not tags.all_cells_plain
            or _has_other_cell_forms(piece, tags.cell_tags, codes_and_equals, tags.c_tags)
            or _r_attribute_starts(piece, codes_and_equals) != tags.cell_tags + tags.row_tags
        ):
            raise LookupError(info.filename)
        if not tags.cell_tags:
            continue
        extent.cells += tags.cell_tags
        extent.rows = max(extent.rows, tags.last_row())
        extent.columns = max(extent.columns, tags.last_column())
        if not extent.within_limits:
            return extent  # to be checked exactly anyway; no need to read on
    return extent if in_sheet_data else None


def _scan_exact(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Extent | None:
    """The exact extent of a part: cells holding something only, positions followed as the reader follows
    them; None if the part holds no sheet data."""
    try:
        return _scan_fast(archive, info)
    except LookupError:
        return _scan_positions(archive, info)


def _scan_fast(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Extent | None:
    """The extent of a part holding `<sheetData>` whose cell tags are all plain (see _PLAIN_CELL); None if the part
    holds no sheet data; raises LookupError if some cell tag is written otherwise."""
    extent = Extent(info.filename)
    in_sheet_data = False
    for piece in _sheet_data(archive, info):
        in_sheet_data = True
        cells = _PLAIN_CELL.findall(piece)
        cell_tags = piece.count(b"<c ")
        if len(cells) != cell_tags or _has_other_cell_forms(piece, cell_tags, _codes_and_equals(piece)):
            raise LookupError(info.filename)
        if not cells:
            continue
        letters, rows, empty = zip(*cells, strict=True)
        if b"/" in empty:
            letters = tuple(letter for letter, slash in zip(letters, empty, strict=True) if not slash)
            rows = tuple(row for row, slash in zip(rows, empty, strict=True) if not slash)
        if not rows:
            continue
        extent.cells += len(rows)
        row_numbers = list(map(int, rows))
        last_row = max(row_numbers)
        extent.reach(last_row, _column_number(letters[row_numbers.index(last_row)]))
        widest = max(set(letters), key=lambda name: (len(name), name))
        extent.reach(row_numbers[letters.index(widest)], _column_number(widest))
        if extent.cells > MAX_CELLS:
            return extent  # refused anyway; no need to read on
    return extent if in_sheet_data else None


def _references_of(attributes: bytes) -> list[tuple[int, int]]:
    """The (row, column) of every `r` attribute among `attributes` (a reader takes the last; a hostile file may
    write several), in order; raises _Damaged for a reference no reader accepts."""
    found = []
    for name, double_quoted, single_quoted in _ATTRIBUTE_PAIR.findall(attributes):
        if name == b"r":
            match = _REFERENCE.fullmatch((double_quoted or single_quoted).strip())
            if match is None:
                raise _Damaged("cell reference")
            found.append((int(match.group(2)), _column_number(match.group(1))))
    return found


def _scan_positions(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Extent | None:
    """The extent of a part whose cells may be written any way: positions followed as a reader follows them (a
    cell without `r` is the one after the previous cell; a row without `r` is the one after the previous row).
    Tags are read whole, whatever their attribute values hold; comments and CDATA are passed over. The part is
    read at once (at most the inflated-size limit): only unusual files come here. None if it has no sheet
    data; raises _Damaged for a cell or row tag no reader accepts."""
    data = _sheet_data_bytes(archive, info)
    if data is None:
        return None
    extent = Extent(info.filename)
    row, column = 1, 1
    tags, position = 0, 0
    while True:
        token = _POSITION_TOKEN.search(data, position)
        if token is None:
            return extent
        if token.group("name") is None:  # a comment, CDATA or processing instruction
            position = token.end()
            continue
        tag = _WHOLE_TAG.match(data, token.start())
        if tag is None:
            raise _Damaged(info.filename)
        position = tag.end()
        tags += 1
        if tags > 4 * MAX_CELLS:  # empty cells and rows count too; bound the work
            extent.cells = MAX_CELLS + 1
            return extent
        closing, name, attributes, empty = token.group("closing"), token.group("name"), tag.group(1), tag.group(2)
        if name == b"row":
            if not closing:
                references = _references_of(attributes)
                if references:
                    row = references[-1][0]
            if closing or empty:
                row, column = row + 1, 1
            continue
        if closing:
            continue
        references = _references_of(attributes)
        positions = references or [(row, column)]
        if references and references[-1][1] > 0:
            column = references[-1][1]
        column += 1
        if not empty:
            extent.cells += 1
            for reached in positions:
                extent.reach(*reached)


def _sheet_data_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    with archive.open(info) as stream:
        data = stream.read()
    found = _SHEET_DATA.search(data)
    return None if found is None else data[found.start() :]


def _sheets_of(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> list[tuple[str, str]]:
    """Each sheet's name and the part that holds it, in workbook order ('' when the part cannot be found)."""
    relationships: dict[str, str] = {}
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rels is not None:
        for piece in _chunks(archive, rels):
            for tag in _RELATIONSHIP_TAG.findall(piece):
                pairs = {name: double or single for name, double, single in _ATTRIBUTE_PAIR.findall(tag)}
                if b"Id" in pairs and b"Target" in pairs:
                    relationships[pairs[b"Id"].decode("utf-8", "replace")] = pairs[b"Target"].decode("utf-8", "replace")
    sheets = []
    for piece in _chunks(archive, names["xl/workbook.xml"]):
        for tag in _SHEET_TAG.findall(piece):
            pairs = {name.split(b":")[-1]: double or single for name, double, single in _ATTRIBUTE_PAIR.findall(tag)}
            sheet_name = html.unescape(pairs.get(b"name", b"").decode("utf-8", "replace"))
            target = relationships.get(pairs.get(b"id", b"").decode("utf-8", "replace"), "")
            if target:
                target = target.replace("\\", "/")
                target = target.lstrip("/") if target.startswith("/") else normpath("xl/" + target)
            sheets.append((sheet_name, target.lower()))
            if len(sheets) > MAX_SHEETS:
                return sheets
    return sheets


def scan_extent(data: bytes) -> WorkbookExtent:
    """Return how far every sheet of an .xlsx reaches, reading its XML as a stream (a few MB at a time, never a
    grid). Every part holding `<sheetData>` is scanned, whatever the workbook says it is. Call after
    `check_container` found nothing wrong. Raises zipfile.BadZipFile (or another ValueError) for a damaged file."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = [info for info in archive.infolist() if not info.is_dir()]
    names = {info.filename.replace("\\", "/").lower(): info for info in entries}
    found = WorkbookExtent(sheets=_sheets_of(archive, names))
    if len(found.sheets) > MAX_SHEETS:
        return found
    by_name = {}
    for info in entries:
        try:
            extent = _bound(archive, info)
        except LookupError:
            extent = _scan_exact(archive, info)
        if extent is not None:
            part = info.filename.replace("\\", "/").lower()
            found.parts[part], by_name[part] = extent, info
            if len(found.parts) > MAX_SHEETS:
                return found
        if info.filename.lower().endswith("sharedstrings.xml"):
            found.strings = max(found.strings, _string_count(archive, info))
    over = any(not extent.within_limits for extent in found.parts.values()) or found.total_area() > MAX_CELLS
    if over:  # a quick bound may have counted styled empty cells: decide on the exact extents
        for part, extent in found.parts.items():
            if not extent.exact:
                exact = _scan_exact(archive, by_name[part])
                assert exact is not None  # the same part: its <sheetData>, found by the quick bound, is found again
                found.parts[part] = exact
    return found


def _string_count(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The larger of the shared strings a part holds and the number it declares (a reader reserves room for the
    declared number before reading one)."""
    declared, items = 0, 0
    for piece in _chunks(archive, info):
        if not items:
            match = _UNIQUE_COUNT.search(piece)
            if match:
                declared = int(match.group(1))
        items += len(_STRING_ITEM.findall(piece))
    return max(declared, items)


def _limit_issue(message: str) -> list[Issue]:
    return _file_issue("over-limits", message)


def check_extent(data: bytes, filename: str) -> list[Issue]:
    """Return the errors that make a workbook too large to read (empty list if it is within every limit).

    Compares the real extent of every sheet (see `scan_extent`) with MAX_SHEETS, MAX_ROWS, MAX_COLUMNS and
    MAX_CELLS; each message names the limit and the sheet that broke it. Call after `check_container`.
    """
    name = filename or "the file"
    try:
        found = scan_extent(data)
    except (zipfile.BadZipFile, _Damaged, EOFError, ValueError, OSError, RuntimeError, NotImplementedError, zlib.error):
        return _file_issue(
            "truncated",
            f"{name} could not be read as an Excel workbook: it may be damaged. "
            "Open it in Excel, save it again and upload the new copy.",
        )
    if max(len(found.sheets), len(found.parts)) > MAX_SHEETS:
        return _limit_issue(
            f"{name} has more than {MAX_SHEETS} sheets; a return may have at most {MAX_SHEETS}. Copy the return's "
            "sheet (the template's Return sheet, or the committee table) into a new workbook and upload that."
        )
    if found.strings > MAX_CELLS:
        return _limit_issue(
            f"{name} declares {found.strings:,} pieces of text; a return may hold at most {MAX_CELLS:,} cells. "
            "Copy the figures into a new workbook (or the template) and upload that."
        )
    issues = []
    for sheet_name, extent in found.sheet_extents():
        where = f"Sheet '{sheet_name}' of {name}"
        advice = (
            " If something is typed far from the figures, delete those rows or columns (or copy the "
            "figures into a new workbook) and upload it again."
        )
        if extent.rows > MAX_ROWS:
            cell = _reference(*extent.lowest)
            issues.append(
                Issue(
                    "error",
                    "over-limits",
                    f"{where} has something in cell {cell} (row {extent.rows:,}); a return may use at "
                    f"most {MAX_ROWS:,} rows on a sheet.{advice}",
                    sheet=sheet_name,
                    cell=cell,
                )
            )
        if extent.columns > MAX_COLUMNS:
            cell = _reference(*extent.rightmost)
            issues.append(
                Issue(
                    "error",
                    "over-limits",
                    f"{where} has something in cell {cell} (column {_column_letters(extent.columns)}); a "
                    f"return may use at most {MAX_COLUMNS} columns on a sheet (A to "
                    f"{_column_letters(MAX_COLUMNS)}).{advice}",
                    sheet=sheet_name,
                    cell=cell,
                )
            )
        if extent.cells > MAX_CELLS:
            issues.append(
                Issue(
                    "error",
                    "over-limits",
                    f"{where} holds more than {MAX_CELLS:,} cells; a return may hold at most {MAX_CELLS:,}.{advice}",
                    sheet=sheet_name,
                )
            )
    if issues:
        return issues
    total = found.total_area()
    if total > MAX_CELLS:
        return _limit_issue(
            f"{name} spreads over {total:,} cells; a return may hold at most {MAX_CELLS:,} "
            "cells in all its sheets together. Delete the sheets and the rows the return does not need (or copy "
            "the figures into a new workbook) and upload it again."
        )
    return []


def _reference(row: int, column: int) -> str:
    """An A1-style reference, shortened if a hostile file made it absurdly long."""
    reference = f"{_column_letters(column)}{row}"
    return reference if len(reference) <= 20 else reference[:17] + "..."


def _column_letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_sheets(data: bytes, filename: str) -> tuple[list[Sheet], list[Issue]]:
    """Return every worksheet of an .xlsx as rows of Python values, or the errors that stop it being read.

    `check_container` and then `check_extent` run first; no cell is read if either finds a problem, so no grid
    is ever larger than the limits allow. Cells come back as str, float, int, bool, datetime.date/datetime or
    None; merged cells hold their value in the top-left cell only.
    """
    issues = check_container(data, filename) or check_extent(data, filename)
    if issues:
        return [], issues
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for sheet_name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            sheets.append(Sheet(sheet_name, [[None if cell == "" else cell for cell in row] for row in rows]))
    except Exception:  # calamine raises its own error types for every kind of damage
        return [], _file_issue(
            "truncated",
            f"{filename or 'The file'} could not be read as an Excel workbook: it may be damaged. "
            "Open it in Excel, save it again and upload the new copy.",
        )
    return sheets, []
