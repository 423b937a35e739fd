"""Writes made in the app rather than by a return: commentary on a measure's month (officers), a measure's
target, objective and timescale (admins), and a correction of a measure's polarity with its reason (admins).
Each is one transaction that adds an audit event; commentary is appended (earlier entries stay), and a target
or polarity change keeps what it replaced in the audit log's detail.
Cached views follow: each write moves `reads.data_version`, and the catalogue is part of every cache key too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from measures.domain.catalogue import POLARITIES, TARGET_KINDS
from measures.domain.periods import is_period, long_label, shift_period
from measures.storage import audit, chart_changes, db, versioning
from measures.storage.catalogue_records import EDITABLE_MEASURE_FIELDS

MAX_COMMENTARY_LENGTH = 2000
MAX_TEXT_FIELD_LENGTH = 500
MAX_REASON_LENGTH = 500
BAND_ONLY_FOR_RANGE = (
    "Only a measure judged against a range can have a band as its target: choose 'at least', 'at most' or no target."
)


class EditError(ValueError):
    """An edit was refused; the message says why in plain words."""


def _now() -> datetime:
    return datetime.now(UTC)


def _measure_row(connection, ref: str):
    row = connection.execute(select(db.measures).where(db.measures.c.ref == ref)).first()
    if row is None:
        raise EditError(f"There is no measure {ref!r}.")
    return row


def add_commentary(engine: Engine, ref: str, period: str, text: str, author: str) -> int:
    """Add commentary for a measure and month, written by `author`; return its id.

    Earlier commentary for the month is kept (the newest is shown first). Raises EditError for an unknown
    measure, a malformed month, empty text or text over MAX_COMMENTARY_LENGTH characters.
    """
    cleaned = (text or "").strip()
    if not is_period(period or ""):
        raise EditError(f"{period!r} is not a month in the form YYYY-MM.")
    if not cleaned:
        raise EditError("Write the commentary before saving it.")
    if len(cleaned) > MAX_COMMENTARY_LENGTH:
        raise EditError(f"Commentary can be at most {MAX_COMMENTARY_LENGTH:,} characters; this is {len(cleaned):,}.")
    if not author:
        raise EditError("Commentary must have an author.")
    with db.write_transaction(engine) as connection:
        _measure_row(connection, ref)
        commentary_id = db.inserted_id(
            connection.execute(
                insert(db.commentary).values(
                    ref=ref, period=period, text=cleaned, author=author, created_at=_now(), upload_id=None
                )
            )
        )
        versioning.advance(connection)
        audit.record(connection, author, "commentary.added", f"{ref} {period}", {"length": len(cleaned)})
    return commentary_id


@dataclass(frozen=True)
class TargetChange:
    """A measure's new target (None kind = no target), amber tolerance, target wording, objective and timescale."""

    kind: str | None
    low: float | None = None
    high: float | None = None
    tolerance: float = 0.0
    text: str = ""
    objective: str = ""
    timescale: str = ""


EARLIEST_TARGET_MONTH = "2000-01"
TARGET_HISTORY_KEY = "target_history"  # in `change_target`'s answer when a dated target was recorded
TARGET_MONTHS_AHEAD = 36  # how far beyond this month a new target may be dated
LARGEST_COUNT_TARGET = 1_000_000


def effective_month_problems(month: str, today: datetime | None = None) -> list[str]:
    """Return why `month` cannot be the month a new target applies from, as sentences (empty when it can): it must
    be a month (YYYY-MM) from EARLIEST_TARGET_MONTH to TARGET_MONTHS_AHEAD months after this month."""
    if not is_period(month):
        return [f"{month[:20]!r} is not a month: choose the month the target applies from, for example 2023-04."]
    now = today or _now()
    latest = shift_period(f"{now.year:04d}-{now.month:02d}", TARGET_MONTHS_AHEAD)
    if not EARLIEST_TARGET_MONTH <= month <= latest:
        return [
            f"A target can apply from {long_label(EARLIEST_TARGET_MONTH)} to {long_label(latest)}: "
            f"{long_label(month)} is outside that."
        ]
    return []


