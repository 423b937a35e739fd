"""The judgement pieces every page and the meeting pack draw: the month's figure, the change since last month,
the rating against target, the SPC variation and assurance, and the note that an SPC reading is of earlier
months. Each case has exactly one wording, and every piece carries words as well as colour.

The `*_words` functions return the words alone (plain strings, testable without Dash; they live in
`measures.domain.formatting`, so the month's downloads say the same, and are named here for the pages); the
components wrap them in spans, and the `*_cell` functions in table cells, so the overview table, the area cards,
the pack, the measure page and the downloads all say the same thing about the same `Assessment`.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.palette import SYNTHETIC_MARK
from dashboard.components.reading_help import Section, section_href
from measures.assessment.model import Assessment
from measures.domain.catalogue import Measure
from measures.domain.formatting import (
    ASSURANCE_TEXT,
    CHANGE_HEADLINE_LABEL,
    NO_TARGET,
    NOT_RATED,
    RATED,
    assurance_words,
    change_amount,
    change_arrow,
    change_words,
    figure_text,
    figure_words,
    headline_assurance,
    headline_change,
    headline_spc,
    headline_target,
    rating_words,
    reading_up_to_words,
    shown_rag,
    spc_basis_words,
    status_explanation,
    target_line,
    target_words,
    too_few_words,
    variation_text,
    variation_words,
)
from measures.views.overview import MonthFigure

# The words live with the other wording in measures.domain.formatting, so that the downloads say what the pages
# say; every page still takes them, with the pieces, from this module.
__all__ = [
    "CHANGE_HEADLINE_LABEL",
    "NOT_RATED",
    "NO_TARGET",
    "RATED",
    "SYNTHETIC_TITLE",
    "against_target",
    "assurance",
    "assurance_line_of",
    "assurance_words",
    "change",
    "change_amount",
    "change_arrow",
    "change_cell",
    "change_class",
    "change_words",
    "figure_cell",
    "figure_text",
    "figure_words",
    "headline_assurance",
    "headline_change",
    "headline_spc",
    "headline_target",
    "rating_badge",
    "rating_words",
    "reading_up_to_words",
    "spc_basis_words",
    "status_explanation",
    "synthetic_mark",
    "target_badge",
    "target_cell",
    "target_line",
    "target_words",
    "too_few_words",
    "variation",
    "variation_badge",
    "variation_badge_of",
    "variation_cell",
    "variation_notes",
    "variation_words",
]

SYNTHETIC_TITLE = "Synthetic demonstration figure, not real data"


# ---------------------------------------------------------------------------------------------------------------
# The pieces


def synthetic_mark() -> list:
    """The mark after a synthetic figure: a dagger for the eye (its meaning on hover) and the word for a screen
    reader."""
    return [
        html.Sup(SYNTHETIC_MARK, title=SYNTHETIC_TITLE, className="synthetic-mark", **{"aria-hidden": "true"}),
        html.Span(" (synthetic)", className="visually-hidden"),
    ]


def figure_cell(figure: MonthFigure, latest: bool) -> html.Td:
    """A month's figure as a table cell: the figure or status words, the synthetic mark, and what a status means
    on hover."""
    classes = ["figure"]
    content: list = [figure.text]
    if figure.status != "ok":
        classes.append(f"status-{figure.status}")
    if figure.synthetic:
        classes.append("synthetic")
        content += synthetic_mark()
    if latest:
        classes.append("latest")
    title = status_explanation(figure.status) or figure.note
    return html.Td(content, className=" ".join(classes), title=title or None)


def change(measure: Measure, assessment: Assessment, label: str = "") -> list:
    """The change since last month: the arrow (hidden from screen readers, the words say it) and the words, after
    `label` (e.g. 'Change: ') where the context does not say what they are."""
    arrow = change_arrow(assessment)
    return [
        html.Span(arrow, className="arrow", **{"aria-hidden": "true"}) if arrow else None,
        html.Span(label + change_words(measure, assessment)),
    ]


def change_class(assessment: Assessment) -> str:
    """The class that styles a change: 'judgement-better' or 'judgement-worse' (coloured) only for a significant
    change (`Assessment.significant_change`); 'judgement-neutral' for any other move; 'judgement-none' when the
    figure did not move or cannot be compared."""
    if assessment.significant_change:
        return f"judgement-{assessment.judgement}"
    return "judgement-neutral" if assessment.direction in ("up", "down") else "judgement-none"


def change_cell(measure: Measure, assessment: Assessment) -> html.Td:
    """The change since last month as a table cell."""
    return html.Td(change(measure, assessment), className=f"change {change_class(assessment)}")


def _explained(words: str, class_name: str, section: Section) -> dcc.Link:
    """A judgement's words as a link to the section of How to read these pages that explains them."""
    return dcc.Link(
        words, href=section_href(section), className=f"{class_name} explained", title="What does this mean?"
    )


