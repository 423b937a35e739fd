"""The plain-English summary of a measure for a month, built from the numbers only.

For example: "Assessments completed in time: 77.6% in January 2023 (236 of 304 assessments completed), up
from 68.0% in December 2022, which is better; better than the average of the previous 12 months (72.4%);
below statistical neighbours (87%) and England (88%) in 2021-22. Significant improvement: the latest
month is above the upper process limit."

A month that is to be confirmed, new or missing says so and is never read as zero. Every comparison is
made at the measure's display precision, so the words always agree with the figures printed beside them.
"""

from __future__ import annotations

from decimal import Decimal

from measures.assessment.change import direction, distance_to_band, judgement, round_half_up
from measures.domain.catalogue import Measure
from measures.domain.comparators import comparator_in_text
from measures.domain.council import load_council
from measures.domain.formatting import (
    DERIVED_MONTHLY_TEXT,
    READING_UP_TO,
    VARIATION_TEXT,
    change_reading,
    format_number,
    format_value,
)
from measures.domain.periods import long_label
from measures.domain.recent_average import RECENT_MONTHS
from measures.domain.spc_wording import minimum_rule
from measures.views.measure_model import Benchmark, MeasureDetail, MonthRow
from measures.views.national_wording import national_summary


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _counts_text(measure: Measure, row: MonthRow) -> str:
    """'236 of 304 assessments completed', '9 children ...' or '' (percent measures only)."""
    if measure.unit != "percent" or row.numerator is None:
        return ""
    if row.denominator is None:
        return f"{format_number(row.numerator)} {measure.numerator_label}".strip()
    noun = measure.denominator_label or "cases"
    return f"{format_number(row.numerator)} of {format_number(row.denominator)} {noun}"


def figure_clause(detail: MeasureDetail) -> str:
    """Return the opening clause: the month's figure with its counts, or why there is none.

    'Assessments completed in time: 77.6% in January 2023 (236 of 304 assessments completed)';
    'Final EHC plans issued within 20 weeks: the January 2023 figure is to be confirmed (TBC); the latest
    figure is 71.4% for December 2022'. Raises nothing.
    """
    measure, row = detail.measure, detail.current
    name = measure.short_title
    if row.counted:
        text = f"{name}: {format_value(measure, row.value)} in {row.label}"
        counts = _counts_text(measure, row)
        if counts:
            text += f" ({counts})"
        if row.synthetic:
            text += ", a synthetic demonstration figure"
        return text
    if row.status == "tbc":
        text = f"{name}: the {row.label} figure is to be confirmed (TBC)"
    elif row.status == "new":
        text = f"{name} is a new measure: there is no figure for {row.label} yet"
    elif row.status == "na":
        text = f"{name}: not applicable for {row.label} (no figure)"
    elif row.status == "suppressed":
        text = f"{name}: the {row.label} figure is suppressed (a small number, not published)"
    else:
        text = f"{name}: no figure was reported for {row.label}"
    latest = detail.last_counted
    if latest is not None and latest.period != row.period:
        text += f"; the latest figure is {format_value(measure, latest.value)} for {latest.label}"
        # The rating reads that figure when it is recent enough (the rating window): say how it stands.
        if detail.assessment.rated_earlier and detail.assessment.rag_as_of == latest.period:
            text += f", {_against_target(measure, latest.value, detail.rag)}"
    return text


def change_clause(detail: MeasureDetail) -> str:
    """Return the change since the previous month in words, or '' when this month has no figure.

    'up from 68.0% in December 2022, which is better'; 'no change from 17.2 in December 2022';
    'no comparison with December 2022, whose figure is TBC'. Raises nothing.
    """
    measure, row, before = detail.measure, detail.current, detail.previous
    if not row.counted:
        return ""
    if before.status == "tbc":
        return f"no comparison with {before.label}, whose figure is TBC"
    if before.status == "na":
        return f"no comparison with {before.label}, which was not applicable"
    if before.status == "suppressed":
        return f"no comparison with {before.label}, whose figure is suppressed"
    if not before.counted:
        return f"no figure for {before.label} to compare with"
    previous = format_value(measure, before.value)
    moved, verdict = detail.direction, str(detail.judgement)
    if moved == "flat":
        return f"no change from {previous} in {before.label}"
    text = f"{'up' if moved == 'up' else 'down'} from {previous} in {before.label}"
    # Better or worse only where SPC singles the change out; too few months is said by the trend's own sentence.
    if detail.assessment.within_target_range:
        verdict = "within-range"
    reading = change_reading(verdict, detail.assessment.variation, detail.assessment.significant_change)
    if reading in ("better", "worse"):
        text += f", which is {reading}"
    elif reading and detail.assessment.variation not in ("insufficient", "no-reading"):  # the SPC sentence says why
        text += f", {reading}"
    return text


