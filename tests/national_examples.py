"""Comparators built by hand for the tests of their wording and of the pages that show them: the shapes of
`measures.views.national_model`, with figures chosen so that every line can be worked out by eye."""

from __future__ import annotations

from measures.views.national_model import (
    ComparatorYear,
    CouncilRow,
    EveryCouncil,
    MeasureComparators,
    NeighbourFigure,
    NoComparator,
)

NEIGHBOURS_2021 = ("Shropshire", "Devon", "Cornwall", "Somerset", "Dorset")


def neighbours(
    values: tuple[float | None, ...], statuses: tuple[str, ...] | None = None
) -> tuple[NeighbourFigure, ...]:
    """Five neighbours with these figures (None with its status, "suppressed" unless given)."""
    statuses = statuses or tuple("" if value is not None else "suppressed" for value in values)
    return tuple(
        NeighbourFigure(la_code=800 + index, name=name, value=value, status=status)
        for index, (name, value, status) in enumerate(zip(NEIGHBOURS_2021, values, statuses, strict=True))
    )


def year(
    label: str = "2023-24",
    council: float | None = 61.0,
    council_status: str = "",
    england: float | None = 66.0,
    region: float | None = 63.0,
    neighbour_values: tuple[float | None, ...] = (58.0, 56.0, 60.0, 57.0, 59.0),
    rank: int | None = 97,
    ranked_of: int = 151,
    quartile: str | None = "C",
    release: str = "",
    edition: str = "April 2021",
) -> ComparatorYear:
    """One year of comparators; the neighbours' average is worked from `neighbour_values` (missing left out)."""
    figures = neighbours(neighbour_values)
    counted = [value for value in neighbour_values if value is not None]
    return ComparatorYear(
        year=label[:4] if "-" in label else label,
        label=label,
        release=release,
        council=council,
        council_status=council_status,
        england=england,
        region=region,
        neighbours_average=sum(counted) / len(counted) if counted else None,
        neighbours_counted=len(counted),
        neighbours=figures,
        rank=rank,
        ranked_of=ranked_of,
        quartile=quartile,
        edition=edition,
    )


def comparators(
    *years: ComparatorYear, ref: str = "3.3", unit: str = "percent", decimals: int = 1
) -> MeasureComparators:
    """A measure's comparators over `years` (oldest first), for Herefordshire in the West Midlands."""
    return MeasureComparators(
        ref=ref,
        item="CSC_ReRef",
        item_title="Re-referrals within 12 months",
        note="",
        polarity="lower",
        unit=unit,
        decimals=decimals,
        council="Herefordshire",
        region="West Midlands",
        england="England",
        years=years or (year(),),
    )


def no_comparator(
    ref: str = "2.2", reason: str = "No national figure counts children per social worker"
) -> NoComparator:
    """A measure without a national comparator, and why."""
    return NoComparator(ref=ref, reason=reason)


def every_council(ref: str = "3.3", with_hostile_name: bool = False) -> EveryCouncil:
    """Six authorities for 2023-24: the council ranked 3, two neighbours, one suppressed, one without a figure."""
    rows = [
        CouncilRow(801, "Devon", "South West", 50.0, "", 1, False, True),
        CouncilRow(802, "Cornwall", "South West", 55.5, "", 2, False, False),
        CouncilRow(884, "Herefordshire", "West Midlands", 61.0, "", 3, True, False),
        CouncilRow(803, "Shropshire", "West Midlands", 70.25, "", 4, False, True),
        CouncilRow(804, "Rutland", "East Midlands", None, "suppressed", None, False, False),
        CouncilRow(
            805, '=HYPERLINK("x")' if with_hostile_name else "Wiltshire", "South West", None, "", None, False, False
        ),
    ]
    return EveryCouncil(
        ref=ref,
        item="CSC_ReRef",
        item_title="Re-referrals within 12 months",
        year="2024",
        label="2023-24",
        unit="percent",
        decimals=1,
        polarity="lower",
        ranked_of=4,
        edition="April 2021",
        rows=tuple(rows),
        years=(("2024", "2023-24"), ("2023", "2022-23")),
    )
