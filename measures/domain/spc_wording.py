"""The SPC rules in words, built from the settings in force (`SpcOptions`): help texts never type a run length
or a minimum number of months.

With the default settings: "a month outside the limits, six months in a row on one side of the average, six
rising or falling one after another, or two of three close to a limit"; "at least 15 monthly figures".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from measures.domain.number_words import number_in_words
from measures.domain.spc_settings import DEFAULT_OPTIONS, SpcOptions

if TYPE_CHECKING:
    from measures.domain.catalogue import Measure


def shift_rule(options: SpcOptions) -> str:
    """Return the shift rule, e.g. "six months in a row on one side of the average". Raises nothing."""
    return f"{number_in_words(options.shift_length)} months in a row on one side of the average"


def trend_rule(options: SpcOptions) -> str:
    """Return the trend rule, e.g. "six rising or falling one after another". Raises nothing."""
    return f"{number_in_words(options.trend_length)} rising or falling one after another"


def minimum_rule(options: SpcOptions) -> str:
    """Return the minimum the chart needs, e.g. "at least 15 monthly figures". Raises nothing."""
    return f"at least {options.minimum_points} monthly figures"


def months_needed(months: int, options: SpcOptions) -> str:
    """Return how far a measure is from a reading, e.g. "5 of 15 months needed". Raises nothing."""
    return f"{months} of {options.minimum_points} months needed"


def special_cause_rules(options: SpcOptions) -> str:
    """Return every special-cause rule in force as one phrase: "a month outside the limits, six months in a row on
    one side of the average, six rising or falling one after another, or two of three close to a limit" (the
    last rule only when `two_of_three` is on). Raises nothing."""
    rules = ["a month outside the limits", shift_rule(options), trend_rule(options)]
    if options.two_of_three:
        rules.append("two of three close to a limit")
    return ", ".join(rules[:-1]) + ", or " + rules[-1]


def settings_in_force(measures: Sequence[Measure]) -> tuple[SpcOptions, tuple[str, ...]]:
    """Return the SPC settings most measures use (the built-in defaults when there are no measures) and the refs
    of the measures whose settings differ, in the order given, for a text that describes them all. Raises
    nothing."""
    if not measures:
        return DEFAULT_OPTIONS, ()
    common = Counter(measure.spc for measure in measures).most_common(1)[0][0]
    return common, tuple(measure.ref for measure in measures if measure.spc != common)


def rules_text(measures: Sequence[Measure]) -> str:
    """Return the special-cause rules and the minimum number of figures for a text that covers `measures`, from
    the settings most of them use, naming any measure whose settings differ: "Special cause is a month outside
    the limits, six months in a row on one side of the average, six rising or falling one after another, or two
    of three close to a limit; a reading needs at least 15 monthly figures." Raises nothing."""
    options, others = settings_in_force(measures)
    rules = special_cause_rules(options)
    text = f"Special cause is {rules}; a reading needs {minimum_rule(options)}."
    if len(others) == 1:
        text += f" Measure {others[0]} uses settings of its own, given on its page."
    elif others:
        text += f" Measures {', '.join(others[:-1])} and {others[-1]} use settings of their own, given on their pages."
    return text