def compare_with(value: float, other: float, measure: Measure) -> str:
    """Return how `value` compares with `other` for this measure, at display precision.

    "better", "worse" or "same" for measures with a direction of good ("range": nearer the target band is
    better, and two values both inside the band are "same"); "above", "below" or "same" for measures with
    none ("polarity none"). Raises TypeError if a value is not a number.
    """
    if measure.polarity == "none":
        moved = direction(value, other, measure.decimals)
        return {"up": "above", "down": "below"}.get(moved, "same")
    if measure.polarity == "range" and measure.band is not None:
        low, high = (Decimal(repr(bound)) for bound in measure.band)
        now, then = round_half_up(value, measure.decimals), round_half_up(other, measure.decimals)
        if now is not None and then is not None:
            if distance_to_band(now, low, high) == distance_to_band(then, low, high) == 0:
                return "same"
    verdict = judgement(value, other, measure)
    return verdict if verdict in ("better", "worse") else "same"


def average_clause(detail: MeasureDetail) -> str:
    """Return the comparison with the average of the previous RECENT_MONTHS (12) months, or '' when there is none.

    The rule, so that the sentence never calls a difference better or worse that the SPC reading does not:
    - 'better than' / 'worse than' only when the SPC reading is significant and goes the same way as the
      difference (an improvement and the figure better than the average, or a concern and worse);
    - 'in line with' when the figure equals the average at display precision, or the reading is common cause
      (the latest month is within normal variation, so its difference from the average is not significant);
      two figures inside a target band are not "in line" for that alone (beside "unusually low" it would not be);
    - otherwise plain 'above' / 'below', no verdict: too few months or no SPC reading (whether the difference is
      significant cannot be known), an unusual reading that is neither better nor worse, a significant reading
      the other way, and a measure with no direction of good.
    E.g. 'better than the average of the previous 12 months (72.4%)'. Raises nothing.
    """
    measure, row = detail.measure, detail.current
    if not row.counted or detail.recent_average is None:
        return ""
    relation = compare_with(row.value, detail.recent_average, measure)  # type: ignore[arg-type]
    moved = direction(row.value, detail.recent_average, measure.decimals)
    variation = detail.assessment.variation
    if (variation, relation) in (("improvement", "better"), ("concern", "worse")):
        words = f"{relation} than"
    elif moved == "flat" or variation == "common":
        words = "in line with"
    else:
        words = "above" if moved == "up" else "below"
    months = detail.recent_average_months
    span = (
        f"the previous {RECENT_MONTHS} months"
        if months == RECENT_MONTHS
        else f"the {months} months with a figure in the previous {RECENT_MONTHS}"
    )
    return f"{words} the average of {span} ({format_value(measure, detail.recent_average)})"


def target_clause(detail: MeasureDetail) -> str:
    """Return the month's figure against the target, or '' when there is no target or no figure.

    'below the target of at least 90%'; 'just below the target of at least 90%' (within tolerance);
    'meeting the target of at least 90%'; 'within the target range of 16 to 20 children per worker'.
    Raises nothing.
    """
    measure, row = detail.measure, detail.current
    if measure.target is None or not row.counted:
        return ""
    return _against_target(measure, row.value, detail.rag)


def _against_target(measure: Measure, value: float | None, rating: str) -> str:
    """Return `value` (rated `rating`) against the measure's target in words, '' without a target."""
    target = measure.target
    if target is None:
        return ""
    described = target.describe()
    near = "just " if rating == "amber" else ""
    shown = round_half_up(value, measure.decimals)
    if target.kind == "band":
        low, high = Decimal(repr(float(target.low))), Decimal(repr(float(target.high)))  # type: ignore[arg-type]
        if shown is not None and low <= shown <= high:
            return f"within the target range of {described}"
        side = "below" if shown is not None and shown < low else "above"
        return f"{near}{side} the target range of {described}"
    if rating == "green":
        return f"meeting the target of {described}"
    side = "below" if target.kind == "at_least" else "above"
    return f"{near}{side} the target of {described}"


def format_benchmark(measure: Measure, value: float) -> str:
    """Return a benchmark as published: whole numbers without decimals ('87%'), others at the measure's
    precision ('87.5%'). Raises TypeError if `value` is not a number."""
    decimals = 0 if float(value).is_integer() else measure.decimals
    text = format_number(value, decimals)
    return f"{text}%" if measure.unit == "percent" else text


