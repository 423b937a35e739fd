"""The assessment of one measure for one month: the one typed result that every page, the meeting pack and
`python -m measures assess --json` read.

It is made in one place (`measures.assessment.assess`) and never re-derived: a page that wants to know
whether a month is special cause, rated or read up to an earlier month asks this object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from measures.assessment.change import Direction, Judgement, Rag
from measures.assessment.spc import Assurance, Side, SpcResult, Variation
from measures.domain.catalogue import Basis

Status = Literal["ok", "tbc", "new", "na", "suppressed", "missing"]
TargetReading = Literal["rated", "no-figure", "no-target"]

# The keys of `Assessment.record()`, in order: the contract of `assess --json` (first the nine of the first
# release, then the rest).
RECORD_KEYS = ("ref", "period", "value", "previous", "direction", "judgement", "rag", "variation", "assurance")
# "as_of": the month whose figure `rag` rates (None when there is no rating).
ASSESSMENT_COLUMNS = RECORD_KEYS + (
    "status",
    "small_denominator",
    "spc_points",
    "explanation",
    "variation_side",
    "basis",
    "spc_on",
    "as_of",
)
# What the SPC reading is read on: the figures as reported ("figures"), monthly figures derived from year-to-date
# counts ("derived-monthly"), or nothing ("none": no reading; `explanation` says why).
SpcOn = Literal["figures", "derived-monthly", "none"]
SPECIAL_CAUSE_VARIATIONS: tuple[Variation, ...] = ("improvement", "concern", "neither")
# The variations `assess --json` may give (PRODUCT.md's contract).
RecordVariation = Literal["common", "improvement", "concern", "neither", "insufficient"]


def record_variation(variation: Variation) -> RecordVariation:
    """Return the variation as the record of `assess --json` gives it, within the contract's five values: a measure
    with no SPC reading ("no-reading": its figures are not monthly) is "insufficient", no SPC judgement, and the
    record's `spc_on` ("none") and `basis` say why. Raises nothing."""
    return "insufficient" if variation == "no-reading" else variation


