"""A measure's national comparators, as the pages, the pack and the command line read them: the council's
figure for each published year of the measure's LAIT item beside England, its region, its statistical
neighbours (the group of the edition in force for that year) and every other authority, with LAIT's rank and
quartile band.

Everything is worked out from the imported figures (`measures.storage.national`) by LAIT's rules
(`measures.domain.benchmarking`): for each year the latest release wins ("2024 (Rev)" over "2024"); ranks and
quartile limits are over every authority with a figure, never England or a region; the neighbours' average is
the plain mean of the neighbours with a figure. Values are the item's as published.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from measures.domain.benchmarking import national_ranks, neighbours_average, quartile_band, quartile_limits
from measures.domain.catalogue import Measure
from measures.domain.council import Council, load_council
from measures.domain.national_reference import ENGLAND_CODE, Areas, NationalItem, load_areas, load_national_items
from measures.domain.national_years import PublishedYear, parse_year, year_for_readers
from measures.domain.neighbour_editions import edition_for_year
from measures.storage import catalogue_records
from measures.storage import national as national_store
from measures.views.national_model import (
    ComparatorYear,
    CouncilRow,
    EveryCouncil,
    MeasureComparators,
    NeighbourFigure,
    NoComparator,
)

NO_FIGURE = "not available"  # the status of an authority with no row for the year at all


class UnknownYear(LookupError):
    """A year was asked for that the measure's national item has no figures for."""

    def __init__(self, ref: str, year: str, years: tuple[str, ...]) -> None:
        year = year if len(year) <= 40 else year[:40] + "…"  # a typed year is not echoed whole
        self.ref, self.year, self.years = ref, year, years
        known = ", ".join(years) if years else "none"
        super().__init__(f"Measure {ref} has no national figures for {year}. Years with figures: {known}.")


@dataclass(frozen=True)
class _Figure:
    value: float | None
    status: str


@dataclass(frozen=True)
class _Year:
    """One year of the item after the latest release is chosen: its figures by authority code."""

    published: PublishedYear
    figures: dict[int, _Figure]


@dataclass(frozen=True)
class _Groups:
    """The neighbour group editions in the database and the council's group in each, read once per call."""

    editions: tuple[tuple[str, str], ...]
    members: dict[str, tuple[int, ...]]

    def for_year(self, year: str) -> tuple[str, tuple[int, ...]]:
        """Return the name of the edition used for `year` and the council's neighbours in it (closest first);
        ("", ()) when no edition is imported."""
        edition = edition_for_year(year, self.editions)
        if edition is None:
            return "", ()
        return edition[1], self.members.get(edition[0], ())


def measure_comparators(engine: Engine, ref: str, council: Council | None = None) -> MeasureComparators | NoComparator:
    """Return the national comparators of measure `ref` for every published year, oldest first, for `council`
    (default the council in force), or NoComparator with the catalogue's reason when the measure has no
    national item.

    Raises KeyError if there is no measure `ref`, CouncilError if the council file is invalid, and sqlalchemy
    errors on a database failure.
    """
    catalogue = catalogue_records.read_catalogue(engine)
    return _comparators(engine, catalogue.measure(ref), council or load_council())


def comparators_by_ref(engine: Engine, council: Council | None = None) -> dict[str, MeasureComparators | NoComparator]:
    """Return every measure's national comparators (or NoComparator) by ref, in catalogue order, for `council`
    (default the council in force): one read of the figures for the overview and the pack.

    Raises CouncilError if the council file is invalid and sqlalchemy errors on a database failure.
    """
    council = council or load_council()
    catalogue = catalogue_records.read_catalogue(engine)
    codes = sorted({m.national_item for m in catalogue.measures if m.national_item})
    frame = national_store.national_figures(engine, codes) if codes else _empty_figures()
    groups = _read_groups(engine, council)
    by_item = {code: rows for code, rows in frame.groupby("item", sort=False)}
    return {
        measure.ref: _build(measure, council, by_item.get(measure.national_item, _empty_figures()), groups)
        for measure in catalogue.measures
    }