def value_problems(change: TargetChange, unit: str) -> list[str]:
    """Return why the values of `change` cannot be a target of a measure in `unit`, as sentences: a percentage's
    values and tolerance lie from 0 to 100, other figures' from 0 to LARGEST_COUNT_TARGET."""
    top = 100.0 if unit == "percent" else float(LARGEST_COUNT_TARGET)
    what = "a percentage" if unit == "percent" else "this measure"
    return [
        f"The {label} value of {what} must be from 0 to {top:,.0f}."
        for label, number in (("low", change.low), ("high", change.high), ("tolerance", change.tolerance))
        if number is not None and math.isfinite(number) and not 0 <= number <= top
    ]


def target_problems(change: TargetChange, polarity: str) -> list[str]:
    """Return why `change` cannot be saved for a measure of this polarity, as sentences (empty when it can)."""
    problems = []
    numbers = {"low": change.low, "high": change.high, "tolerance": change.tolerance}
    for label, number in numbers.items():
        if number is not None and not math.isfinite(number):
            problems.append(f"The {label} value must be a number.")
    if change.kind is not None and change.kind not in TARGET_KINDS:
        problems.append(f"The target must be one of {', '.join(TARGET_KINDS)} or none.")
    if change.kind == "at_least" and change.low is None:
        problems.append("An 'at least' target needs its lowest acceptable value.")
    if change.kind == "at_most" and change.high is None:
        problems.append("An 'at most' target needs its highest acceptable value.")
    if change.kind == "band" and (change.low is None or change.high is None):
        problems.append("A band needs both its low and its high value.")
    if change.kind == "band" and change.low is not None and change.high is not None and change.low > change.high:
        problems.append("The band's low value must not be above its high value.")
    if change.tolerance is not None and change.tolerance < 0:
        problems.append("The amber tolerance cannot be negative.")
    if polarity == "range" and change.kind != "band":
        problems.append("This measure is judged against a range, so its target must be a band.")
    if polarity != "range" and change.kind == "band":
        problems.append(BAND_ONLY_FOR_RANGE)
    for label, value in (
        ("target wording", change.text),
        ("objective", change.objective),
        ("timescale", change.timescale),
    ):
        if len(value or "") > MAX_TEXT_FIELD_LENGTH:
            problems.append(f"The {label} can be at most {MAX_TEXT_FIELD_LENGTH} characters.")
    return problems


def stored_fields(change: TargetChange) -> dict:
    """Return the measure's fields as `change_target` stores `change`: a value the kind of target does not use
    (a high for 'at least') is left empty, and so is everything about a target when there is none."""
    has_target = change.kind is not None
    return {
        "target_kind": change.kind,
        "target_low": change.low if has_target and change.kind != "at_most" else None,
        "target_high": change.high if has_target and change.kind != "at_least" else None,
        "target_tolerance": (change.tolerance or 0.0) if has_target else None,
        "target_text": (change.text or "").strip() if has_target else None,
        "objective": (change.objective or "").strip(),
        "timescale": (change.timescale or "").strip(),
    }