def _benchmark_text(measure: Measure, benchmark: Benchmark) -> str:
    name = comparator_in_text(benchmark.comparator, load_council())
    value = format_benchmark(measure, benchmark.value)
    synthetic = ", synthetic" if benchmark.synthetic else ""
    return f"{name} ({value}{synthetic})"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def benchmark_clause(detail: MeasureDetail) -> str:
    """Return the month's figure against statistical neighbours, England and the region for the
    latest benchmark year, or '' when there is none. 'below statistical neighbours (87%) and England (88%)
    in 2021-22'; 'above the region (70%) but below England (88%) in 2021-22'. Raises nothing."""
    measure, row, year = detail.measure, detail.current, detail.benchmark_year
    if not row.counted or year is None:
        return ""
    groups: dict[str, list[str]] = {"above": [], "below": [], "same": []}
    for comparator in load_council().headline_comparators:
        benchmark = year.get(comparator)
        if benchmark is None:
            continue
        moved = direction(row.value, benchmark.value, measure.decimals)
        key = {"up": "above", "down": "below"}.get(moved, "same")
        groups[key].append(_benchmark_text(measure, benchmark))
    parts = [f"{'the same as' if key == 'same' else key} {_join(names)}" for key, names in groups.items() if names]
    if not parts:
        return ""
    return f"{' but '.join(parts)} in {year.year}"


def spc_sentence(detail: MeasureDetail) -> str:
    """Return the SPC reading in words, or why there is none ('Too few months to judge yet: ...'; for a
    rolling or year-to-date measure that cannot be split into months, the reason there is no reading).

    When the month shown has no figure, the reading is of the latest month that has one and says so; a reading of
    monthly figures derived from year-to-date counts says so first.
    Raises nothing.
    """
    assessment = detail.assessment
    if assessment.variation == "no-reading":
        return assessment.explanation
    if assessment.variation == "insufficient":
        if assessment.spc_points == 0:
            return "There are no monthly figures yet, so there is no trend to read."
        return (
            f"{VARIATION_TEXT['insufficient']}: the SPC chart needs {minimum_rule(detail.measure.spc)} "
            f"and there {'is' if assessment.spc_points == 1 else 'are'} {assessment.spc_points}."
        )
    text = assessment.explanation
    last = assessment.reading_up_to
    if last is not None:
        reading = READING_UP_TO.format(month=long_label(last))
        text = f"{reading} (the latest month with a figure), the chart shows {text[:1].lower()}{text[1:]}"
    if assessment.spc_on == "derived-monthly":
        text = f"{DERIVED_MONTHLY_TEXT} {text}"
    return text


def synthetic_sentence(detail: MeasureDetail) -> str:
    """Return a warning when months behind the average or the SPC reading are synthetic, else ''. Raises nothing."""
    counted = [row for row in detail.series if row.counted]
    if not any(row.synthetic for row in counted):
        return ""
    if all(row.synthetic for row in counted):
        return "All these figures are synthetic demonstration data, not real."
    if detail.assessment.spc_on == "none":  # rolling or year-to-date figures: no average and no SPC reading to qualify
        return "Some earlier months are synthetic demonstration figures, so the chart is for illustration only."
    return (
        "Some earlier months are synthetic demonstration figures, so the average and the trend are "
        "for illustration only."
    )


def small_denominator_sentence(detail: MeasureDetail) -> str:
    """Return the caveat for a percentage of fewer than 10 cases, else ''. Raises nothing."""
    row = detail.current
    if not detail.small_denominator or row.denominator is None:
        return ""
    count = format_number(row.denominator)
    noun = detail.measure.denominator_label or "cases"
    return (
        f"This percentage is based on only {count} {noun}, so one case more or less changes it a lot: "
        "read it with care."
    )


def summary_sentence(detail: MeasureDetail) -> str:
    """Return the plain-English summary of the measure as at the month shown.

    One sentence of figures (the month's value and counts; the change since last month, better or worse;
    the comparison with the previous 12 months' average; the target; the benchmarks), then any caveat on small
    numbers, the SPC reading in words and any caveat on synthetic figures, all about the months; last the latest
    national comparators in sentences of their own that name their year first (annual figures, never worded as the
    month's). Never raises for missing months: a TBC, new or missing month says so.
    """
    first = figure_clause(detail)
    change = change_clause(detail)
    if change:
        first += f", {change}"
    rest = [clause for clause in (average_clause(detail), target_clause(detail), benchmark_clause(detail)) if clause]
    if rest:
        first += "; " + "; ".join(rest)
    sentences = [_capitalise(first) + "."]
    sentences.extend(
        s for s in (small_denominator_sentence(detail), spc_sentence(detail), synthetic_sentence(detail)) if s
    )
    national = national_summary(detail.national)  # last: annual figures never read as part of the month's story
    if national:
        sentences.append(national)
    return " ".join(sentences)
