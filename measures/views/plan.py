"""The improvement plan as every reader sees it: each action as at a month with its latest rating, whether it is
overdue or stalled, the measures it is meant to move and, once completed (Blue), what those measures have done
since. The plan page, the area pages and the action page all read this one model; nothing here imports Dash.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine

from measures.assessment.impact import ImpactReading, impact_since
from measures.domain.catalogue import Area, Catalogue, Measure
from measures.domain.impact_wording import impact_sentence
from measures.domain.periods import is_period, shift_period
from measures.domain.plan import (
    Action,
    Rating,
    action_sort_key,
    completed_in,
    is_overdue,
    is_stalled,
    latest_rating,
)
from measures.storage import catalogue_records, reads
from measures.storage import plan as plan_store

# The order the counts and the filter list the ratings in: the plan's key, then what is not rated.
BRAG_ORDER: tuple[str, ...] = ("green", "amber", "red", "blue", "not_yet_due", "not_recorded")
# An action with no rating up to the month reads as "not recorded".
UNRATED = "not_recorded"


@dataclass(frozen=True)
class ImpactLine:
    """One linked measure's reading since the action was completed, and the sentence every reader sees."""

    ref: str
    reading: ImpactReading
    sentence: str


@dataclass(frozen=True)
class ActionRow:
    """One action as at the month: its newest wording, its latest rating up to the month (None if never rated),
    its newest entry up to the month (`entry`: a "not recorded" entry included, for the progress text), the
    flags, the linked measures the catalogue knows and, for a completed action, the impact readings."""

    action: Action
    latest: Rating | None
    entry: Rating | None
    overdue: bool
    stalled: bool
    completed: str | None
    measures: tuple[Measure, ...]
    impacts: tuple[ImpactLine, ...]

    @property
    def brag(self) -> str:
        """The BRAG key of the latest rating, or "not_recorded" when there is none."""
        return self.latest.brag if self.latest is not None else UNRATED

    @property
    def evidenced(self) -> bool:
        """True when a linked measure shows a special-cause improvement since the action was completed."""
        return any(line.reading.kind == "improvement" for line in self.impacts)


@dataclass(frozen=True)
class PlanView:
    """The plan as at `as_at` (None when there is no month with figures or ratings to read): the open actions by
    area (`groups`), and the actions closed (taken out of the plan's monitoring), by number, apart."""

    as_at: str | None
    available_periods: tuple[str, ...]
    groups: tuple[tuple[Area, tuple[ActionRow, ...]], ...]
    closed: tuple[ActionRow, ...] = ()

    @property
    def rows(self) -> list[ActionRow]:
        """Every open action, by area then number."""
        return [row for _, rows in self.groups for row in rows]

    @property
    def shows_synthetic(self) -> bool:
        """True when any latest rating shown is a synthetic demonstration rating."""
        return any(row.latest is not None and row.latest.synthetic for row in self.rows)

    @property
    def leads(self) -> tuple[str, ...]:
        """Every lead named in the plan, once each, alphabetically."""
        return tuple(sorted({row.action.lead for row in self.rows if row.action.lead}))

    def counts(self) -> dict[str, int]:
        """Counts of the actions: one per BRAG key of BRAG_ORDER (every action in exactly one), "overdue",
        "stalled", "actions", "completed" (Blue as at the month) and "evidenced" (completed, with an improvement
        since in a linked measure)."""
        brags = Counter(row.brag for row in self.rows)
        counts = {key: brags.get(key, 0) for key in BRAG_ORDER}
        counts["overdue"] = sum(row.overdue for row in self.rows)
        counts["stalled"] = sum(row.stalled for row in self.rows)
        counts["actions"] = len(self.rows)
        counts["completed"] = sum(row.completed is not None for row in self.rows)
        counts["evidenced"] = sum(row.evidenced for row in self.rows)
        return counts


