"""Plain-English text for figures and judgements, shared by the dashboard, the CLI and exports.

Nothing is conveyed by colour alone: every judgement has a word, and every arrow a label.
"""

from __future__ import annotations

import math

from measures.domain.catalogue import Measure
from measures.domain.numbers import round_half_up
from measures.domain.periods import long_label

STATUS_TEXT = {
    "tbc": "TBC",
    "new": "New measure",
    "na": "Not applicable",
    "suppressed": "Suppressed (small number)",
    "missing": "No figure",
}
# Statuses stored in place of a figure: never a number, never zero, never rated or compared.
NO_FIGURE_STATUSES = ("tbc", "new", "na", "suppressed")
STATUS_EXPLANATION = {
    "tbc": "to be confirmed: the figure has not been reported yet",
    "new": "new measure: no data yet",
    "na": "not applicable: there is no figure for this month",
    "suppressed": "suppressed: a small number, not published so that no one can be identified",
    "missing": "no figure was reported for this month",
}
DIRECTION_ARROW = {"up": "↑", "down": "↓", "flat": "→", "none": ""}
DIRECTION_TEXT = {"up": "Up", "down": "Down", "flat": "No change", "none": "No comparison"}
JUDGEMENT_TEXT = {
    "better": "better",
    "worse": "worse",
    "same": "same",
    "within-range": "within the target range",  # not a judgement: a move inside a target band, judged "same"
    "none": "",
}
# What a change since last month is, read beside the SPC reading of the months up to it: only a change the way a
# special-cause reading goes is called better or worse; any other is said in these words.
CHANGE_READING_TEXT = {
    "common": "within normal variation",
    "insufficient": "too few months to judge",
    "no-reading": "not judged: this kind of figure has no SPC reading",
    "against": "not significant on its own",
}
RAG_TEXT = {"green": "On target", "amber": "Near target", "red": "Off target", "none": "No target"}
# The SPC readings in the reader's words, not the method's: what a reading means, never "special cause".
VARIATION_TEXT = {
    "common": "No significant change: normal variation",
    "improvement": "Significant improvement",
    "concern": "Significant change for the worse",
    "neither": "Unusual change, neither better nor worse",
    "insufficient": "Too few months to judge yet",
    "no-reading": "No SPC reading",
}
# An SPC reading of months before the one shown (which has no figure) says which month it reads up to.
READING_UP_TO = "Reading up to {month}"
# "Special cause, neither better nor worse" says which side the latest point is on.
NEITHER_SIDE_TEXT = {
    "high": "Unusually high, neither better nor worse",
    "low": "Unusually low, neither better nor worse",
}
# Why a measure whose figures are not monthly has no SPC reading, by its basis (`Measure.basis`): the reason on
# its own (shown under the "No SPC reading" badge) and as the reading's sentence.
NO_SPC_REASON_TEXT = {
    "rolling-12": "A rolling 12-month figure overlaps month to month, so its points are not independent.",
    "year-to-date": "A year-to-date figure adds each month to the months before it, so its points are not "
    "independent, and without its counts the monthly figures cannot be worked out.",
}
NO_SPC_READING_TEXT = {
    basis: f"No SPC reading: {reason[:1].lower()}{reason[1:]}" for basis, reason in NO_SPC_REASON_TEXT.items()
}
DERIVED_MONTHLY_TEXT = "SPC is read on the monthly figures derived from the year-to-date counts."
ASSURANCE_TEXT = {
    "pass": "Will consistently meet the target",
    "fail": "Will consistently miss the target",
    "hit-or-miss": "Will sometimes meet and sometimes miss the target",
    "none": "",
}


def variation_text(variation: str, side: str | None = None) -> str:
    """Return the SPC variation in words (VARIATION_TEXT); special cause that is neither better nor worse says
    which side with `side` "high" or "low": 'Unusually high, neither better nor worse'. Raises KeyError for an unknown
    variation."""
    if variation == "neither" and side in NEITHER_SIDE_TEXT:
        return NEITHER_SIDE_TEXT[side]
    return VARIATION_TEXT[variation]


def _missing(number: float | None) -> bool:
    return number is None or (isinstance(number, float) and math.isnan(number))


def format_number(number: float | None, decimals: int = 0) -> str:
    """Return a number for display at `decimals` places with thousands separators, or '' when missing."""
    if _missing(number):
        return ""
    return f"{round_half_up(number, decimals):,.{decimals}f}"


def format_value(measure: Measure, value: float | None) -> str:
    """Return the headline figure in the measure's unit, e.g. '68.0%', '17.2', '12'; '' when missing."""
    if _missing(value):
        return ""
    text = format_number(value, measure.decimals)
    return f"{text}%" if measure.unit == "percent" else text


def format_counts(numerator: float | None, denominator: float | None) -> str:
    """Return '198/291', '9' (numerator only) or '' when there are no counts."""
    if _missing(numerator):
        return ""
    if _missing(denominator):
        return format_number(numerator)
    return f"{format_number(numerator)}/{format_number(denominator)}"


