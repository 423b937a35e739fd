"""What the figures say about a completed improvement action: the reading's data, kept apart from how it is
computed (`measures.assessment.impact`) and how it is said (`measures.domain.impact_wording`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ImpactKind = Literal["improvement", "concern", "no_change", "too_soon", "no_baseline"]
IMPACT_KINDS: tuple[str, ...] = ("improvement", "concern", "no_change", "too_soon", "no_baseline")
# Which special-cause rule the months after the action met: a run on one side of the baseline average, or
# months beyond the baseline's process limits.
ImpactRule = Literal["shift", "limit"]


@dataclass(frozen=True)
class ImpactReading:
    """A linked measure's reading since an action was completed.

    `kind`: "improvement" or "concern" (special cause after the completion month, in the measure's polarity),
    "no_change" (figures since, no special cause yet), "too_soon" (no figure since the completion month) or
    "no_baseline" (too few monthly figures up to the completion month to fix limits on, or figures that are not
    monthly). `completed` is the completion month (YYYY-MM); `months_after` the number of monthly figures after
    it up to the month read; `run` the months the sentence counts (the run on one side of the average, or the
    months beyond a limit); `side` "high" or "low" for a special cause, else None; `baseline_mean` the average of
    the baseline months (None without a baseline). `rule` says which special-cause rule (`shift` or `limit`);
    `baseline_points` how many months the baseline had and `minimum_baseline` how many it needed; `monthly` is
    False when the measure's figures are not monthly, so SPC does not apply; `directional` is False for a measure
    with no better direction, whose special cause is a change, neither better nor worse (kind "no_change" with a
    `side`).
    """

    kind: ImpactKind
    completed: str
    months_after: int
    run: int
    side: Literal["high", "low"] | None
    baseline_mean: float | None
    rule: ImpactRule | None = None
    baseline_points: int = 0
    minimum_baseline: int = 0
    monthly: bool = True
    directional: bool = True
    upper_limit: float | None = None
    lower_limit: float | None = None