def counts_sentence(counts: Mapping[str, int]) -> str:
    """Return the plan's headline counts: "41 green, 9 amber, 3 red, 9 blue; 6 overdue", with the actions not yet
    due and those not rated added when there are any ("…, 4 not yet due, 2 not recorded; 6 overdue, 1 stalled")."""
    parts = [f"{counts.get(key, 0)} {key}" for key in ("green", "amber", "red", "blue")]
    if counts.get("not_yet_due"):
        parts.append(f"{counts['not_yet_due']} not yet due")
    if counts.get(UNRATED):
        parts.append(f"{counts[UNRATED]} not recorded")
    flags = [f"{counts.get('overdue', 0)} overdue"]
    if counts.get("stalled"):
        flags.append(f"{counts['stalled']} stalled")
    return ", ".join(parts) + "; " + ", ".join(flags)


def impact_count_sentence(counts: Mapping[str, int]) -> str:
    """Return "impact evidenced for 3 of 9 completed actions" ("… of 1 completed action"; "no completed actions
    yet" when there are none)."""
    completed = counts.get("completed", 0)
    if not completed:
        return "no completed actions yet"
    noun = "action" if completed == 1 else "actions"
    return f"impact evidenced for {counts.get('evidenced', 0)} of {completed} completed {noun}"


@dataclass(frozen=True, eq=False)
class PlanInputs:
    """What the plan view is computed from, as read from the database: the catalogue, the month, the months a
    reader may choose, every current action, the ratings up to the month (number -> month -> newest rating, only
    the visible months) and the whole-service rows of the linked measures up to the month."""

    catalogue: Catalogue
    as_at: str | None
    available_periods: tuple[str, ...]
    actions: tuple[Action, ...]
    ratings: Mapping[str, Mapping[str, Rating]]
    series: pd.DataFrame


def load_plan_inputs(
    engine: Engine, catalogue: Catalogue, period: str | None = None, visible: reads.Visible = None
) -> PlanInputs:
    """Return what `plan_view` needs as at `period` (default: the newest month with a figure or a rating that the
    reader may see), reading only the `visible` months (None: every month). Raises ValueError for a malformed
    period and sqlalchemy errors when the database cannot be read."""
    if period is not None:
        shift_period(period, 0)  # validates
    actions = tuple(plan_store.current_actions(engine))
    every_rating = plan_store.plan_ratings(engine, visible=visible)
    rated_months = {month for by_month in every_rating.values() for month in by_month}
    available = tuple(sorted(set(reads.available_periods(engine, visible)) | rated_months))
    as_at = period if period is not None else (available[-1] if available else None)
    if as_at is None:
        return PlanInputs(catalogue, None, available, actions, {}, pd.DataFrame())
    ratings = {
        number: {month: rating for month, rating in by_month.items() if month <= as_at}
        for number, by_month in every_rating.items()
    }
    known = {measure.ref for measure in catalogue.measures}
    refs = sorted({ref for action in actions for ref in action.measures if ref in known})
    series = reads.service_series(engine, refs=refs, up_to=as_at, visible=visible) if refs else pd.DataFrame()
    return PlanInputs(catalogue, as_at, available, actions, ratings, series)


def _values_by_ref(series: pd.DataFrame) -> dict[str, tuple[list[str], list[float]]]:
    """Each measure's whole-service months with a figure, oldest first: (periods, values)."""
    found: dict[str, tuple[list[str], list[float]]] = {}
    if series.empty:
        return found
    for record in series.sort_values("period").to_dict("records"):
        value = record["value"]
        if record["status"] != "ok" or value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        periods, values = found.setdefault(str(record["ref"]), ([], []))
        periods.append(str(record["period"]))
        values.append(float(value))
    return found


