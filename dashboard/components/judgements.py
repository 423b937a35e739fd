"""The judgement pieces every page and the meeting pack draw: the month's figure, the change since last month,
the rating against target, the SPC variation and assurance, and the note that an SPC reading is of earlier
months. Each case has exactly one wording, and every piece carries words as well as colour.

The `*_words` functions return the words alone (plain strings, testable without Dash); the components wrap
them in spans, and the `*_cell` functions in table cells, so the overview table, the area cards, the pack and
the measure page all say the same thing about the same `Assessment`.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.palette import SYNTHETIC_MARK
from dashboard.components.reading_help import Section, section_href
from measures.assessment.model import Assessment
from measures.domain import formatting
from measures.domain.catalogue import Measure
from measures.domain.formatting import (
    ASSURANCE_TEXT,
    DERIVED_MONTHLY_TEXT,
    DIRECTION_ARROW,
    DIRECTION_TEXT,
    NO_SPC_REASON_TEXT,
    RAG_TEXT,
    READING_UP_TO,
    STATUS_EXPLANATION,
    STATUS_TEXT,
    change_reading,
    change_text,
    format_number,
    format_value,
    variation_text,
)
from measures.domain.numbers import round_half_up
from measures.domain.periods import long_label
from measures.domain.spc_wording import months_needed
from measures.views.overview import MonthFigure

# The headline's words are the domain's (the briefing says them too); the pages take them from here as before.
CHANGE_HEADLINE_LABEL = formatting.CHANGE_HEADLINE_LABEL
headline_spc = formatting.headline_spc
headline_assurance = formatting.headline_assurance
headline_change = formatting.headline_change
headline_target = formatting.headline_target

NOT_RATED = "Not rated: no figure"
NO_TARGET = "No target"
RATED = ("green", "amber", "red")
SYNTHETIC_TITLE = "Synthetic demonstration figure, not real data"


# ---------------------------------------------------------------------------------------------------------------
# The words


def figure_text(measure: Measure, status: str, value: float | None) -> str:
    """Return a month's figure in the measure's unit ('77.6%', '17'), or, when the month has no figure that
    counts, its status in words ('TBC', 'New measure', 'Not applicable', 'Suppressed (small number)',
    'No figure')."""
    if status == "ok" and value is not None:
        return format_value(measure, value)
    return STATUS_TEXT.get(status, STATUS_TEXT["missing"])


def figure_words(measure: Measure, assessment: Assessment) -> str:
    """Return the assessed month's figure, or its status in words (see `figure_text`)."""
    return figure_text(measure, assessment.status, assessment.value if assessment.has_figure else None)


def status_explanation(status: str) -> str:
    """Return what a status means in a sentence ('to be confirmed: ...'), or '' for a month with a figure."""
    return STATUS_EXPLANATION.get(status, "")


def change_arrow(assessment: Assessment) -> str:
    """Return the arrow of the change ('↑', '↓', '→'), or '' when there is nothing to compare."""
    return DIRECTION_ARROW.get(assessment.direction, "")


def change_amount(measure: Measure, assessment: Assessment) -> str | None:
    """Return how far the figure moved since last month at display precision, e.g. 'Up 0.4 points' (a
    percentage moves in points), 'Down 3' (a count or a rate), or None when it neither rose nor fell."""
    if assessment.direction not in ("up", "down"):
        return None
    now = round_half_up(assessment.value, measure.decimals)
    before = round_half_up(assessment.previous, measure.decimals)
    if now is None or before is None:
        return None
    size = abs(now - before)
    amount = format_number(float(size), measure.decimals)
    if measure.unit == "percent":
        amount += " point" if size == 1 and measure.decimals == 0 else " points"
    return f"{DIRECTION_TEXT[assessment.direction]} {amount}"


