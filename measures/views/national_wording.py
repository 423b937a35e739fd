"""The words of national comparators: the one place they are made, so that the overview, the measure page, the
summary sentence and the meeting pack say the same thing the same way.

National figures are annual. Every line here names its year, and none is ever worded as if it were for the month
a page is showing: `latest_note` says which year the latest national figures are for. A published marker is a
word ("suppressed"), never 0. A rank is out of the councils with a figure, 1 the best by the item's polarity; a
quartile band runs from A, the best quarter of councils, to D.
"""

from __future__ import annotations

from measures.domain.formatting import format_number
from measures.domain.national_reference import LICENCE, SOURCE_CREDIT
from measures.views.national_model import ComparatorYear, MeasureComparators, NeighbourFigure, NoComparator

CREDIT_LINE = f"Source: {SOURCE_CREDIT}"
LICENCE_LINE = f"Published by the Department for Education under the {LICENCE}."
QUARTILE_MEANING = (
    "Quartile bands run from A, the best quarter of councils, to D, the worst quarter (whether higher or lower is "
    "better decides which is which)."
)
RANK_MEANING = "A rank of 1 is the best; councils with the same figure share the same rank."
ANNUAL_MEANING = (
    "National figures are published once a year, each for a year or a date in it (such as 30 September), so they "
    "are never compared with a single month's figure."
)
NO_FIGURE = "no figure"
NO_COMPARATOR_SHORT = "No national comparator"
SEPARATOR = " · "


def value_text(value: float | None, unit: str, decimals: int) -> str:
    """Return a national figure in the measure's unit and decimals ('61.0%', '17.2', '1,204'), or '' when there
    is none. Raises nothing."""
    text = format_number(value, decimals)
    if not text:
        return ""
    return f"{text}%" if unit == "percent" else text


def figure_or_status(value: float | None, status: str, unit: str, decimals: int) -> str:
    """Return a figure ('61.0%'), or in its place what the published marker means ('suppressed', 'not
    published'), or 'no figure': never 0 for a figure that was not published. Raises nothing."""
    if value is not None:
        shown = value_text(value, unit, decimals)
        if shown:
            return shown
    return status or NO_FIGURE


def year_text(year: ComparatorYear) -> str:
    """Return the year as a reader sees it, with a provisional or revised release said ('2023-24', '2024-25,
    provisional', '2022-23, revised'). Raises nothing."""
    if year.release in ("provisional", "revised"):
        return f"{year.label}, {year.release}"
    return year.label


def rank_text(year: ComparatorYear) -> str:
    """Return 'rank 97 of 151', or '' when the council has no rank that year. Raises nothing."""
    if year.rank is None or not year.ranked_of:
        return ""
    return f"rank {year.rank} of {year.ranked_of}"


def quartile_text(quartile: str | None) -> str:
    """Return 'quartile C (A is the best quarter)', or '' when there is no band. Raises nothing."""
    return f"quartile {quartile} (A is the best quarter)" if quartile else ""


def quartile_hint(quartile: str | None) -> str:
    """Return what the quartile letter of a short line means, for a tooltip or a screen reader: 'Quartile C:
    quartile bands run from A, the best quarter of councils, to D, the worst quarter ...' Raises nothing."""
    if not quartile:
        return ""
    return f"Quartile {quartile}: {QUARTILE_MEANING[:1].lower()}{QUARTILE_MEANING[1:]}"


def edition_text(edition: str) -> str:
    """Return which statistical neighbour groups were used: 'neighbour groups of May 2025', '' if unknown.
    Raises nothing."""
    return f"neighbour groups of {edition}" if edition else ""


def _neighbours_short(year: ComparatorYear, unit: str, decimals: int) -> str:
    if year.neighbours_average is None:
        return ""
    text = f"neighbours {value_text(year.neighbours_average, unit, decimals)}"
    if year.neighbours and year.neighbours_counted < len(year.neighbours):
        text += f" ({year.neighbours_counted} of {len(year.neighbours)})"
    return text


def comparator_line(comparators: MeasureComparators, year: ComparatorYear | None = None) -> str:
    """Return the short line of one year's comparators (the latest by default), e.g.
    '2023-24: 61.0% · England 66.0% · neighbours 58.0% · rank 97 of 151 · C'.

    The council's figure comes first; in its place, the council's name and what its marker means ('2023-24:
    Camden suppressed · England 66.0%'). An average of fewer neighbours than the group says how many
    ('neighbours 58.0% (8 of 10)'). Rank and quartile are left out when there are none (an item with no direction
    of good, or no council figure). '' when there is no published year at all. Raises nothing.
    """
    chosen = year or comparators.latest
    if chosen is None:
        return ""
    unit, decimals = comparators.unit, comparators.decimals
    if chosen.council is not None:
        own = value_text(chosen.council, unit, decimals)
    else:
        own = f"{comparators.council} {figure_or_status(None, chosen.council_status, unit, decimals)}"
    parts = [own, f"England {figure_or_status(chosen.england, '', unit, decimals)}"]
    neighbours = _neighbours_short(chosen, unit, decimals)
    if neighbours:
        parts.append(neighbours)
    rank = rank_text(chosen)
    if rank:
        parts.append(rank)
    if chosen.quartile:
        parts.append(chosen.quartile)
    return f"{year_text(chosen)}: {SEPARATOR.join(parts)}"


