"""Upload: officers download the template, drop the month's return, see every problem against its cell, and
confirm. The file waits in the database between preview and confirmation, so any app worker can commit it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import tempfile
from pathlib import Path

import dash
from dash import Input, Output, State, callback, dcc, html, no_update
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.components.fields import checking_preview, file_drop_zone, reason_field
from dashboard.components.import_report import outcome, preview
from dashboard.components.notices import refusal_notice
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.callback_requests import require_text
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.periods import long_label, shift_period
from measures.returns import import_return
from measures.returns.report import ImportReport, Issue
from measures.returns.template import default_teams, write_template
from measures.returns.workbook import MAX_FILE_BYTES
from measures.storage import audit, catalogue_records, plan, reads, staging

dash.register_page(
    __name__,
    path="/upload",
    name="Upload a return",
    title="Upload a return - Measures that Matter",
    order=20,
    required_permission=users.UPLOAD,
)


def _next_return_period() -> str | None:
    latest = reads.latest_period(engine())
    return shift_period(latest, 1) if latest else None


@single_query_values
def layout(**_query) -> html.Div:
    """The upload page, for officers; the template offered is for the month after the latest stored."""
    refused = refusal_notice("Upload the monthly return", users.UPLOAD)
    if refused:
        return refused
    period = _next_return_period()
    template_label = f"Download the template for {long_label(period)}" if period else "Download the template"
    return html.Div(
        [
            html.H1("Upload the monthly return"),
            html.P(
                "Upload the month's figures as an Excel file: the template below, or the Measures that Matter "
                "table as you keep it for the committee. Every cell is checked before anything is saved, and "
                "every earlier figure is kept in the history.",
                className="lede",
            ),
            html.Div(
                [
                    html.Button(
                        template_label, id=ids.TEMPLATE_BUTTON, className="button button-secondary", n_clicks=0
                    ),
                    dcc.Download(id=ids.TEMPLATE_DOWNLOAD),
                ],
                className="actions",
            ),
            html.P(
                [
                    "Figures you import are recorded as yours (",
                    html.Strong(auth.current_name()),
                    "), so the history and the audit log show who changed what.",
                ],
                className="hint",
            ),
            # .xlsm is an .xlsx that may carry macros; the macros are never run, only the cells are read.
            file_drop_zone(
                ids.UPLOAD,
                "Excel file",
                f".xlsx or .xlsm, up to {MAX_FILE_BYTES // 1_048_576} MB",
                ".xlsx,.xlsm,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.ms-excel.sheet.macroEnabled.12",
                MAX_FILE_BYTES,
            ),
            dcc.Store(id=ids.STAGED_TOKEN),
            checking_preview(ids.UPLOAD_PREVIEW, "Reading the file and checking every cell…"),
            reason_field(
                ids.UPLOAD_REASON,
                "Reason for revising a published month",
                "Needed only when the return changes figures of a month already published: readers see each revised "
                "figure marked, with what was published, what it is now and this reason.",
                hint_id=ids.UPLOAD_REASON_HINT,
            ),
            html.Div(
                [
                    html.Button(
                        "Confirm and import", id=ids.CONFIRM_BUTTON, className="button", n_clicks=0, disabled=True
                    ),
                ],
                className="actions",
            ),
        ]
    )


@callback(Output(ids.TEMPLATE_DOWNLOAD, "data"), Input(ids.TEMPLATE_BUTTON, "n_clicks"), prevent_initial_call=True)
@requires(users.UPLOAD)
def download_template(n_clicks: int):
    """Send the return template for the next month to fill."""
    if not n_clicks:
        return no_update
    period = _next_return_period()
    with tempfile.TemporaryDirectory() as folder:
        path = write_template(
            catalogue_records.read_catalogue(engine()),
            Path(folder) / "return.xlsx",
            period=period,
            teams=reads.template_teams(engine()) or default_teams(),
            actions=plan.current_actions(engine()),
        )
        content = path.read_bytes()
    name = f"measures-that-matter-return-{period}.xlsx" if period else "measures-that-matter-return.xlsx"
    return dcc.send_bytes(content, name)


def _decode(contents: str) -> bytes:
    _, _, encoded = contents.partition(",")
    return base64.b64decode(encoded, validate=True)


def _refusal(filename: str, message: str) -> html.Div:
    report = ImportReport(file=filename, issues=[Issue("error", "not-xlsx", message)])
    return preview(report, catalogue_records.read_catalogue(engine()))


@callback(
    Output(ids.UPLOAD_PREVIEW, "children"),
    Output(ids.STAGED_TOKEN, "data"),
    Output(ids.CONFIRM_BUTTON, "disabled"),
    Input(ids.UPLOAD, "contents"),
    State(ids.UPLOAD, "filename"),
    prevent_initial_call=True,
)
@requires(users.UPLOAD)
def check_upload(contents: str | None, filename: str | None):
    """Check the dropped file without saving any figure; stage it for confirmation if it has no errors."""
    if not contents:
        return no_update, no_update, no_update
    require_text(contents, "file's contents")
    filename = Path(require_text(filename, "file's name", allow_none=True) or "upload.xlsx").name
    try:
        data = _decode(contents)
    except (binascii.Error, ValueError):
        return _refusal(filename, f"{filename} could not be received intact. Please upload it again."), None, True
    user = auth.current_name()
    report = import_return(engine(), data, filename=filename, user=user, dry_run=True)
    # Who sent which file is kept even when nothing is imported (a refused file is still an upload).
    audit.record_event(
        engine(),
        user,
        "return.checked",
        filename,
        {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "layout": report.layout,
        },
    )
    catalogue = catalogue_records.read_catalogue(engine())
    if report.errors:
        return preview(report, catalogue), None, True
    token = secrets.token_urlsafe(24)
    try:
        staging.stage_upload(engine(), token, filename, hashlib.sha256(data).hexdigest(), data, user)
    except staging.StagingFull as full:
        return (
            preview(ImportReport(file=filename, issues=[Issue("error", "staging-full", str(full))]), catalogue),
            None,
            True,
        )
    return preview(report, catalogue), token, False


@callback(
    Output(ids.UPLOAD_PREVIEW, "children", allow_duplicate=True),
    Output(ids.CONFIRM_BUTTON, "disabled", allow_duplicate=True),
    Output(ids.STAGED_TOKEN, "data", allow_duplicate=True),
    Input(ids.CONFIRM_BUTTON, "n_clicks"),
    State(ids.STAGED_TOKEN, "data"),
    State(ids.UPLOAD_REASON, "value"),
    prevent_initial_call=True,
)
@requires(users.UPLOAD)
def confirm_upload(n_clicks: int, token: str | None, reason: str | None = None):
    """Import the staged file in one transaction and say what changed. A refusal (a published month revised without
    a reason) keeps the checked file, so the officer can give the reason and confirm again."""
    if not n_clicks or not token:
        return no_update, no_update, no_update
    staged = staging.staged_upload(engine(), require_text(token, "checked file's reference"))
    if staged is not None and staged["user_name"] != auth.current_name():
        staged = None  # a token checked by someone else is not theirs to commit
    if staged is None:
        message = html.P(
            "This upload has expired or was already imported. Upload the file again.",
            className="notice notice-warning",
            role="alert",
        )
        return message, True, None
    report = import_return(
        engine(),
        staged["content"],
        filename=staged["filename"],
        user=auth.current_name(),
        reason=reason if isinstance(reason, str) else "",
    )
    if report.status == "refused":
        return outcome(report), False, token
    try:
        staging.discard_staged_upload(engine(), token)
    except SQLAlchemyError as error:
        # The figures are saved: say so. The staged copy left behind only allows a repeat, which changes nothing.
        current_app.logger.warning(
            "The staged upload %s was imported but not discarded: %s", staged["filename"], str(error).splitlines()[0]
        )
    return outcome(report), True, None
