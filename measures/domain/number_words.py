"""Small whole numbers in words, as help texts write them ("six months in a row")."""

from __future__ import annotations

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def number_in_words(number: int) -> str:
    """Return `number` in words from zero to twelve ("six"), in figures above that ("15"). Raises nothing."""
    return _WORDS[number] if 0 <= number < len(_WORDS) else str(number)
