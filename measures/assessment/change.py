"""Month-on-month change, judgement, RAG and the checks on the published table's typed arrows.

Every comparison here is made at *display precision*: a measure's values are rounded to
`Measure.decimals` places, half away from zero (ROUND_HALF_UP on `Decimal`), before they are compared,
so that the reader never sees "68.0% -> 68.0%" labelled as a fall. Floats are converted through their
shortest repr (`repr(68.05) == '68.05'`), never through their binary expansion, so 68.05 rounds to 68.1.

Missing values (None, NaN, pandas NA) never take part in a comparison and are never treated as zero:
any function given one returns "none".
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from measures.domain.catalogue import Measure, Target
from measures.domain.numbers import as_decimal, round_half_up

Direction = Literal["up", "down", "flat", "none"]
Judgement = Literal["better", "worse", "same", "none"]
Rag = Literal["green", "amber", "red", "none"]

DEFAULT_SMALL_DENOMINATOR = 10


def direction(current: object, previous: object, decimals: int) -> Direction:
    """Return "up", "down" or "flat" for the change from `previous` to `current` at display precision.

    Both values are rounded half up to `decimals` places first, so 68.04 and 68.0 at 1 dp are "flat".
    Returns "none" when either value is missing (None or NaN). Raises TypeError for a non-number.
    """
    now, before = round_half_up(current, decimals), round_half_up(previous, decimals)
    if now is None or before is None:
        return "none"
    if now > before:
        return "up"
    if now < before:
        return "down"
    return "flat"


def distance_to_band(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Return how far `value` lies outside the band low..high (0 when inside or on an edge)."""
    if value < low:
        return low - value
    if value > high:
        return value - high
    return Decimal(0)


def judgement(current: object, previous: object, measure: Measure) -> Judgement:
    """Return "better", "worse" or "same" for the change from `previous` to `current`, from polarity.

    - `higher`: up is better, down is worse, flat is same; `lower`: the reverse.
    - `range` (a band low..high, edges included): values identical at display precision are "same". A move
      from inside the band to inside it is "same", neither better nor worse (17.0 -> 17.2 around 16-20; see
      `moved_within_band`); a move into the band, or towards it, is "better" (15 -> 16, 24 -> 22); a move away
      from it is "worse" (20 -> 21, 22 -> 24); a move from one side to the other at the same distance is "same"
      (15 -> 21).
    - `none`, or a missing value on either side: "none".

    Raises TypeError for a non-number.
    """
    change = direction(current, previous, measure.decimals)
    if change == "none" or measure.polarity == "none":
        return "none"
    if change == "flat":
        return "same"
    if measure.polarity == "higher":
        return "better" if change == "up" else "worse"
    if measure.polarity == "lower":
        return "better" if change == "down" else "worse"
    band = measure.band
    if measure.polarity != "range" or band is None:
        return "none"
    low, high = Decimal(repr(band[0])), Decimal(repr(band[1]))
    now = round_half_up(current, measure.decimals)
    before = round_half_up(previous, measure.decimals)
    if now is None or before is None:  # cannot happen: direction() found a change
        return "none"
    now_distance, before_distance = distance_to_band(now, low, high), distance_to_band(before, low, high)
    if now_distance < before_distance:
        return "better"
    if now_distance > before_distance:
        return "worse"
    return "same"


def moved_within_band(current: object, previous: object, measure: Measure) -> bool:
    """Return True when a measure with a target band (polarity `range`) moved from inside the band to another
    value inside it (edges included), at display precision: 'within the target range', neither better nor
    worse. False for any other measure, a value outside the band, no change, or a missing value.
    Raises TypeError for a non-number."""
    band = measure.band
    if (
        measure.polarity != "range"
        or band is None
        or direction(current, previous, measure.decimals) in ("flat", "none")
    ):
        return False
    low, high = Decimal(repr(band[0])), Decimal(repr(band[1]))
    now = round_half_up(current, measure.decimals)
    before = round_half_up(previous, measure.decimals)
    return now is not None and before is not None and low <= now <= high and low <= before <= high


