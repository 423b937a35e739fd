"""How a council stands against every other, as DfE's Local Authority Interactive Tool (LAIT) works it out
(`R/fn_analysis.R` of its public code): the statistical neighbours' average, the national rank and the quartile
band. Pure arithmetic on figures already read; missing figures are None and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean
from typing import TypeVar

from measures.domain.national_reference import NationalPolarity

Key = TypeVar("Key")
QUARTILE_BANDS = ("A", "B", "C", "D")


def neighbours_average(values: Iterable[float | None]) -> tuple[float | None, int]:
    """Return the plain mean of the neighbours' figures that are present and how many that is, as LAIT does
    (no weighting; a suppressed or missing neighbour is left out). (None, 0) if none has a figure. Raises
    nothing."""
    present = [value for value in values if value is not None]
    return (fmean(present) if present else None), len(present)


def national_ranks(values: Mapping[Key, float | None], polarity: NationalPolarity) -> dict[Key, int]:
    """Return the rank of every authority with a figure: 1 for the best by `polarity` (the highest when higher is
    better), ties sharing the lower number (R's `ties.method = "min"`: 10, 20, 20, 30 rank 4, 2, 2, 1 when
    higher is better). Authorities without a figure get no rank; with polarity "none" nobody is ranked.
    Raises nothing."""
    if polarity == "none":
        return {}
    present = {key: value for key, value in values.items() if value is not None}
    ordered = sorted(present.values(), reverse=polarity == "higher")
    first_place: dict[float, int] = {}
    for place, value in enumerate(ordered, start=1):
        first_place.setdefault(value, place)
    return {key: first_place[value] for key, value in present.items()}


def quartile_limits(values: Iterable[float | None]) -> tuple[float, float, float, float, float] | None:
    """Return the 0%, 25%, 50%, 75% and 100% points of the figures present, by linear interpolation between
    order statistics (R's default `quantile`, type 7, which LAIT uses), or None if there are none. Raises
    nothing."""
    present = sorted(value for value in values if value is not None)
    if not present:
        return None
    last = len(present) - 1

    def at(share: float) -> float:
        position = share * last
        below = int(position)
        above = min(below + 1, last)
        return present[below] + (present[above] - present[below]) * (position - below)

    return (present[0], at(0.25), at(0.5), at(0.75), present[-1])


def quartile_band(
    value: float | None, limits: Sequence[float] | None, polarity: NationalPolarity, no_quartile: bool
) -> str | None:
    """Return the quartile band of `value` among all authorities: "A" for the best quarter by `polarity` to "D"
    for the worst, with LAIT's boundaries (a value on a limit falls in the lower quarter of the figures).

    None when the item has no band (`no_quartile`, or polarity "none"), the value is missing, or there are no
    limits. Raises nothing.
    """
    if no_quartile or polarity == "none" or value is None or not limits:
        return None
    _, lower, middle, upper, _ = limits
    if value <= lower:
        quarter = 0
    elif value <= middle:
        quarter = 1
    elif value <= upper:
        quarter = 2
    else:
        quarter = 3
    # Quarter 0 holds the lowest figures: the best when lower is better, the worst when higher is.
    return QUARTILE_BANDS[quarter] if polarity == "lower" else QUARTILE_BANDS[3 - quarter]
