"""Numbers at display precision.

A measure's values are rounded to `Measure.decimals` places, half away from zero (ROUND_HALF_UP on
`Decimal`), before they are compared or shown, so that the reader never sees "68.0% -> 68.0%" labelled as a
fall. Floats are converted through their shortest repr (`repr(68.05) == '68.05'`), never through their
binary expansion, so 68.05 rounds to 68.1.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real


def as_decimal(value: object) -> Decimal | None:
    """Return `value` as a Decimal built from its shortest repr, or None when it is missing.

    Missing means None, NaN, an infinity or a pandas/numpy missing marker. Raises TypeError for text,
    booleans and anything else that is not a real number.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, (str, bytes, bool)):
        raise TypeError(f"Expected a number, got {type(value).__name__} {value!r}.")
    if isinstance(value, Real):
        number = float(value)
        return Decimal(repr(number)) if math.isfinite(number) else None
    # pandas.NA, numpy.datetime64('NaT') and similar markers are missing; anything else is an error.
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    raise TypeError(f"Expected a number, got {type(value).__name__} {value!r}.")


def round_half_up(value: object, decimals: int) -> Decimal | None:
    """Return `value` rounded half up to `decimals` places as a Decimal, or None when it is missing.

    `round_half_up(68.05, 1) == Decimal('68.1')`; `round_half_up(2.5, 0) == Decimal('3')`.
    Raises TypeError for a value that is not a number (see `as_decimal`).
    """
    number = as_decimal(value)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def displayed_number(value: object, decimals: int) -> int | float | None:
    """Return `value` as a number the way the pages show it, for a download: rounded half up to `decimals` places
    (`round_half_up`), a whole number as an int, or None when it is missing.

    `displayed_number(85.48387096774194, 1) == 85.5`; `displayed_number(236.0, 0) == 236`.
    Raises TypeError for a value that is not a number (see `as_decimal`).
    """
    shown = round_half_up(value, decimals)
    if shown is None:
        return None
    return int(shown) if decimals <= 0 else float(shown)
