"""Workbooks for the import tests, built by code: good returns in both layouts and raw broken files.

Nothing here is checked in as a file; every test writes what it needs under its tmp_path. The committee
layout rows below are copied from the published table (Children and Young People Scrutiny Committee,
28 February 2023: `/work/shared/seeds/measures-that-matter-2023-02-28.txt`).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from measures.domain.catalogue import load_catalogue
from measures.domain.periods import MONTH_ABBREVIATIONS, parse_period, short_label
from measures.returns.export import RETURN_HEADER, RETURN_SHEET

TODAY = datetime.date(2023, 2, 28)
TITLE = "Children and Families - Measures that Matter"
COMMITTEE_SHEET = "Measures that Matter"
COMMITTEE_FIXED_HEADER = ("Ref", "Measure", "good looks like", "Progress", "chart link")
FIRST_MONTH_COLUMN = len(COMMITTEE_FIXED_HEADER) + 1  # F
PROGRESS_COLUMN = "D"
BENCHMARKS_HEADER = ("ref", "year", "comparator", "value")
COMMENTARY_HEADER = ("ref", "period", "text")
PAGE = "page"  # a printed page break: the committee table repeats its title and header after it

MB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Template layout


@functools.lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    return {measure.ref: measure.title for measure in load_catalogue().measures}


def template_row(
    ref: object,
    period: object,
    numerator: object = None,
    denominator: object = None,
    value: object = None,
    status: object = None,
    team: object = None,
    note: object = None,
    measure: object = None,
) -> dict:
    """One row of the Return sheet as a dict (the measure title defaults to the catalogue's)."""
    return {
        "ref": ref,
        "measure": measure,
        "team": team,
        "period": period,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "status": status,
        "note": note,
    }


_TEMPLATE_KEYS = ("ref", "measure", "team", "period", "numerator", "denominator", "value", "status", "note")


@dataclass(frozen=True)
class Styled:
    """A cell value written with an Excel number format, e.g. Styled(0.61, "0%") shows 61%."""

    value: object
    number_format: str


def percent(value: float, number_format: str = "0%") -> Styled:
    """A number in a %-formatted cell, as Excel stores 61%: percent(0.61)."""
    return Styled(value, number_format)


def _write_cell(sheet, row: int, column: int, value: object) -> None:
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Styled):
        cell.value = value.value
        cell.number_format = value.number_format
        return
    cell.value = value
    if isinstance(value, datetime.date | datetime.datetime):
        cell.number_format = "mmm-yy"


