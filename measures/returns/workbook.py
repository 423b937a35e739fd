"""Opening an uploaded workbook safely: size, format and decompression limits are checked from the file's
bytes and its zip directory before any cell is read, so a hostile file is refused in milliseconds."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from measures.returns.report import Issue

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all entries together, as declared in the zip directory
MAX_ENTRY_RATIO = 250  # an entry that inflates more than this many times its stored size is a zip bomb
_RATIO_APPLIES_ABOVE = 4 * 1024 * 1024  # small entries may compress very well; only large ones matter
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


def check_container(data: bytes, filename: str) -> list[Issue]:
    """Return the errors that make `data` unreadable as an .xlsx (empty list if it may be read).

    Checks, without inflating anything: the size limit, the file type, a truncated or damaged zip,
    password protection, and the declared inflated sizes (zip bombs).
    """
    name = filename or "the file"
    if len(data) > MAX_FILE_BYTES:
        return _file_issue(
            "file-too-large",
            f"{name} is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB. "
            "Remove pictures and unused sheets, or send the month's figures only.",
        )
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
    names = {entry.filename for entry in entries}
    if not all(required in names for required in _REQUIRED_ENTRIES):
        return _file_issue(
            "not-xlsx",
            f"{name} is a zip file but not an Excel workbook. Upload the return as an .xlsx file.",
        )
    inflated = sum(entry.file_size for entry in entries)
    suspicious = [
        entry for entry in entries
        if entry.file_size > _RATIO_APPLIES_ABOVE and entry.file_size > MAX_ENTRY_RATIO * max(entry.compress_size, 1)
    ]
    if inflated > MAX_INFLATED_BYTES or suspicious:
        return _file_issue(
            "inflates-too-far",
            f"{name} would expand to {inflated / 1_048_576:,.0f} MB when opened, far more than a monthly return "
            "needs, so it was not opened. Copy the figures into a new workbook (or the template) and upload that.",
        )
    return []


def read_sheets(data: bytes, filename: str) -> tuple[list[Sheet], list[Issue]]:
    """Return every worksheet of an .xlsx as rows of Python values, or the errors that stop it being read.

    `check_container` runs first; nothing is parsed if it finds a problem. Cells come back as str, float,
    int, bool, datetime.date/datetime or None; merged cells hold their value in the top-left cell only.
    """
    issues = check_container(data, filename)
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
