"""The monthly briefing as data: what a member reads in the email sent when a month is published.

The headline in plain words (the overview's and the pack's own words, from `measures.domain.formatting`), the
measures of concern (a significant change for the worse, a target consistently failed, or off target), and what
changed since last month (every measure better or worse than the month before, with both figures). It is made from
the overview of the month as a viewer reads it: published months only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from measures.domain.council import load_council
from measures.domain.formatting import (
    CHANGE_HEADLINE_LABEL,
    RAG_TEXT,
    VARIATION_TEXT,
    change_reading,
    format_value,
    headline_assurance,
    headline_change,
    headline_spc,
    headline_target,
)
from measures.domain.periods import long_label, previous_period
from measures.storage import publications, reads
from measures.views.overview import OverviewModel, OverviewRow, build_overview


@dataclass(frozen=True)
class ConcernLine:
    """A measure of concern: its ref, short title, area, the month's figure in words and why it is of concern (each
    reason in lower case, e.g. "off target, as at December 2022")."""

    ref: str
    title: str
    area: str
    figure: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ChangeLine:
    """A measure better or worse than last month: the figures of both months in words and what the change is."""

    ref: str
    title: str
    previous: str
    current: str
    judgement: str  # better | worse
    reading: str  # e.g. "within normal variation", "better"


@dataclass(frozen=True)
class MonthBriefing:
    """The briefing of one published month: `headline` (sentences), the measures of `concerns`, the `better` and
    `worse` changes since last month, the month's publication (`published_at`, `published_by`) and how many
    measures have a figure (`completeness`), and whether any figure it reads is a synthetic demonstration figure
    (`shows_synthetic`)."""

    period: str
    council: str
    headline: tuple[str, ...]
    concerns: tuple[ConcernLine, ...]
    better: tuple[ChangeLine, ...]
    worse: tuple[ChangeLine, ...]
    published_at: datetime | None
    published_by: str
    completeness: str
    shows_synthetic: bool = False

    @property
    def month(self) -> str:
        """The month in words, e.g. 'January 2023'."""
        return long_label(self.period)

    @property
    def previous_month(self) -> str:
        """The month before in words."""
        return long_label(previous_period(self.period))


class BriefingError(ValueError):
    """There is no briefing to make for the month asked for; the message says why in a sentence."""


def _parts(parts: list[tuple[int, str, str]]) -> str:
    said = [f"{number} {words}" for number, words, _ in parts]
    return ", ".join(said[:-1]) + f" and {said[-1]}" if len(said) > 1 else "".join(said)


def headline_sentences(model: OverviewModel) -> tuple[str, ...]:
    """Return the month's headline as sentences, from the overview's counts. Raises nothing."""
    counts = model.summary()
    failing, failing_words, _ = headline_assurance(counts)
    return (
        f"Of the {counts['measures']} measures: {_parts(headline_spc(counts))}.",
        f"{failing} {failing_words}.",
        f"{counts['off_target']} of the {counts['measures']} measures "
        f"{'is' if counts['off_target'] == 1 else 'are'} {headline_target(counts, model.off_target_earlier_months())}.",
        f"{CHANGE_HEADLINE_LABEL} {_parts(headline_change(counts))}.",
    )


def _concern(area: str, row: OverviewRow) -> ConcernLine | None:
    assessment = row.assessment
    reasons = []
    if assessment.variation == "concern":
        reasons.append(VARIATION_TEXT["concern"].lower())
    if assessment.assurance == "fail":
        reasons.append("consistently fails its target")
    if assessment.off_target:
        as_at = (
            f", as at {long_label(assessment.rag_as_of)}" if assessment.rated_earlier and assessment.rag_as_of else ""
        )
        reasons.append(RAG_TEXT["red"].lower() + as_at)
    if not reasons:
        return None
    figure = row.figures[-1].text if row.figures else format_value(row.measure, assessment.value)
    return ConcernLine(row.measure.ref, row.measure.short_title, area, figure, tuple(reasons))


def _change(row: OverviewRow) -> ChangeLine | None:
    assessment = row.assessment
    if assessment.within_target_range or assessment.judgement not in ("better", "worse"):
        return None
    return ChangeLine(
        row.measure.ref,
        row.measure.short_title,
        format_value(row.measure, assessment.previous),
        format_value(row.measure, assessment.value),
        assessment.judgement,
        change_reading(assessment.judgement, assessment.variation, assessment.significant_change),
    )


def briefing_from(
    model: OverviewModel, council: str, state: publications.MonthState | None, completeness: str
) -> MonthBriefing:
    """Return the briefing of the month `model` shows (pure). Raises BriefingError when it shows no month."""
    if model.period is None:
        raise BriefingError("There are no published figures, so there is no briefing to send.")
    concerns: list[ConcernLine] = []
    better: list[ChangeLine] = []
    worse: list[ChangeLine] = []
    for area, rows in model.groups:
        for row in rows:
            concern = _concern(f"{area.number}. {area.title}", row)
            if concern is not None:
                concerns.append(concern)
            change = _change(row)
            if change is not None:
                (better if change.judgement == "better" else worse).append(change)
    return MonthBriefing(
        period=model.period,
        council=council,
        headline=headline_sentences(model),
        concerns=tuple(concerns),
        better=tuple(better),
        worse=tuple(worse),
        published_at=state.at if state is not None else None,
        published_by=state.actor if state is not None else "",
        completeness=completeness,
        shows_synthetic=model.shows_synthetic,
    )


def build_briefing(engine: Engine, period: str) -> MonthBriefing:
    """Return the briefing of the published month `period` (YYYY-MM), read as a viewer reads it.

    Raises BriefingError when the month is not published or has no figures; sqlalchemy errors."""
    published = publications.published_months(engine)
    if period not in published or period not in reads.available_periods(engine, published):
        raise BriefingError(f"{long_label(period)} is not published, so there is no briefing to send for it.")
    model = build_overview(engine, period, visible=published)
    refs = [row.measure.ref for row in model.rows]
    completeness = publications.completeness(engine, refs, period).sentence()
    return briefing_from(model, load_council().name, publications.last_publication(engine, period), completeness)
