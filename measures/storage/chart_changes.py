"""What a measure's SPC chart shows beside its figures, recorded in the app: events (an officer's note of what
happened in a month), process changes (the limits are recalculated from that month), a fixed baseline (the limits
are calculated on those months only), and targets with the month they apply from.

Every record is a history: a new version row is added, nothing is updated or deleted, so a removal is a version
marked removed with its reason. Each write is one transaction that is audited and moves the data version. The
dashboard decides who may write (officers and admins for events, admins for process changes, baselines and
targets); this module checks what is written.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select

from measures.domain.catalogue import Baseline, ProcessChange, Target, TargetChange
from measures.domain.periods import is_period, long_label
from measures.storage import audit, db, versioning
from measures.storage.reads import Visible

MAX_EVENT_LENGTH = 200
MAX_REASON_LENGTH = 500
# The month the target that applied before the first recorded change is kept from: every earlier month.
FROM_THE_START = "1900-01"


class ChartChangeError(ValueError):
    """A chart change was refused; `problems` lists every reason in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ChartEvent:
    """An event shown on a measure's chart: `key` identifies it across versions."""

    key: str
    ref: str
    period: str
    text: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class SpcChangeRecord:
    """A process change (`kind` "change": from `period`) or a baseline (`kind` "baseline": `period` to
    `period_end`) in force, with who recorded it and why."""

    key: str
    ref: str
    kind: str
    period: str
    period_end: str | None
    reason: str
    actor: str
    at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _new_key() -> str:
    return secrets.token_hex(8)


def _check_measure(connection: Connection, ref: str, problems: list[str]) -> None:
    if connection.execute(select(db.measures.c.ref).where(db.measures.c.ref == ref)).first() is None:
        problems.append(f"There is no measure {ref!r}.")


def _check_month(period: str, what: str, problems: list[str]) -> None:
    if not is_period(period or ""):
        problems.append(f"The {what} {period!r} is not a month: choose one in the form YYYY-MM.")


def _check_reason(reason: str, problems: list[str]) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        problems.append("Give a reason: it is kept with the change for anyone who reads the chart.")
    elif len(cleaned) > MAX_REASON_LENGTH:
        problems.append(f"A reason can be at most {MAX_REASON_LENGTH} characters; this is {len(cleaned)}.")
    return cleaned


def _latest_versions(connection: Connection, table: Table, key_column: str, ref: str | None = None) -> list:
    """The newest version of each key of `table` (for `ref` only when given), oldest key first."""
    key = table.c[key_column]
    newest = select(key, func.max(table.c.version).label("version")).group_by(key)
    if ref is not None:
        newest = newest.where(table.c.ref == ref)
    latest = newest.subquery()
    statement = (
        select(table)
        .join(latest, (key == latest.c[key_column]) & (table.c.version == latest.c.version))
        .order_by(table.c.id)
    )
    return list(connection.execute(statement))


# ---------------------------------------------------------------------------------------------
# Events


def add_event(engine: Engine, ref: str, period: str, text: str, *, actor: str) -> ChartEvent:
    """Record an event on measure `ref`'s chart in `period` (YYYY-MM), e.g. "MASH co-located"; return it.

    Raises ChartChangeError with every problem: an unknown measure, a malformed month, empty text or text over
    MAX_EVENT_LENGTH characters. The text is stored as typed (readers show it as text, never as markup).
    """
    cleaned = " ".join((text or "").split())
    problems: list[str] = []
    _check_month(period, "month of the event", problems)
    if not cleaned:
        problems.append("Say what happened: the event needs a few words.")
    elif len(cleaned) > MAX_EVENT_LENGTH:
        problems.append(f"An event can be at most {MAX_EVENT_LENGTH} characters; this is {len(cleaned)}.")
    with db.write_transaction(engine) as connection:
        _check_measure(connection, ref, problems)
        if problems:
            raise ChartChangeError(problems)
        key, at = _new_key(), _now()
        connection.execute(
            insert(db.chart_events).values(
                event_key=key,
                version=1,
                ref=ref,
                period=period,
                text=cleaned,
                removed=False,
                reason="",
                actor=actor,
                at=at,
            )
        )
        versioning.advance(connection)
        audit.record(connection, actor, "chart.event_added", f"{ref} {period}", {"key": key, "text": cleaned})
    return ChartEvent(key=key, ref=ref, period=period, text=cleaned, actor=actor, at=at)


def remove_event(engine: Engine, key: str, *, reason: str, actor: str) -> None:
    """Remove an event from its chart, keeping every earlier version; raises KeyError for an unknown or already
    removed event and ChartChangeError without a reason."""
    problems: list[str] = []
    cleaned = _check_reason(reason, problems)
    with db.write_transaction(engine) as connection:
        rows = [row for row in _latest_versions(connection, db.chart_events, "event_key") if row.event_key == key]
        if not rows or rows[0].removed:
            raise KeyError(key)
        if problems:
            raise ChartChangeError(problems)
        row = rows[0]
        connection.execute(
            insert(db.chart_events).values(
                event_key=key,
                version=row.version + 1,
                ref=row.ref,
                period=row.period,
                text=row.text,
                removed=True,
                reason=cleaned,
                actor=actor,
                at=_now(),
            )
        )
        versioning.advance(connection)
        audit.record(
            connection, actor, "chart.event_removed", f"{row.ref} {row.period}", {"key": key, "reason": cleaned}
        )