def latest_note(comparators: MeasureComparators) -> str:
    """Return 'Latest national figures are for 2023-24' (the year the short line and the summary read);
    'Latest national figures for Cumbria are for 2022-23' when later years have national figures but none for the
    council; or 'No national figures have been published for this measure yet'. Raises nothing."""
    chosen = comparators.latest
    if chosen is None:
        return "No national figures have been published for this measure yet"
    if _newer_without_figure(comparators, chosen) is not None:
        return f"Latest national figures for {comparators.council} are for {year_text(chosen)}"
    return f"Latest national figures are for {year_text(chosen)}"


def newer_year_note(comparators: MeasureComparators) -> str:
    """Return what a short line leaves out when later national figures have none for the council: 'Later: no
    Cumbria figure for 2024-25 (not available)'; '' otherwise. Raises nothing."""
    chosen = comparators.latest
    newer = _newer_without_figure(comparators, chosen) if chosen is not None else None
    if newer is None:
        return ""
    status = figure_or_status(None, newer.council_status, comparators.unit, comparators.decimals)
    reason = "" if status == NO_FIGURE else f" ({status})"
    return f"Later: no {comparators.council} figure for {year_text(newer)}{reason}"


def _newer_without_figure(comparators: MeasureComparators, chosen: ComparatorYear) -> ComparatorYear | None:
    """The newest year after `chosen` (years run oldest first), which can only lack a council figure."""
    index = comparators.years.index(chosen) if chosen in comparators.years else len(comparators.years)
    newer = comparators.years[index + 1 :]
    return newer[-1] if newer else None


def comparator_sentence(comparators: MeasureComparators, year: ComparatorYear | None = None) -> str:
    """Return one year's comparators (the latest by default) in a full sentence for readers, e.g.
    'In 2023-24 Camden's figure was 61.0%, against England 66.0%, Inner London 63.0% and the average of
    its 10 statistical neighbours 58.0% (neighbour groups of May 2025); rank 97 of 151 councils with a figure
    (1 is the best), quartile C (A is the best quarter).'

    A council figure that was not published says what its marker means; a later year with national figures but
    no council figure is named, so the older year is never taken for the newest. Raises nothing.
    """
    chosen = year or comparators.latest
    if chosen is None:
        return f"No national figures have been published for {comparators.item_title or 'this measure'} yet."
    unit, decimals = comparators.unit, comparators.decimals
    own = figure_or_status(chosen.council, chosen.council_status, unit, decimals)
    if own == NO_FIGURE:
        opening = f"In {year_text(chosen)} {comparators.council} had no figure"
    else:
        opening = f"In {year_text(chosen)} {comparators.council}'s figure was {own}"
    against = [f"England {figure_or_status(chosen.england, '', unit, decimals)}"]
    if comparators.region:
        against.append(f"{comparators.region} {figure_or_status(chosen.region, '', unit, decimals)}")
    if chosen.neighbours_average is not None:
        counted = (
            f"{chosen.neighbours_counted} of its {len(chosen.neighbours)} statistical neighbours"
            if chosen.neighbours_counted < len(chosen.neighbours)
            else f"its {chosen.neighbours_counted} statistical neighbours"
        )
        edition = f" ({edition_text(chosen.edition)})" if chosen.edition else ""
        against.append(f"the average of {counted} {value_text(chosen.neighbours_average, unit, decimals)}{edition}")
    elif chosen.neighbours:
        against.append(f"no figure for any of its statistical neighbours ({edition_text(chosen.edition)})")
    text = f"{opening}, against {', '.join(against[:-1])} and {against[-1]}" if len(against) > 1 else opening
    ranking = []
    if chosen.rank is not None and chosen.ranked_of:
        ranking.append(f"rank {chosen.rank} of {chosen.ranked_of} councils with a figure (1 is the best)")
    if chosen.quartile:
        ranking.append(quartile_text(chosen.quartile))
    if ranking:
        text += "; " + ", ".join(ranking)
    text += "."
    newer = _newer_without_figure(comparators, chosen) if chosen == comparators.latest else None
    if newer is not None:
        status = figure_or_status(None, newer.council_status, unit, decimals)
        said = "not published" if status == NO_FIGURE else status
        text += f" National figures for {year_text(newer)} are out, but {comparators.council}'s figure is {said}."
    return text


def neighbour_text(neighbour: NeighbourFigure, unit: str, decimals: int) -> str:
    """Return one neighbour's figure or its marker in words ('Shropshire 58.0%', 'Rutland suppressed').
    Raises nothing."""
    return f"{neighbour.name} {figure_or_status(neighbour.value, neighbour.status, unit, decimals)}"


def no_comparator_sentence(missing: NoComparator) -> str:
    """Return why a measure has no national comparator, as a sentence: 'There is no national comparator for
    this measure. <Reason as the catalogue gives it>.', or the reason alone when it says so itself ('No national
    comparator: ...'). Raises nothing."""
    reason = missing.reason.strip().rstrip(".")
    if not reason:
        return "There is no national comparator for this measure."
    if reason.casefold().startswith("no national comparator"):
        return f"{reason}."
    return f"There is no national comparator for this measure. {reason[:1].upper()}{reason[1:]}."


def national_summary(comparators: MeasureComparators | NoComparator | None) -> str:
    """Return the sentence the plain-English summary ends its figures with: the latest national year named
    first, then the comparators ('Latest national figures are for 2023-24: Camden 61.0%, England
    66.0%, ...'), or '' for a measure without a national comparator. Raises nothing."""
    if not isinstance(comparators, MeasureComparators) or comparators.latest is None:
        return ""
    return f"{latest_note(comparators)}. {comparator_sentence(comparators)}"