def rating_badge(rag: str, has_target: bool) -> dcc.Link:
    """A figure's rating against target as a coloured badge with its words (see `rating_words`), linked to what
    the ratings mean."""
    return _explained(rating_words(rag, has_target), f"badge rag-{rag}", "target")


def target_badge(assessment: Assessment) -> dcc.Link:
    """The month's rating against target as a badge with its words (`target_words`), linked to what the ratings
    mean, coloured by the rating except that an earlier month's "on target" is not coloured as a success."""
    return _explained(target_words(assessment), f"badge rag-{shown_rag(assessment)}", "target")


def against_target(measure: Measure, assessment: Assessment) -> list:
    """The rating against target and, when the measure has one, the target in force on its own line."""
    line = target_line(measure)
    return [target_badge(assessment), html.Span(line, className="small muted block") if line else None]


def target_cell(measure: Measure, assessment: Assessment) -> html.Td:
    """The rating against target as a table cell."""
    return html.Td(against_target(measure, assessment), className="rag")


def variation_badge(assessment: Assessment) -> dcc.Link:
    """The SPC variation as a coloured badge with its words (`variation_words`), linked to what variation means."""
    return variation_badge_of(assessment.variation, assessment.variation_side)


def variation_badge_of(variation: str, side: str | None = None) -> dcc.Link:
    """The badge of one SPC variation ('common', 'improvement', ...; special cause that is neither better nor worse
    on `side` "high" or "low"), as every page draws it."""
    return _explained(variation_text(variation, side), f"badge variation-{variation}", "variation")


def variation_notes(measure: Measure, assessment: Assessment) -> list:
    """The lines under the variation: what the reading is read on when that is not the figures shown (or why there
    is none), how many of the months needed there are, or which month the reading is up to when it is of earlier
    months."""
    notes = []
    basis = spc_basis_words(assessment)
    if basis:
        notes.append(html.Span(basis, className="small muted block spc-basis"))
    too_few = too_few_words(measure, assessment)
    if too_few:
        notes.append(html.Span(too_few, className="small muted block spc-points"))
    reading = reading_up_to_words(assessment)
    if reading:
        notes.append(html.Span(reading, className="small muted block spc-reading"))
    return notes


def assurance(assessment: Assessment) -> dcc.Link | None:
    """The SPC assurance on its own line, linked to what assurance means, or None when there is none (no target,
    or too few months)."""
    return assurance_line_of(assessment.assurance)


def assurance_line_of(assurance_kind: str) -> dcc.Link | None:
    """The line of one SPC assurance ('pass', 'fail', 'hit-or-miss'), as every page draws it; None for 'none'."""
    words = ASSURANCE_TEXT.get(assurance_kind)
    return _explained(words, "small block assurance", "assurance") if words else None


def variation(measure: Measure, assessment: Assessment) -> list:
    """The SPC reading: the variation badge, its notes, and the assurance."""
    return [variation_badge(assessment), *variation_notes(measure, assessment), assurance(assessment)]


def variation_cell(measure: Measure, assessment: Assessment) -> html.Td:
    """The SPC reading as a table cell."""
    return html.Td(variation(measure, assessment), className="spc")
