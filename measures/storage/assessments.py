"""Assessments made once per data version and read back by every page, every worker and every server on this
database, so that the first render of a page after a write does not assess what another page or worker has already
assessed.

An assessment is filed under a key naming everything it depends on: the data version (every write of figures, the
catalogue, targets and chart changes moves it on), the measure as the caller's catalogue defines it, the month, the
months the reader may see and the rating window. Rows of other data versions are dropped when new ones are kept.
Working state, not records: never backed up, emptied by a restore.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from measures.assessment.model import Assessment
from measures.assessment.stored_form import assessment_from_json, assessment_to_json
from measures.domain.catalogue import Measure
from measures.domain.rating_window import rating_window_months
from measures.storage import db, versioning

Visible = frozenset[str] | None


def _code_fingerprint() -> str:
    """A digest of the code that makes and stores assessments: a new release never reads an older one's."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*package.joinpath("assessment").glob("*.py"), *package.joinpath("domain").glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_FINGERPRINT = _code_fingerprint()


def assessment_key(version: str, measure: Measure, period: str, visible: Visible, window: int) -> str:
    """Return the SHA-256 hex digest naming the assessment of `measure` (as defined, targets and chart settings
    included) as at `period` from data version `version` by this release's code, read on the `visible` months
    (None: every month) with a rating window of `window` months. Raises nothing."""
    months = None if visible is None else sorted(visible)
    parts = [CODE_FINGERPRINT, version, repr(measure), period, months, window]
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8")).hexdigest()


def stored_assessments(engine: Engine, keys: Mapping[str, str]) -> dict[str, Assessment]:
    """Return the assessments stored under `keys` (ref -> key), by ref, in one query; a key with nothing stored, or
    with a stored form this code cannot read, is left out (the caller assesses it). Raises sqlalchemy errors."""
    if not keys:
        return {}
    s = db.stored_assessments.c
    statement = select(s.cache_key, s.body).where(s.cache_key.in_(bindparam("keys", expanding=True)))
    with engine.connect() as connection:
        bodies = {
            row.cache_key: row.body for row in connection.execute(statement, {"keys": sorted(set(keys.values()))})
        }
    found: dict[str, Assessment] = {}
    for ref, key in keys.items():
        if key not in bodies:
            continue
        try:
            found[ref] = assessment_from_json(bodies[key])
        except ValueError:
            continue
    return found


def keep_assessments(engine: Engine, version: str, made: Iterable[tuple[str, Assessment]]) -> bool:
    """Store each (key, assessment) of `made`, made from data version `version`, for every worker to read, and drop
    those of other data versions, in one transaction. A key already stored (another worker was quicker) is left as it
    is. Returns False, having stored nothing, when the data has moved on since `version` or the database refuses the
    write (busy or read-only): the assessments are then made again next time, which costs time, never correctness."""
    rows = {key: assessment for key, assessment in made}
    if not rows:
        return True
    s = db.stored_assessments.c
    now = datetime.now(UTC)
    try:
        with db.working_transaction(engine) as connection:
            if versioning.current(connection) != version:
                return False  # made from data that has moved on: nothing to keep, and newer rows stay
            connection.execute(
                delete(db.stored_assessments).where(s.data_version != bindparam("version")), {"version": version}
            )
            # A key another worker stored meanwhile is left as it is.
            insert = sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert
            connection.execute(
                insert(db.stored_assessments).on_conflict_do_nothing(index_elements=["cache_key"]),
                [
                    {
                        "cache_key": key,
                        "data_version": version,
                        "ref": assessment.ref,
                        "period": assessment.period,
                        "made_at": now,
                        "body": assessment_to_json(assessment),
                    }
                    for key, assessment in rows.items()
                ],
            )
    except SQLAlchemyError:
        return False
    return True


@dataclass(frozen=True)
class Reuse:
    """The assessments a page reads as at one month from one data version: their keys (ref -> key) and those
    already made by another page or worker (ref -> Assessment)."""

    engine: Engine
    version: str
    keys: Mapping[str, str]
    found: Mapping[str, Assessment]

    def keep(self, made: Iterable[Assessment]) -> bool:
        """Store those of `made` that were not found, for every other page and worker (see `keep_assessments`)."""
        return keep_assessments(
            self.engine,
            self.version,
            [(self.keys[a.ref], a) for a in made if a.ref in self.keys and a.ref not in self.found],
        )


def reuse(engine: Engine, version: str, measures: Iterable[Measure], period: str, visible: Visible) -> Reuse:
    """Return the keys of the assessments of `measures` (as defined) as at `period` from data version `version`, read
    on the `visible` months with the rating window in force, and those already stored, in one query. Raises
    sqlalchemy errors."""
    window = rating_window_months()
    keys = {measure.ref: assessment_key(version, measure, period, visible, window) for measure in measures}
    return Reuse(engine, version, keys, stored_assessments(engine, keys))


def stored_count(engine: Engine) -> int:
    """Return how many assessments are stored (every data version). Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(db.stored_assessments)).scalar_one()
