"""The audit log: every write (an upload, a revision, commentary, a catalogue change, a user change, a restore)
and every sign-in, with who did it, what and when. Append-only; `python -m measures audit` lists it.

A write records its audit event inside its own transaction (`record`), so the event and the change it
describes are kept together or not at all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import Connection

from measures.storage import db

SYSTEM_ACTOR = "system"

# Every action the log may hold, with what it means (listed by `python -m measures audit --help`).
ACTIONS: dict[str, str] = {
    "return.checked": "a return was uploaded and checked in the app (nothing imported yet)",
    "return.imported": "a monthly return was imported (figures added or revised)",
    "return.unsafe": "reading a return was stopped (it needed more memory or time than allowed, or failed); "
    "nothing was imported",
    "demo.loaded": "the demonstration data was loaded",
    "national.checked": "a file of national figures or neighbour groups was uploaded and checked in the app (nothing "
    "imported yet)",
    "national.imported": "national figures (DfE's Local Authority Interactive Tool) were imported (added or revised)",
    "neighbours.imported": "an edition of DfE's statistical neighbour groups was imported (added or revised)",
    "commentary.added": "commentary was written for a measure and month",
    "catalogue.synced": "the measure catalogue file was loaded into the database",
    "catalogue.target_changed": "an admin changed a measure's target, objective or timescale",
    "catalogue.polarity_changed": "an admin corrected what good looks like for a measure (its polarity), with a reason",
    "chart.event_added": "an event was noted on a measure's chart for a month",
    "chart.event_removed": "an event was taken off a measure's chart, with a reason (earlier versions are kept)",
    "chart.change_added": "an admin marked a month a measure's process changed: its chart's limits are recalculated "
    "from it, with a reason",
    "chart.change_removed": "an admin took away a month a measure's limits were recalculated from, with a reason",
    "chart.baseline_added": "an admin fixed a measure's chart limits on a baseline period, with a reason",
    "chart.baseline_removed": "an admin took away a measure's fixed baseline, with a reason",
    "user.added": "a user was added",
    "user.role_changed": "a user's role was changed",
    "user.password_changed": "a user's password was set or reset",
    "user.disabled": "a user was disabled",
    "user.enabled": "a user was enabled again",
    "database.restored": "the database was restored from a backup",
    "database.backed_up": "a backup of the database was written",
    "sign_in.succeeded": "someone signed in",
    "sign_in.failed": "a sign-in failed (wrong name or password)",
    "sign_in.locked": "a name or address was locked out after repeated failed sign-ins (before delays replaced locks)",
    "sign_in.delayed": "after repeated failed sign-ins, a name's or address's next attempt must wait",
    "sign_in.delay_cleared": "an admin let a delayed name or address sign in again at once",
    "sign_out": "someone signed out",
    "month.published": "an admin published a month: readers see its figures from then on",
    "month.withdrawn": "an admin withdrew a month's publication, with a reason: readers no longer see it",
    "plan.action_added": "an action was added to the improvement plan, with a reason",
    "plan.action_changed": "an improvement plan action was reworded, re-dated, given a new lead or linked to other "
    "measures, with a reason",
    "plan.action_closed": "an improvement plan action was closed, with a reason",
    "plan.action_reopened": "a closed improvement plan action was reopened, with a reason",
    "plan.ratings_recorded": "monthly BRAG ratings and progress of improvement plan actions were recorded (added or "
    "revised)",
    "briefing.queued": "the monthly briefing was queued for sending by email (on publication, or a test by an admin)",
    "briefing.sent": "a briefing email was accepted by the mail server",
    "briefing.attempt_failed": "an attempt to send a briefing email failed (it is tried again, or an admin resends it)",
    "briefing.resend_requested": "an admin asked for briefing emails not yet sent to be tried again",
    "user.briefing_changed": "a user changed their email address or whether they receive the monthly briefing",
    "pack.pdf_printed": "the server's browser printed the meeting pack as a PDF (a copy already made is not logged)",
}


def _now() -> datetime:
    return datetime.now(UTC)


def record(connection: Connection, actor: str, action: str, subject: str = "", detail: dict | None = None) -> None:
    """Add one event inside the caller's transaction. Returns nothing; raises ValueError for an unknown action."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    connection.execute(
        insert(db.audit_events).values(
            at=_now(),
            actor=actor or SYSTEM_ACTOR,
            action=action,
            subject=subject,
            detail=json.dumps(detail or {}, sort_keys=True, default=str),
        )
    )


def record_event(engine: Engine, actor: str, action: str, subject: str = "", detail: dict | None = None) -> None:
    """Add one event in a transaction of its own (for events that go with no other write, e.g. a sign-in)."""
    with db.write_transaction(engine) as connection:
        record(connection, actor, action, subject, detail)


def audit_frame(
    engine: Engine,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Return audit events, newest first: columns id, at, actor, action, subject, detail (a dict).

    `since` keeps events at or after that moment; `actor` matches the name exactly; `action` matches an
    action or, ending in '.', every action it begins (e.g. 'user.'). `limit` keeps the newest so many.
    """
    a = db.audit_events.c
    statement = select(a.id, a.at, a.actor, a.action, a.subject, a.detail).order_by(a.id.desc())
    if since is not None:
        statement = statement.where(a.at >= since)
    if actor:
        statement = statement.where(a.actor == actor)
    if action:
        statement = statement.where(a.action.startswith(action) if action.endswith(".") else a.action == action)
    if limit:
        statement = statement.limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame(
        [
            {
                "id": row.id,
                "at": row.at,
                "actor": row.actor,
                "action": row.action,
                "subject": row.subject,
                "detail": json.loads(row.detail) if row.detail else {},
            }
            for row in rows
        ],
        columns=["id", "at", "actor", "action", "subject", "detail"],
    )
    return frame
