"""Sending the monthly briefing from the web server, in the background.

When a month is published its briefing is queued with the publication (`measures.storage.briefings`); once that
has committed, the admin's request starts a thread here and is answered at once. The thread makes the meeting
pack's PDF (the one `/pack.pdf` serves, from the same store), builds each recipient's email
(`measures.views.briefing_message`) and sends it with retries (`measures.mail.sending`), each attempt recorded in
the send log and the audit log. Nothing it holds is needed by another worker: what is owed is in the database, so a
worker that stops half-way leaves deliveries unsent, listed on the admin's briefing page to send again.

Links in the email point at `MEASURES_SITE_URL`, the address members reach the site at (never the request's Host);
unset, they point at the address the pack's printer uses (`MEASURES_PACK_BASE_URL`, else this server's own socket).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence

from sqlalchemy import Engine

from dashboard.server.data import engine as shared_engine
from dashboard.server.pdf import PdfError, pack_pdf_for, print_base_url
from measures.mail.sending import deliver
from measures.mail.settings import MailSettingsError, SmtpSettings, smtp_settings
from measures.storage import briefings
from measures.views.briefing import BriefingError, MonthBriefing, build_briefing
from measures.views.briefing_message import Attachment, BriefingLinks, attachment_for, compose

SITE_URL_VARIABLE = "MEASURES_SITE_URL"
log = logging.getLogger(__name__)


def site_url(printer_base: str | None) -> str | None:
    """Return the address the briefing's links start with: MEASURES_SITE_URL, else `printer_base`, else None."""
    configured = os.environ.get(SITE_URL_VARIABLE, "").strip()
    return configured or printer_base


def _attachment(engine: Engine, period: str, printer_base: str | None, settings: SmtpSettings) -> Attachment:
    if printer_base is None:
        return Attachment(None, "The PDF could not be made here, so it is not attached.")
    try:
        pdf = pack_pdf_for(engine, period, printer_base, "briefing")
    except PdfError as error:
        log.warning("The briefing's PDF was not made: %s %s", error, error.detail)
        return Attachment(None, "The PDF could not be made just now, so it is not attached.")
    return attachment_for(pdf, settings.pdf_limit_bytes)


def send_deliveries(
    engine: Engine,
    period: str,
    delivery_ids: Sequence[int],
    printer_base: str | None,
    site: str | None,
) -> None:
    """Send the unsent deliveries among `delivery_ids` of the briefing of `period`, each with retries and every
    attempt recorded. Leaves them waiting when no mail server is set. Logs, never raises: it runs unattended."""
    try:
        settings = smtp_settings()
        if not settings.configured:
            return
        waiting = [d for d in briefings.deliveries(engine, ids=delivery_ids) if d.state != briefings.SENT]
        owed, dropped = briefings.still_wanted(engine, waiting)
        for delivery in dropped:
            briefings.record_attempt(
                engine, delivery.id, False, "Not sent: the member no longer receives the briefing, or is disabled."
            )
        if not owed:
            return
        try:
            briefing: MonthBriefing = build_briefing(engine, period)
        except BriefingError as error:
            for delivery in owed:
                briefings.record_attempt(engine, delivery.id, False, str(error))
            return
        attachment = _attachment(engine, period, printer_base, settings)
        links = BriefingLinks(site or "", period)
        for delivery in reversed(owed):  # oldest first
            message = compose(
                briefing,
                links,
                settings.sender,
                delivery.user_name,
                delivery.address,
                attachment,
                test=delivery.kind == briefings.TEST,
            )
            deliver(engine, delivery.id, message, settings)
    except MailSettingsError as error:
        log.error("The briefing was not sent: %s", error)
    except Exception:  # a thread nobody waits for: the failure goes to the log, the deliveries stay unsent
        log.exception("Sending the briefing of %s stopped", period)


def start_sending(period: str, delivery_ids: Sequence[int]) -> threading.Thread | None:
    """Start sending `delivery_ids` of the briefing of `period` in a background thread and return it (None when
    there is nothing to send). Call inside the request that asked, after its writes have committed: the printer's
    address is read from the request's socket."""
    if not delivery_ids:
        return None
    try:
        printer_base: str | None = print_base_url()
    except PdfError:
        printer_base = None
    thread = threading.Thread(
        target=send_deliveries,
        args=(shared_engine(), period, list(delivery_ids), printer_base, site_url(printer_base)),
        name=f"briefing-{period}",
        daemon=True,
    )
    thread.start()
    return thread


def send_unsent(period: str | None = None) -> list[threading.Thread]:
    """Start sending every unsent delivery (of one month, or of all), one thread per month. Returns the threads (none
    when the send log cannot be read: the failure is logged, the deliveries stay unsent, and the caller, such as a
    publication already committed, is never failed by it)."""
    try:
        by_month: dict[str, list[int]] = {}
        for delivery in briefings.unsent(shared_engine(), period):
            by_month.setdefault(delivery.period, []).append(delivery.id)
        threads = [start_sending(month, ids) for month, ids in sorted(by_month.items())]
    except Exception:
        log.exception("The briefing of %s was not started", period or "every month")
        return []
    return [thread for thread in threads if thread is not None]
