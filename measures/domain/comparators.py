"""Who the council is compared with: the national and regional figures, its statistical neighbours' average, its
own published figure and each neighbour by name. The labels come from the council file (`measures.domain.council`);
a neighbour is named as DfE's code list names the authority."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from measures.domain.council import Council
from measures.domain.national_reference import load_areas

ComparatorKind = Literal["england", "region", "neighbours", "council", "neighbour", "other"]
KIND_ORDER: dict[str, int] = {"england": 0, "region": 1, "neighbours": 2, "council": 3, "neighbour": 4, "other": 5}


def comparator_kind(comparator: str, council: Council, neighbours: Collection[str] | None = None) -> ComparatorKind:
    """Return what a benchmark comparator is for `council`: "england", "region", "neighbours" (the statistical
    neighbours' average), "council" (its own published figure), a named "neighbour", or "other".

    A named neighbour is one of `neighbours` (names as DfE's code list writes them) when the caller knows the
    group in force; without it, any other authority of the code list, as the return's Benchmarks sheet names
    neighbours. Raises nothing.
    """
    if comparator == council.england:
        return "england"
    if comparator == council.region:
        return "region"
    if comparator == council.neighbours_average:
        return "neighbours"
    if comparator == council.name:
        return "council"
    if neighbours is not None:
        return "neighbour" if comparator in neighbours else "other"
    named = load_areas().named(comparator)
    if named is not None and named.kind == "authority":
        return "neighbour"
    return "other"


def comparator_in_text(comparator: str, council: Council) -> str:
    """Return how a sentence names a comparator: "England", the region as the council file words it,
    "statistical neighbours", or the comparator itself. Raises nothing."""
    kind = comparator_kind(comparator, council)
    if kind == "region":
        return council.region_in_text
    if kind == "neighbours":
        return comparator[:1].lower() + comparator[1:]
    return comparator
