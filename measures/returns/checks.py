"""Checks across the whole return, once every cell has been read: duplicates, months in the future, figures
far outside a measure's own history, measures that went missing, new teams and contradicting arrows."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from measures.assessment.change import arrow_contradiction, direction
from measures.domain.catalogue import Catalogue
from measures.domain.formatting import STATUS_TEXT, format_figure, format_value
from measures.domain.periods import is_period, long_label, previous_period
from measures.returns.candidates import Candidate, ParsedReturn
from measures.returns.interpret import Place, problem
from measures.returns.report import Issue
from measures.storage.recording import SERVICE, ChangePlan, ValueRow

OUTLIER_SIGMAS = 3.0  # a figure this many process sigmas beyond the recent range is questioned
OUTLIER_HISTORY = 24  # months of history considered
OUTLIER_MINIMUM = 6  # months needed before questioning anything
_MARKED_AS = {
    "tbc": "TBC (to be confirmed)",
    "new": "NEW (a new measure)",
    "na": "not applicable",
    "suppressed": "suppressed (a small number)",
}
EARLIEST_PERIOD_VARIABLE = "MEASURES_EARLIEST_PERIOD"
# The improvement programme began when full council set up the improvement board on 27 April 2021.
DEFAULT_EARLIEST_PERIOD = "2021-04"


def _same(a: Candidate, b: Candidate) -> bool:
    first, second = a.row, b.row
    return (first.status, first.numerator, first.denominator, first.value) == (
        second.status,
        second.numerator,
        second.denominator,
        second.value,
    )


def deduplicate(candidates: list[Candidate]) -> tuple[list[Candidate], list[Issue]]:
    """Return the candidates with exact repeats dropped, and an issue for every repeat (an error when the
    figures differ, a warning when they are the same)."""
    seen: dict[tuple, Candidate] = {}
    kept, issues = [], []
    for candidate in candidates:
        key = (candidate.row.ref, candidate.row.period, candidate.row.team, candidate.row.worker)
        first = seen.get(key)
        if first is None:
            seen[key] = candidate
            kept.append(candidate)
            continue
        team = candidate.row.team or "the whole service"
        if _same(first, candidate):
            issues.append(
                problem(
                    "warning",
                    "duplicate-same",
                    candidate.place,
                    f"this repeats the figure in cell {first.place.cell} for {team}",
                    "It was counted once.",
                )
            )
        else:
            issues.append(
                problem(
                    "error",
                    "duplicate-conflict",
                    candidate.place,
                    f"{team} already has a different figure for this month in cell {first.place.cell}",
                    "Keep one of the two rows and delete the other.",
                )
            )
    return kept, issues


def earliest_period() -> str:
    """Return the first month a return may report: MEASURES_EARLIEST_PERIOD if it is a month written YYYY-MM,
    else the programme's start (`earliest_period_problems` reports a setting that is not a month)."""
    setting = os.environ.get(EARLIEST_PERIOD_VARIABLE, "").strip()
    return setting if is_period(setting) else DEFAULT_EARLIEST_PERIOD


def earliest_period_problems() -> list[Issue]:
    """Return an error if MEASURES_EARLIEST_PERIOD is set but is not a month written YYYY-MM (no return is
    then imported until it is corrected), else an empty list."""
    setting = os.environ.get(EARLIEST_PERIOD_VARIABLE, "").strip()
    if not setting or is_period(setting):
        return []
    return [
        Issue(
            "error",
            "bad-setting",
            f"The server's setting {EARLIEST_PERIOD_VARIABLE} is “{setting}”, which is not a month written "
            "YYYY-MM (such as 2021-04), so the months of this return cannot be checked. Ask the administrator "
            "to correct the setting, then upload the return again.",
        )
    ]


def early_periods(dated: Sequence[Place], first_period: str) -> list[Issue]:
    """Return an error for every cell dated before `first_period` (such as December 1899, Excel's day 0)."""
    return [
        problem(
            "error",
            "too-early",
            place,
            f"{long_label(place.period)} is before {long_label(first_period)}, the first month this programme reports",
            "Check the month (a date typed as text or a blank Excel date can turn into December 1899).",
        )
        for place in dated
        if place.period < first_period
    ]