def change_target(
    engine: Engine,
    ref: str,
    change: TargetChange,
    actor: str,
    effective_from: str | None = None,
    reason: str = "",
) -> dict[str, tuple]:
    """Change a measure's target, tolerance, wording, objective and timescale; return {field: (before, after)}
    for what changed, with TARGET_HISTORY_KEY: (None, effective_from) when a dated target was recorded (empty when
    nothing changed, and then nothing is written).

    A new target needs `effective_from` (YYYY-MM) and a `reason`: it applies from that month on and the months
    before keep the target in force then (`measures.storage.chart_changes.write_target_history`), so changing a
    target never re-rates the months before. The measure's own target fields then hold the target in force from the
    newest month of its history (a target dated before a later one is kept in the history and rates only its own
    months). Changes to the objective and timescale alone need no month. The measure is marked as edited in the app,
    so reloading the catalogue file keeps these fields. Raises EditError for an unknown measure, a change
    `target_problems` refuses, a malformed month, a missing reason, or a new target without `effective_from`.
    """
    with db.write_transaction(engine) as connection:
        row = _measure_row(connection, ref)
        problems = target_problems(change, row.polarity) + value_problems(change, row.unit)
        cleaned_reason = " ".join((reason or "").split())
        if effective_from is not None:
            problems.extend(effective_month_problems(effective_from))
            if not cleaned_reason:
                problems.append("Give a reason for changing the target: it is kept with the target's history.")
            elif len(cleaned_reason) > MAX_REASON_LENGTH:
                problems.append(f"A reason can be at most {MAX_REASON_LENGTH} characters.")
        new = stored_fields(change)
        old = {name: getattr(row, name) for name in EDITABLE_MEASURE_FIELDS}
        changed = {name: (old[name], new[name]) for name in EDITABLE_MEASURE_FIELDS if old[name] != new[name]}
        target_fields = [name for name in EDITABLE_MEASURE_FIELDS if name.startswith("target_")]
        retargeted = any(name in changed for name in target_fields)
        if effective_from is None and retargeted:
            problems.append(
                f"Choose the month the new target of {ref} applies from, so the months before keep the target they "
                "were rated against."
            )
        if problems:
            raise EditError(" ".join(problems))
        if not changed and (
            effective_from is None
            or chart_changes.target_fields_in_force(connection, ref, effective_from)
            in (None, {name: new[name] for name in target_fields})
        ):
            return {}
        if effective_from is not None:
            chart_changes.write_target_history(
                connection,
                ref,
                effective_from,
                {name: new[name] for name in target_fields},
                {name: old[name] for name in target_fields},
                reason=cleaned_reason,
                actor=actor,
            )
            new.update(chart_changes.newest_target_fields(connection, ref))
            changed = {name: (old[name], new[name]) for name in EDITABLE_MEASURE_FIELDS if old[name] != new[name]}
            changed[TARGET_HISTORY_KEY] = (None, effective_from)
        if changed:
            connection.execute(
                update(db.measures).where(db.measures.c.ref == ref).values(**new, edited_at=_now(), edited_by=actor)
            )
        versioning.advance(connection)
        detail: dict = {name: {"from": before, "to": after} for name, (before, after) in changed.items()}
        if effective_from is not None:
            detail["effective_from"] = effective_from
            detail["reason"] = cleaned_reason
        audit.record(connection, actor, "catalogue.target_changed", ref, detail)
    return changed


def polarity_problems(polarity: str, reason: str, target_kind: str | None) -> list[str]:
    """Return why a measure with a target of `target_kind` (None for none) cannot be given `polarity` for
    `reason`, as sentences (empty when it can): the polarity must be known, a reason must be given (at most
    MAX_REASON_LENGTH characters), and only a measure with a band target can be judged against a range, while a
    measure with a band target can only be."""
    problems = []
    if polarity not in POLARITIES:
        problems.append(f"What good looks like must be one of {', '.join(POLARITIES)}.")
    cleaned = (reason or "").strip()
    if not cleaned:
        problems.append("Say why the polarity is being changed: the reason is kept in the audit log.")
    elif len(cleaned) > MAX_REASON_LENGTH:
        problems.append(f"The reason can be at most {MAX_REASON_LENGTH} characters.")
    if polarity == "range" and target_kind != "band":
        problems.append("Only a measure whose target is a band can be judged against a range: set a band first.")
    if polarity in POLARITIES and polarity != "range" and target_kind == "band":
        problems.append("This measure's target is a band, so it can only be judged against that range.")
    return problems


def change_polarity(engine: Engine, ref: str, polarity: str, reason: str, actor: str) -> tuple[str, str] | None:
    """Correct a measure's polarity (what good looks like: "higher", "lower", "range" or "none") for `reason`;
    return (before, after), or None when it is already `polarity` (then nothing is written).

    The change is audited ("catalogue.polarity_changed", with the polarity before and after and the reason) and
    the measure is marked as corrected in the app, so reloading the catalogue file keeps this polarity. Raises
    EditError for an unknown measure or a change `polarity_problems` refuses.
    """
    with db.write_transaction(engine) as connection:
        row = _measure_row(connection, ref)
        problems = polarity_problems(polarity, reason, row.target_kind)
        if problems:
            raise EditError(" ".join(problems))
        if row.polarity == polarity:
            return None
        connection.execute(
            update(db.measures)
            .where(db.measures.c.ref == ref)
            .values(polarity=polarity, polarity_edited_at=_now(), polarity_edited_by=actor)
        )
        versioning.advance(connection)
        audit.record(
            connection,
            actor,
            "catalogue.polarity_changed",
            ref,
            {"polarity": {"from": row.polarity, "to": polarity}, "reason": reason.strip()},
        )
    return (row.polarity, polarity)