def chart_events(engine: Engine, ref: str, visible: Visible = None) -> list[ChartEvent]:
    """Return the events on measure `ref`'s chart (not removed), by month then as recorded, only in the `visible`
    months (None: every month). Raises sqlalchemy errors on a database failure."""
    with engine.connect() as connection:
        rows = _latest_versions(connection, db.chart_events, "event_key", ref)
    events = [
        ChartEvent(key=row.event_key, ref=row.ref, period=row.period, text=row.text, actor=row.actor, at=row.at)
        for row in rows
        if not row.removed and (visible is None or row.period in visible)
    ]
    return sorted(events, key=lambda event: event.period)


# ---------------------------------------------------------------------------------------------
# Process changes and baselines


def add_process_change(engine: Engine, ref: str, period: str, *, reason: str, actor: str) -> SpcChangeRecord:
    """Record that measure `ref`'s process changed in `period`, so its chart recalculates the mean and limits from
    that month; return the record. Raises ChartChangeError with every problem (unknown measure, malformed month,
    no reason, a change already recorded for that month)."""
    problems: list[str] = []
    _check_month(period, "month of the change", problems)
    cleaned = _check_reason(reason, problems)
    with db.write_transaction(engine) as connection:
        _check_measure(connection, ref, problems)
        current = _current_spc_changes(connection, ref)
        if any(change.kind == "change" and change.period == period for change in current):
            problems.append(f"The limits of {ref} are already recalculated from {long_label(period)}.")
        if problems:
            raise ChartChangeError(problems)
        return _write_spc_change(connection, _new_key(), 1, ref, "change", period, None, cleaned, actor)


def set_baseline(engine: Engine, ref: str, first: str, last: str, *, reason: str, actor: str) -> SpcChangeRecord:
    """Fix measure `ref`'s limits on the months `first` to `last`, replacing any baseline it had; return the
    record. Raises ChartChangeError with every problem (unknown measure, malformed months, `last` before `first`,
    no reason)."""
    problems: list[str] = []
    _check_month(first, "first month of the baseline", problems)
    _check_month(last, "last month of the baseline", problems)
    if is_period(first or "") and is_period(last or "") and last < first:
        problems.append("The baseline's last month is before its first: choose them the other way round.")
    cleaned = _check_reason(reason, problems)
    with db.write_transaction(engine) as connection:
        _check_measure(connection, ref, problems)
        if problems:
            raise ChartChangeError(problems)
        for earlier in _current_spc_changes(connection, ref):
            if earlier.kind == "baseline":
                _write_removal(connection, earlier.change_key, "Replaced by a new baseline: " + cleaned, actor)
        return _write_spc_change(connection, _new_key(), 1, ref, "baseline", first, last, cleaned, actor)


def remove_spc_change(engine: Engine, key: str, *, reason: str, actor: str) -> None:
    """Remove a process change or baseline, keeping every earlier version; raises KeyError for an unknown or
    already removed one and ChartChangeError without a reason."""
    problems: list[str] = []
    cleaned = _check_reason(reason, problems)
    with db.write_transaction(engine) as connection:
        rows = [row for row in _latest_versions(connection, db.spc_changes, "change_key") if row.change_key == key]
        if not rows or rows[0].removed:
            raise KeyError(key)
        if problems:
            raise ChartChangeError(problems)
        _write_removal(connection, key, cleaned, actor)


def spc_changes(engine: Engine, ref: str) -> list[SpcChangeRecord]:
    """Return measure `ref`'s process changes and baseline in force, by month. Raises sqlalchemy errors on a
    database failure."""
    with engine.connect() as connection:
        rows = _current_spc_changes(connection, ref)
    return sorted((_record(row) for row in rows), key=lambda change: (change.period, change.kind))


def _current_spc_changes(connection: Connection, ref: str) -> list:
    return [row for row in _latest_versions(connection, db.spc_changes, "change_key", ref) if not row.removed]


def _record(row: Any) -> SpcChangeRecord:
    return SpcChangeRecord(
        key=row.change_key,
        ref=row.ref,
        kind=row.kind,
        period=row.period,
        period_end=row.period_end,
        reason=row.reason,
        actor=row.actor,
        at=row.at,
    )


def _write_spc_change(
    connection: Connection,
    key: str,
    version: int,
    ref: str,
    kind: str,
    period: str,
    period_end: str | None,
    reason: str,
    actor: str,
    removed: bool = False,
) -> SpcChangeRecord:
    at = _now()
    connection.execute(
        insert(db.spc_changes).values(
            change_key=key,
            version=version,
            ref=ref,
            kind=kind,
            period=period,
            period_end=period_end,
            removed=removed,
            reason=reason,
            actor=actor,
            at=at,
        )
    )
    versioning.advance(connection)
    action = f"chart.{kind}_removed" if removed else f"chart.{kind}_added"
    audit.record(connection, actor, action, f"{ref} {period}", {"key": key, "period_end": period_end, "reason": reason})
    return SpcChangeRecord(key, ref, kind, period, period_end, reason, actor, at)