def future_periods(dated: Sequence[Place], current_period: str) -> list[Issue]:
    """Return an error for every cell dated after the current month."""
    return [
        problem(
            "error",
            "future-period",
            place,
            f"{long_label(place.period)} has not happened yet",
            "Check the month: a return reports months that have ended or are under way.",
        )
        for place in dated
        if place.period > current_period
    ]


def outliers(candidates: Sequence[Candidate], history: pd.DataFrame, catalogue: Catalogue) -> list[Issue]:
    """Return a warning for each whole-service figure far outside the measure's own recent history.

    `history` holds stored service values (ref, period, value, status). Far means more than OUTLIER_SIGMAS
    process sigmas (mean moving range / 1.128) beyond the lowest or highest of up to OUTLIER_HISTORY earlier
    months, so a steady trend is not questioned but a slipped digit is.
    """
    issues: list[Issue] = []
    if history.empty:
        return issues
    ok = history[(history["status"] == "ok") & history["value"].notna()].sort_values(["ref", "period"])
    series = {
        ref: (frame["period"].to_numpy(dtype=str), frame["value"].to_numpy(dtype=float))
        for ref, frame in ok.groupby("ref", sort=False)
    }
    for candidate in candidates:
        row = candidate.row
        if row.team != SERVICE or row.status != "ok" or row.value is None or row.ref not in series:
            continue
        periods, values = series[row.ref]
        end = int(np.searchsorted(periods, row.period, side="left"))
        earlier = values[max(0, end - OUTLIER_HISTORY) : end]
        if len(earlier) < OUTLIER_MINIMUM:
            continue
        sigma = float(np.abs(np.diff(earlier)).mean()) / 1.128
        low, high = float(earlier.min()), float(earlier.max())
        margin = OUTLIER_SIGMAS * sigma
        if sigma <= 0 or math.isnan(sigma) or low - margin <= row.value <= high + margin:
            continue
        measure = catalogue.measure(row.ref)
        issues.append(
            problem(
                "warning",
                "outlier",
                candidate.place,
                f"{format_value(measure, row.value)} is far outside this measure's recent months "
                f"({format_value(measure, low)} to {format_value(measure, high)})",
                "Check the figure; if it is right, consider adding a note to explain it.",
            )
        )
    return issues


def missing_measures(
    candidates: Sequence[Candidate], history: pd.DataFrame, catalogue: Catalogue, sheet: str
) -> list[Issue]:
    """Return one warning listing the measures reported for the month before the return's latest month (a
    figure or a status, in the return or stored) that have nothing for the latest month, neither in the return
    nor already stored; none if no measure is missing. Only whole-service rows count.

    `history` holds stored service rows (ref, period, numerator, denominator, value, status) covering both
    months."""
    service = [c.row for c in candidates if c.row.team == SERVICE and not c.row.worker]
    if not service:
        return []
    latest = max(row.period for row in service)
    month_before = previous_period(latest)
    present = {row.ref for row in service if row.period == latest}
    before: dict[str, dict] = {}
    if not history.empty:
        present |= set(history.loc[history["period"] == latest, "ref"])
        before = {record["ref"]: record for record in history[history["period"] == month_before].to_dict("records")}
    before.update({row.ref: _figure_fields(row) for row in service if row.period == month_before})
    missing = [ref for ref in catalogue.refs if ref in before and ref not in present]
    if not missing:
        return []
    listed = ", ".join(f"{ref} ({format_figure(catalogue.measure(ref), before[ref])})" for ref in missing)
    several = len(missing) > 1
    return [
        Issue(
            "warning",
            "missing-measure",
            f"{len(missing)} measure{'s' if several else ''} reported for {long_label(month_before)} "
            f"{'have' if several else 'has'} nothing for {long_label(latest)}, in this return or already stored "
            f"({long_label(month_before)} in brackets): {listed}. If a figure for {long_label(latest)} is not ready, "
            "add a row for it with Status TBC so that readers see it is expected.",
            sheet,
            "",
            "",
            latest,
        )
    ]


