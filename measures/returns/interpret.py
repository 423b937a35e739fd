"""Turning a typed figure into a stored value for a measure, with every problem explained in the words an
officer would use: which sheet, which cell, which measure, which month, what is wrong and what to do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from measures.domain.catalogue import Measure
from measures.domain.formatting import format_number
from measures.domain.periods import long_label
from measures.returns.cells import Figure
from measures.returns.report import Issue, Severity
from measures.storage.recording import ValueRow

STATUS_WORDS = {"tbc": "TBC", "new": "NEW", "na": "not applicable", "suppressed": "suppressed (small number)"}
PERCENT_TOLERANCE = 0.5  # points: a typed percentage further than this from its counts is questioned
SMALL_DENOMINATOR = 10


@dataclass(slots=True)  # not frozen: a frozen dataclass costs 5x to create, and imports make tens of thousands
class Place:
    """Where a figure came from: sheet and cell, and which measure, month and team it is for."""

    sheet: str
    cell: str
    ref: str = ""
    period: str = ""
    team: str = ""

    def describe(self, cell: str | None = None) -> str:
        """'Sheet 'Return', cell E5 (measure 3.1, February 2023, Assessment Team 1)'."""
        details = [f"measure {self.ref}" if self.ref else "", long_label(self.period) if self.period else "", self.team]
        inside = ", ".join(part for part in details if part)
        return f"Sheet ‘{self.sheet}’, cell {cell or self.cell}" + (f" ({inside})" if inside else "")


def problem(severity: Severity, code: str, place: Place, what: str, advice: str = "", cell: str | None = None) -> Issue:
    """Return an Issue whose message reads '<where>: <what is wrong>. <what to do>'."""
    detail = f"{what[0].upper()}{what[1:]}." + (f" {advice}" if advice else "")
    message = f"{place.describe(cell)}: {what}." + (f" {advice}" if advice else "")
    return Issue(severity, code, message, place.sheet, cell or place.cell, place.ref, place.period, detail)


class _RowFields(TypedDict):
    """What every ValueRow drawn from one figure shares."""

    ref: str
    period: str
    team: str
    note: str


@dataclass
class Interpreted:
    """The value a figure gives (None when blank or refused) and what was found on the way."""

    row: ValueRow | None = None
    issues: list[Issue] = field(default_factory=list)


def _plain(number: float) -> str:
    """A number as typed, without trailing zeros: 0.61, 61, 12.5."""
    return f"{round(number, 6):g}"


def _percent_text(number: float | None) -> str:
    return f"{format_number(number, 1)}%"


def interpret(
    measure: Measure, figure: Figure, place: Place, note: str = "", cells: Mapping[str, str] | None = None
) -> Interpreted:
    """Return the ValueRow a figure gives for `measure` at `place`, with its errors and warnings.

    `cells` names the cell that holds each part ('numerator', 'denominator', 'value', 'status') when they
    are not all `place.cell`, so that every message points at the cell holding the problem.
    """
    result = Interpreted()
    issues = result.issues
    where = {part: (cells or {}).get(part, place.cell) for part in ("numerator", "denominator", "value", "status")}
    base: _RowFields = {"ref": measure.ref, "period": place.period, "team": place.team, "note": note}
    if figure.status != "ok":
        if any(part is not None for part in (figure.numerator, figure.denominator, figure.percent, figure.number)):
            issues.append(
                problem(
                    "warning",
                    "ignored-cell",
                    place,
                    f"the status is {STATUS_WORDS.get(figure.status, figure.status)} but figures were also given",
                    "The figures were left out: a month marked like this has no figure.",
                    cell=where["status"],
                )
            )
        result.row = ValueRow(status=figure.status, **base)
        return result
    if figure.is_blank:
        return result
    for part, number in (
        ("numerator", figure.numerator),
        ("denominator", figure.denominator),
        ("value", figure.number),
    ):
        if number is not None and number < 0:
            issues.append(
                problem(
                    "error",
                    "negative-count",
                    place,
                    f"the {part} {_plain(number)} is below zero",
                    "Counts, averages and rates cannot be negative: check the figure.",
                    cell=where[part],
                )
            )
    if issues:
        return result
    if measure.unit == "percent":
        return _interpret_percent(measure, figure, place, base, where, result)
    value = figure.number if figure.number is not None else figure.numerator
    if value is None:
        issues.append(
            problem(
                "error",
                "not-a-number",
                place,
                f"only a percentage ({_percent_text(figure.percent)}) was given for a measure counted as a number",
                f"Enter the {measure.unit} itself (if the cell is formatted as a percentage, format it as a number).",
                cell=where["value"],
            )
        )
        return result
    if figure.percent is not None:
        base["note"] = "; ".join(filter(None, [note, f"{_percent_text(figure.percent)} stated alongside"]))
    result.row = ValueRow(value=value, **base)
    return result


def _interpret_percent(
    measure: Measure, figure: Figure, place: Place, base: _RowFields, where: dict[str, str], result: Interpreted
) -> Interpreted:
    issues = result.issues
    numerator, denominator = figure.numerator, figure.denominator
    stated = figure.percent
    if stated is None and figure.number is not None:
        stated = figure.number
        if 0 < stated < 1 and numerator is None and denominator is None:
            issues.append(
                problem(
                    "warning",
                    "percent-ambiguous",
                    place,
                    f"{_plain(stated)} could mean {_plain(stated)}% or {_plain(stated * 100)}%: it has no % sign "
                    f"and the cell is not formatted as a percentage, so it was stored as typed, {_plain(stated)}%",
                    f"If {_plain(stated * 100)}% is meant, type {_plain(stated * 100)} (or format the cell as a "
                    "percentage) and upload the return again.",
                    cell=where["value"],
                )
            )
    if numerator is not None and denominator is not None:
        if denominator == 0 and numerator == 0:
            issues.append(
                problem(
                    "warning",
                    "zero-denominator",
                    place,
                    "0 out of 0 has no percentage",
                    "The counts were kept and no percentage is shown for this month.",
                )
            )
            result.row = ValueRow(numerator=0.0, denominator=0.0, value=None, **base)
            return result
        if numerator > denominator:
            issues.append(
                problem(
                    "error",
                    "numerator-above-denominator",
                    place,
                    f"the numerator {format_number(numerator)} is more than "
                    f"the denominator {format_number(denominator)}",
                    "Check the two counts: the numerator is the part, the denominator the whole.",
                )
            )
            return result
        computed = 100.0 * numerator / denominator
        if stated is not None and abs(stated - computed) > PERCENT_TOLERANCE:
            issues.append(
                problem(
                    "warning",
                    "percent-mismatch",
                    place,
                    f"the typed {_percent_text(stated)} does not match {format_number(numerator)}/"
                    f"{format_number(denominator)}, which is {_percent_text(computed)}",
                    f"The counts were kept and the value computed as {_percent_text(computed)}.",
                    cell=where["value"],
                )
            )
        if denominator < SMALL_DENOMINATOR:
            issues.append(
                problem(
                    "warning",
                    "small-denominator",
                    place,
                    f"the denominator is {format_number(denominator)}, fewer than {SMALL_DENOMINATOR}",
                    "The percentage will be shown with a caution: small numbers swing widely from month to month.",
                    cell=where["denominator"],
                )
            )
        result.row = ValueRow(numerator=numerator, denominator=denominator, value=computed, **base)
        return result
    if stated is None:
        issues.append(
            problem(
                "error",
                "not-a-number",
                place,
                f"a count ({format_number(numerator)}) was given without a denominator or a percentage",
                "Give both counts (e.g. 236/304) or the percentage.",
            )
        )
        return result
    if not 0 <= stated <= 100:
        issues.append(
            problem(
                "error",
                "percent-out-of-range",
                place,
                f"{_percent_text(stated)} is outside 0% to 100%",
                "Check the figure: a percentage is between 0 and 100.",
                cell=where["value"],
            )
        )
        return result
    if numerator is None and denominator is not None:
        issues.append(
            problem(
                "warning",
                "ignored-cell",
                place,
                "a denominator was given without a numerator",
                "The percentage was kept and the denominator left out.",
                cell=where["denominator"],
            )
        )
    result.row = ValueRow(numerator=numerator, value=stated, **base)
    return result