def _write_removal(connection: Connection, key: str, reason: str, actor: str) -> None:
    (row,) = [row for row in _latest_versions(connection, db.spc_changes, "change_key") if row.change_key == key]
    _write_spc_change(
        connection, key, row.version + 1, row.ref, row.kind, row.period, row.period_end, reason, actor, removed=True
    )


# ---------------------------------------------------------------------------------------------
# Reading them with the catalogue


def measure_changes(
    connection: Connection,
) -> tuple[dict[str, tuple[ProcessChange, ...]], dict[str, Baseline], dict[str, tuple[TargetChange, ...]]]:
    """Return, per measure ref, its process changes (by month), its baseline and its target history (by effective
    month, a later record winning a tie), as the catalogue read gives them to each Measure."""
    changes: dict[str, list[ProcessChange]] = {}
    baselines: dict[str, Baseline] = {}
    for row in _latest_versions(connection, db.spc_changes, "change_key"):
        if row.removed:
            continue
        if row.kind == "baseline":
            baselines[row.ref] = Baseline(row.period, row.period_end or row.period, row.reason)
        else:
            changes.setdefault(row.ref, []).append(ProcessChange(row.period, row.reason))
    history: dict[str, list[TargetChange]] = {}
    t = db.target_history
    for row in connection.execute(select(t).order_by(t.c.ref, t.c.effective_from, t.c.id)):
        history.setdefault(row.ref, []).append(TargetChange(row.effective_from, _target(row), row.reason))
    return (
        {ref: tuple(sorted(items, key=lambda change: change.period)) for ref, items in changes.items()},
        baselines,
        {ref: tuple(items) for ref, items in history.items()},
    )


def _target(row: Any) -> Target | None:
    if row.kind is None:
        return None
    return Target(kind=row.kind, low=row.low, high=row.high, tolerance=row.tolerance or 0.0, text=row.text or "")


def has_target_history(connection: Connection, ref: str) -> bool:
    """Whether measure `ref` has any target recorded with an effective month."""
    statement = select(func.count()).select_from(db.target_history).where(db.target_history.c.ref == bindparam("ref"))
    return bool(connection.execute(statement, {"ref": ref}).scalar_one())


def _target_fields(row) -> dict:
    return {
        "target_kind": row.kind,
        "target_low": row.low,
        "target_high": row.high,
        "target_tolerance": row.tolerance,
        "target_text": row.text,
    }


def _history_rows(ref: str, up_to: str | None = None):
    t = db.target_history.c
    statement = select(t.kind, t.low, t.high, t.tolerance, t.text).where(t.ref == bindparam("ref"))
    if up_to is not None:
        statement = statement.where(t.effective_from <= bindparam("up_to"))
    return statement.order_by(t.effective_from.desc(), t.id.desc()).limit(1)


def newest_target_fields(connection: Connection, ref: str) -> dict:
    """Return the target in force from the newest month of measure `ref`'s target history (the latest recorded of
    that month), as the measure's target_kind, target_low, target_high, target_tolerance and target_text; an empty
    dict when it has no history. Raises sqlalchemy errors."""
    row = connection.execute(_history_rows(ref), {"ref": ref}).first()
    return {} if row is None else _target_fields(row)


def target_fields_in_force(connection: Connection, ref: str, month: str) -> dict | None:
    """Return the target of measure `ref`'s history in force in `month` (fields as `newest_target_fields`), or None
    when its history has none that early (then the measure's own target applies). Raises sqlalchemy errors."""
    row = connection.execute(_history_rows(ref, month), {"ref": ref, "up_to": month}).first()
    return None if row is None else _target_fields(row)


def write_target_history(
    connection: Connection,
    ref: str,
    effective_from: str,
    fields: dict,
    previous: dict,
    *,
    reason: str,
    actor: str,
) -> None:
    """Add a target to measure `ref`'s history from `effective_from`, inside the caller's transaction. `fields`
    and `previous` hold target_kind, target_low, target_high, target_tolerance and target_text (the new target and
    the one in force until now); when the measure has no history yet, the previous target is kept first from
    FROM_THE_START, so the months before `effective_from` keep the target they were rated against."""
    at = _now()

    def row(effective: str, source: dict, why: str) -> dict:
        return {
            "ref": ref,
            "effective_from": effective,
            "kind": source["target_kind"],
            "low": source["target_low"],
            "high": source["target_high"],
            "tolerance": source["target_tolerance"],
            "text": source["target_text"],
            "reason": why,
            "actor": actor,
            "at": at,
        }

    if not has_target_history(connection, ref) and effective_from > FROM_THE_START:
        connection.execute(
            insert(db.target_history).values(
                **row(FROM_THE_START, previous, f"The target in force before {long_label(effective_from)}")
            )
        )
    connection.execute(insert(db.target_history).values(**row(effective_from, fields, reason)))
