"""National figures (`/admin/national`), for admins: upload LAIT's long form (CSV) or a statistical neighbour
workbook (xlsx), see every problem against its row and column or what would be added, revised and left unchanged,
then confirm. The file waits in the database between the check and the confirmation, so any app worker can import
it; it is checked again as it is imported."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from pathlib import Path

import dash
from dash import Input, Output, State, callback, dcc, html, no_update
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.components.fields import checking_preview, file_drop_zone
from dashboard.components.national_report import national_report, source_credit
from dashboard.components.notices import refusal_notice
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.callback_requests import require_text
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.neighbour_editions import NeighbourEdition, parse_edition
from measures.national.importer import import_national
from measures.national.report import NationalIssue, NationalReport
from measures.storage import audit, national, staging

dash.register_page(
    __name__,
    path="/admin/national",
    name="National figures",
    title="National figures - Measures that Matter",
    order=45,
    required_permission=users.IMPORT_NATIONAL,
)

TITLE = "Import national figures"
# The server refuses a request over UPLOAD_REQUEST_LIMIT (a file arrives base64-encoded): 10 MB holds the shipped
# extract (about 1 MB) many times over; LAIT's whole data set (about 90 MB) is loaded from the command line.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_EDITION_LENGTH = 40


def _held() -> html.P:
    editions = national.neighbour_editions(engine())
    names = ", ".join(name for _, name in editions) or "none yet"
    return html.P(f"Neighbour group editions held: {names}.", className="hint")


@single_query_values
def layout(**_query) -> html.Div:
    """The admin page to import national figures and neighbour groups."""
    refused = refusal_notice(TITLE, users.IMPORT_NATIONAL)
    if refused:
        return refused
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Load a newer release of the national comparators: LAIT's benchmarking data in long form (a CSV with "
                "the columns Short Desc, Data item, Years, LA and Regions, Values, LA Number, Region), or DfE's "
                "statistical neighbour workbook. Every row is checked before anything is saved; a revised figure, "
                "or a later release of a year, is kept beside the earlier one.",
                className="lede",
            ),
            source_credit(),
            _held(),
            html.Div(
                [
                    html.Label(
                        "Edition of the neighbour groups", htmlFor=ids.NATIONAL_EDITION, className="field-label"
                    ),
                    html.P(
                        "Only for a neighbour workbook, as a month and year, for example May 2025. Leave it blank when "
                        "the file's name gives it (sn_may_2025.xlsx).",
                        id=ids.NATIONAL_EDITION_HINT,
                        className="hint",
                    ),
                    dcc.Input(
                        id=ids.NATIONAL_EDITION,
                        type="text",
                        value="",
                        maxLength=MAX_EDITION_LENGTH,
                        className="text-input",
                        debounce=True,  # checked again when the box is left or Enter pressed, not at each key
                    ),
                ],
                className="field",
            ),
            html.P(
                ["Files you import are recorded as yours (", html.Strong(auth.current_name()), ")."],
                className="hint",
            ),
            file_drop_zone(
                ids.NATIONAL_UPLOAD,
                "CSV or Excel file",
                f".csv or .xlsx, up to {MAX_UPLOAD_BYTES // 1_048_576} MB; a larger file, such as LAIT's whole data "
                "set, is loaded with python -m measures benchmarks import",
                ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                MAX_UPLOAD_BYTES,
            ),
            dcc.Store(id=ids.NATIONAL_TOKEN),
            checking_preview(ids.NATIONAL_PREVIEW, "Reading the file and checking every row…"),
            html.Div(
                [
                    html.Button(
                        "Confirm and import", id=ids.NATIONAL_CONFIRM, className="button", n_clicks=0, disabled=True
                    )
                ],
                className="actions",
            ),
        ]
    )


def _refusal(filename: str, message: str) -> html.Div:
    return national_report(
        NationalReport(file=filename, issues=[NationalIssue("error", "unreadable", message)]), confirmed=False
    )


def _token_for(edition_checked: str) -> str:
    """A new reference for a checked file. The edition it was checked as is part of the reference (the staged
    file's key), so a confirmation imports the edition that was previewed and no other."""
    checked = parse_edition(edition_checked) if edition_checked else None
    random_part = secrets.token_urlsafe(24)
    return f"{random_part}.{checked.key}" if checked is not None else random_part


def _checked_edition(token: str) -> NeighbourEdition | None:
    _, _, key = token.partition(".")
    return parse_edition(key) if key else None


def _edition(value: str | None) -> str | None:
    text = require_text(value, "edition", allow_none=True) or ""
    return text.strip()[:MAX_EDITION_LENGTH] or None


@callback(
    Output(ids.NATIONAL_PREVIEW, "children"),
    Output(ids.NATIONAL_TOKEN, "data"),
    Output(ids.NATIONAL_CONFIRM, "disabled"),
    Input(ids.NATIONAL_UPLOAD, "contents"),
    Input(ids.NATIONAL_EDITION, "value"),
    State(ids.NATIONAL_UPLOAD, "filename"),
    prevent_initial_call=True,
)
@requires(users.IMPORT_NATIONAL)
def check_national_file(contents: str | None, edition: str | None = None, filename: str | None = None):
    """Check the dropped file without saving anything; hold it for confirmation if it has no errors. A change of the
    edition typed (once the box is left) checks the file again, so it need not be dropped a second time."""
    if not contents:
        return no_update, no_update, no_update
    require_text(contents, "file's contents")
    filename = Path(require_text(filename, "file's name", allow_none=True) or "national.csv").name
    try:
        data = base64.b64decode(contents.partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        return _refusal(filename, f"{filename} could not be received intact. Please upload it again."), None, True
    if len(data) > MAX_UPLOAD_BYTES:
        return (
            _refusal(
                filename,
                f"{filename} is larger than {MAX_UPLOAD_BYTES // 1_048_576} MB, the limit here: load it with "
                "`python -m measures benchmarks import` on the server.",
            ),
            None,
            True,
        )
    user = auth.current_name()
    report = import_national(engine(), data, filename, user=user, dry_run=True, edition=_edition(edition))
    sha256 = hashlib.sha256(data).hexdigest()
    audit.record_event(
        engine(),
        user,
        "national.checked",
        filename,
        {"sha256": sha256, "bytes": len(data), "errors": len(report.errors), "layout": report.layout},
    )
    if report.errors:
        return national_report(report, confirmed=False), None, True
    token = _token_for(report.edition)
    try:
        staging.stage_upload(engine(), token, filename, sha256, data, user)
    except staging.StagingFull as full:
        return _refusal(filename, str(full)), None, True
    return national_report(report, confirmed=False), token, False


@callback(
    Output(ids.NATIONAL_PREVIEW, "children", allow_duplicate=True),
    Output(ids.NATIONAL_CONFIRM, "disabled", allow_duplicate=True),
    Output(ids.NATIONAL_TOKEN, "data", allow_duplicate=True),
    Input(ids.NATIONAL_CONFIRM, "n_clicks"),
    State(ids.NATIONAL_TOKEN, "data"),
    State(ids.NATIONAL_EDITION, "value"),
    prevent_initial_call=True,
)
@requires(users.IMPORT_NATIONAL)
def confirm_national_file(n_clicks: int, token: str | None, edition: str | None = None):
    """Import the checked file in one transaction (checked again as it is) and say what changed."""
    if not n_clicks or not token:
        return no_update, no_update, no_update
    staged = staging.staged_upload(engine(), require_text(token, "checked file's reference"))
    if staged is not None and staged["user_name"] != auth.current_name():
        staged = None  # a file checked by someone else is not theirs to import
    if staged is None:
        message = html.P(
            "This upload has expired or was already imported. Upload the file again.",
            className="notice notice-warning",
            role="alert",
        )
        return message, True, None
    checked = _checked_edition(token)
    typed = parse_edition(_edition(edition) or "")
    if typed is not None and checked is not None and typed.key != checked.key:
        message = html.P(
            f"The file was checked as the {checked.name} edition, but the box now says {typed.name}. Nothing was "
            "imported: check the file again with the edition you mean.",
            className="notice notice-warning",
            role="alert",
        )
        return message, True, None
    report = import_national(
        engine(),
        staged["content"],
        staged["filename"],
        user=auth.current_name(),
        edition=checked.name if checked is not None else None,
    )
    if report.status == "refused":
        return national_report(report, confirmed=True), True, None
    try:
        staging.discard_staged_upload(engine(), token)
    except SQLAlchemyError as error:
        current_app.logger.warning(
            "The staged file %s was imported but not discarded: %s", staged["filename"], str(error).splitlines()[0]
        )
    return national_report(report, confirmed=True), True, None
