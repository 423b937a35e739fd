"""The mail server the briefing is sent through, from the MEASURES_SMTP_* settings (see the README's table).

No mail server is set until MEASURES_SMTP_HOST is: briefings are then queued but not sent, and the admin's briefing
page says so; they can be sent from there once it is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_SENDER = "measures-that-matter@localhost"
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_PDF_LIMIT_MB = 5.0
DEFAULT_RETRY_WAITS = (5.0, 30.0)  # two more tries after the first: 5 s, then 30 s later


class MailSettingsError(ValueError):
    """A MEASURES_SMTP_* setting is not usable; the message names it and says why."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: `host` ("" when no mail server is set), `port`, `tls` (starttls, ssl or none), the
    `sender` address, optional `user` and `password`, `timeout` seconds per connection, the largest PDF to
    attach (`pdf_limit_bytes`) and the waits in seconds before each try after the first (`retry_waits`)."""

    host: str
    port: int
    tls: str
    sender: str
    user: str
    password: str
    timeout: float
    pdf_limit_bytes: int
    retry_waits: tuple[float, ...] = DEFAULT_RETRY_WAITS

    @property
    def configured(self) -> bool:
        """True when a mail server is set."""
        return bool(self.host)


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise MailSettingsError(f"{name} must be a number, not {raw!r}.") from None
    if not value > 0:
        raise MailSettingsError(f"{name} must be more than 0, not {raw!r}.")
    return value


def _waits() -> tuple[float, ...]:
    raw = os.environ.get("MEASURES_SMTP_RETRY_SECONDS", "").strip()
    if not raw:
        return DEFAULT_RETRY_WAITS
    try:
        waits = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise MailSettingsError(
            f"MEASURES_SMTP_RETRY_SECONDS must be seconds separated by commas, not {raw!r}."
        ) from None
    if len(waits) > 10 or any(not 0 <= wait <= 3600 for wait in waits):
        raise MailSettingsError("MEASURES_SMTP_RETRY_SECONDS may list at most 10 waits of 0 to 3600 seconds each.")
    return waits


def smtp_settings() -> SmtpSettings:
    """Return the mail settings from the environment. Raises MailSettingsError for a TLS mode that is not one of
    TLS_MODES, a port, timeout or PDF limit that is not a positive number, or retry waits that are not seconds."""
    tls = os.environ.get("MEASURES_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in TLS_MODES:
        raise MailSettingsError(f"MEASURES_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}.")
    port = _number("MEASURES_SMTP_PORT", DEFAULT_PORTS[tls])
    if port != int(port) or port > 65535:
        raise MailSettingsError("MEASURES_SMTP_PORT must be a port number from 1 to 65535.")
    return SmtpSettings(
        host=os.environ.get("MEASURES_SMTP_HOST", "").strip(),
        port=int(port),
        tls=tls,
        sender=os.environ.get("MEASURES_SMTP_SENDER", "").strip() or DEFAULT_SENDER,
        user=os.environ.get("MEASURES_SMTP_USER", ""),
        password=os.environ.get("MEASURES_SMTP_PASSWORD", ""),
        timeout=_number("MEASURES_SMTP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS),
        pdf_limit_bytes=int(_number("MEASURES_BRIEFING_PDF_LIMIT_MB", DEFAULT_PDF_LIMIT_MB) * 1024 * 1024),
        retry_waits=_waits(),
    )
