"""The monthly briefing, for admins (`/admin/briefing`): the mail server it is sent through, who receives it, every
briefing sent or owed with its attempts, a test sent to the admin's own address, and sending again what was not
sent (after a failure, a restart, or a month published from the command line)."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, html, no_update

from dashboard import ids
from dashboard.components.notices import refusal_notice
from dashboard.components.publication import day_text
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.briefing import send_unsent, start_sending
from dashboard.server.data import engine
from measures.accounts import briefing_choices, users
from measures.domain.periods import long_label
from measures.mail.settings import MailSettingsError, smtp_settings
from measures.storage import briefings, publications, reads

dash.register_page(
    __name__,
    path="/admin/briefing",
    name="Briefing",
    title="The monthly briefing - Measures that Matter",
    order=41,
    required_permission=users.PUBLISH,
)

TITLE = "The monthly briefing"
DELIVERIES_LISTED = 100
STATE_WORDS = {briefings.SENT: "Sent", briefings.FAILED: "Not sent", briefings.WAITING: "Waiting to be sent"}
KIND_WORDS = {briefings.PUBLICATION: "month published", briefings.TEST: "test"}


def _mail_server_set() -> bool:
    try:
        return smtp_settings().configured
    except MailSettingsError:
        return False


NOT_SENT_WITHOUT_SERVER = "No mail server is set (or its settings are wrong), so nothing is sent now:"


def _server_sentence() -> html.P:
    try:
        settings = smtp_settings()
    except MailSettingsError as error:
        return html.P(f"The mail settings are wrong, so nothing is sent: {error}", className="notice notice-error")
    if not settings.configured:
        return html.P(
            "No mail server is set (MEASURES_SMTP_HOST), so briefings are kept here, waiting, until one is; then "
            "send them with the button below.",
            className="notice notice-warning",
        )
    return html.P(
        f"Briefings are sent through {settings.host}, port {settings.port} ({settings.tls}), from {settings.sender}."
    )


def _recipients() -> html.Div:
    chosen = briefings.recipients(engine())
    if not chosen:
        return html.P("No one has chosen to receive the briefing yet: each user chooses on their Email briefing page.")
    rows = [html.Tr([html.Th(r.name, scope="row"), html.Td(r.address)]) for r in chosen]
    return html.Table(
        [
            html.Caption(f"{len(chosen)} {'person receives' if len(chosen) == 1 else 'people receive'} the briefing"),
            html.Thead(html.Tr([html.Th("Name", scope="col"), html.Th("Email address", scope="col")])),
            html.Tbody(rows),
        ],
        className="report-table",
    )


def _log_caption(shown: int) -> str:
    return "The one briefing sent or owed" if shown == 1 else f"The last {shown} briefings, newest first"


def _log() -> html.Div:
    sent = briefings.deliveries(engine())
    if not sent:
        return html.P("No briefing has been sent or queued yet.")
    rows = []
    for delivery in sent[:DELIVERIES_LISTED]:
        last = f"{day_text(delivery.last_at)} {delivery.last_at:%H:%M} UTC" if delivery.last_at else ""
        rows.append(
            html.Tr(
                [
                    html.Th(long_label(delivery.period), scope="row"),
                    html.Td(KIND_WORDS.get(delivery.kind, delivery.kind)),
                    html.Td(f"{delivery.user_name} ({delivery.address})"),
                    html.Td(STATE_WORDS[delivery.state], className=f"briefing-{delivery.state}"),
                    html.Td(str(delivery.attempts)),
                    html.Td(last),
                    html.Td(delivery.last_detail),
                ]
            )
        )
    headings = ("Month", "Why", "To", "State", "Attempts", "Last attempt", "What the mail server said")
    return html.Table(
        [
            html.Caption(_log_caption(min(len(sent), DELIVERIES_LISTED))),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headings])),
            html.Tbody(rows),
        ],
        className="report-table briefing-log",
    )


def _resend_label() -> str:
    owed = len(briefings.unsent(engine()))
    return f"Send again what was not sent ({owed})"


def layout(**_query) -> html.Div:
    """The page, for admins."""
    refused = refusal_notice(TITLE, users.PUBLISH)
    if refused:
        return refused
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "When a month is published, everyone below is sent the briefing by email: the headline, the measures "
                "of concern, what changed since last month and the meeting pack. Each person chooses on their own "
                "Email briefing page.",
                className="lede",
            ),
            _server_sentence(),
            html.Div(
                [
                    html.Button("Send me a test", id=ids.BRIEFING_TEST_BUTTON, className="button", n_clicks=0),
                    html.Button(
                        _resend_label(),
                        id=ids.BRIEFING_RESEND_BUTTON,
                        className="button button-secondary",
                        n_clicks=0,
                    ),
                ],
                className="actions",
            ),
            html.Div(id=ids.BRIEFING_STATUS, role="status"),
            html.H2("Who receives it"),
            html.Div(_recipients(), id=ids.BRIEFING_RECIPIENTS),
            html.H2("Sent and not sent"),
            # A wide table: it scrolls in its own labelled region on a narrow screen, never the page.
            html.Div(
                _log(),
                id=ids.BRIEFING_LOG,
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": "Briefings sent and not sent"},
            ),
        ],
        className="briefing-page",
    )


def _notice(text: str, kind: str) -> html.P:
    return html.P(text, className=f"notice notice-{kind}", role="alert" if kind == "error" else None)


@callback(
    Output(ids.BRIEFING_STATUS, "children"),
    Output(ids.BRIEFING_LOG, "children"),
    Input(ids.BRIEFING_TEST_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)
@requires(users.PUBLISH)
def send_test(n_clicks: int | None):
    """Send the briefing of the newest published month to the signed-in admin's own address, marked TEST."""
    if not n_clicks:
        return no_update, no_update
    if not _mail_server_set():
        return _notice(f"{NOT_SENT_WITHOUT_SERVER} set one, then send the test.", "error"), no_update
    name = auth.current_name()
    choice = briefing_choices.briefing_choice(engine(), name)
    if not choice.address:
        return _notice("Give your email address on your Email briefing page first.", "error"), no_update
    period = reads.latest_period(engine(), publications.published_months(engine()))
    if period is None:
        return _notice("No month is published yet, so there is no briefing to send.", "error"), no_update
    delivery_ids = briefings.queue(engine(), period, briefings.TEST, name, [briefings.Recipient(name, choice.address)])
    start_sending(period, delivery_ids)
    said = f"A test of the briefing of {long_label(period)} is being sent to {choice.address}; its outcome is below."
    return _notice(said, "success"), _log()


@callback(
    Output(ids.BRIEFING_STATUS, "children", allow_duplicate=True),
    Output(ids.BRIEFING_LOG, "children", allow_duplicate=True),
    Output(ids.BRIEFING_RESEND_BUTTON, "children"),
    Input(ids.BRIEFING_RESEND_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)
@requires(users.PUBLISH)
def send_again(n_clicks: int | None):
    """Send again every briefing with no successful attempt."""
    if not n_clicks:
        return no_update, no_update, no_update
    if not _mail_server_set():
        return _notice(f"{NOT_SENT_WITHOUT_SERVER} the briefings stay waiting.", "error"), _log(), _resend_label()
    owed = briefings.unsent(engine())
    if not owed:
        return _notice("Every briefing has been sent: there is nothing to send again.", "info"), _log(), _resend_label()
    briefings.note_resend(engine(), [delivery.id for delivery in owed], auth.current_name())
    send_unsent()
    said = f"{len(owed)} {'briefing is' if len(owed) == 1 else 'briefings are'} being sent again; the outcome is below."
    return _notice(said, "success"), _log(), _resend_label()
