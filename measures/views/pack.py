"""The meeting pack as at a month, as data: every measure's assessment (the overview), the improvement plan's
actions as at the month, the month's commentary on each measure, the month's sign-off (published when and by
whom, completeness, revisions since), the measures of concern and the actions of concern. The pack page lays it
out; nothing here imports Dash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from measures.domain.formatting import ASSURANCE_TEXT, RAG_TEXT, VARIATION_TEXT
from measures.domain.periods import long_label
from measures.storage import plan as plan_store
from measures.storage import publications, reads
from measures.storage.publications import Completeness, MonthState, Revision
from measures.views.measure_model import CommentaryEntry
from measures.views.overview import OverviewModel, OverviewRow, build_overview
from measures.views.plan import ActionRow, PlanView, build_plan


@dataclass(frozen=True)
class Concern:
    """A measure of concern as at the month, with why, in words, most serious first."""

    row: OverviewRow
    reasons: tuple[str, ...]


def concern_reasons(row: OverviewRow) -> tuple[str, ...]:
    """Return why a measure is of concern as at its month, in words: a significant change for the worse (SPC), off
    target (naming the month of the figure rated when the month has none), a target it will consistently miss
    (SPC assurance); empty when it is of no concern. Raises nothing."""
    assessment = row.assessment
    reasons = []
    if assessment.variation == "concern":
        reasons.append(VARIATION_TEXT["concern"])
    if assessment.off_target:
        as_at = (
            f", as at {long_label(assessment.rag_as_of)}" if assessment.rated_earlier and assessment.rag_as_of else ""
        )
        reasons.append(RAG_TEXT["red"] + as_at)
    if assessment.assurance == "fail":
        reasons.append(ASSURANCE_TEXT["fail"])
    return tuple(reasons)


def month_commentary(frame: pd.DataFrame, period: str) -> dict[str, CommentaryEntry]:
    """Return the latest commentary on `period` of each measure (later entries supersede earlier ones; blank text
    is none), from a frame of `reads.month_commentary_frame`, oldest first. Raises nothing."""
    latest: dict[str, CommentaryEntry] = {}
    for record in frame.to_dict("records"):
        text = str(record["text"] or "").strip()
        if record["period"] == period and text:
            latest[str(record["ref"])] = CommentaryEntry(
                period, text, str(record.get("author") or ""), record.get("created_at")
            )
    return latest


@dataclass(frozen=True)
class PackModel:
    """The pack as at `overview.period`: `plan` is the improvement plan as at the same month, `commentary` the
    month's latest commentary by measure ref, `publication` the month's sign-off (None when never published or
    there is no month), `completeness` which measures have a figure for it, `revisions` the figures revised
    since it was published, by ref, and `ratings_revised` the actions whose rating of the month changed since."""

    overview: OverviewModel
    plan: PlanView
    commentary: Mapping[str, CommentaryEntry]
    publication: MonthState | None
    completeness: Completeness | None
    revisions: tuple[Revision, ...]
    ratings_revised: tuple[str, ...] = ()  # actions whose rating of the month changed after its publication

    def concerns(self) -> tuple[Concern, ...]:
        """Every measure of concern (`concern_reasons`), in catalogue order."""
        found = ((row, concern_reasons(row)) for row in self.overview.rows)
        return tuple(Concern(row, reasons) for row, reasons in found if reasons)

    def actions_of_concern(self) -> tuple[ActionRow, ...]:
        """Every open action that is overdue or rated Red as at the month, by area then number."""
        return tuple(row for row in self.plan.rows if row.overdue or row.brag == "red")

    def actions_in(self, area: int) -> tuple[ActionRow, ...]:
        """The open actions of improvement area `area`, by number (none when the plan has none there)."""
        return next((rows for group_area, rows in self.plan.groups if group_area.number == area), ())


def build_pack(engine: Engine, period: str | None = None, visible: reads.Visible = None) -> PackModel:
    """Return the pack as at `period` (default: the newest month with figures among the `visible` months; None:
    every month). Only the `visible` months' figures, ratings and commentary are read. Raises ValueError for a
    malformed period."""
    overview = build_overview(engine, period=period, visible=visible)
    as_at = overview.period
    plan = build_plan(engine, period=as_at, visible=visible)
    if as_at is None:
        return PackModel(overview, plan, {}, None, None, ())
    state = publications.month_state(engine, as_at)
    refs = [row.measure.ref for row in overview.rows]
    revisions = publications.revised_figures(engine, [as_at]) if state.published else {}
    order = {ref: index for index, ref in enumerate(refs)}  # catalogue order: 2.1 before 10.1
    return PackModel(
        overview=overview,
        plan=plan,
        commentary=month_commentary(reads.month_commentary_frame(engine, as_at, visible), as_at),
        publication=state if state.published else None,
        completeness=publications.completeness(engine, refs, as_at),
        revisions=tuple(sorted(revisions.values(), key=lambda revision: order.get(revision.ref, len(order)))),
        ratings_revised=tuple(plan_store.ratings_changed_since(engine, as_at, state.at))
        if state.published and state.at is not None
        else (),
    )
