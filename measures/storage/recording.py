"""Writing figures: the value rows of a return, the plan of what changes, and recording them with their
revisions, commentary and benchmarks in one transaction.

All SQL goes through SQLAlchemy with bound parameters. Every write happens in one transaction
(`measures.storage.db.write_transaction`): it all lands or none of it does. A value is never overwritten
without its previous version moving to `observation_revisions`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from measures.storage import audit, db, versioning
from measures.storage import plan as plan_store
from measures.storage.plan import RatingRow

STATUSES = ("ok", "tbc", "new")
SERVICE = db.SERVICE  # the team (and worker) value that means "the whole service"


@dataclass(slots=True)  # not frozen: a frozen dataclass costs 5x to create, and imports make tens of thousands
class ValueRow:
    """One figure for a measure and month, for the whole service, a team or a worker."""

    ref: str
    period: str
    team: str = SERVICE
    worker: str = SERVICE
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    status: str = "ok"
    note: str = ""
    synthetic: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The identity of the figure: (ref, period, team, worker)."""
        return (self.ref, self.period, self.team, self.worker)

    @property
    def is_blank(self) -> bool:
        """True when the row carries no figure at all (a blank never deletes a stored value)."""
        return self.status == "ok" and self.numerator is None and self.denominator is None and self.value is None


@dataclass(frozen=True)
class UploadInfo:
    """Who wrote a set of values, from what, and why."""

    kind: str  # demo | import
    filename: str = ""
    sha256: str = ""
    layout: str = ""
    user_name: str = ""
    description: str = ""
    reason: str = ""  # why figures of a published month are revised


