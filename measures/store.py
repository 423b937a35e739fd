"""Reading and writing the measures database.

All SQL goes through SQLAlchemy with bound parameters. Every write happens in one transaction
(`measures.db.write_transaction`): it all lands or none of it does. A value is never overwritten
without its previous version moving to `observation_revisions`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.engine import Connection

from measures import audit, db, versioning
from measures.catalogue import Area, Catalogue, Measure, Target

STATUSES = ("ok", "tbc", "new")
SERVICE = ""  # the team (and worker) value that means "the whole service"


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
# Catalogue


# The fields an admin may change in the app; once changed there, `sync_catalogue` keeps them.
EDITABLE_MEASURE_FIELDS = ("target_kind", "target_low", "target_high", "target_tolerance", "target_text",
                           "objective", "timescale")


def sync_catalogue(engine: Engine, catalogue: Catalogue, actor: str = audit.SYSTEM_ACTOR) -> dict[str, int]:
    """Write the catalogue's areas and measures into the database, adding new ones and updating changed ones.

    A measure whose targets an admin has changed in the app keeps those fields (EDITABLE_MEASURE_FIELDS);
    the file updates the rest. Measures no longer in the file are kept (their values are history). When
    anything changes it is audited. Returns counts
    {"areas", "measures_added", "measures_updated"}. Raises sqlalchemy errors on a database failure.
    """
    added: list[str] = []
    updated: list[str] = []
    areas_changed = 0
    with db.write_transaction(engine) as connection:
        stored_areas = {row.number: row._asdict() for row in connection.execute(select(db.areas))}
        for area in catalogue.areas:
            record = {
                "title": area.title,
                "short_title": area.short_title,
                "description": area.description,
                "outcomes": "\n".join(area.outcomes),
            }
            if area.number not in stored_areas:
                connection.execute(insert(db.areas).values(number=area.number, **record))
                areas_changed += 1
            elif any(stored_areas[area.number][k] != v for k, v in record.items()):
                connection.execute(update(db.areas).where(db.areas.c.number == area.number).values(**record))
                areas_changed += 1
        stored = {row.ref: row._asdict() for row in connection.execute(select(db.measures))}
        for measure in catalogue.measures:
            record = _measure_record(measure)
            if measure.ref not in stored:
                connection.execute(insert(db.measures).values(**record))
                added.append(measure.ref)
                continue
            if stored[measure.ref]["edited_at"] is not None:
                record = {k: v for k, v in record.items() if k not in EDITABLE_MEASURE_FIELDS}
            if any(stored[measure.ref][k] != v for k, v in record.items()):
                connection.execute(update(db.measures).where(db.measures.c.ref == measure.ref).values(**record))
                updated.append(measure.ref)
        if added or updated or areas_changed:
            versioning.advance(connection)
            audit.record(connection, actor, "catalogue.synced", "catalogue.toml",
                         {"areas_changed": areas_changed, "measures_added": added, "measures_updated": updated})
    return {"areas": len(catalogue.areas), "measures_added": len(added), "measures_updated": len(updated)}


def _measure_record(measure: Measure) -> dict:
    target = measure.target
    return {
        "ref": measure.ref,
        "area_number": measure.area,
        "sort_area": measure.sort_key[0],
        "sort_number": measure.sort_key[1],
        "title": measure.title,
        "short_title": measure.short_title,
        "unit": measure.unit,
        "polarity": measure.polarity,
        "good_looks_like": measure.good_looks_like,
        "counts": measure.counts,
        "decimals": measure.decimals,
        "target_kind": target.kind if target else None,
        "target_low": target.low if target else None,
        "target_high": target.high if target else None,
        "target_tolerance": target.tolerance if target else None,
        "target_text": target.text if target else None,
        "target_source": measure.target_source,
        "objective": measure.objective,
        "timescale": measure.timescale,
        "best_practice": measure.best_practice,
        "numerator_label": measure.numerator_label,
        "denominator_label": measure.denominator_label,
        "chart": measure.chart,
        "source_note": measure.source_note,
        "flags": ",".join(measure.flags),
    }


def read_catalogue(engine: Engine) -> Catalogue:
    """Return the catalogue as stored in the database (empty if `init` has not run)."""
    with engine.connect() as connection:
        area_rows = connection.execute(select(db.areas).order_by(db.areas.c.number)).all()
        measure_rows = connection.execute(
            select(db.measures).order_by(db.measures.c.sort_area, db.measures.c.sort_number)
        ).all()
    areas = tuple(
        Area(
            number=row.number,
            title=row.title,
            short_title=row.short_title,
            description=row.description,
            outcomes=tuple(line for line in row.outcomes.split("\n") if line),
        )
        for row in area_rows
    )
    measures = tuple(
        Measure(
            ref=row.ref,
            area=row.area_number,
            title=row.title,
            short_title=row.short_title,
            unit=row.unit,
            polarity=row.polarity,
            good_looks_like=row.good_looks_like,
            counts=bool(row.counts),
            decimals=row.decimals,
            target=Target(
                kind=row.target_kind,
                low=row.target_low,
                high=row.target_high,
                tolerance=row.target_tolerance or 0.0,
                text=row.target_text or "",
            )
            if row.target_kind
            else None,
            target_source=row.target_source,
            objective=row.objective,
            timescale=row.timescale,
            best_practice=row.best_practice,
            numerator_label=row.numerator_label,
            denominator_label=row.denominator_label,
            chart=row.chart,
            source_note=row.source_note,
            flags=tuple(flag for flag in row.flags.split(",") if flag),
            sort_key=(row.sort_area, row.sort_number),
        )
        for row in measure_rows
    )
    return Catalogue(areas=areas, measures=measures)


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
) -> WriteSummary:
    """Write values, benchmarks and commentary in one transaction, keeping every earlier version.

    New figures are added; a figure that differs from the stored one becomes a new revision and the
    old one stays in history; identical figures are left alone. Commentary (dicts of ref, period, text)
    is appended unless the same text is already the latest for that month. If nothing changes, no upload
    is recorded and `upload_id` is None. Raises sqlalchemy errors (nothing is then written).
    """
    rows = list(rows)
    with db.write_transaction(engine) as connection:
        plan = plan_changes(connection, rows)
        changed_benchmarks = _benchmarks_to_write(connection, benchmark_rows)
        new_commentary = _commentary_to_write(connection, commentary_rows)
        if not plan.added and not plan.revised and not changed_benchmarks and not new_commentary:
            return WriteSummary(upload_id=None, counts=plan.counts, plan=plan)
        upload_id = connection.execute(
            insert(db.uploads).values(
                kind=upload.kind,
                filename=upload.filename,
                sha256=upload.sha256,
                layout=upload.layout,
                user_name=upload.user_name,
                created_at=_now(),
                description=upload.description,
            )
        ).inserted_primary_key[0]
        versioning.advance(connection)
        new_records = [_row_record(row, 1, upload_id) for row in plan.added]
        superseded = [{name: current[name] for name in _RECORD_COLUMNS} for _, current in plan.revised]
        revised_records = [
            _row_record(row, current["version"] + 1, upload_id, keep_note=current["note"])
            for row, current in plan.revised
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
                [{"ref": c["ref"], "period": c["period"], "text": c["text"], "author": upload.user_name,
                  "created_at": _now(), "upload_id": upload_id} for c in new_commentary],
            )
        audit.record(
            connection,
            upload.user_name,
            "demo.loaded" if upload.kind == "demo" else "return.imported",
            upload.filename,
            {"upload_id": upload_id, "layout": upload.layout, "sha256": upload.sha256,
             "added": len(plan.added), "revised": len(plan.revised), "benchmarks": len(changed_benchmarks),
             "commentary": len(new_commentary),
             "periods": sorted({row.period for row in plan.added} | {row.period for row, _ in plan.revised})},
        )
    return WriteSummary(upload_id=upload_id, counts=plan.counts, plan=plan)


_RECORD_COLUMNS = ("ref", "period", "team", "worker", "numerator", "denominator", "value", "status", "note",
                   "synthetic", "version", "upload_id")
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
    connection.exec_driver_sql(statement, [
        (r["ref"], r["period"], r["team"], r["worker"], r["numerator"], r["denominator"], r["value"], r["status"],
         r["note"], r["synthetic"], r["version"], r["upload_id"])
        for r in records
    ])


def _latest_commentary(connection: Connection, refs: Sequence[str]) -> dict[tuple[str, str], str]:
    c = db.commentary.c
    statement = (
        select(c.ref, c.period, c.text)
        .where(c.ref.in_(bindparam("refs", expanding=True)))
        .order_by(c.id)
    )
    return {(row.ref, row.period): row.text for row in connection.execute(statement, {"refs": list(refs)})}


def _commentary_to_write(connection: Connection, commentary_rows: Sequence[dict]) -> list[dict]:
    if not commentary_rows:
        return []
    latest = _latest_commentary(connection, sorted({c["ref"] for c in commentary_rows}))
    return [c for c in commentary_rows if c["text"] and latest.get((c["ref"], c["period"])) != c["text"]]


def commentary_frame(engine: Engine, ref: str) -> pd.DataFrame:
    """Return a measure's commentary (period, text, author, created_at), oldest first; later entries supersede."""
    c = db.commentary.c
    statement = select(c.period, c.text, c.author, c.created_at).where(c.ref == bindparam("ref")).order_by(c.id)
    with engine.connect() as connection:
        return _frame(connection, statement, {"ref": ref})


