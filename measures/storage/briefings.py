"""The monthly briefing's recipients and send log.

A briefing to send is a delivery (a month, a recipient's name and address, and why: the month's publication or an
admin's test); every try to send it is an attempt, with what the mail server said. Rows are added, never
updated, so what was not sent stays visible (and can be sent again) whatever happened to the process sending it:
a delivery is "sent" once one of its attempts succeeded, "failed" once it has attempts and none succeeded, and
"waiting" before its first attempt. Queuing, each attempt and its outcome are in the audit log too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Engine, Integer, and_, bindparam, cast, func, insert, select
from sqlalchemy.engine import Connection

from measures.storage import audit, db

PUBLICATION, TEST = "publication", "test"
SENT, FAILED, WAITING = "sent", "failed", "waiting"


@dataclass(frozen=True)
class Recipient:
    """A user who chose to receive the briefing, with the address they gave."""

    name: str
    address: str


@dataclass(frozen=True)
class Delivery:
    """One briefing to send and what became of it: `state` sent, failed or waiting, after `attempts` tries (the
    latest at `last_at`, with the mail server's `last_detail`)."""

    id: int
    period: str
    user_name: str
    address: str
    kind: str
    requested_by: str
    created_at: datetime
    attempts: int
    state: str
    last_at: datetime | None
    last_detail: str


def _now() -> datetime:
    return datetime.now(UTC)


def recipients_in(connection: Connection) -> list[Recipient]:
    """Return the active users who chose the briefing and gave an address, by name. Raises sqlalchemy errors."""
    u = db.users.c
    statement = (
        select(u.name, u.email)
        .where(u.active.is_(True), u.wants_briefing.is_(True), u.email != "")
        .order_by(u.name_key)
    )
    return [Recipient(row.name, row.email) for row in connection.execute(statement)]


def recipients(engine: Engine) -> list[Recipient]:
    """`recipients_in` in a connection of its own."""
    with engine.connect() as connection:
        return recipients_in(connection)


def still_wanted(engine: Engine, owed: Sequence[Delivery]) -> tuple[list[Delivery], list[Delivery]]:
    """Split `owed` deliveries into those to send now and those no longer wanted. A month's briefing goes to its
    user's address as it is now, and only while the user is active and still chooses the briefing (a choice changed
    after the month was queued is respected); a test goes where the admin who asked for it said. Returns (to send,
    dropped). Raises sqlalchemy errors."""
    current = {recipient.name: recipient.address for recipient in recipients(engine)}
    send: list[Delivery] = []
    dropped: list[Delivery] = []
    for delivery in owed:
        if delivery.kind == TEST:
            send.append(delivery)
        elif delivery.user_name in current:
            send.append(replace(delivery, address=current[delivery.user_name]))
        else:
            dropped.append(delivery)
    return send, dropped


def queue_in(connection: Connection, period: str, kind: str, requested_by: str, to: Sequence[Recipient]) -> list[int]:
    """Add a delivery of the briefing of `period` to each of `to`, inside the caller's transaction, and audit it.
    Returns the new deliveries' ids. Raises sqlalchemy errors."""
    made: list[int] = []
    for recipient in to:
        result = connection.execute(
            insert(db.briefing_deliveries).values(
                period=period,
                user_name=recipient.name,
                address=recipient.address,
                kind=kind,
                requested_by=requested_by or audit.SYSTEM_ACTOR,
                created_at=_now(),
            )
        )
        made.append(db.inserted_id(result))
    if made:
        audit.record(
            connection, requested_by, "briefing.queued", period, {"kind": kind, "recipients": [r.name for r in to]}
        )
    return made


def queue(engine: Engine, period: str, kind: str, requested_by: str, to: Sequence[Recipient]) -> list[int]:
    """`queue_in` in a transaction of its own."""
    with db.write_transaction(engine) as connection:
        return queue_in(connection, period, kind, requested_by, to)


def queue_for_publication_in(connection: Connection, period: str, actor: str) -> list[int]:
    """Add a delivery of the briefing of `period`, just published by `actor`, to every recipient, inside the
    publication's transaction (so the record of what is to be sent commits with the publication). Returns the ids."""
    return queue_in(connection, period, PUBLICATION, actor, recipients_in(connection))


def record_attempt(engine: Engine, delivery_id: int, sent: bool, detail: str) -> int:
    """Record one try to send the delivery `delivery_id` (`sent` or not, with what the mail server said) and audit
    it. Returns the attempt's number (1 for the first). Raises KeyError for an unknown delivery, sqlalchemy errors."""
    d, a = db.briefing_deliveries.c, db.briefing_attempts.c
    with db.write_transaction(engine) as connection:
        delivery = connection.execute(
            select(d.period, d.user_name).where(d.id == bindparam("id")), {"id": delivery_id}
        ).first()
        if delivery is None:
            raise KeyError(delivery_id)
        number = (
            connection.execute(
                select(func.max(a.number)).where(a.delivery_id == bindparam("id")), {"id": delivery_id}
            ).scalar()
            or 0
        ) + 1
        connection.execute(
            insert(db.briefing_attempts).values(
                delivery_id=delivery_id, number=number, at=_now(), sent=sent, detail=detail[:2000]
            )
        )
        audit.record(
            connection,
            audit.SYSTEM_ACTOR,
            "briefing.sent" if sent else "briefing.attempt_failed",
            delivery.period,
            {"delivery": delivery_id, "recipient": delivery.user_name, "attempt": number, "detail": detail[:500]},
        )
    return number


def deliveries(engine: Engine, period: str | None = None, ids: Sequence[int] | None = None) -> list[Delivery]:
    """Return the deliveries (of one month, or with the given ids, or all), newest first, each with its state.
    Raises sqlalchemy errors."""
    d, a = db.briefing_deliveries.c, db.briefing_attempts.c
    counts = (
        select(
            a.delivery_id,
            func.count().label("attempts"),
            func.max(a.number).label("last_number"),
            func.max(cast(a.sent, Integer)).label("any_sent"),
        )
        .group_by(a.delivery_id)
        .subquery()
    )
    last = db.briefing_attempts.alias("last_attempt")
    statement = (
        select(db.briefing_deliveries)
        .add_columns(
            counts.c.attempts, counts.c.any_sent, last.c.at.label("last_at"), last.c.detail.label("last_detail")
        )
        .outerjoin(counts, counts.c.delivery_id == d.id)
        .outerjoin(last, and_(last.c.delivery_id == d.id, last.c.number == counts.c.last_number))
        .order_by(d.id.desc())
    )
    parameters: dict = {}
    if period is not None:
        statement = statement.where(d.period == bindparam("period"))
        parameters["period"] = period
    if ids is not None:
        statement = statement.where(d.id.in_(bindparam("ids", expanding=True)))
        parameters["ids"] = list(ids)
    with engine.connect() as connection:
        rows = connection.execute(statement, parameters).all()
    return [
        Delivery(
            id=row.id,
            period=row.period,
            user_name=row.user_name,
            address=row.address,
            kind=row.kind,
            requested_by=row.requested_by,
            created_at=db.aware_utc(row.created_at) or _now(),
            attempts=row.attempts or 0,
            state=SENT if row.any_sent else (FAILED if row.attempts else WAITING),
            last_at=db.aware_utc(row.last_at),
            last_detail=row.last_detail or "",
        )
        for row in rows
    ]


def note_resend(engine: Engine, delivery_ids: Sequence[int], actor: str) -> None:
    """Audit that `actor` asked for the deliveries `delivery_ids` to be tried again. Raises sqlalchemy errors."""
    if delivery_ids:
        audit.record_event(engine, actor, "briefing.resend_requested", "", {"deliveries": list(delivery_ids)})


def unsent(engine: Engine, period: str | None = None) -> list[Delivery]:
    """Return the deliveries (of one month, or all) with no successful attempt, oldest first."""
    return [delivery for delivery in reversed(deliveries(engine, period)) if delivery.state != SENT]