def template_workbook(
    path: Path,
    rows: Iterable[Mapping | Sequence],
    benchmarks: Iterable[Sequence] | None = None,
    commentary: Iterable[Sequence] | None = None,
) -> Path:
    """Write a return in the template layout: sheet 'Return' with RETURN_HEADER on row 1 and `rows` from row 2.

    A row is a dict (keys as `template_row`) or a sequence in RETURN_HEADER order; None leaves a cell empty,
    a date or datetime is written as an Excel date cell. `benchmarks` rows are (ref, year, comparator, value);
    `commentary` rows are (ref, period, text). Returns `path`.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = RETURN_SHEET
    sheet.append(list(RETURN_HEADER))
    titles = _titles()
    for index, row in enumerate(rows, start=2):
        if isinstance(row, Mapping):
            values = [row.get(key) for key in _TEMPLATE_KEYS]
            if values[1] is None and isinstance(values[0], str):
                values[1] = titles.get(values[0])
        else:
            values = list(row)
        for column, value in enumerate(values, start=1):
            _write_cell(sheet, index, column, value)
    if benchmarks is not None:
        extra = workbook.create_sheet("Benchmarks")
        extra.append(list(BENCHMARKS_HEADER))
        for record in benchmarks:
            extra.append(list(record))
    if commentary is not None:
        extra = workbook.create_sheet("Commentary")
        extra.append(list(COMMENTARY_HEADER))
        for record in commentary:
            extra.append(list(record))
    workbook.save(path)
    return Path(path)


# ---------------------------------------------------------------------------------------------
# Committee layout


def area(number: str, text: str) -> dict:
    """An area heading row of the committee table: its number in Ref, its long text beside it."""
    return {"area": number, "text": text}


def measure(
    ref: str,
    title: str,
    good: str = "",
    progress: str = "",
    chart: str = "",
    cells: Sequence[object] = (),
    below: Sequence[object] | None = None,
) -> dict:
    """A measure row of the committee table; `cells` are its month cells in order (None = blank) and `below`
    the month cells of the continuation row under it (empty Ref), when the table has one."""
    return {
        "ref": ref,
        "title": title,
        "good": good,
        "progress": progress,
        "chart": chart,
        "cells": list(cells),
        "below": None if below is None else list(below),
    }


@dataclass
class CommitteeMap:
    """Where the builder put things, so tests can name the cells an issue must point at."""

    path: Path
    sheet: str
    month_columns: dict[str, str] = field(default_factory=dict)  # period -> column letter
    header_cells: dict[str, list[str]] = field(default_factory=dict)  # period -> every header cell for it
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (ref, period) -> cell of the measure row
    below: dict[tuple[str, str], str] = field(default_factory=dict)  # (ref, period) -> cell of the next row
    progress: dict[str, str] = field(default_factory=dict)  # ref -> Progress cell
    ref_cells: dict[str, list[str]] = field(default_factory=dict)  # ref -> Ref cell(s) of its row(s)
    rows: dict[str, list[int]] = field(default_factory=dict)  # ref -> row number(s)


def _month_header(period: str, index: int, date_headers: bool) -> object:
    year, month = parse_period(period)
    if date_headers:
        return datetime.datetime(year, month, 1)
    # Text headers, both styles officers type: "Dec-22" and "Jan 2023".
    return short_label(period) if index % 2 == 0 else f"{MONTH_ABBREVIATIONS[month - 1]} {year}"


def committee_workbook(
    path: Path,
    months: Sequence[str],
    rows: Sequence[object],
    date_headers: bool = True,
    repeat_header: bool = True,
    merge_area_rows: bool = True,
    sheet_name: str = COMMITTEE_SHEET,
) -> CommitteeMap:
    """Write a return in the committee layout and return where everything went.

    `months` are 'YYYY-MM' periods, one column each from F. `rows` hold `area(...)`, `measure(...)` and
    PAGE (a page break: a blank row, then, if `repeat_header`, the title and header again, as printed).
    Month headers are Excel dates formatted 'mmm-yy' (`date_headers`) or text ('Dec-22' / 'Jan 2023').
    Area texts are merged across the table when `merge_area_rows`.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    last_column = get_column_letter(FIRST_MONTH_COLUMN + len(months) - 1)
    layout = CommitteeMap(path=Path(path), sheet=sheet_name)
    for offset, period in enumerate(months):
        layout.month_columns[period] = get_column_letter(FIRST_MONTH_COLUMN + offset)
        layout.header_cells[period] = []
    row = 1

    def header(title_column: int) -> None:
        nonlocal row
        sheet.cell(row=row, column=title_column, value=TITLE)
        row += 1
        for column, text in enumerate(COMMITTEE_FIXED_HEADER, start=1):
            sheet.cell(row=row, column=column, value=text)
        for offset, period in enumerate(months):
            cell = sheet.cell(
                row=row, column=FIRST_MONTH_COLUMN + offset, value=_month_header(period, offset, date_headers)
            )
            if date_headers:
                cell.number_format = "mmm-yy"
            layout.header_cells[period].append(cell.coordinate)
        row += 1

    def month_cells(values: Sequence[object], ref: str, target: dict[tuple[str, str], str]) -> None:
        for offset, period in enumerate(months):
            value = values[offset] if offset < len(values) else None
            coordinate = f"{layout.month_columns[period]}{row}"
            target[(ref, period)] = coordinate
            if isinstance(value, Styled):
                sheet[coordinate].value = value.value
                sheet[coordinate].number_format = value.number_format
            elif value is not None:
                cell = sheet[coordinate]
                cell.value = value
                if isinstance(value, float):
                    cell.number_format = "0.0"

    header(1)
    for item in rows:
        if item == PAGE:
            row += 1
            if repeat_header:
                header(3)  # the repeated title sits in column C, as in the published table
            continue
        if "area" in item:
            sheet.cell(row=row, column=1, value=item["area"])
            sheet.cell(row=row, column=2, value=item["text"])
            if merge_area_rows:
                sheet.merge_cells(f"B{row}:{last_column}{row}")
            row += 1
            continue
        ref = item["ref"]
        for column, value in enumerate((ref, item["title"], item["good"], item["progress"], item["chart"]), 1):
            if value:
                sheet.cell(row=row, column=column, value=value)
        layout.progress[ref] = f"{PROGRESS_COLUMN}{row}"
        layout.ref_cells.setdefault(ref, []).append(f"A{row}")
        layout.rows.setdefault(ref, []).append(row)
        month_cells(item["cells"], ref, layout.cells)
        row += 1
        if item["below"] is not None:
            month_cells(item["below"], ref, layout.below)
            row += 1
    workbook.save(path)
    return layout


