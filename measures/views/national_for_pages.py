"""Every measure's national comparators as the overview and the pack read them on each visit, reused while the
data are unchanged.

Reading and ranking every authority's figures for every mapped item takes far longer than drawing the overview
itself, so the result is kept per process under the data version (which every write of figures, national figures,
neighbour groups or the catalogue changes, and a restore moves to a value it never had) and the council file in
force. Several app workers each keep their own copy; they never disagree, because the key is read from the
database on every request.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from measures.domain.council import council_path
from measures.storage import reads
from measures.views.national import comparators_by_ref
from measures.views.national_model import MeasureComparators, NoComparator


def comparators_for_pages(engine: Engine) -> dict[str, MeasureComparators | NoComparator]:
    """Return `comparators_by_ref` for the council in force, computed once per data version and council file.

    Raises CouncilError if the council file is invalid and sqlalchemy errors on a database failure.
    """
    return _for_version(engine, reads.data_version(engine), str(council_path()))


@lru_cache(maxsize=8)
def _for_version(engine: Engine, version: str, council_file: str) -> dict[str, MeasureComparators | NoComparator]:
    return comparators_by_ref(engine)