def action_row(
    action: Action,
    ratings: Mapping[str, Rating],
    as_at: str,
    catalogue: Catalogue,
    values: Mapping[str, tuple[list[str], list[float]]],
) -> ActionRow:
    """Return one action as at `as_at` from its ratings (month -> newest rating) and the linked measures' series
    (`values`: ref -> (periods, values), oldest first). Raises nothing for inputs `load_plan_inputs` made."""
    upto = {month: rating for month, rating in ratings.items() if month <= as_at}
    latest = latest_rating(upto, as_at)
    entry = upto[max(upto)] if upto else None
    completed = completed_in(upto, as_at)
    measures = []
    for ref in action.measures:
        try:
            measures.append(catalogue.measure(ref))
        except KeyError:
            continue
    impacts = []
    if completed is not None:
        for measure in measures:
            periods, numbers = values.get(measure.ref, ([], []))
            reading = impact_since(measure, periods, numbers, completed, as_at)
            impacts.append(ImpactLine(measure.ref, reading, impact_sentence(action.number, measure.ref, reading)))
    return ActionRow(
        action=action,
        latest=latest,
        entry=entry,
        overdue=is_overdue(action, latest, as_at),
        stalled=is_stalled(upto, as_at),
        completed=completed,
        measures=tuple(measures),
        impacts=tuple(impacts),
    )


def plan_view(inputs: PlanInputs) -> PlanView:
    """Return the plan computed from `inputs` alone (no database): every open action of a known area, grouped by
    area in catalogue order and sorted by number within it, and the closed actions apart (neither counted nor
    flagged). Raises nothing for inputs `load_plan_inputs` made."""
    if inputs.as_at is None:
        return PlanView(None, inputs.available_periods, ())
    values = _values_by_ref(inputs.series)
    by_area: dict[int, list[ActionRow]] = {}
    closed: list[ActionRow] = []
    for action in inputs.actions:
        row = action_row(action, inputs.ratings.get(action.number, {}), inputs.as_at, inputs.catalogue, values)
        if action.closed:
            closed.append(row)
        else:
            by_area.setdefault(action.area, []).append(row)
    groups = tuple(
        (area, tuple(sorted(by_area[area.number], key=lambda row: action_sort_key(row.action.number))))
        for area in inputs.catalogue.areas
        if area.number in by_area
    )
    closed.sort(key=lambda row: action_sort_key(row.action.number))
    return PlanView(inputs.as_at, inputs.available_periods, groups, tuple(closed))


def shown_month(engine: Engine, requested: str | None, visible: reads.Visible = None) -> str | None:
    """Return `requested` when it is a month with figures or ratings the reader may see (`visible`), else None (the
    pages then show the newest such month and say so): an address cannot make the plan's flags read as at a month
    nobody has reported, or a draft month, for a reader of published months. Raises sqlalchemy errors."""
    if not is_period(requested):
        return None
    return requested if requested in build_plan(engine, visible=visible).available_periods else None


def build_plan(
    engine: Engine, period: str | None = None, catalogue: Catalogue | None = None, visible: reads.Visible = None
) -> PlanView:
    """Return the plan as at `period` (default: the newest month a reader may see): `plan_view` over
    `load_plan_inputs`, reused while the data version and the catalogue are unchanged. Only the `visible` months'
    ratings and figures are read (None: all). Raises ValueError for a malformed period."""
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    return _plan_for_version(engine, reads.data_version(engine), catalogue, period, visible)


# Each worker keeps its own copies; they never disagree, because the key holds the data version read from the
# database on every request and every write to the plan advances it.
@lru_cache(maxsize=16)
def _plan_for_version(
    engine: Engine, version: str, catalogue: Catalogue, period: str | None, visible: reads.Visible
) -> PlanView:
    return plan_view(load_plan_inputs(engine, catalogue, period, visible))


def filter_plan(
    view: PlanView,
    brags: AbstractSet[str] = frozenset(),
    lead: str | None = None,
    overdue: bool = False,
    area: int | None = None,
) -> PlanView:
    """Return `view` keeping only the actions rated one of `brags` (any when empty), led by `lead` (any when None),
    overdue when `overdue`, and in `area` (any when None); areas left with no action are dropped."""

    def keep(row: ActionRow) -> bool:
        return (
            (not brags or row.brag in brags)
            and (lead is None or row.action.lead == lead)
            and (not overdue or row.overdue)
            and (area is None or row.action.area == area)
        )

    groups = tuple(
        (group_area, kept) for group_area, rows in view.groups if (kept := tuple(row for row in rows if keep(row)))
    )
    return replace(
        view, groups=groups, closed=tuple(row for row in view.closed if area is None or row.action.area == area)
    )