# The published table of 28 February 2023, row for row (PDF artefacts such as page numbers left out).
PUBLISHED_MONTHS = ("2022-12", "2023-01", "2023-02", "2023-03")
HIGHER = "Higher is better"
LOWER = "Lower is better"
PUBLISHED_ROWS: tuple[object, ...] = (
    area(
        "1",
        "Corporate responsibility - the help and protection of children and those in care and care leavers, "
        "so this is prioritised and embedded across the council and partnerships.",
    ),
    measure(
        "1.1",
        "Number and % of care experienced young people aged 19 – 21 in education, employment and training",
        HIGHER,
        "↓",
        "chart 1.1",
        ["42/108 39%", "44/109 40%"],
    ),
    measure(
        "1.2",
        "Number and % of Early Help assessments completed by services other than the Herefordshire "
        "Council Early Help Team",
        HIGHER,
        "↓",
        "chart 1.2",
        ["89/146 61%", "35/62 56%"],
    ),
    area(
        "2",
        "Workforce - The sufficiency and stability of staff, including sufficient numbers of foster carers, "
        "so children receive a timely response to having their needs identified and met across the service.",
    ),
    measure(
        "2.1",
        "% of the established workforce that is permanent (established posts currently set at 284.96 FTE.)",
        HIGHER,
        "↑",
        "chart 2.1",
        ["59%", "60%"],
    ),
    measure(
        "2.2",
        "Average social worker allocation (excluding Newly Qualified Social Workers)",
        LOWER,
        "ok",
        "chart 2.2",
        [17.0, 17.2],
    ),
    measure("2.3", "Number of social workers more than than 24 children allocated", LOWER, "↑", "chart 2.3", [10, 12]),
    measure("2.4", "Number of in-house foster care households", HIGHER, "", "", [100, 100]),
    measure("2.5", "Number of in-house foster care placements offered", "", "", "", [193, 193]),
    measure("2.6", "% of available in-house fostering capacity utilised.", HIGHER, "", "", ["TBC", "TBC"]),
    PAGE,
    area(
        "3",
        "Timeliness - The timely and robust identification and multi-agency response to children and young "
        "people who are at risk of harm, including, but not limited to, the response to pre-birth children "
        "and babies, 16- and 17-year-olds who present as homeless, children living in private fostering "
        "arrangements and children who go missing from home and care.",
    ),
    measure(
        "3.1",
        "Number and % of child and family assessments completed within timescales",
        HIGHER,
        "↑",
        "chart 3.1",
        ["198 (291)", "236 (304)"],
        ["69.0%", "78%"],
    ),
    measure(
        "3.2",
        "Number and % of strategy meetings created and completed in timescale",
        HIGHER,
        "↑",
        "chart 3.2",
        ["92/96", "173/178"],
        ["96%", "97%"],
    ),
    measure(
        "3.3",
        "Number and % of Initial Child Protection Conferences convened within 15 days (of the strategy "
        "discussion at which the need for child protection enquiries was agreed)",
        HIGHER,
        "↑",
        "chart 3.3",
        ["11/18", "24/37"],
        ["61.0%", "65%"],
    ),
    measure(
        "3.4",
        "Number and % of return interviews which took place within 72 hours of the missing episode ending",
        HIGHER,
        "",
        "chart 3.4",
        ["TBC", "TBC"],
        ["TBC", "TBC"],
    ),
    PAGE,
    area(
        "4",
        "Quality of practice - including assessments, plans, planning and purposeful visits that are "
        "responsive to risk and need.",
    ),
    measure("4.1", "Number of Audits completed", "", "↓", "", [33, 31]),
    measure(
        "4.2",
        "Number and % of audit grades at inadequate (post moderation)",
        LOWER,
        "",
        "chart 4.2",
        [16, 16],
        ["48%", "52%"],
    ),
    measure(
        "4.3",
        "Number and % of audit grades at requires improvement (post moderation)",
        LOWER,
        "↑",
        "chart 4.2",
        [14, 10],
        ["42%", "32%"],
    ),
    measure(
        "4.4", "Number and % of audit grades at good (post moderation)", HIGHER, "↓", "chart 4.2", [3, 5], ["9%", "16%"]
    ),
    measure(
        "4.5",
        "Number and % of audit grades at outstanding (post moderation)",
        HIGHER,
        "",
        "chart 4.2",
        [0, 0],
        ["0%", "0%"],
    ),
    area("5", "Effective multi-agency arrangements to ensure children are protected and enter care when required."),
    measure("5.1", "Number of Family Group Conferences (FGC) (when established)", HIGHER, "", "", [1, 1]),
    area(
        "6",
        "Urgency - Monitoring to prevent drift and delay. This includes the monitoring and tracking of "
        "children in the public law Outline (PLO), permanence planning, children subject to deprivation of "
        "liberty orders and those placed in unregistered children's homes.",
    ),
    PAGE,
    measure(
        "6.1",
        "Number and % of children for whom PLO pre-proceedings were completed within 16 weeks (Rolling Year)",
        HIGHER,
        "",
        "",
        [9, 5],
        ["33%", "33%"],
    ),
    measure(
        "6.2",
        "Number of children in unregistered provision, including where the Corporate Director's "
        "oversight and decision is recorded on the child's record",
        "",
        "",
        "",
        [2, 2],
    ),
    measure(
        "6.3",
        "Number of children subject to Deprivation of Liberty (DoL), including the % of these children "
        "where DoL has been in place for 6 months or more",
        LOWER,
        "",
        "",
        [None, 6],
        [None, "33%"],
    ),
    PAGE,
    area(
        "7",
        "The availability of support and services to meet children and young people’s needs, including "
        "timely access to therapeutic interventions, access to dentistry, life-story work, emotional and "
        "mental health support, help for young people to support transitions into independence and "
        "sufficient suitable accommodation.",
    ),
    measure(
        "7.1",
        "Number and % of children in care with an up-to-date initial health assessment",
        HIGHER,
        "↑",
        "chart 7.1",
        ["76/130 58%", "41/63 65%"],
    ),
    measure(
        "7.2",
        "Number and % of children in care with an up-to-date dental check",
        HIGHER,
        "↑",
        "chart 7.2",
        ["35/76 46%", "17/41 41%"],
    ),
    measure(
        "7.3",
        "number and % of children in care for 6 months or longer who have a life-story book",
        HIGHER,
        "",
        "",
        ["TBC TBC", "TBC TBC"],
    ),
    measure(
        "7.4",
        "number and % of care leavers aged 19 -21 who live in suitable accommodation",
        HIGHER,
        "",
        "chart 7.4",
        ["83/108 77%", "84/109 77%"],
    ),
    area(
        "8",
        "Management - oversight and grip across the service to include clear structures and service "
        "pathways, and regular and effective supervision.",
    ),
    measure(
        "8.1",
        "Number and % of allocated children who have an up-to-date (within the past month) supervision "
        "completed on their record",
        HIGHER,
        "↓",
        "chart 8.1",
        [None, "627 out of 987 63.5%"],
    ),
    PAGE,
    measure(
        "8.2",
        "Number and % of concerns raised and were resolved at stage one of the Dispute Resolution Protocol",
        HIGHER,
        "",
        "",
        ["3/4", "3/4"],
        ["75%", "75%"],
    ),
    measure(
        "8.3", "The number of unallocated cases in the service without SW allocation", LOWER, "", "chart 8.3", [24, 14]
    ),
    PAGE,
    area("9", "Performance and QA - arrangements to support and test service improvements."),
    measure(
        "9.1",
        "Number and % of children's file audits completed by Managers, Child Protection Conference "
        "Chairs and Independent Reviewing Officers",
        HIGHER,
        "↑",
        "chart 9.1",
        ["21/50 42%", "31/48 65%"],
    ),
    measure(
        "9.2",
        "Number and % of completed children's file audits moderated by senior leaders (DLT members)",
        HIGHER,
        "↓",
        "chart 9.2",
        ["10 48%", "13 42%"],
    ),
    measure(
        "9.3",
        "Number of outstanding priority actions on the audit tracker following an inadequate audit "
        "outcome where concerns were escalated about the likelihood of significant harm",
        LOWER,
        "",
        "",
        ["TBC", "TBC"],
    ),
    area(
        "10", "Services to support children and young people with Special Educational Needs and or a Disability (SEND)"
    ),
    measure(
        "10.1",
        "AUDIT OF EHC PLANS: Percentage of EHC Plans issued within the period that were deemed to meet "
        "the required standard following audit.",
        LOWER,
        "",
        "",
        ["NEW MEASURE", "TBC"],
    ),
    measure(
        "10.2",
        "TIMELINESS OF FINAL EHC PLANS: Percentage of Final EHCPs issued by the LA within 20 weeks as a "
        "proportion of all EHCP's issued in the year.",
        HIGHER,
        "",
        "",
        ["71.4%", "TBC"],
    ),
    measure(
        "10.3",
        "TIMELINESS OF DRAFT EHC PLANS: Percentage of Draft EHCPs issued by the LA within 16 weeks as a "
        "proportion of all EHCP's issued in the year.",
        "",
        "",
        "",
        ["90.8%", "TBC"],
    ),
    measure(
        "10.4",
        "PHASE TRANSFER – PRIMARY: Percentage of children with a EHCP in Yr6 who had their annual "
        "review completed and EHCP issued in time for primary Admission round allocations",
        HIGHER,
        "",
        "",
        ["11.3%", "TBC"],
    ),
    measure(
        "10.5",
        "PHASE TRANSFER – SECONDARY: Percentage of children with a EHCP in Yr11 who had their annual "
        "review completed and EHCP issued within timescale for secondary Admission",
        "",
        "",
        "",
        ["0.0%", "TBC"],
    ),
    PAGE,
    measure(
        "10.6",
        "TIMELINESS - HEALTH ADVICE: Percentage of newly issued EHC Plans where Health Care advice was "
        "received within deadline.",
        HIGHER,
        "",
        "",
        ["88.6%", "TBC"],
    ),
    measure(
        "10.7",
        "TIMELINESS - SOCIAL CARE ADVICE: Percentage of newly issued EHC Plans where Social Care advice "
        "was received within deadline.",
        "",
        "",
        "",
        ["83.1%", "TBC"],
    ),
)