def every_council(
    engine: Engine, ref: str, year: str | None = None, council: Council | None = None
) -> EveryCouncil | NoComparator:
    """Return every authority's figure for one year of measure `ref`'s national item, ranked best first (those
    without a figure last, by name), the council and its neighbours of that year's edition marked. `year` is
    the year as published ("2024", "2024 (Rev)") or as readers see it ("2023-24"); None is the latest year with
    a figure for the council, else the latest year. NoComparator when the measure has no national item.

    Raises KeyError if there is no measure `ref`, UnknownYear if the item has no figures for `year` (or none at
    all), CouncilError if the council file is invalid, and sqlalchemy errors on a database failure.
    """
    council = council or load_council()
    measure = catalogue_records.read_catalogue(engine).measure(ref)
    item = _item_of(measure)
    if isinstance(item, NoComparator):
        return item
    years = _years(national_store.national_figures(engine, [item.code]))
    labels = tuple(year_for_readers(y.published.base, item.year_type) for y in years)
    chosen = _choose_year(measure.ref, years, labels, year, council)
    groups = _read_groups(engine, council)
    edition, neighbours = groups.for_year(chosen.published.label)
    areas = load_areas()
    values = _authority_values(chosen, areas)
    ranks = national_ranks(values, item.polarity)
    rows = []
    for authority in areas.authorities():
        figure = chosen.figures.get(authority.la_code, _Figure(None, NO_FIGURE))
        rows.append(
            CouncilRow(
                la_code=authority.la_code,
                name=authority.name,
                region=authority.region or "",
                value=figure.value,
                status=figure.status,
                rank=ranks.get(authority.la_code),
                is_council=authority.la_code == council.la_code,
                is_neighbour=authority.la_code in neighbours,
            )
        )
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.name))
    return EveryCouncil(
        ref=measure.ref,
        item=item.code,
        item_title=item.title,
        year=chosen.published.label,
        label=year_for_readers(chosen.published.base, item.year_type),
        unit=measure.unit,
        decimals=measure.decimals,
        polarity=item.polarity,
        ranked_of=len(ranks),
        edition=edition,
        rows=tuple(rows),
        years=tuple((y.published.label, label) for y, label in reversed(list(zip(years, labels, strict=True)))),
        measure_title=measure.short_title,
    )


def neighbour_names(engine: Engine, council: Council | None = None, year: str | None = None) -> tuple[str, ...]:
    """Return the names of `council`'s statistical neighbours (default the council in force), closest first, in
    the edition used for figures of `year` ("2021-22"), or in the newest edition when `year` is None; () when no
    edition is imported or it holds no group for the council.

    Raises CouncilError if the council file is invalid and sqlalchemy errors on a database failure.
    """
    council = council or load_council()
    editions = national_store.neighbour_editions(engine)
    if year is None:
        edition = editions[-1] if editions else None
    else:
        edition = edition_for_year(year, editions)
    if edition is None:
        return ()
    areas = load_areas()
    codes = national_store.neighbour_group(engine, edition[0], council.la_code)
    return tuple(area.name for code in codes if (area := areas.find(code)) is not None)


def comparator_year(comparators: MeasureComparators, year: str | None) -> ComparatorYear:
    """Return the year of `comparators` asked for: `year` as published ("2024 (Rev)", "2024") or as readers see
    it ("2023-24"), or the latest (`MeasureComparators.latest`) when None.

    Raises UnknownYear if no year matches or there are no years.
    """
    known = tuple(entry.label for entry in comparators.years)
    if year is None:
        if comparators.latest is None:
            raise UnknownYear(comparators.ref, "any year", known)
        return comparators.latest
    wanted = _folded_year(year)
    for entry in reversed(comparators.years):
        published = parse_year(entry.year)
        forms = {_folded_year(entry.year), _folded_year(entry.label)}
        if published is not None:
            forms.add(_folded_year(published.base))
        if wanted in forms:
            return entry
    raise UnknownYear(comparators.ref, year, known)


def _folded_year(text: str) -> str:
    """A year as typed, compared without case, spacing or the choice of "/" or "-" ("2023/24" is "2023-24")."""
    return " ".join(text.split()).casefold().replace("/", "-")


def _comparators(engine: Engine, measure: Measure, council: Council) -> MeasureComparators | NoComparator:
    if not measure.national_item:
        return _build(measure, council, _empty_figures(), _Groups((), {}))
    frame = national_store.national_figures(engine, [measure.national_item])
    return _build(measure, council, frame, _read_groups(engine, council))


def _build(
    measure: Measure, council: Council, frame: pd.DataFrame, groups: _Groups
) -> MeasureComparators | NoComparator:
    item = _item_of(measure)
    if isinstance(item, NoComparator):
        return item
    areas = load_areas()
    years = tuple(_comparator_year(year, item, council, groups, areas) for year in _years(frame))
    return MeasureComparators(
        ref=measure.ref,
        item=item.code,
        item_title=item.title,
        note=measure.national_note,
        polarity=item.polarity,
        unit=measure.unit,
        decimals=measure.decimals,
        council=council.name,
        region=council.region,
        england=council.england,
        years=years,
    )