def format_figure(measure: Measure, row: dict | None) -> str:
    """Return the cell text for one month: counts and value ('198/291 68.0%'), or TBC / New measure /
    Not applicable / Suppressed (small number) / No figure."""
    if row is None:
        return STATUS_TEXT["missing"]
    status = row.get("status", "ok")
    if status in NO_FIGURE_STATUSES:
        return STATUS_TEXT[status]
    value = format_value(measure, row.get("value"))
    counts = format_counts(row.get("numerator"), row.get("denominator")) if measure.unit == "percent" else ""
    text = " ".join(part for part in (counts, value) if part)
    return text or STATUS_TEXT["missing"]


def change_text(direction: str, judgement: str) -> str:
    """Return the change in words, e.g. 'Up, better', 'Down, worse', 'No change', 'No comparison'."""
    words = DIRECTION_TEXT.get(direction, "No comparison")
    verdict = JUDGEMENT_TEXT.get(judgement, "")
    if direction in ("up", "down") and verdict:
        return f"{words}, {verdict}"
    if direction == "flat" and judgement == "better":
        return f"{words}, better"  # staying inside a target band
    return words


def change_reading(judgement: str, variation: str, significant: bool) -> str:
    """Return what a rise or fall since last month is, read beside the SPC reading of the months up to it:
    'better' / 'worse' only when `significant` (the change goes the way a special-cause reading goes); 'within
    the target range' for a move inside a target band; 'within normal variation' (common cause); 'too few
    months to judge'; 'not judged: ...' for a figure with no SPC reading (rolling or year-to-date); 'not
    significant on its own' (special cause the other way, or an unusual "neither" reading, which is by definition
    neither better nor worse); 'neither better nor worse' for a move across a band to the same distance; '' when
    there is no better or worse to speak of."""
    if significant:
        return JUDGEMENT_TEXT.get(judgement, "")
    if judgement == "within-range":
        return JUDGEMENT_TEXT[judgement]
    if variation in ("common", "insufficient", "no-reading"):
        return CHANGE_READING_TEXT[variation]
    if judgement in ("better", "worse"):
        return CHANGE_READING_TEXT["against"]
    return "neither better nor worse" if judgement == "same" else ""


def polarity_text(measure: Measure) -> str:
    """Return 'good looks like' in words: 'Higher is better', 'Between 16 and 20', or 'Not stated'."""
    if measure.polarity == "higher":
        return "Higher is better"
    if measure.polarity == "lower":
        return "Lower is better"
    if measure.polarity == "range" and measure.target is not None:
        return f"Within {measure.target.low:g} to {measure.target.high:g}"
    return "Not stated"


# The headline of a month: the overview's and the pack's first lines and the briefing's first paragraph.


def headline_spc(counts: dict[str, int]) -> list[tuple[int, str, str]]:
    """Return the headline's first line, the SPC reading, as (number, words, key) parts: significant improvement,
    significant concern, within normal variation, then (when any) unusual changes that are neither better nor
    worse, measures with too few months to judge and measures with no SPC reading. Every measure is in exactly
    one part, so the numbers add up to counts["measures"]; the assurance is `headline_assurance`, apart.
    `counts` is `OverviewModel.summary()`."""
    parts = [
        (counts["improvement"], "show significant improvement", "improvement"),
        (counts["concern"], "show significant concern", "concern"),
        (counts["common"], "within normal variation", "common"),
    ]
    if counts["unusual"]:
        parts.append((counts["unusual"], "unusual, neither better nor worse", "unusual"))
    if counts["too_few"]:
        parts.append((counts["too_few"], "too few months to judge", "too-few"))
    if counts["no_reading"]:
        parts.append((counts["no_reading"], "with no SPC reading: rolling or year-to-date figures", "no-reading"))
    return parts


def headline_assurance(counts: dict[str, int]) -> tuple[int, str, str]:
    """Return the headline's clause on the assurance as (number, words, key), e.g. (4, 'of the 38 measures
    consistently fail their target', 'failing'): said apart from the SPC line, because a measure that fails its
    target is also counted there by its variation. `counts` is `OverviewModel.summary()`."""
    failing, measures = counts["failing"], counts["measures"]
    verb = "consistently fails its target" if failing == 1 else "consistently fail their target"
    return failing, f"of the {measures} measures {verb}", "failing"


CHANGE_HEADLINE_LABEL = "Compared with last month only:"


def headline_change(counts: dict[str, int]) -> list[tuple[int, str, str]]:
    """Return the month-on-month counts that follow the SPC line (after CHANGE_HEADLINE_LABEL) as (number, words,
    key) parts: better, worse, unchanged and, when any, moved within their target range."""
    parts = [
        (counts["better"], "better", "better"),
        (counts["worse"], "worse", "worse"),
        (counts["same"], "unchanged", "same"),
    ]
    if counts["within_range"]:
        parts.append((counts["within_range"], "moved within their target range", "within-range"))
    return parts


def headline_target(counts: dict[str, int], earlier_months: tuple[str, ...]) -> str:
    """Return how many measures are off target, saying how many of those read an earlier month's figure and
    which, e.g. 'off target, 4 of them as at December 2022 (no figure this month)'. `earlier_months` is
    `OverviewModel.off_target_earlier_months()`. The number itself is counts['off_target']."""
    earlier = counts["off_target_earlier"]
    if not earlier:
        return "off target"
    months = " or ".join(long_label(month) for month in earlier_months)
    return f"off target, {earlier} of them as at {months} (no figure this month)"