@dataclass
class ChangePlan:
    """How a set of rows compares with what is stored: what would be added, revised or left alone."""

    added: list[ValueRow] = field(default_factory=list)
    revised: list[tuple[ValueRow, dict]] = field(default_factory=list)  # (new row, stored current row)
    unchanged: list[ValueRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Counts of values, added, revised and unchanged rows."""
        return {
            "values": len(self.added) + len(self.revised) + len(self.unchanged),
            "added": len(self.added),
            "revised": len(self.revised),
            "unchanged": len(self.unchanged),
        }


@dataclass(frozen=True)
class WriteSummary:
    """What a write did: the upload it was recorded under (None if nothing changed), its counts and the
    plan it carried out."""

    upload_id: int | None
    counts: dict[str, int]
    plan: ChangePlan | None = None
    rating_counts: dict[str, int] = field(default_factory=dict)  # "added", "revised", "unchanged" (plan ratings)


def _now() -> datetime:
    return datetime.now(UTC)


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _differs(row: ValueRow, stored: dict) -> bool:
    return not (
        _same_number(row.numerator, stored["numerator"])
        and _same_number(row.denominator, stored["denominator"])
        and _same_number(row.value, stored["value"])
        and row.status == stored["status"]
        and (not row.note or row.note == stored["note"])
        and bool(row.synthetic) == bool(stored["synthetic"])
    )


# ---------------------------------------------------------------------------------------------
# Values


_CURRENT_COLUMNS = (
    db.observations.c.id,
    db.observations.c.ref,
    db.observations.c.period,
    db.observations.c.team,
    db.observations.c.worker,
    db.observations.c.numerator,
    db.observations.c.denominator,
    db.observations.c.value,
    db.observations.c.status,
    db.observations.c.note,
    db.observations.c.synthetic,
    db.observations.c.version,
    db.observations.c.upload_id,
)


def _stored_for(connection: Connection, rows: Sequence[ValueRow]) -> dict[tuple, dict]:
    """Fetch the current stored rows for the (ref, period) pairs in `rows`, keyed by full identity."""
    periods = sorted({row.period for row in rows})
    refs = sorted({row.ref for row in rows})
    stored: dict[tuple, dict] = {}
    if not periods:
        return stored
    wanted = {row.key for row in rows}
    # Fetch by period and ref lists (bound, expanding), then keep what the rows ask about.
    statement = select(*_CURRENT_COLUMNS).where(
        db.observations.c.period.in_(bindparam("periods", expanding=True)),
        db.observations.c.ref.in_(bindparam("refs", expanding=True)),
    )
    for record in connection.execute(statement, {"periods": periods, "refs": refs}).mappings():
        key = (record["ref"], record["period"], record["team"], record["worker"])
        if key in wanted:
            stored[key] = dict(record)
    return stored


def plan_changes(connection: Connection, rows: Iterable[ValueRow]) -> ChangePlan:
    """Compare rows with what is stored, without writing anything.

    Blank rows are skipped (a blank never deletes a value). Returns the ChangePlan.
    """
    rows = [row for row in rows if not row.is_blank]
    stored = _stored_for(connection, rows)
    plan = ChangePlan()
    for row in rows:
        current = stored.get(row.key)
        if current is None:
            plan.added.append(row)
        elif _differs(row, current):
            plan.revised.append((row, current))
        else:
            plan.unchanged.append(row)
    return plan


def preview_changes(engine: Engine, rows: Iterable[ValueRow]) -> ChangePlan:
    """Return what writing `rows` would add, revise and leave unchanged; writes nothing."""
    with engine.connect() as connection:
        return plan_changes(connection, rows)


def _row_record(row: ValueRow, version: int, upload_id: int, keep_note: str = "") -> dict:
    return {
        "ref": row.ref,
        "period": row.period,
        "team": row.team,
        "worker": row.worker,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "value": row.value,
        "status": row.status,
        "note": row.note or keep_note,
        "synthetic": bool(row.synthetic),
        "version": version,
        "upload_id": upload_id,
    }


def record_values(
    engine: Engine,
    rows: Iterable[ValueRow],
    upload: UploadInfo,
    benchmark_rows: Sequence[dict] = (),
    commentary_rows: Sequence[dict] = (),
    rating_rows: Sequence[RatingRow] = (),
) -> WriteSummary:
    """Write values, benchmarks, commentary and the improvement plan's ratings in one transaction, keeping every
    earlier version.

    New figures are added; a figure that differs from the stored one becomes a new revision and the
    old one stays in history; identical figures are left alone. Commentary (dicts of ref, period, text)
    is appended unless the same text is already the latest for that month. `rating_rows` (an Actions sheet's
    BRAG ratings) are recorded by `plan.record_ratings` inside the same transaction, under the same upload, by
    the upload's user with source "return". If nothing changes, no upload is recorded and `upload_id` is None.
    Raises plan.PlanError with every problem of the ratings, and sqlalchemy errors; nothing is then written.
    """
    rows = list(rows)
    try:
        with db.write_transaction(engine) as connection:
            return _record_in(connection, rows, upload, benchmark_rows, commentary_rows, list(rating_rows))
    except _NothingChanged as unchanged:
        return unchanged.summary


class _NothingChanged(Exception):
    """Raised inside the transaction to roll back an upload row once nothing turned out to change."""

    def __init__(self, summary: WriteSummary) -> None:
        super().__init__("nothing changed")
        self.summary = summary


def _record_in(
    connection: Connection,
    rows: list[ValueRow],
    upload: UploadInfo,
    benchmark_rows: Sequence[dict],
    commentary_rows: Sequence[dict],
    rating_rows: list[RatingRow],
) -> WriteSummary:
    """The write of `record_values`, inside its transaction."""
    plan = plan_changes(connection, rows)
    changed_benchmarks = _benchmarks_to_write(connection, benchmark_rows)
    new_commentary = _commentary_to_write(connection, commentary_rows)
    if not plan.added and not plan.revised and not changed_benchmarks and not new_commentary and not rating_rows:
        return WriteSummary(upload_id=None, counts=plan.counts, plan=plan)
    upload_id = db.inserted_id(
        connection.execute(
            insert(db.uploads).values(
                kind=upload.kind,
                filename=upload.filename,
                sha256=upload.sha256,
                layout=upload.layout,
                user_name=upload.user_name,
                created_at=_now(),
                description=upload.description,
                reason=upload.reason,
            )
        )
    )
    rating_counts: dict[str, int] = {}
    if rating_rows:
        # Whether the ratings change anything is known only once they are recorded: if nothing at all changed,
        # the upload row goes too (the transaction is rolled back), as for a return whose figures are stored.
        rating_counts = plan_store.record_ratings(
            connection.engine,
            rating_rows,
            actor=upload.user_name,
            source="return",
            upload_id=upload_id,
            connection=connection,
            reason=upload.reason,
        )
        ratings_changed = rating_counts.get("added", 0) + rating_counts.get("revised", 0)
        if not ratings_changed and not (plan.added or plan.revised or changed_benchmarks or new_commentary):
            raise _NothingChanged(
                WriteSummary(upload_id=None, counts=plan.counts, plan=plan, rating_counts=rating_counts)
            )
    versioning.advance(connection)
    new_records = [_row_record(row, 1, upload_id) for row in plan.added]
    superseded = [{name: current[name] for name in _RECORD_COLUMNS} for _, current in plan.revised]
    revised_records = [
        _row_record(row, current["version"] + 1, upload_id, keep_note=current["note"]) for row, current in plan.revised
    ]
    _bulk_insert(connection, db.observations, new_records)
    _bulk_insert(connection, db.observation_revisions, superseded)
    if revised_records:
        connection.execute(
            update(db.observations)
            .where(db.observations.c.id == bindparam("current_id"))
            .values({name: bindparam(f"new_{name}") for name in _UPDATABLE}),
            [
                {"current_id": current["id"], **{f"new_{name}": record[name] for name in _UPDATABLE}}
                for (_, current), record in zip(plan.revised, revised_records, strict=True)
            ],
        )
    for record in changed_benchmarks:
        _write_benchmark(connection, record, upload_id)
    if new_commentary:
        connection.execute(
            insert(db.commentary),
            [
                {
                    "ref": c["ref"],
                    "period": c["period"],
                    "text": c["text"],
                    "author": upload.user_name,
                    "created_at": _now(),
                    "upload_id": upload_id,
                }
                for c in new_commentary
            ],
        )
    audit.record(
        connection,
        upload.user_name,
        "demo.loaded" if upload.kind == "demo" else "return.imported",
        upload.filename,
        {
            "upload_id": upload_id,
            "layout": upload.layout,
            "sha256": upload.sha256,
            "added": len(plan.added),
            "revised": len(plan.revised),
            "benchmarks": len(changed_benchmarks),
            "commentary": len(new_commentary),
            "periods": sorted({row.period for row in plan.added} | {row.period for row, _ in plan.revised}),
            **({"ratings": rating_counts} if rating_rows else {}),
        },
    )
    return WriteSummary(upload_id=upload_id, counts=plan.counts, plan=plan, rating_counts=rating_counts)


_RECORD_COLUMNS = (
    "ref",
    "period",
    "team",
    "worker",
    "numerator",
    "denominator",
    "value",
    "status",
    "note",
    "synthetic",
    "version",
    "upload_id",
)
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _bulk_insert(connection: Connection, table, records: list[dict]) -> None:
    """Insert many value records through the driver's executemany, with bound parameters.

    SQLAlchemy's per-row parameter processing costs about as much as reading the file for a large
    return, so large imports hand plain tuples to the driver. Table and column names are the schema's
    own constants, never input.
    """
    if not records:
        return
    marker = _PLACEHOLDERS.get(connection.dialect.paramstyle)
    if marker is None:  # a driver with another parameter style: let SQLAlchemy adapt it
        connection.execute(insert(table), records)
        return
    columns = ", ".join(_RECORD_COLUMNS)
    placeholders = ", ".join([marker] * len(_RECORD_COLUMNS))
    statement = f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})"  # noqa: S608 - constants only
    connection.exec_driver_sql(
        statement,
        [
            (
                r["ref"],
                r["period"],
                r["team"],
                r["worker"],
                r["numerator"],
                r["denominator"],
                r["value"],
                r["status"],
                r["note"],
                r["synthetic"],
                r["version"],
                r["upload_id"],
            )
            for r in records
        ],
    )


def _latest_commentary(connection: Connection, refs: Sequence[str]) -> dict[tuple[str, str], str]:
    c = db.commentary.c
    statement = select(c.ref, c.period, c.text).where(c.ref.in_(bindparam("refs", expanding=True))).order_by(c.id)
    return {(row.ref, row.period): row.text for row in connection.execute(statement, {"refs": list(refs)})}


def _commentary_to_write(connection: Connection, commentary_rows: Sequence[dict]) -> list[dict]:
    if not commentary_rows:
        return []
    latest = _latest_commentary(connection, sorted({c["ref"] for c in commentary_rows}))
    return [c for c in commentary_rows if c["text"] and latest.get((c["ref"], c["period"])) != c["text"]]


_UPDATABLE = ("numerator", "denominator", "value", "status", "note", "synthetic", "version", "upload_id")


def _benchmarks_to_write(connection: Connection, benchmark_rows: Sequence[dict]) -> list[dict]:
    if not benchmark_rows:
        return []
    stored = {
        (row.ref, row.year, row.comparator): (row.value, row.source, row.synthetic)
        for row in connection.execute(
            select(
                db.benchmarks.c.ref,
                db.benchmarks.c.year,
                db.benchmarks.c.comparator,
                db.benchmarks.c.value,
                db.benchmarks.c.source,
                db.benchmarks.c.synthetic,
            )
        )
    }
    changed = []
    for record in benchmark_rows:
        key = (record["ref"], record["year"], record["comparator"])
        current = stored.get(key)
        if (
            current is None
            or not _same_number(current[0], record["value"])
            or bool(current[2]) != bool(record.get("synthetic", False))
        ):
            changed.append(record)
    return changed


def _write_benchmark(connection: Connection, record: dict, upload_id: int) -> None:
    values = {
        "value": float(record["value"]),
        "source": record.get("source", ""),
        "synthetic": bool(record.get("synthetic", False)),
        "upload_id": upload_id,
    }
    where = and_(
        db.benchmarks.c.ref == record["ref"],
        db.benchmarks.c.year == record["year"],
        db.benchmarks.c.comparator == record["comparator"],
    )
    if connection.execute(select(db.benchmarks.c.id).where(where)).first():
        connection.execute(update(db.benchmarks).where(where).values(**values))
    else:
        connection.execute(
            insert(db.benchmarks).values(
                ref=record["ref"], year=record["year"], comparator=record["comparator"], **values
            )
        )