def template_teams(engine: Engine) -> list[str]:
    """Return the team names a new return's drop-down should offer: every team with a figure, sorted."""
    return sorted(known_teams(engine))


def known_teams(engine: Engine) -> set[str]:
    """Return every team name that has a figure stored."""
    o = db.observations.c
    with engine.connect() as connection:
        return {row.team for row in connection.execute(select(o.team).where(o.team != SERVICE).distinct())}


STAGED_PER_USER_VARIABLE = "MEASURES_STAGED_FILES_PER_USER"
STAGED_TOTAL_VARIABLE = "MEASURES_STAGED_TOTAL_MB"
DEFAULT_STAGED_PER_USER = 1
DEFAULT_STAGED_TOTAL_MB = 200
STAGED_HOURS = 24


class StagingFull(Exception):
    """A checked file cannot be held for confirmation: the staged files' total is at its limit. The message
    says so in words an officer understands."""


def _positive_setting(variable: str, default: int) -> int:
    # A value that is not a positive whole number is ignored, as documented in the README's settings table.
    text = os.environ.get(variable, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else default


def staging_limits() -> tuple[int, int]:
    """Return (files each user may have waiting, total bytes all staged files may hold) from
    MEASURES_STAGED_FILES_PER_USER (default 1) and MEASURES_STAGED_TOTAL_MB (default 200)."""
    return (_positive_setting(STAGED_PER_USER_VARIABLE, DEFAULT_STAGED_PER_USER),
            _positive_setting(STAGED_TOTAL_VARIABLE, DEFAULT_STAGED_TOTAL_MB) * 1024 * 1024)


def stage_upload(engine: Engine, token: str, filename: str, sha256: str, content: bytes, user_name: str = "") -> None:
    """Hold an uploaded file between its preview and confirmation, under `token`.

    At the same time, staged files older than STAGED_HOURS are discarded, and so are the user's earlier staged
    files beyond the newest (MEASURES_STAGED_FILES_PER_USER - 1): with the default of one, checking a new file
    replaces the one checked before. Raises StagingFull (nothing changed) when the file would take the staged
    files of everyone past MEASURES_STAGED_TOTAL_MB; sqlalchemy errors on a database failure.
    """
    per_user, total_bytes = staging_limits()
    s = db.staged_uploads.c
    with db.write_transaction(engine) as connection:
        connection.execute(
            db.staged_uploads.delete().where(s.created_at < bindparam("cutoff")),
            {"cutoff": _now() - timedelta(hours=STAGED_HOURS)},
        )
        earlier = connection.execute(
            select(s.token).where(s.user_name == bindparam("user")).order_by(s.created_at.desc(), s.token),
            {"user": user_name},
        ).scalars().all()
        replaced = list(earlier[per_user - 1:])
        held = connection.execute(
            select(func.coalesce(func.sum(func.length(s.content)), 0)).where(s.token.not_in(replaced or [""]))
        ).scalar_one()
        if held + len(content) > total_bytes:
            raise StagingFull(
                f"{filename} has no errors, but it cannot be held for confirmation just now: the files waiting "
                f"to be confirmed already take the space allowed ({total_bytes // 1_048_576} MB). Try again "
                "later, or ask whoever runs the dashboard to raise MEASURES_STAGED_TOTAL_MB."
            )
        if replaced:
            connection.execute(db.staged_uploads.delete().where(s.token.in_(replaced)))
        connection.execute(
            insert(db.staged_uploads).values(token=token, filename=filename, sha256=sha256, content=content,
                                             user_name=user_name, created_at=_now())
        )


def staged_upload(engine: Engine, token: str) -> dict | None:
    """Return the staged file (token, filename, sha256, content, user_name) or None if it is gone."""
    s = db.staged_uploads.c
    with engine.connect() as connection:
        row = connection.execute(
            select(s.token, s.filename, s.sha256, s.content, s.user_name).where(s.token == bindparam("token")),
            {"token": token},
        ).first()
    return dict(row._mapping) if row else None


def discard_staged_upload(engine: Engine, token: str) -> None:
    """Forget a staged file (after it is committed or abandoned)."""
    with db.write_transaction(engine) as connection:
        connection.execute(
            db.staged_uploads.delete().where(db.staged_uploads.c.token == bindparam("token")), {"token": token}
        )


_UPDATABLE = ("numerator", "denominator", "value", "status", "note", "synthetic", "version", "upload_id")


def _benchmarks_to_write(connection: Connection, benchmark_rows: Sequence[dict]) -> list[dict]:
    if not benchmark_rows:
        return []
    stored = {
        (row.ref, row.year, row.comparator): (row.value, row.source, row.synthetic)
        for row in connection.execute(
            select(db.benchmarks.c.ref, db.benchmarks.c.year, db.benchmarks.c.comparator,
                   db.benchmarks.c.value, db.benchmarks.c.source, db.benchmarks.c.synthetic)
        )
    }
    changed = []
    for record in benchmark_rows:
        key = (record["ref"], record["year"], record["comparator"])
        current = stored.get(key)
        if current is None or not _same_number(current[0], record["value"]) or bool(current[2]) != bool(
            record.get("synthetic", False)
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


# ---------------------------------------------------------------------------------------------
# Reads


_FRAME_COLUMNS = ["ref", "period", "team", "worker", "numerator", "denominator", "value", "status", "note", "synthetic"]


def _frame(connection: Connection, statement, params: dict | None = None) -> pd.DataFrame:
    result = connection.execute(statement, params or {})
    columns = list(result.keys())
    # Plain tuples: handing SQLAlchemy Row objects to pandas costs a failed attribute lookup per row.
    frame = pd.DataFrame.from_records([tuple(row) for row in result.all()], columns=columns)
    for column in ("numerator", "denominator", "value"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    if "synthetic" in frame:
        frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def service_series(
    engine: Engine,
    refs: Sequence[str] | None = None,
    since: str | None = None,
    up_to: str | None = None,
) -> pd.DataFrame:
    """Return whole-service values ordered by ref and period.

    Columns: ref, period, numerator, denominator, value, status, note, synthetic. `refs` limits the
    measures; `since`/`up_to` bound the periods (inclusive).
    """
    o = db.observations.c
    conditions = [o.team == SERVICE, o.worker == SERVICE]
    params: dict = {}
    if refs is not None:
        conditions.append(o.ref.in_(bindparam("refs", expanding=True)))
        params["refs"] = list(refs)
    if since:
        conditions.append(o.period >= bindparam("since"))
        params["since"] = since
    if up_to:
        conditions.append(o.period <= bindparam("up_to"))
        params["up_to"] = up_to
    statement = (
        select(o.ref, o.period, o.numerator, o.denominator, o.value, o.status, o.note, o.synthetic)
        .where(*conditions)
        .order_by(o.ref, o.period)
    )
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def team_series(engine: Engine, ref: str, period: str | None = None) -> pd.DataFrame:
    """Return team-level values of one measure (all months, or one `period`), ordered by team and period.

    Columns: ref, period, team, numerator, denominator, value, status, note, synthetic.
    """
    o = db.observations.c
    conditions = [o.ref == bindparam("ref"), o.team != SERVICE, o.worker == SERVICE]
    params: dict = {"ref": ref}
    if period:
        conditions.append(o.period == bindparam("period"))
        params["period"] = period
    statement = (
        select(o.ref, o.period, o.team, o.numerator, o.denominator, o.value, o.status, o.note, o.synthetic)
        .where(*conditions)
        .order_by(o.team, o.period)
    )
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def worker_values(engine: Engine, ref: str, period: str, team: str | None = None) -> pd.DataFrame:
    """Return worker-level values of one measure for one month (optionally one team).

    Worker figures are staff personal data: callers must check the reader may see them.
    Columns: ref, period, team, worker, value, status, synthetic.
    """
    o = db.observations.c
    conditions = [o.ref == bindparam("ref"), o.period == bindparam("period"), o.worker != SERVICE]
    params: dict = {"ref": ref, "period": period}
    if team:
        conditions.append(o.team == bindparam("team"))
        params["team"] = team
    statement = (
        select(o.ref, o.period, o.team, o.worker, o.value, o.status, o.synthetic)
        .where(*conditions)
        .order_by(o.team, o.worker)
    )
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def available_periods(engine: Engine) -> list[str]:
    """Return every month that has at least one whole-service figure, oldest first."""
    o = db.observations.c
    statement = select(o.period).where(o.team == SERVICE, o.worker == SERVICE).distinct().order_by(o.period)
    with engine.connect() as connection:
        return [row.period for row in connection.execute(statement)]


def latest_period(engine: Engine) -> str | None:
    """Return the newest month with a whole-service figure, or None when there is no data."""
    o = db.observations.c
    statement = select(func.max(o.period)).where(o.team == SERVICE, o.worker == SERVICE)
    with engine.connect() as connection:
        return connection.execute(statement).scalar()


def data_version(engine: Engine) -> str:
    """Return the key under which views computed from the data may be reused (with the catalogue): it changes
    with every write of figures, benchmarks, commentary or the catalogue, and a restore moves it to a value it
    has never had (see `measures.versioning`). One primary-key read. Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return versioning.current(connection)


def count_values(engine: Engine) -> int:
    """Return how many current figures are stored (all levels)."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(db.observations)).scalar_one()


def value_history(
    engine: Engine, ref: str, period: str | None = None, team: str = SERVICE, worker: str = SERVICE
) -> pd.DataFrame:
    """Return every recorded version of a measure's figures, oldest first, with who recorded it and when.

    Columns: ref, period, team, worker, version, numerator, denominator, value, status, note, synthetic,
    recorded_at, recorded_by, source, upload_kind, upload_id, current (True for the version in force).
    """
    u = db.uploads.c
    params: dict = {"ref": ref, "team": team, "worker": worker}
    if period:
        params["period"] = period

    def versions(table, is_current: bool):
        t = table.c
        conditions = [t.ref == bindparam("ref"), t.team == bindparam("team"), t.worker == bindparam("worker")]
        if period:
            conditions.append(t.period == bindparam("period"))
        return select(
            t.ref, t.period, t.team, t.worker, t.version, t.numerator, t.denominator, t.value, t.status,
            t.note, t.synthetic, t.upload_id, literal(is_current).label("current"),
        ).where(*conditions)

    every = union_all(versions(db.observation_revisions, False), versions(db.observations, True)).subquery()
    statement = (
        select(
            every.c.ref, every.c.period, every.c.team, every.c.worker, every.c.version, every.c.numerator,
            every.c.denominator, every.c.value, every.c.status, every.c.note, every.c.synthetic,
            u.created_at.label("recorded_at"), u.user_name.label("recorded_by"), u.filename.label("source"),
            u.kind.label("upload_kind"), u.description.label("upload_description"), every.c.upload_id,
            every.c.current,
        )
        .join(db.uploads, u.id == every.c.upload_id)
        .order_by(every.c.period, every.c.version)
    )
    with engine.connect() as connection:
        frame = _frame(connection, statement, params)
    if not frame.empty:
        frame["current"] = frame["current"].astype(bool)
    return frame


def export_frame(engine: Engine) -> pd.DataFrame:
    """Return every current service- and team-level figure for export, ordered by ref, period, team.

    Columns: ref, period, team, numerator, denominator, value, status, note, synthetic (worker rows are
    personal data and are not exported).
    """
    o = db.observations.c
    statement = (
        select(o.ref, o.period, o.team, o.numerator, o.denominator, o.value, o.status, o.note, o.synthetic)
        .join(db.measures, db.measures.c.ref == o.ref)
        .where(o.worker == SERVICE)
        .order_by(db.measures.c.sort_area, db.measures.c.sort_number, o.period, o.team)
    )
    with engine.connect() as connection:
        return _frame(connection, statement)


def benchmark_frame(engine: Engine, refs: Sequence[str] | None = None) -> pd.DataFrame:
    """Return benchmarks (ref, year, comparator, value, source, synthetic), ordered by ref, year, comparator."""
    b = db.benchmarks.c
    statement = select(b.ref, b.year, b.comparator, b.value, b.source, b.synthetic).order_by(
        b.ref, b.year, b.comparator
    )
    params: dict = {}
    if refs is not None:
        statement = statement.where(b.ref.in_(bindparam("refs", expanding=True)))
        params["refs"] = list(refs)
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def uploads_frame(engine: Engine) -> pd.DataFrame:
    """Return every upload (id, kind, filename, layout, user_name, created_at, description), newest first."""
    u = db.uploads.c
    statement = select(u.id, u.kind, u.filename, u.layout, u.user_name, u.created_at, u.description).order_by(
        u.id.desc()
    )
    with engine.connect() as connection:
        return _frame(connection, statement)