def published_committee_workbook(path: Path, **options: bool) -> CommitteeMap:
    """Write the whole published table (refs 1.1-10.7; Dec-22 and Jan-23 as published, Feb-23 and Mar-23 empty,
    Progress arrows as typed). `options` go to `committee_workbook` (date_headers, repeat_header, ...)."""
    return committee_workbook(path, PUBLISHED_MONTHS, PUBLISHED_ROWS, **options)


# ---------------------------------------------------------------------------------------------
# Raw and broken files


def not_xlsx(path: Path) -> Path:
    """CSV text saved under an .xlsx name."""
    Path(path).write_text(
        "Ref,Period,Numerator,Denominator,Value\n3.1,2023-02,236,304,\n2.1,2023-02,,,61\n", encoding="utf-8"
    )
    return Path(path)


def small_valid_xlsx(path: Path) -> Path:
    """A real template return with a few figures (the base of the damaged files below)."""
    rows = [
        template_row(ref, "2023-02", value=value)
        for ref, value in (("2.1", 61), ("2.2", 17.4), ("2.3", 11), ("2.4", 101), ("4.1", 30), ("8.3", 12))
    ]
    rows.append(template_row("3.1", "2023-02", 236, 304))
    return template_workbook(path, rows)


def truncated_xlsx(path: Path) -> Path:
    """A valid workbook cut to half its bytes (an upload or save that stopped part way)."""
    small_valid_xlsx(path)
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    return Path(path)


CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _cfb(stream_name: str) -> bytes:
    header = CFB_MAGIC + bytes(512 - len(CFB_MAGIC))
    directory_entry = stream_name.encode("utf-16-le") + bytes(128 - 2 * len(stream_name))
    return header + bytes(512) + directory_entry + bytes(2048)


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file holding an 'EncryptedPackage'."""
    Path(path).write_bytes(_cfb("EncryptedPackage"))
    return Path(path)


def legacy_xls(path: Path) -> Path:
    """An old Excel 97-2003 .xls: an OLE compound file (stream 'Workbook'), no EncryptedPackage."""
    Path(path).write_bytes(_cfb("Workbook"))
    return Path(path)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Return" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
ZIP_BOMB_INFLATED = 400 * MB


def zip_bomb(path: Path, inflated: int = ZIP_BOMB_INFLATED) -> Path:
    """An .xlsx-shaped zip whose xl/worksheets/sheet1.xml really inflates to `inflated` bytes (~400 MB) of
    repeated whitespace inside a valid sheet, stored in a file of a few hundred KB. Takes a few seconds:
    build it once per session."""
    chunk = b" " * (4 * MB)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            entry.write(
                b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for _ in range(inflated // len(chunk)):
                entry.write(chunk)
            entry.write(b"</sheetData></worksheet>")
    return Path(path)


def oversized_xlsx(path: Path, extra_bytes: int = 11 * MB) -> Path:
    """A valid workbook over 10 MB: an incompressible (seeded random) 11 MB extra entry, as a large picture."""
    small_valid_xlsx(path)
    noise = random.Random(0).randbytes(extra_bytes)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/image1.png", noise)
    return Path(path)


def no_header_xlsx(path: Path) -> Path:
    """A workbook with figures but no recognisable header row in any sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for record in (("Monthly figures for February",), (), ("assessments", 236, 304), ("permanent staff", 61)):
        sheet.append(list(record))
    workbook.save(path)
    return Path(path)


