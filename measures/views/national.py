"""A council's national comparators as the pages, the pack and the command line read them, from the imported
national figures and neighbour groups (`measures.storage.national`)."""

from __future__ import annotations

from sqlalchemy import Engine

from measures.domain.council import Council, load_council
from measures.domain.national_reference import load_areas
from measures.domain.neighbour_editions import edition_for_year
from measures.storage import national as national_store


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
