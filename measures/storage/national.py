"""National figures (DfE's Local Authority Interactive Tool) and statistical neighbour groups: writing them, never
overwriting, and reading the newest version back.

A national figure is identified by its item (LAIT's short description, `CP_conf_15days`), its year as published
(`2024` and `2024 (Rev)` are two years, kept side by side) and its authority's DfE number (England 970, regions
980-990). Writing the same figure again changes nothing; a changed value or status is stored as a new version
beside the earlier, which stays. A neighbour group is an authority's ten neighbours in an edition, closest first;
a changed group is a new version too.

Every write is one transaction (`db.write_transaction`) that records an upload, an audit event and raises the
data version, or, when nothing changed, writes nothing at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, bindparam, func, insert, select
from sqlalchemy.engine import Connection

from measures.domain.national_markers import STATUSES
from measures.domain.neighbour_editions import NeighbourEdition, parse_edition
from measures.storage import audit, db, versioning

FIGURE_COLUMNS = ["item", "year", "la_code", "area", "value", "status"]
NEIGHBOURS_PER_GROUP = 10


@dataclass(frozen=True, slots=True)
class NationalFigure:
    """One published figure: `item` (LAIT's short description), `year` as published, `la_code` the DfE number,
    `area` the name as published, `value` the number (None for a marker), `status` "" for a number or what the
    marker means ("suppressed", "not published", "not applicable", "not available"), `marker` as published."""

    item: str
    year: str
    la_code: int
    area: str
    value: float | None
    status: str = ""
    marker: str = ""

    @property
    def key(self) -> tuple[str, str, int]:
        """The identity of the figure: (item, year, la_code)."""
        return (self.item, self.year, self.la_code)


def _now() -> datetime:
    return datetime.now(UTC)


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return _missing(a) and _missing(b)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def _missing(number: float | None) -> bool:
    return number is None or (isinstance(number, float) and math.isnan(number))


def _check_figures(rows: Sequence[NationalFigure]) -> None:
    seen: set[tuple[str, str, int]] = set()
    for row in rows:
        key = (row.item, row.year, row.la_code)
        if row.status not in STATUSES:
            raise ValueError(f"unknown status {row.status!r} for {key}")
        if (row.status == "") == (row.value is None or math.isnan(row.value)):
            raise ValueError(f"{key}: a figure has a number or a status, never both or neither")
        if key in seen:
            raise ValueError(f"{key} is given twice")
        seen.add(key)


def _newest_figures(
    connection: Connection, items: Sequence[str]
) -> dict[tuple[str, str, int], tuple[float | None, str, int]]:
    """(item, year, la_code) -> (value, status, version) of the newest version of each figure of `items`."""
    f = db.national_figures.c
    statement = select(f.item, f.year, f.la_code, f.value, f.status, f.version).where(
        f.item.in_(bindparam("items", expanding=True))
    )
    newest: dict[tuple[str, str, int], tuple[float | None, str, int]] = {}
    for item, year, la_code, value, status, version in connection.execute(statement, {"items": list(items)}):
        key = (item, year, la_code)
        held = newest.get(key)
        if held is None or version > held[2]:
            newest[key] = (value, status, version)
    return newest


def _plan_figures(connection: Connection, rows: Sequence[NationalFigure]) -> tuple[list[tuple], dict[str, int]]:
    """Return the records to insert, as tuples in _FIGURE_RECORD order without the upload id, and the counts."""
    stored = _newest_figures(connection, sorted({row.item for row in rows}))
    records: list[tuple] = []
    counts = {"added": 0, "revised": 0, "unchanged": 0}
    for row in rows:
        current = stored.get((row.item, row.year, row.la_code))
        if current is None:
            version, kind = 1, "added"
        elif current[1] != row.status or not _same_number(current[0], row.value):
            version, kind = current[2] + 1, "revised"
        else:
            counts["unchanged"] += 1
            continue
        counts[kind] += 1
        value = None if row.value is None or math.isnan(row.value) else float(row.value)
        records.append((row.item, row.year, int(row.la_code), row.area, value, row.status, row.marker, version))
    return records, counts


def preview_national_figures(engine: Engine, rows: Iterable[NationalFigure]) -> dict[str, int]:
    """Return what `record_national_figures` would do with `rows` ({"added", "revised", "unchanged"} counts),
    writing nothing. Raises ValueError for a row with an unknown status, with both or neither of a number and a
    status, or given twice; sqlalchemy errors from the database."""
    rows = list(rows)
    _check_figures(rows)
    with engine.connect() as connection:
        return _plan_figures(connection, rows)[1]


def _record_upload(connection: Connection, *, kind: str, layout: str, source: str, user: str, sha256: str) -> int:
    return db.inserted_id(
        connection.execute(
            insert(db.uploads).values(
                kind=kind,
                filename=source,
                sha256=sha256,
                layout=layout,
                user_name=user,
                created_at=_now(),
                description="",
            )
        )
    )


def record_national_figures(
    engine: Engine, rows: Iterable[NationalFigure], *, source: str, user: str, sha256: str = ""
) -> dict[str, int]:
    """Write national figures in one transaction, never overwriting: a new figure is added, a changed value or
    status becomes a new version beside the earlier, an identical one is left alone.

    `source` names the file (kept on the upload and in the audit event), `user` who imported it. When anything
    changes, an upload and a `national.imported` audit event are recorded and the data version is raised; when
    nothing changes nothing is written. Returns {"added", "revised", "unchanged"} counts. Raises ValueError for a
    row with an unknown status, with both or neither of a number and a status, or given twice (nothing written);
    sqlalchemy errors from the database (nothing written).
    """
    rows = list(rows)
    _check_figures(rows)
    with db.write_transaction(engine) as connection:
        records, counts = _plan_figures(connection, rows)
        if not records:
            return counts
        upload_id = _record_upload(
            connection, kind="national", layout="lait-long-form", source=source, user=user, sha256=sha256
        )
        _insert_figures(connection, records, upload_id)
        versioning.advance(connection)
        audit.record(
            connection,
            user,
            "national.imported",
            source,
            {
                "upload_id": upload_id,
                "sha256": sha256,
                **counts,
                "items": sorted({r[0] for r in records}),
                "years": sorted({r[1] for r in records}),
            },
        )
    return counts


_FIGURE_RECORD = ("item", "year", "la_code", "area", "value", "status", "marker", "version", "upload_id")


def _insert_figures(connection: Connection, records: list[tuple], upload_id: int) -> None:
    """Insert the figure records in one executemany through SQLAlchemy, every value a bound parameter."""
    rows = [dict(zip(_FIGURE_RECORD, (*record, upload_id), strict=True)) for record in records]
    if rows:
        connection.execute(insert(db.national_figures), rows)


def national_figures(engine: Engine, items: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the newest version of every national figure (of `items` only, when given), ordered by item, year
    and la_code: columns item, year (as published), la_code (int), area (name as published), value (float, NaN
    for a marker) and status ("" for a number, else what the marker means). Raises sqlalchemy errors."""
    f = db.national_figures.c
    newest = select(f.item, f.year, f.la_code, func.max(f.version).label("version")).group_by(f.item, f.year, f.la_code)
    if items is not None:
        newest = newest.where(f.item.in_(bindparam("items", expanding=True)))
    latest = newest.subquery()
    statement = (
        select(f.item, f.year, f.la_code, f.area, f.value, f.status)
        .join(
            latest,
            (f.item == latest.c.item)
            & (f.year == latest.c.year)
            & (f.la_code == latest.c.la_code)
            & (f.version == latest.c.version),
        )
        .order_by(f.item, f.year, f.la_code)
    )
    parameters = {"items": list(items)} if items is not None else {}
    with engine.connect() as connection:
        rows = connection.execute(statement, parameters).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=FIGURE_COLUMNS)
    frame["la_code"] = frame["la_code"].astype(int)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame


def count_national_figures(engine: Engine) -> int:
    """Return how many national figure versions are stored (0 for none). Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(db.national_figures)).scalar_one()


def held_years(engine: Engine, items: Sequence[str]) -> set[tuple[str, str]]:
    """Return every (item, year as published) held for any authority, of `items`. Raises sqlalchemy errors."""
    f = db.national_figures.c
    statement = select(f.item, f.year).where(f.item.in_(bindparam("items", expanding=True))).distinct()
    with engine.connect() as connection:
        return {(item, year) for item, year in connection.execute(statement, {"items": list(items)})}


# ---------------------------------------------------------------------------------------------
# Neighbour groups

NeighbourPlace = int | tuple[int, str]  # a neighbour's DfE number, or (number, DfE's closeness band)


def _edition(edition: str | NeighbourEdition) -> NeighbourEdition:
    if isinstance(edition, NeighbourEdition):
        return edition
    parsed = parse_edition(edition)
    if parsed is None:
        raise ValueError(f"{edition!r} names no edition: give a month and year such as 'May 2025'")
    return parsed


def _places(group: Sequence[NeighbourPlace]) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if isinstance(p, int) else (int(p[0]), str(p[1])) for p in group)


def _newest_groups(connection: Connection, edition_key: str) -> dict[int, tuple[int, tuple[tuple[int, str], ...]]]:
    """la_code -> (version, places) of the newest version of each group of the edition."""
    g = db.neighbour_groups.c
    statement = (
        select(g.la_code, g.version, g.position, g.neighbour, g.band)
        .where(g.edition == edition_key)
        .order_by(g.la_code, g.version, g.position)
    )
    by_version: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for row in connection.execute(statement):
        by_version.setdefault((row.la_code, row.version), []).append((row.neighbour, row.band))
    newest: dict[int, tuple[int, tuple[tuple[int, str], ...]]] = {}
    for (la_code, version), places in by_version.items():
        if la_code not in newest or version > newest[la_code][0]:
            newest[la_code] = (version, tuple(places))
    return newest


def _plan_groups(
    connection: Connection, edition: NeighbourEdition, groups: Mapping[int, Sequence[NeighbourPlace]]
) -> tuple[list[dict], dict[str, int]]:
    stored = _newest_groups(connection, edition.key)
    records: list[dict] = []
    counts = {"added": 0, "revised": 0, "unchanged": 0}
    for la_code, group in sorted(groups.items()):
        places = _places(group)
        if not places or len(places) > NEIGHBOURS_PER_GROUP:
            raise ValueError(f"authority {la_code}: a group has 1 to {NEIGHBOURS_PER_GROUP} neighbours")
        current = stored.get(int(la_code))
        if current is None:
            version, kind = 1, "added"
        elif current[1] != places:
            version, kind = current[0] + 1, "revised"
        else:
            counts["unchanged"] += 1
            continue
        counts[kind] += 1
        records.extend(
            {
                "edition": edition.key,
                "edition_name": edition.name,
                "la_code": int(la_code),
                "position": position,
                "neighbour": neighbour,
                "band": band,
                "version": version,
            }
            for position, (neighbour, band) in enumerate(places, start=1)
        )
    return records, counts


def preview_neighbour_groups(
    engine: Engine, edition: str | NeighbourEdition, groups: Mapping[int, Sequence[NeighbourPlace]]
) -> dict[str, int]:
    """Return what `record_neighbour_groups` would do ({"added", "revised", "unchanged"} counts of groups), writing
    nothing. Raises ValueError as `record_neighbour_groups` does; sqlalchemy errors from the database."""
    resolved = _edition(edition)
    with engine.connect() as connection:
        return _plan_groups(connection, resolved, groups)[1]


def record_neighbour_groups(
    engine: Engine,
    edition: str | NeighbourEdition,
    groups: Mapping[int, Sequence[NeighbourPlace]],
    *,
    source: str,
    user: str,
    sha256: str = "",
) -> dict[str, int]:
    """Write an edition's neighbour groups in one transaction, never overwriting: a new authority's group is
    added, a changed group becomes a new version beside the earlier, an identical one is left alone.

    `edition` is a name such as "May 2025" (or its key "2025-05", or a NeighbourEdition); `groups` maps each
    authority's DfE number to its neighbours, closest first, each a number or (number, closeness band). When
    anything changes, an upload and a `neighbours.imported` audit event are recorded and the data version is
    raised; otherwise nothing is written. Returns {"added", "revised", "unchanged"} counts of groups. Raises
    ValueError for an edition that names no month and year or a group of no or more than ten neighbours (nothing
    written); sqlalchemy errors from the database (nothing written).
    """
    resolved = _edition(edition)
    with db.write_transaction(engine) as connection:
        records, counts = _plan_groups(connection, resolved, groups)
        if not records:
            return counts
        upload_id = _record_upload(
            connection, kind="neighbours", layout="neighbour-groups", source=source, user=user, sha256=sha256
        )
        for record in records:
            record["upload_id"] = upload_id
        connection.execute(insert(db.neighbour_groups), records)
        versioning.advance(connection)
        audit.record(
            connection,
            user,
            "neighbours.imported",
            source,
            {"upload_id": upload_id, "sha256": sha256, "edition": resolved.key, **counts},
        )
    return counts


def neighbour_editions(engine: Engine) -> list[tuple[str, str]]:
    """Return every edition of neighbour groups held, oldest first, as (key, name): ("2021-04", "April 2021").
    Raises sqlalchemy errors."""
    g = db.neighbour_groups.c
    with engine.connect() as connection:
        rows = connection.execute(select(g.edition, g.edition_name).distinct().order_by(g.edition)).all()
    names: dict[str, str] = {}
    for edition, name in rows:
        names.setdefault(edition, name)
    return sorted(names.items())


def neighbour_group(engine: Engine, edition_key: str, la_code: int) -> tuple[int, ...]:
    """Return the newest version of authority `la_code`'s neighbours in the edition `edition_key` ("2025-05"), as
    DfE numbers closest first (ten, or fewer where DfE listed fewer); () when the edition holds no group for it.
    Raises sqlalchemy errors."""
    return tuple(code for code, _ in neighbour_places(engine, edition_key, la_code))


def neighbour_places(engine: Engine, edition_key: str, la_code: int) -> tuple[tuple[int, str], ...]:
    """Return the newest version of authority `la_code`'s group in the edition `edition_key` as (neighbour's DfE
    number, DfE's closeness band such as "Very close"), closest first; () when there is none. Raises sqlalchemy
    errors."""
    g = db.neighbour_groups.c
    newest = select(func.max(g.version)).where(g.edition == edition_key, g.la_code == int(la_code)).scalar_subquery()
    statement = (
        select(g.neighbour, g.band)
        .where(g.edition == edition_key, g.la_code == int(la_code), g.version == newest)
        .order_by(g.position)
    )
    with engine.connect() as connection:
        return tuple((row.neighbour, row.band) for row in connection.execute(statement))
