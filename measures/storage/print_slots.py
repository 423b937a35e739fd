"""Print slots: how many meeting-pack PDFs may be made at once, and who is making them, shared by every worker
and server through the database.

There are a few numbered slots. A slot is held by one holder (a user's name, or the address of a visitor who
is not signed in) for one piece of work (which PDF), until released or until it expires, so a slot whose
worker died frees itself. A holder may hold one slot only, so one reader cannot take them all. Taking a slot
happens inside the database's write lock (`db.write_transaction`), so two servers never take the same one.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from measures.storage import db

SLOTS = 2


class Outcome(enum.Enum):
    """What asking for a slot came to."""

    TAKEN = "taken"  # the slot is the caller's until released
    HOLDER_BUSY = "holder busy"  # this holder already holds a slot
    SAME_WORK = "same work"  # someone else is already making this very PDF: wait for it instead
    FULL = "full"  # every slot is held by others


def take_slot(engine: Engine, holder: str, work_key: str, hold_seconds: float, slots: int = SLOTS) -> Outcome:
    """Try to take a print slot for `holder` to make the PDF `work_key`, held for at most `hold_seconds`.

    Returns Outcome.TAKEN when taken; otherwise, without waiting, HOLDER_BUSY, SAME_WORK or FULL (in that order
    of precedence). Expired slots are freed first. Raises whatever the database raises.
    """
    now = datetime.now(UTC)
    s = db.print_slots.c
    with db.write_transaction(engine) as connection:
        connection.execute(delete(db.print_slots).where(s.expires_at < now))
        held = connection.execute(select(s.slot, s.holder, s.work_key)).all()
        if any(row.holder == holder for row in held):
            return Outcome.HOLDER_BUSY
        if any(row.work_key == work_key for row in held):
            return Outcome.SAME_WORK
        free = sorted(set(range(1, slots + 1)) - {row.slot for row in held})
        if not free:
            return Outcome.FULL
        connection.execute(
            insert(db.print_slots).values(
                slot=free[0], holder=holder, work_key=work_key, expires_at=now + timedelta(seconds=hold_seconds)
            )
        )
    return Outcome.TAKEN


def release_slot(engine: Engine, holder: str, work_key: str) -> None:
    """Free the slot `holder` took for `work_key` (nothing happens if it has expired or was freed). Raises
    whatever the database raises."""
    s = db.print_slots.c
    with engine.begin() as connection:
        connection.execute(delete(db.print_slots).where(s.holder == holder, s.work_key == work_key))


def slot_holders(engine: Engine) -> dict[str, str]:
    """Return who holds an unexpired slot now, as {holder: work_key}."""
    s = db.print_slots.c
    with engine.connect() as connection:
        rows = connection.execute(select(s.holder, s.work_key).where(s.expires_at >= datetime.now(UTC))).all()
    return {row.holder: row.work_key for row in rows}
