"""Making `observation_revisions` hold what the store expects: the versions each figure superseded, and only
those.

The first release wrote every version to `observation_revisions`, the one in force included; later releases
keep only superseded versions there (the version in force lives in `observations`). Rows written the first
way make a correction fail (the version in force cannot be copied to the revisions: that version is already
there) and make `reads.value_history` list each version twice. `repair_revisions` puts such rows right. It is
run by migration 0004 and by every restore (a backup may come from the first release).

The tables are named here with only the columns the repair uses, so that later schema changes cannot change
what an old migration does.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text, and_, column, exists, func, select, table
from sqlalchemy.engine import Connection

_KEY = ("ref", "period", "team", "worker")
_CONTENT = ("numerator", "denominator", "value", "status", "note", "synthetic", "upload_id")


def _values_table(name: str):
    return table(
        name,
        column("ref", String),
        column("period", String),
        column("team", Text),
        column("worker", Text),
        column("numerator"),
        column("denominator"),
        column("value"),
        column("status", String),
        column("note", Text),
        column("synthetic"),
        column("version", Integer),
        column("upload_id", Integer),
    )


def repair_revisions(connection: Connection) -> dict[str, int]:
    """Make every figure's history consistent, in the caller's transaction; return what was changed.

    1. A revision that repeats the version in force (same figure, same version number, same content) is
       deleted: the version is kept once, in `observations`.
    2. A figure whose version in force is not numbered above every revision it has (a revision with the same
       number but other content, or a higher number) has its version in force renumbered to one above the
       highest, so that no earlier version is lost and the one in force stays the latest.

    Returns {"duplicates_removed": n, "renumbered": n}. Raises sqlalchemy errors from the database.
    """
    current = _values_table("observations").alias("current")
    revisions = _values_table("observation_revisions")
    same_figure = and_(*(current.c[name] == revisions.c[name] for name in _KEY))
    repeats_current = exists().where(
        same_figure,
        current.c.version == revisions.c.version,
        *(current.c[name].is_not_distinct_from(revisions.c[name]) for name in _CONTENT),
    )
    removed = connection.execute(revisions.delete().where(repeats_current)).rowcount

    observations = _values_table("observations")
    highest_revision = (
        select(func.max(revisions.c.version))
        .where(*(revisions.c[name] == observations.c[name] for name in _KEY))
        .scalar_subquery()
    )
    renumbered = connection.execute(
        observations.update().where(highest_revision >= observations.c.version).values(version=highest_revision + 1)
    ).rowcount
    return {"duplicates_removed": max(removed, 0), "renumbered": max(renumbered, 0)}