def change_words(measure: Measure, assessment: Assessment) -> str:
    """Return the change since last month in words, read beside the SPC reading:

    - 'Up 0.4 points, better' / 'Down 3, worse' only when the change goes the way a special-cause reading goes
      (`Assessment.significant_change`);
    - 'Up 0.4 points, within the target range' for a move inside a target band;
    - 'Up 0.4 points, within normal variation' when the reading is common cause;
    - 'Up 0.4 points, too few months to judge' when there are too few months for a reading;
    - 'Up 0.4 points, not significant on its own' when the reading is special cause the other way;
    - 'Up 2, neither better nor worse' for a move across a target band to the same distance from it;
    - 'Up 2' for a special-cause reading of a measure with no better or worse;
    - 'No change' and 'No comparison' when the figure did not move or there is nothing to compare.
    """
    amount = change_amount(measure, assessment)
    if amount is None:
        return change_text(assessment.direction, "none")
    verdict = "within-range" if assessment.within_target_range else assessment.judgement
    reading = change_reading(verdict, assessment.variation, assessment.significant_change)
    return f"{amount}, {reading}" if reading else amount


def rating_words(rag: str, has_target: bool, as_of: str | None = None) -> str:
    """Return the rating of a figure against target: 'On target', 'Near target' or 'Off target' when it is rated
    ('Off target, as at December 2022' when `as_of`, the month of the figure rated, is given), 'Not rated: no
    figure' when there is a target but no figure to rate, 'No target' only when there is none."""
    if not has_target:
        return NO_TARGET
    if rag not in RATED:
        return NOT_RATED
    return f"{RAG_TEXT[rag]}, as at {long_label(as_of)}" if as_of else RAG_TEXT[rag]


def target_words(assessment: Assessment) -> str:
    """Return the rating against target in the words of `rating_words`, saying the month when the rating reads an
    earlier month's figure because this month has none: 'Off target, as at December 2022' (a missing figure never
    hides a known failure), 'Near target, as at December 2022'; but an earlier month on target never reads as a
    success now: 'Not rated: no figure (on target in December 2022)'."""
    if assessment.rated_earlier and assessment.rag == "green" and assessment.rag_as_of:
        return f"{NOT_RATED} (on target in {long_label(assessment.rag_as_of)})"
    as_of = assessment.rag_as_of if assessment.rated_earlier else None
    return rating_words(assessment.rag, assessment.has_target, as_of)


def target_line(measure: Measure) -> str | None:
    """Return the target in force, e.g. 'Target: at least 90%', or None when the measure has none."""
    return f"Target: {measure.target.describe()}" if measure.target is not None else None


def variation_words(assessment: Assessment) -> str:
    """Return the SPC variation in words, e.g. 'No significant change: normal variation', 'Significant change for
    the worse', 'Unusually high, neither better nor worse' (on the high side), 'Too few months to judge yet',
    'No SPC reading'."""
    return variation_text(assessment.variation, assessment.variation_side)


def spc_basis_words(assessment: Assessment) -> str | None:
    """Return what the SPC reading is read on when that is not the figures as shown: 'SPC is read on the monthly
    figures derived from the year-to-date counts.', or, under the 'No SPC reading' badge, why there is none ('A
    rolling 12-month figure overlaps month to month, so its points are not independent.'); None otherwise."""
    if assessment.spc_on == "derived-monthly":
        return DERIVED_MONTHLY_TEXT
    if assessment.spc_on == "none":
        return NO_SPC_REASON_TEXT.get(assessment.basis, assessment.explanation)
    return None


def too_few_words(measure: Measure, assessment: Assessment) -> str | None:
    """Return how far the measure is from an SPC reading, e.g. '5 of 15 months needed' (the measure's own
    minimum), or None when there is a reading."""
    if assessment.variation != "insufficient":
        return None
    return months_needed(assessment.spc_points, measure.spc)


def reading_up_to_words(assessment: Assessment) -> str | None:
    """Return 'Reading up to December 2022' when the SPC reading is of months before the one assessed (which has
    no figure), or None when the reading includes the month or there is none."""
    month = assessment.reading_up_to
    return READING_UP_TO.format(month=long_label(month)) if month else None


def assurance_words(assessment: Assessment) -> str | None:
    """Return the SPC assurance in words ('Will consistently meet the target', ...), or None when there is none."""
    return ASSURANCE_TEXT.get(assessment.assurance) or None


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
    shown = "none" if assessment.rated_earlier and assessment.rag == "green" else assessment.rag
    return _explained(target_words(assessment), f"badge rag-{shown}", "target")


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