def save_formula_results(path: Path, results: Mapping[str, str], sheet_part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Give formulas the saved results Excel would have written (openpyxl writes none): `results` maps a cell
    such as 'G3' to the text of its saved value. Returns `path`."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = parts[sheet_part].decode("utf-8")
    for cell, result in results.items():
        start = xml.index(f'<c r="{cell}"')
        end = xml.index("</c>", start)
        element = xml[start:end].replace("<v />", f"<v>{result}</v>").replace("<v/>", f"<v>{result}</v>")
        xml = xml[:start] + element + xml[end:]
    parts[sheet_part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return Path(path)


def number_in_sheet(path: Path, cell: str, text: str, sheet_part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Write `text` as the raw stored number of a numeric cell (e.g. 'INF' or '1e308', which no spreadsheet
    program lets anyone type but a file can hold). The cell must already hold a number. Returns `path`."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = parts[sheet_part].decode("utf-8")
    start = xml.index(f'<c r="{cell}"')
    value_start = xml.index("<v>", start) + 3
    value_end = xml.index("</v>", value_start)
    parts[sheet_part] = (xml[:value_start] + text + xml[value_end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return Path(path)


def replace_cell_xml(path: Path, cell: str, xml: str, sheet_part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Replace one cell's element in the sheet XML with `xml` (written as Excel writes it: an error result
    '<c r="G3" t="e"><f>1/0</f><v>#DIV/0!</v></c>', a shared formula, ...). The cell must exist. Returns `path`."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    text = parts[sheet_part].decode("utf-8")
    start = text.index(f'<c r="{cell}"')
    opening_end = text.index(">", start)
    end = opening_end + 1 if text[opening_end - 1] == "/" else text.index("</c>", start) + len("</c>")
    parts[sheet_part] = (text[:start] + xml + text[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return Path(path)


# ---------------------------------------------------------------------------------------------
# Checking helpers


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def database_file(engine) -> Path:
    """The SQLite file behind `engine`."""
    return Path(engine.url.database)


def issues_with(report, code: str) -> list:
    """The issues of `report` with this code."""
    return [issue for issue in report.issues if issue.code == code]


def describe(report) -> str:
    """The report's status and issues, one per line, for assertion messages."""
    lines = [f"status={report.status} layout={report.layout} periods={report.periods} counts={report.counts}"]
    lines += [
        f"  {i.severity} {i.code} {i.sheet}!{i.cell} ref={i.ref} period={i.period}: {i.message}" for i in report.issues
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The Actions sheet (the improvement plan's BRAG ratings for the return's month)

ACTIONS_HEADER = ("Action", "Wording", "Lead", "Deadline", "BRAG", "Progress")
# The plan's own table, as the committee pack prints it: the number starts the Action cell, BRAG comes last.
PLAN_TABLE_HEADER = ("Action", "Lead", "Deadline", "Progress", "BRAG")


def add_actions_sheet(
    path: Path, rows: Iterable[Sequence[object]], header: Sequence[str] = ACTIONS_HEADER, name: str = "Actions"
) -> Path:
    """Add a sheet `name` to the workbook at `path`: `header` on row 1 and `rows` (in the header's column order,
    None for an empty cell) from row 2. Returns `path`."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.create_sheet(name)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return Path(path)


def action_row(number: object, brag: object = None, progress: object = None, wording: object = None) -> tuple:
    """One row of the template's Actions sheet (Action, Wording, Lead, Deadline, BRAG, Progress)."""
    return (number, wording, None, None, brag, progress)
