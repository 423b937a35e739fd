"""Slowing down password guessing without letting anyone lock anyone out.

Failed sign-ins are counted per name (whether or not it is a user, so the answer does not reveal which names are)
and per address (an IPv6 address by its /64 network, `address_key`). The first FREE_FAILURES_PER_NAME failures for
a name, and FREE_FAILURES_PER_ADDRESS from an address, cost nothing; after that each further attempt must wait a
delay that starts at FIRST_DELAY_SECONDS after the latest failure and doubles with every failure, up to
MAX_DELAY_SECONDS. When the delay has passed, the right password signs in as usual: a stranger's guesses make the
real user wait, never shut them out. Failures are forgotten after FAILURE_MEMORY_HOURS, and a name's count starts
again at its user's next successful sign-in, an address's at the next success from it; an admin may clear a delay
at once (audited).

A stranger hammering a name could still keep its user waiting. So a browser where the user has signed in before
(a known device: the dashboard gives it a signed cookie naming the user and a random device id, as OWASP
advises) is counted on its own: its attempts wait only for failures made from that browser, whatever strangers
have tried, and not for its address's failures.

Everything is kept in the database (`sign_in_attempts`, `sign_in_delay_clearances`) and read under the write
lock, so every worker and server agrees and attempts made at the same moment cannot slip under the limit.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.engine import Connection

from measures.accounts.names import name_key
from measures.storage import audit, db

FREE_FAILURES_PER_NAME = 5
FREE_FAILURES_PER_ADDRESS = 20
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
FAILURE_MEMORY_HOURS = 24
NAME, ADDRESS = "name", "address"
UNKNOWN_NAME = "(a name that is not a user)"


@dataclass(frozen=True)
class Delay:
    """A name or address that must wait before its next sign-in attempt.

    `kind` is NAME or ADDRESS; `key` what the attempts are kept under (a name's digest, or the address);
    `shown` what an admin reads (the user's name, UNKNOWN_NAME, or the address); `failures` the failures
    counted; `until` when the next attempt may be made (UTC)."""

    kind: str
    key: str
    shown: str
    failures: int
    until: datetime


def attempt_key(name_key: str) -> str:
    """Return the digest under which attempts for a (case-folded) name are kept: people sometimes type their
    password in the name box, so the name itself is never stored."""
    return hashlib.sha256(name_key.encode("utf-8")).hexdigest()


def address_key(remote_addr: str) -> str:
    """Return what an address's attempts are counted under: an IPv4 address as it is, an IPv6 address as its /64
    network (one household or office gets a whole /64 and could otherwise try from a new address every time),
    anything else as given, at most 64 characters."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def delay_seconds(failures: int, free: int) -> int:
    """Return how long after the latest of `failures` failures the next attempt must wait: 0 while within the
    `free` ones, then FIRST_DELAY_SECONDS doubling with each further failure, at most MAX_DELAY_SECONDS."""
    if failures < free:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** min(failures - free, 20), MAX_DELAY_SECONDS)


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: None) -> None: ...
def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; every time stored here is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _column(kind: str):
    return db.sign_in_attempts.c.name_key if kind == NAME else db.sign_in_attempts.c.remote_addr


def _counting_from(connection: Connection, kind: str, key: str, now: datetime) -> datetime:
    """The moment failures start to count: the memory's start, or the latest success or clearance after it."""
    a, c = db.sign_in_attempts.c, db.sign_in_delay_clearances.c
    succeeded = connection.execute(select(func.max(a.at)).where(_column(kind) == key, a.succeeded)).scalar()
    cleared = connection.execute(select(func.max(c.at)).where(c.kind == kind, c.key == key)).scalar()
    moments = [now - timedelta(hours=FAILURE_MEMORY_HOURS), _aware(succeeded), _aware(cleared)]
    return max(moment for moment in moments if moment is not None)


