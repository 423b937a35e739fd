"""The monthly briefing as an email: a plain-text part and an HTML part saying the same, and the meeting pack's PDF
attached when it is small enough (otherwise a sentence says so and gives its link).

The HTML needs no images, scripts or stylesheets to be read: a few inline styles, headings, lists and links, so
that it reads the same with images off, in a text-only client or a screen reader. Every piece of text, whoever
typed it (a measure's title, a user's name, the council's name), is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from urllib.parse import quote, urlencode

from measures.views.briefing import ChangeLine, ConcernLine, MonthBriefing

ACCOUNT_PATH = "/account/briefing"
CONCERNS_MEAN = (
    "Measures showing a significant change for the worse, consistently failing their target, or off target this "
    "month (or at their latest figure, when this month has none)."
)
SYNTHETIC_SENTENCE = (
    "Some of the figures these words are read from are synthetic demonstration figures, not real data; the pack marks "
    "each one."
)


@dataclass(frozen=True)
class BriefingLinks:
    """The addresses a briefing links to, on the site as its readers reach it (`site`, e.g.
    https://measures.council.gov.uk)."""

    site: str
    period: str

    def _at(self, path: str, query: dict[str, str] | None = None) -> str:
        return self.site.rstrip("/") + path + ("?" + urlencode(query) if query else "")

    @property
    def pack(self) -> str:
        """The meeting pack as at the month."""
        return self._at("/pack", {"period": self.period})

    @property
    def pdf(self) -> str:
        """The meeting pack's PDF as at the month."""
        return self._at("/pack.pdf", {"period": self.period})

    @property
    def overview(self) -> str:
        """The overview as at the month."""
        return self._at("/", {"period": self.period})

    @property
    def account(self) -> str:
        """Where a member changes their choice."""
        return self._at(ACCOUNT_PATH)

    def measure(self, ref: str) -> str:
        """One measure's page as at the month."""
        return self._at("/measure/" + quote(ref, safe=""), {"period": self.period})


@dataclass(frozen=True)
class Attachment:
    """The pack's PDF, or why it is not attached (`pdf` None, `reason` a sentence)."""

    pdf: bytes | None
    reason: str = ""


def attachment_for(pdf: bytes, limit_bytes: int) -> Attachment:
    """Return the PDF as the attachment when it is at most `limit_bytes`, else no attachment and a sentence giving
    its size (the email then links to it)."""
    if len(pdf) <= limit_bytes:
        return Attachment(pdf)
    return Attachment(None, f"The meeting pack's PDF ({len(pdf) / (1024 * 1024):.1f} MB) is too large to attach.")


def subject(briefing: MonthBriefing, test: bool = False) -> str:
    """Return the email's subject, e.g. 'Measures that Matter: January 2023 is published (council name)'."""
    prefix = "TEST: " if test else ""
    return f"{prefix}Measures that Matter: {briefing.month} is published ({briefing.council})"


def _published_sentence(briefing: MonthBriefing) -> str:
    if briefing.published_at is None:
        return f"The figures for {briefing.month} are published."
    day = f"{briefing.published_at.day} {briefing.published_at:%B %Y}"
    return f"The figures for {briefing.month} were published on {day} by {briefing.published_by}."


def _reasons(line: ConcernLine) -> str:
    text = "; ".join(line.reasons)
    return text[:1].upper() + text[1:] + "."


def _concern_text(line: ConcernLine) -> str:
    return f"{line.ref} {line.title}: {line.figure}. {_reasons(line)}"


SIGNIFICANT = {"better": "a significant improvement", "worse": "a significant change for the worse"}


def _change_text(line: ChangeLine, previous_month: str) -> str:
    said = SIGNIFICANT.get(line.reading, line.reading)
    reading = f" ({said})" if said else ""
    return f"{line.ref} {line.title}: {line.current}, from {line.previous} in {previous_month}{reading}."


def _attachment_sentence(attachment: Attachment, links: BriefingLinks) -> str:
    if attachment.pdf is not None:
        return "The meeting pack is attached as a PDF."
    return f"{attachment.reason} The meeting pack's PDF is at {links.pdf}"


def plain_text(briefing: MonthBriefing, links: BriefingLinks, attachment: Attachment, test: bool = False) -> str:
    """Return the briefing as plain text (the part every mail client can show)."""
    lines: list[str] = []
    if test:
        lines += ["This is a test of the monthly briefing, sent by an admin.", ""]
    lines += [
        f"{briefing.council}: Measures that Matter, as at {briefing.month}",
        "",
        _published_sentence(briefing),
        briefing.completeness,
        *([SYNTHETIC_SENTENCE] if briefing.shows_synthetic else []),
        "",
        "HEADLINE",
        *briefing.headline,
        "",
        f"MEASURES OF CONCERN ({len(briefing.concerns)})",
        CONCERNS_MEAN,
    ]
    lines += [f"- {_concern_text(line)}\n  {links.measure(line.ref)}" for line in briefing.concerns] or ["None."]
    lines += ["", f"WHAT CHANGED SINCE {briefing.previous_month.upper()}"]
    for heading, changes in (("Worse", briefing.worse), ("Better", briefing.better)):
        lines.append(f"{heading} than last month ({len(changes)}):")
        lines += [f"- {_change_text(line, briefing.previous_month)}" for line in changes] or ["- None."]
    lines += [
        "",
        "Compared with last month only: a single month's change may be normal variation; the headline's SPC reading "
        "says which changes are significant.",
        "",
        f"Read the meeting pack: {links.pack}",
        _attachment_sentence(attachment, links),
        f"The overview: {links.overview}",
        "",
        f"You receive this briefing because you chose to. To stop it, or change the address: {links.account}",
    ]
    return "\n".join(lines) + "\n"


def _a(href: str, text: str) -> str:
    return f'<a href="{escape(href, quote=True)}">{escape(text)}</a>'


def html_text(briefing: MonthBriefing, links: BriefingLinks, attachment: Attachment, test: bool = False) -> str:
    """Return the briefing as HTML: the plain text's content with headings, lists and links; no images."""
    e = escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{e(subject(briefing))}</title>",
    ]
    parts.append('</head><body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5;">')
    if test:
        parts.append("<p><strong>This is a test of the monthly briefing, sent by an admin.</strong></p>")
    parts += [
        f'<h1 style="font-size: 24px;">{e(briefing.council)}: Measures that Matter, as at {e(briefing.month)}</h1>',
        f"<p>{e(_published_sentence(briefing))} {e(briefing.completeness)}</p>",
        *([f"<p><strong>{e(SYNTHETIC_SENTENCE)}</strong></p>"] if briefing.shows_synthetic else []),
        '<h2 style="font-size: 20px;">Headline</h2>',
        "<ul>" + "".join(f"<li>{e(sentence)}</li>" for sentence in briefing.headline) + "</ul>",
        f'<h2 style="font-size: 20px;">Measures of concern ({len(briefing.concerns)})</h2>',
        f"<p>{e(CONCERNS_MEAN)}</p>",
    ]
    if briefing.concerns:
        items = [
            f"<li>{_a(links.measure(line.ref), f'{line.ref} {line.title}')}: <strong>{e(line.figure)}</strong>. "
            f"{e(_reasons(line))}</li>"
            for line in briefing.concerns
        ]
        parts.append("<ul>" + "".join(items) + "</ul>")
    else:
        parts.append("<p>None.</p>")
    parts.append(f'<h2 style="font-size: 20px;">What changed since {e(briefing.previous_month)}</h2>')
    for heading, changes in (("Worse", briefing.worse), ("Better", briefing.better)):
        parts.append(f'<h3 style="font-size: 18px;">{heading} than last month ({len(changes)})</h3>')
        if changes:
            parts.append(
                "<ul>"
                + "".join(f"<li>{e(_change_text(line, briefing.previous_month))}</li>" for line in changes)
                + "</ul>"
            )
        else:
            parts.append("<p>None.</p>")
    parts += [
        "<p>Compared with last month only: a single month's change may be normal variation; the headline's SPC "
        "reading says which changes are significant.</p>",
        f"<p>{_a(links.pack, f'Read the meeting pack as at {briefing.month}')}.</p>",
    ]
    if attachment.pdf is not None:
        parts.append("<p>The meeting pack is attached as a PDF.</p>")
    else:
        parts.append(f"<p>{e(attachment.reason)} {_a(links.pdf, 'Download the meeting pack as a PDF')}.</p>")
    parts += [
        f"<p>{_a(links.overview, 'The overview of every measure')}.</p>",
        f"<p>You receive this briefing because you chose to. {_a(links.account, 'Stop it or change the address')}.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def compose(
    briefing: MonthBriefing,
    links: BriefingLinks,
    sender: str,
    to_name: str,
    to_address: str,
    attachment: Attachment,
    test: bool = False,
) -> EmailMessage:
    """Return the briefing email to one recipient: plain text and HTML alternatives, and the PDF when attached.
    Raises ValueError for a sender or recipient address that is not one plain address."""
    message = EmailMessage()
    message["Subject"] = subject(briefing, test)
    message["From"] = sender
    username, _, domain = to_address.partition("@")
    message["To"] = Address(display_name=to_name, username=username, domain=domain)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(plain_text(briefing, links, attachment, test))
    message.add_alternative(html_text(briefing, links, attachment, test), subtype="html")
    if attachment.pdf is not None:
        message.add_attachment(
            attachment.pdf,
            maintype="application",
            subtype="pdf",
            filename=f"measures-that-matter-{briefing.period}.pdf",
        )
    return message
