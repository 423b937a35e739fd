"""The improvement plan's pieces every page shares: a BRAG rating in words with its colour (never colour alone), the
overdue and stalled flags, the impact sentences of a completed action, and one action as a card."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from dashboard.components.judgements import synthetic_mark
from measures.domain.periods import is_period, long_label
from measures.domain.plan import Rating, brag_colour_name, brag_label
from measures.views.plan import ActionRow

OVERDUE_TEXT = "Overdue"
OVERDUE_MEANING = "The deadline has passed and the action is not completed (Blue)."
STALLED_TEXT = "Stalled"
STALLED_MEANING = "Rated Red or Amber in each of its last three monthly ratings."


def brag_text(key: str) -> str:
    """Return a rating in words, colour first: "Blue: Completed (impact to be tested)"; "Not recorded" alone."""
    label, word = brag_label(key), brag_colour_name(key)
    return label if label.startswith(word) else f"{word}: {label}"


def brag_badge(key: str, synthetic: bool = False) -> html.Span:
    """A rating as a badge: its words inside its colour (the class `brag-<key>`), and the synthetic mark after
    a synthetic demonstration rating."""
    children: list = [brag_text(key)]
    if synthetic:
        children += synthetic_mark()
    return html.Span(children, className=f"badge brag brag-{key.replace('_', '-')}")


def flags(row: ActionRow) -> list:
    """The overdue and stalled flags of an action, each a word with its meaning on hover and for screen readers."""
    found = []
    if row.overdue:
        found.append(
            html.Span(
                [OVERDUE_TEXT, html.Span(f": {OVERDUE_MEANING}", className="visually-hidden")],
                className="action-flag flag-overdue",
                title=OVERDUE_MEANING,
            )
        )
    if row.stalled:
        found.append(
            html.Span(
                [STALLED_TEXT, html.Span(f": {STALLED_MEANING}", className="visually-hidden")],
                className="action-flag flag-stalled",
                title=STALLED_MEANING,
            )
        )
    return found


def deadline_words(deadline: str, deadline_text: str) -> str:
    """Return the deadline as published, with the month it is read as when that says more: "Spring 2023 (by the
    end of May 2023)"; "No deadline" when there is none."""
    month = long_label(deadline) if is_period(deadline) else ""
    if deadline_text and month and deadline_text.strip().lower() != month.lower():
        return f"{deadline_text} (by the end of {month})"
    return deadline_text or (f"By the end of {month}" if month else "No deadline")


def rating_month_note(rating: Rating | None, as_at: str) -> str:
    """Return " (rated November 2022)" when the rating shown is of an earlier month than the one read, else ""."""
    if rating is None or rating.period == as_at:
        return ""
    return f" (rated {long_label(rating.period)})"


def progress_block(entry: Rating | None) -> html.Div:
    """The latest progress update as the officer wrote it (kept as text, line breaks kept), with its month."""
    if entry is None or not entry.progress.strip():
        return html.Div(html.P("No progress update recorded.", className="muted small"), className="action-progress")
    return html.Div(
        [
            html.P(
                [f"Progress, {long_label(entry.period)}", *(synthetic_mark() if entry.synthetic else [])],
                className="small muted action-progress-month",
            ),
            html.P(entry.progress, className="action-progress-text"),
        ],
        className="action-progress",
    )


def impact_list(row: ActionRow) -> html.Div | None:
    """The readings of a completed action's measures, one sentence each; None for an action not completed."""
    if row.completed is None:
        return None
    if not row.impacts:
        return html.Div(
            html.P(
                f"Completed in {long_label(row.completed)}; no linked measure to test its impact against.",
                className="small",
            ),
            className="action-impact",
        )
    return html.Div(
        [
            html.P("Impact since completion", className="small action-impact-heading"),
            html.Ul(
                [
                    html.Li(line.sentence, className=f"impact impact-{line.reading.kind.replace('_', '-')}")
                    for line in row.impacts
                ]
            ),
        ],
        className="action-impact",
    )


def action_card(row: ActionRow, as_at: str, heading_level: int = 3) -> html.Article:
    """One action as at `as_at`: number and wording (linking to its history), rating, flags, lead, deadline,
    linked measures, latest progress and, for a completed action, its impact."""
    action = row.action
    slug = action.number.replace(".", "-")
    query = urlencode({"period": as_at})
    heading = getattr(html, f"H{heading_level}")(
        dcc.Link(
            [html.Span(action.number, className="card-ref"), " ", action.text],
            href=f"/plan/{action.number}?{query}",
            className="card-link",
        ),
        id=f"action-{slug}-heading",
        className="action-heading",
    )
    latest = row.latest
    rating: list = [brag_badge(row.brag, latest is not None and latest.synthetic)]
    note = rating_month_note(latest, as_at)
    if note:
        rating.append(html.Span(note, className="small muted"))
    measures = (
        [
            item
            for index, measure in enumerate(row.measures)
            for item in ([", "] if index else [])
            + [dcc.Link(f"{measure.ref} {measure.short_title}", href=f"/measure/{measure.ref}?{query}")]
        ]
        if row.measures
        else ["None linked"]
    )
    details = [
        html.Dt("Rating"),
        html.Dd(rating, className="action-rating"),
        html.Dt("Lead"),
        html.Dd(action.lead or "Not named"),
        html.Dt("Deadline"),
        html.Dd(deadline_words(action.deadline, action.deadline_text)),
        html.Dt("Measures"),
        html.Dd(measures, className="action-measures"),
    ]
    if action.closed:
        details += [html.Dt("State"), html.Dd(f"Closed: {action.reason}" if action.reason else "Closed")]
    found = flags(row)
    return html.Article(
        [
            heading,
            html.P(found, className="action-flags") if found else None,
            html.Dl(details, className="action-details"),
            progress_block(row.entry),
            impact_list(row),
        ],
        id=f"action-{slug}",
        className="action-card" + (" action-overdue" if row.overdue else ""),
        **{"data-number": action.number, "aria-labelledby": f"action-{slug}-heading"},
    )