def failures(connection: Connection, kind: str, key: str, now: datetime, device: str = "") -> list[datetime]:
    """Return the times of the failures that count for a name digest or address now, oldest first; for a name
    tried from a known `device`, only the failures made from that device."""
    a = db.sign_in_attempts.c
    start = _counting_from(connection, kind, key, now)
    statement = select(a.at).where(_column(kind) == key, ~a.succeeded, a.at > start).order_by(a.at)
    if device:
        statement = statement.where(a.device == device)
    return [_aware(at) for at in connection.execute(statement).scalars()]


def forget_old_attempts(connection: Connection, now: datetime) -> None:
    """Delete the sign-in attempts older than FAILURE_MEMORY_HOURS: no delay counts them any more, and the audit
    log keeps every failure, so the table holds a day's attempts however long the service runs."""
    attempts = db.sign_in_attempts
    connection.execute(delete(attempts).where(attempts.c.at < now - timedelta(hours=FAILURE_MEMORY_HOURS)))


def _free(kind: str) -> int:
    return FREE_FAILURES_PER_NAME if kind == NAME else FREE_FAILURES_PER_ADDRESS


def wait_until(failed_at: list[datetime], kind: str) -> datetime | None:
    """Return when the next attempt may be made after these failures, or None when it may be made at once."""
    seconds = delay_seconds(len(failed_at), _free(kind))
    return failed_at[-1] + timedelta(seconds=seconds) if seconds else None


def seconds_to_wait(connection: Connection, name_digest: str, address: str, now: datetime, device: str = "") -> int:
    """Return how many whole seconds the name and address must still wait before an attempt (0: none). From a
    known `device` of the name's user, only that device's failures count."""
    waits = [0]
    for kind, key in ((NAME, name_digest), (ADDRESS, "" if device else address)):
        if not key:
            continue
        until = wait_until(failures(connection, kind, key, now, device if kind == NAME else ""), kind)
        if until is not None and until > now:
            waits.append(-(-int((until - now).total_seconds() * 1000) // 1000))
    return max(waits)


def current_delays(engine: Engine, user_names: list[str], now: datetime | None = None) -> list[Delay]:
    """Return every name and address that must wait now, the longest wait first. `user_names` are the users'
    names, so that a delayed user is shown by name (other names as UNKNOWN_NAME: what was typed is not kept)."""
    now = now or datetime.now(UTC)
    a = db.sign_in_attempts.c
    shown = {attempt_key(name_key(name)[:80]): name for name in user_names}
    since = now - timedelta(hours=FAILURE_MEMORY_HOURS)
    delays = []
    with engine.connect() as connection:
        for kind in (NAME, ADDRESS):
            column = _column(kind)
            keys = (
                connection.execute(
                    select(column)
                    .where(~a.succeeded, a.at > since, column != "")
                    .group_by(column)
                    .having(func.count() >= _free(kind))
                )
                .scalars()
                .all()
            )
            for key in keys:
                failed_at = failures(connection, kind, key, now)
                until = wait_until(failed_at, kind)
                if until is not None and until > now:
                    label = shown.get(key, UNKNOWN_NAME) if kind == NAME else key
                    delays.append(Delay(kind, key, label, len(failed_at), until))
    return sorted(delays, key=lambda delay: (delay.until, delay.kind, delay.shown), reverse=True)


def clear_delay(engine: Engine, kind: str, key: str, shown: str, actor: str, now: datetime | None = None) -> None:
    """Let a name (by digest) or an address sign in again at once: its earlier failures stop counting. Audited
    with `shown` as the subject. Raises ValueError for a kind other than NAME or ADDRESS or an empty key."""
    if kind not in (NAME, ADDRESS) or not key:
        raise ValueError("A delay is cleared for a name or an address.")
    with db.write_transaction(engine) as connection:
        connection.execute(
            insert(db.sign_in_delay_clearances).values(
                at=now or datetime.now(UTC), kind=kind, key=key[:80], cleared_by=actor
            )
        )
        audit.record(connection, actor, "sign_in.delay_cleared", shown, {"kind": kind})
