"""The one wording of an impact reading, for every reader (the plan page, the area page, the pack)."""

from __future__ import annotations

from measures.domain.impact_reading import ImpactReading
from measures.domain.periods import long_label


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def impact_sentence(action_number: str, ref: str, reading: ImpactReading) -> str:
    """Return one sentence saying what measure `ref` shows since action `action_number` was completed, e.g.
    "Since action 3.2 was completed in August 2022, 3.1 has improved significantly (6 months above the previous
    average)." or "Since action 3.2 was completed in August 2022, there is no significant change in 3.1 yet (4
    months of figures)." Raises ValueError if the reading's completion month is not YYYY-MM."""
    since = f"Since action {action_number} was completed in {long_label(reading.completed)}"
    if reading.kind in ("improvement", "concern") or (reading.kind == "no_change" and reading.side is not None):
        where = "above" if reading.side == "high" else "below"
        if reading.rule == "limit":
            limit = "upper" if reading.side == "high" else "lower"
            evidence = f"{_months(reading.run)} {where} the previous {limit} process limit"
        else:
            evidence = f"{_months(reading.run)} {where} the previous average"
        if reading.kind == "improvement":
            return f"{since}, measure {ref} has improved significantly ({evidence})."
        if reading.kind == "concern":
            return f"{since}, measure {ref} has got significantly worse ({evidence})."
        return f"{since}, measure {ref} has changed significantly ({evidence}); it has no better or worse direction."
    if reading.kind == "no_change":
        figures = f"{_months(reading.months_after)} of figures"
        return f"{since}, there is no significant change in measure {ref} yet ({figures})."
    if reading.kind == "too_soon":
        return f"{since}, there are no figures for measure {ref} yet to test its impact."
    done = f"Action {action_number} was completed in {long_label(reading.completed)}"
    if not reading.monthly:
        return f"{done}; measure {ref} is not a monthly figure, so its impact cannot be tested month by month."
    return (
        f"{done}; measure {ref} has too few months of figures up to then to test its impact "
        f"({reading.baseline_points}, at least {reading.minimum_baseline} needed)."
    )