def _figure_fields(row: ValueRow) -> dict:
    return {"status": row.status, "numerator": row.numerator, "denominator": row.denominator, "value": row.value}


def replaced_figures(candidates: Sequence[Candidate], plan: ChangePlan, catalogue: Catalogue) -> list[Issue]:
    """Return a warning for each row that would replace a stored figure with TBC, new, not applicable or
    suppressed, naming the figure it replaces (which stays in the measure's history as a revision).

    `plan` is what writing the status rows of `candidates` would change (`recording.preview_changes`)."""
    places = {(c.row.ref, c.row.period, c.row.team, c.row.worker): c.place for c in candidates}
    issues = []
    for row, current in plan.revised:
        if row.status == "ok" or current.get("status") != "ok":
            continue
        measure = catalogue.measure(row.ref)
        figure = format_figure(measure, current)
        if figure == STATUS_TEXT["missing"]:
            continue
        place = places.get((row.ref, row.period, row.team, row.worker))
        if place is None:
            continue
        issues.append(
            problem(
                "warning",
                "replaces-figure",
                place,
                f"this marks the month as {_MARKED_AS[row.status]}, replacing the figure already stored, {figure}",
                "Readers see the month as revised, with no figure; the old figure stays in its history. If the stored "
                "figure is right, leave this cell blank (a blank cell never changes a stored figure), or, once "
                f"imported, upload {figure} again to put it back.",
            )
        )
    return issues


def new_teams(candidates: Sequence[Candidate], known: set[str]) -> list[Issue]:
    """Return one warning for each team name the database has not seen, at its first cell."""
    issues, reported = [], set()
    for candidate in candidates:
        team = candidate.row.team
        if team and team not in known and team not in reported:
            reported.add(team)
            issues.append(
                problem(
                    "warning",
                    "new-team",
                    candidate.place,
                    f"“{team}” is a team not seen before",
                    "If it is a new team, nothing to do; if it is a misspelling, correct it so its history joins up.",
                )
            )
    return issues


def contradicting_arrows(parsed: ParsedReturn, catalogue: Catalogue, history: pd.DataFrame) -> list[Issue]:
    """Return a warning for each typed Progress arrow that contradicts the change between the file's latest
    month and the month before (from the file, else from what is stored)."""
    stored = (
        {
            (record["ref"], record["period"]): ValueRow(
                record["ref"], record["period"], value=record["value"], status=record["status"]
            )
            for record in history.to_dict("records")
        }
        if not history.empty
        else {}
    )
    values = {**stored, **{(c.row.ref, c.row.period): c.row for c in parsed.candidates if c.row.team == SERVICE}}
    issues = []
    parsed_periods = {c.row.period for c in parsed.candidates}
    for ref, (typed, sheet, cell, periods) in parsed.progress.items():
        measure = catalogue.measure(ref)
        filled = [p for p in periods if (ref, p) in values and p in parsed_periods]
        if not filled:
            continue
        latest = filled[-1]
        month_before = previous_period(latest)
        current_row, previous_row = values.get((ref, latest)), values.get((ref, month_before))
        current = current_row.value if current_row is not None and current_row.status == "ok" else None
        previous = previous_row.value if previous_row is not None and previous_row.status == "ok" else None
        computed = direction(current, previous, measure.decimals)
        reason = arrow_contradiction(typed, computed, format_value(measure, previous), format_value(measure, current))
        if reason:
            place = Place(sheet, cell, ref=ref, period=latest)
            what = reason[0].lower() + reason[1:].rstrip(".")
            issues.append(
                problem(
                    "warning",
                    "arrow-contradiction",
                    place,
                    what,
                    "Arrows are computed from the figures here, so the typed one is not used.",
                )
            )
    return issues
