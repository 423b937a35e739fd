"""What the pages, the pack and the command line read about a measure's national comparators: the shapes only.
`measures.views.national` builds them from the imported national figures; nothing here reads the database.

Every figure is annual and names its year: a reader never sees one beside a monthly figure as if it were for
the same period.
"""

from __future__ import annotations

from dataclasses import dataclass

from measures.domain.national_reference import SOURCE_CREDIT, NationalPolarity


@dataclass(frozen=True)
class NeighbourFigure:
    """One statistical neighbour's figure for a year. `status` is "" for a number, else what the published
    marker means ("suppressed", "not available", ...); `value` is then None."""

    la_code: int
    name: str
    value: float | None
    status: str


@dataclass(frozen=True)
class ComparatorYear:
    """Every comparator of one published year.

    `year` is the year as LAIT writes it after the latest release is chosen ("2024 (Rev)"); `label` the year for
    readers ("2023-24", "2024", "September 2024"); `release` "", "provisional", "revised" or "final".
    `neighbours_average` is the plain mean of the neighbours that have a figure (`neighbours_counted` of them),
    None if none has. `rank` is 1 for the best by polarity, ties sharing the lower number, out of `ranked_of`
    authorities with a figure; `quartile` "A" (best) to "D", None when the item has no band or the council no
    figure. `edition` names the neighbour group edition used ("April 2021", "May 2025").
    """

    year: str
    label: str
    release: str
    council: float | None
    council_status: str
    england: float | None
    region: float | None
    neighbours_average: float | None
    neighbours_counted: int
    neighbours: tuple[NeighbourFigure, ...]
    rank: int | None
    ranked_of: int
    quartile: str | None
    edition: str


@dataclass(frozen=True)
class MeasureComparators:
    """A measure's national comparators, every published year oldest first.

    `item` is LAIT's code of the matching data item and `item_title` its name; `note` says where the measure's
    definition differs from the item's ("" if it does not); `unit` and `decimals` are how to show a value
    (the measure's unit: "percent" shows "61.0%"); `polarity` the item's. `council`, `region` and `england`
    name the places compared.
    """

    ref: str
    item: str
    item_title: str
    note: str
    polarity: NationalPolarity
    unit: str
    decimals: int
    council: str
    region: str
    england: str
    years: tuple[ComparatorYear, ...]
    credit: str = SOURCE_CREDIT

    @property
    def latest(self) -> ComparatorYear | None:
        """Return the newest year with a figure for the council, else the newest year, else None."""
        with_figure = [year for year in self.years if year.council is not None]
        if with_figure:
            return with_figure[-1]
        return self.years[-1] if self.years else None


@dataclass(frozen=True)
class CouncilRow:
    """One authority in "Compared with every council": its figure for the year, rank (None without a figure),
    and whether it is the council itself or one of its statistical neighbours."""

    la_code: int
    name: str
    region: str
    value: float | None
    status: str
    rank: int | None
    is_council: bool
    is_neighbour: bool


@dataclass(frozen=True)
class EveryCouncil:
    """Every authority's figure for one year of a measure's national item, ordered by rank (best first, those
    without a figure last, by name)."""

    ref: str
    item: str
    item_title: str
    year: str
    label: str
    unit: str
    decimals: int
    polarity: NationalPolarity
    ranked_of: int
    edition: str
    rows: tuple[CouncilRow, ...]
    years: tuple[tuple[str, str], ...]  # every year with figures, newest first: (year as published, label)
    credit: str = SOURCE_CREDIT
    measure_title: str = ""  # the measure's short title, as the overview names it


@dataclass(frozen=True)
class NoComparator:
    """A measure with no national comparator, and why (from the catalogue)."""

    ref: str
    reason: str