@dataclass(frozen=True)
class Assessment:
    """One measure as at one month.

    - `status`: the month's status ("ok", "tbc", "new", "na", "suppressed") or "missing" when no row exists.
    - `value`, `previous`: this month's and the previous calendar month's figures, None unless the month has a
      figure (status "ok" and a finite value). A percent is 0-100.
    - `direction`, `judgement`: the change at display precision (`change.direction`, `change.judgement`);
      `within_target_range`: the figure moved from inside its target band to elsewhere inside it (judgement
      "same": neither better nor worse).
    - `rag`: the latest figure within the rating window (this month's, or an earlier month's when this month has
      none), rounded to display precision, against the target; "none" when there is no target or no figure in
      the window (`target_reading` says which). `rag_as_of` is the month of that figure, None when unrated.
    - `variation`, `assurance`, `explanation`: the SPC reading over the months with a figure up to and
      including `period`; `spc_periods` are those months, one per point of `spc.points`. The assurance is
      "none" when the newest of them lies outside the rating window; then `explanation` says no assurance either
      (every reader takes the assurance from here, never from `spc.assurance`, the chart's own).
    - `variation_side`: "high" or "low" when the reading is special cause (the side of the latest point; for a
      trend, its direction), so "neither better nor worse" can say "unusually high" or "unusually low"; else None.
    - `basis`: what each month's figure covers (`Measure.basis`: "month", "rolling-12", "year-to-date").
    - `spc_on`: what the SPC reading is read on (`SpcOn`): the figures as reported, the monthly figures derived
      from year-to-date counts (then `spc.points` are those monthly figures), or nothing (variation
      "no-reading", assurance "none", `explanation` says why).
    - `small_denominator`: this month's denominator is below 10.
    - `has_target`: the measure has a target in force.
    """

    ref: str
    period: str
    status: Status
    value: float | None
    previous: float | None
    direction: Direction
    judgement: Judgement
    rag: Rag
    variation: Variation
    assurance: Assurance
    explanation: str
    small_denominator: bool
    has_target: bool
    spc: SpcResult = field(repr=False, compare=False)
    spc_periods: tuple[str, ...] = field(default=(), repr=False)
    variation_side: Side | None = None
    basis: Basis = "month"
    spc_on: SpcOn = "figures"
    rag_as_of: str | None = None
    within_target_range: bool = False

    @property
    def has_figure(self) -> bool:
        """True when this month has a figure that counts (status "ok" and a value)."""
        return self.status == "ok" and self.value is not None

    @property
    def spc_points(self) -> int:
        """How many monthly figures the SPC reading used."""
        return len(self.spc_periods)

    @property
    def special_cause(self) -> bool:
        """True when the SPC reading is special cause (improvement, concern, or neither better nor worse)."""
        return self.variation in SPECIAL_CAUSE_VARIATIONS

    @property
    def off_target(self) -> bool:
        """True when the rating is red: this month's figure, or, when this month has none (TBC, say), the latest
        figure within the rating window, so that a missing figure never hides a known failure."""
        return self.rag == "red"

    @property
    def rated_earlier(self) -> bool:
        """True when the rating reads an earlier month's figure (this month has none): it must say its month."""
        return self.rag_as_of is not None and self.rag_as_of != self.period

    @property
    def on_target(self) -> bool:
        """True when this month's own figure is rated green. A green read from an earlier month is never counted
        or shown as a success now (it may not hold): the pages say "Not rated: no figure (on target in ...)"."""
        return self.rag == "green" and not self.rated_earlier

    @property
    def significant_change(self) -> bool:
        """True when the SPC reading is significant and the change since last month goes its way: better with
        "improvement", worse with "concern". Only such a change is coloured and called better or worse; any other
        is one month against the last, which the SPC reading does not single out. A "neither" reading (special
        cause, neither better nor worse) never makes a change significant: by definition it is neither."""
        return (self.variation, self.judgement) in (("improvement", "better"), ("concern", "worse"))

    @property
    def target_reading(self) -> TargetReading:
        """ "rated" when a figure is rated against a target (this month's, or an earlier one within the rating
        window: see `rated_earlier`), "no-figure" when there is a target but no figure in the window to rate,
        "no-target" when the measure has no target."""
        if not self.has_target:
            return "no-target"
        return "rated" if self.rag != "none" else "no-figure"

    @property
    def reading_up_to(self) -> str | None:
        """The newest month of the SPC reading when that is earlier than `period` (this month has no figure, so
        the reading is of earlier months and must say so); None when the reading includes this month or there
        is no reading."""
        if self.variation in ("insufficient", "no-reading") or not self.spc_periods:
            return None
        last = self.spc_periods[-1]
        return last if last != self.period else None

    def record(self) -> dict[str, object]:
        """Return the JSON-safe record of `assess --json`: the keys of ASSESSMENT_COLUMNS in that order, missing
        numbers as None, and `variation` within the contract (`record_variation`: "insufficient" for no reading)."""
        values = {
            "ref": self.ref,
            "period": self.period,
            "value": _finite(self.value),
            "previous": _finite(self.previous),
            "direction": self.direction,
            "judgement": self.judgement,
            "rag": self.rag,
            "variation": record_variation(self.variation),
            "assurance": self.assurance,
            "status": self.status,
            "small_denominator": self.small_denominator,
            "spc_points": self.spc_points,
            "explanation": self.explanation,
            "variation_side": self.variation_side,
            "basis": self.basis,
            "spc_on": self.spc_on,
            "as_of": self.rag_as_of,
        }
        return {key: values[key] for key in ASSESSMENT_COLUMNS}


def _finite(number: float | None) -> float | None:
    return number if number is not None and math.isfinite(number) else None
