"""Sending one email through the mail server, tried again with growing waits, every attempt recorded.

`deliver` sends the message of one delivery of the briefing's send log (`measures.storage.briefings`): each try
is recorded there and in the audit log, with what the server said. A refusal the server says is temporary (a 4xx
reply), a connection that fails or a timeout is tried again after the next wait (MEASURES_SMTP_RETRY_SECONDS); a
permanent refusal (a 5xx reply, such as an unknown recipient) is not, since sending the same again cannot succeed.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage

from sqlalchemy import Engine

from measures.mail.settings import SmtpSettings
from measures.storage import briefings


class SendFailure(Exception):
    """One try to send failed; `temporary` says whether trying again may succeed."""

    def __init__(self, message: str, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}".strip()


def send_once(settings: SmtpSettings, message: EmailMessage) -> str:
    """Send `message` once through the mail server of `settings`. Returns what the server said on accepting it.
    Raises SendFailure (temporary or not) for anything that stopped it."""
    if not settings.configured:
        raise SendFailure("No mail server is set (MEASURES_SMTP_HOST).", temporary=False)
    context = ssl.create_default_context()
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            client.ehlo()
            if settings.tls == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password)
            refused = client.send_message(message, from_addr=settings.sender)
            if refused:
                code, text = next(iter(refused.values()))
                raise SendFailure(_reply(code, text), temporary=400 <= code < 500)
            return f"accepted by {settings.host}:{settings.port}"
    except SendFailure:
        raise
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        raise SendFailure(_reply(code, text), temporary=400 <= code < 500) from error
    except smtplib.SMTPResponseException as error:
        raise SendFailure(_reply(error.smtp_code, error.smtp_error), temporary=400 <= error.smtp_code < 500) from error
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailure(f"{type(error).__name__}: {error}", temporary=True) from error


def deliver(
    engine: Engine,
    delivery_id: int,
    message: EmailMessage,
    settings: SmtpSettings,
    waits: Sequence[float] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Send the message of the delivery `delivery_id`, trying again after each of `waits` (default: the settings'
    `retry_waits`) while the failure is temporary; record every try (`briefings.record_attempt`). Returns True once
    the server accepted it, False when every try failed. Raises sqlalchemy errors from recording."""
    for wait in (*(settings.retry_waits if waits is None else waits), None):
        try:
            said = send_once(settings, message)
        except SendFailure as failure:
            briefings.record_attempt(engine, delivery_id, False, str(failure))
            if not failure.temporary or wait is None:
                return False
            sleep(wait)
            continue
        briefings.record_attempt(engine, delivery_id, True, said)
        return True
    return False