def rag(value: object, target: Target | None) -> Rag:
    """Return the RAG rating of `value` against `target`: "green", "amber", "red", or "none".

    The value is compared exactly as given: pass it rounded to display precision if the colour must
    agree with the figure the reader sees (`assess_measure` does). Edges are inclusive:
    - `at_least` low: green if value >= low; amber if value >= low - tolerance; otherwise red.
    - `at_most` high: green if value <= high; amber if value <= high + tolerance; otherwise red.
    - `band` low..high: green inside (edges included); amber within `tolerance` below low or above high;
      otherwise red.
    Returns "none" when there is no target or no value. Arithmetic is done on Decimals so that an edge
    exactly at the tolerance is amber (e.g. 85 against at least 90 with tolerance 5).
    Raises TypeError for a non-number.
    """
    number = as_decimal(value)
    if target is None or number is None:
        return "none"
    tolerance = Decimal(repr(float(target.tolerance)))
    low = None if target.low is None else Decimal(repr(float(target.low)))
    high = None if target.high is None else Decimal(repr(float(target.high)))
    if target.kind == "at_least" and low is not None:
        if number >= low:
            return "green"
        return "amber" if number >= low - tolerance else "red"
    if target.kind == "at_most" and high is not None:
        if number <= high:
            return "green"
        return "amber" if number <= high + tolerance else "red"
    if target.kind == "band" and low is not None and high is not None:
        if low <= number <= high:
            return "green"
        return "amber" if low - tolerance <= number <= high + tolerance else "red"
    return "none"


def small_denominator(denominator: object, threshold: float = DEFAULT_SMALL_DENOMINATOR) -> bool:
    """Return True when `denominator` is a number below `threshold` (default 10), including 0.

    A percentage of fewer than `threshold` cases swings widely from month to month, so readers are warned.
    Returns False for a missing denominator (None or NaN). Raises TypeError for a non-number.
    """
    number = as_decimal(denominator)
    return number is not None and number < Decimal(repr(float(threshold)))


_UP_ARROWS = "↑⬆▲⇧⇑↗"
_DOWN_ARROWS = "↓⬇▼⇩⇓↘"
_UP_WORDS = re.compile(r"\b(up|increase[ds]?|increasing|rise[ns]?|rising|rose|risen)\b", re.IGNORECASE)
_DOWN_WORDS = re.compile(r"\b(down|decrease[ds]?|decreasing|falls?|falling|fell|fallen)\b", re.IGNORECASE)


def arrow_claim(text: object) -> Literal["up", "down"] | None:
    """Return the direction a typed Progress cell claims: "up", "down", or None if it claims none.

    Recognises arrows (↑ ⬆ ▲ ↗ / ↓ ⬇ ▼ ↘) and words such as "up", "increased", "rising" / "down",
    "decreased", "fell". "ok", blank, None, NaN, and text claiming both directions give None.
    Never raises: anything that is not text is treated as claiming nothing.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    says_up = any(arrow in text for arrow in _UP_ARROWS) or bool(_UP_WORDS.search(text))
    says_down = any(arrow in text for arrow in _DOWN_ARROWS) or bool(_DOWN_WORDS.search(text))
    if says_up == says_down:
        return None
    return "up" if says_up else "down"


def arrow_contradiction(
    typed: object,
    computed_direction: str,
    previous_text: str | None = None,
    current_text: str | None = None,
) -> str | None:
    """Return a plain-English reason why the typed arrow contradicts the computed direction, or None.

    `typed` is the Progress cell as typed (see `arrow_claim`); `computed_direction` is what `direction`
    returned; `previous_text` and `current_text` are the two values as displayed (e.g. "46%", "41%"),
    used in the reason when given. Examples:
    "The typed arrow says up but the value fell from 46% to 41%."
    "The typed arrow says down but no change can be computed: the previous month has no value."
    Returns None when the cell claims no direction or agrees with the computed one.
    Raises ValueError if `computed_direction` is not "up", "down", "flat" or "none".
    """
    if computed_direction not in ("up", "down", "flat", "none"):
        raise ValueError(f"computed_direction must be up, down, flat or none, not {computed_direction!r}.")
    claim = arrow_claim(typed)
    if claim is None or claim == computed_direction:
        return None
    opening = f"The typed arrow says {claim} but"
    if computed_direction == "none":
        if previous_text is not None and not previous_text.strip():
            return f"{opening} no change can be computed: the previous month has no value."
        if current_text is not None and not current_text.strip():
            return f"{opening} no change can be computed: this month has no value."
        return f"{opening} no change can be computed: one of the two months has no value."
    span = f" from {previous_text} to {current_text}" if previous_text and current_text else ""
    if computed_direction == "flat":
        where = f" at {current_text}" if current_text else ""
        return f"{opening} the value did not change{where}."
    verb = "rose" if computed_direction == "up" else "fell"
    return f"{opening} the value {verb}{span}."