def _item_of(measure: Measure) -> NationalItem | NoComparator:
    if not measure.national_item:
        reason = measure.national_note or f"Measure {measure.ref} has no national comparator."
        return NoComparator(ref=measure.ref, reason=reason)
    item = load_national_items().get(measure.national_item)
    if item is None:
        return NoComparator(
            ref=measure.ref,
            reason=f"Measure {measure.ref} names the national item {measure.national_item}, which LAIT does not list.",
        )
    return item


def _comparator_year(
    year: _Year, item: NationalItem, council: Council, groups: _Groups, areas: Areas
) -> ComparatorYear:
    values = _authority_values(year, areas)
    ranks = national_ranks(values, item.polarity)
    limits = quartile_limits(values.values())
    own = year.figures.get(council.la_code, _Figure(None, NO_FIGURE))
    edition, members = groups.for_year(year.published.label)
    neighbours = tuple(_neighbour(code, year, areas) for code in members)
    average, counted = neighbours_average(figure.value for figure in neighbours)
    return ComparatorYear(
        year=year.published.label,
        label=year_for_readers(year.published.base, item.year_type),
        release=year.published.release,
        council=own.value,
        council_status=own.status,
        england=year.figures.get(ENGLAND_CODE, _Figure(None, NO_FIGURE)).value,
        region=None if council.region_code is None else year.figures.get(council.region_code, _Figure(None, "")).value,
        neighbours_average=average,
        neighbours_counted=counted,
        neighbours=neighbours,
        rank=ranks.get(council.la_code),
        ranked_of=len(ranks),
        quartile=quartile_band(own.value, limits, item.polarity, item.no_quartile),
        edition=edition,
    )


def _neighbour(code: int, year: _Year, areas: Areas) -> NeighbourFigure:
    area = areas.find(code)
    figure = year.figures.get(code, _Figure(None, NO_FIGURE))
    return NeighbourFigure(
        la_code=code, name=area.name if area else str(code), value=figure.value, status=figure.status
    )


def _authority_values(year: _Year, areas: Areas) -> dict[int, float | None]:
    """Every authority's value for the year (England and the regions left out, as LAIT ranks)."""
    return {
        code: figure.value
        for code, figure in year.figures.items()
        if (area := areas.find(code)) is not None and area.kind == "authority"
    }


def _years(frame: pd.DataFrame) -> tuple[_Year, ...]:
    """The item's years oldest first. Each authority's figure is its latest release of the year ("2024 (Rev)" over
    "2024"): a later release that covers only some authorities revises those, and the rest keep their figure."""
    releases: dict[str, PublishedYear] = {}
    chosen: dict[str, dict[int, tuple[int, _Figure]]] = {}
    for row in frame.to_dict("records"):
        published = parse_year(str(row["year"]))
        if published is None:
            continue
        held = releases.get(published.base)
        if held is None or published.release_order > held.release_order:
            releases[published.base] = published
        figures = chosen.setdefault(published.base, {})
        code = int(row["la_code"])
        earlier = figures.get(code)
        if earlier is None or published.release_order > earlier[0]:
            figures[code] = (published.release_order, _Figure(_number(row["value"]), str(row["status"] or "")))
    return tuple(
        _Year(published=published, figures={code: figure for code, (_, figure) in chosen[published.base].items()})
        for published in sorted(releases.values(), key=lambda y: (y.end_year, y.base))
    )


def _choose_year(
    ref: str, years: tuple[_Year, ...], labels: tuple[str, ...], year: str | None, council: Council
) -> _Year:
    if not years:
        raise UnknownYear(ref, year or "any year", ())
    if year is None:
        with_figure = [y for y in years if y.figures.get(council.la_code, _Figure(None, "")).value is not None]
        return (with_figure or list(years))[-1]
    wanted = _folded_year(year)
    for entry, label in reversed(list(zip(years, labels, strict=True))):
        if wanted in {_folded_year(entry.published.label), _folded_year(entry.published.base), _folded_year(label)}:
            return entry
    raise UnknownYear(ref, year, labels)


def _read_groups(engine: Engine, council: Council) -> _Groups:
    editions = tuple(national_store.neighbour_editions(engine))
    members = {key: tuple(national_store.neighbour_group(engine, key, council.la_code)) for key, _ in editions}
    return _Groups(editions=editions, members=members)


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _empty_figures() -> pd.DataFrame:
    return pd.DataFrame(columns=["item", "year", "la_code", "area", "value", "status"])
