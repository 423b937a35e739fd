"""The sign-off of each month: a month is a draft until an admin publishes it, and may be withdrawn with a reason.

Every publication and withdrawal is a row of `publications`, never updated or deleted; a month's state is its
newest row's, and a month with figures but no row is a draft. Each change is written in one transaction with its
audit event and moves the data version on, so every worker recomputes the pages that show the month.

Readers without the permission to see drafts are shown published months only: the dashboard reads
`published_months` and hands that set to the views, which read no figure of any other month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, func, insert, select
from sqlalchemy.engine import Connection

from measures.domain.periods import is_period, long_label
from measures.storage import audit, db, versioning
from measures.storage.recording import SERVICE

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"


class PublicationError(ValueError):
    """A month could not be published or withdrawn; the message says why in a sentence."""


@dataclass(frozen=True)
class MonthState:
    """A month's sign-off: `state` draft, published or withdrawn; for the latter two, when (`at`), by whom
    (`actor`), why (`reason`, for a withdrawal) and the newest upload id at publication (`upload_mark`)."""

    period: str
    state: str
    at: datetime | None = None
    actor: str = ""
    reason: str = ""
    upload_mark: int = 0

    @property
    def published(self) -> bool:
        """True when readers may see the month."""
        return self.state == PUBLISHED


def _day(moment: datetime | None) -> str:
    return f"{moment.day} {moment:%B %Y}" if moment else "an unknown day"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back times without their zone; every time stored here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _service_periods(connection: Connection) -> list[str]:
    o = db.observations.c
    statement = select(o.period).where(o.team == SERVICE, o.worker == SERVICE).distinct().order_by(o.period)
    return [row.period for row in connection.execute(statement)]


def _newest_rows(connection: Connection, period: str | None = None) -> dict[str, MonthState]:
    p = db.publications.c
    newest = select(func.max(p.id)).group_by(p.period)
    if period is not None:
        newest = newest.where(p.period == bindparam("period"))
    statement = select(p.period, p.state, p.at, p.actor, p.reason, p.upload_mark).where(
        p.id.in_(newest.scalar_subquery())
    )
    rows = connection.execute(statement, {"period": period} if period is not None else {})
    return {
        row.period: MonthState(row.period, row.state, _aware(row.at), row.actor, row.reason, row.upload_mark)
        for row in rows
    }


def month_states(engine: Engine) -> list[MonthState]:
    """Return the state of every month that has a whole-service figure or has ever been published, oldest first.
    Raises sqlalchemy errors."""
    with engine.connect() as connection:
        newest = _newest_rows(connection)
        periods = sorted(set(_service_periods(connection)) | set(newest))
    return [newest.get(period, MonthState(period, DRAFT)) for period in periods]


def month_state(engine: Engine, period: str) -> MonthState:
    """Return one month's state (draft when it has never been published). Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return _newest_rows(connection, period).get(period, MonthState(period, DRAFT))


def published_months(engine: Engine) -> frozenset[str]:
    """Return the months readers may see: those whose newest sign-off is a publication. Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return published_months_in(connection)


def published_months_in(connection: Connection) -> frozenset[str]:
    """`published_months` inside the caller's connection or transaction."""
    return frozenset(period for period, state in _newest_rows(connection).items() if state.published)


def history(engine: Engine, period: str | None = None) -> list[MonthState]:
    """Return every publication and withdrawal (of one month, or of all), oldest first. Raises sqlalchemy errors."""
    p = db.publications.c
    statement = select(p.period, p.state, p.at, p.actor, p.reason, p.upload_mark).order_by(p.id)
    if period is not None:
        statement = statement.where(p.period == bindparam("period"))
    with engine.connect() as connection:
        rows = connection.execute(statement, {"period": period} if period is not None else {})
        return [MonthState(r.period, r.state, _aware(r.at), r.actor, r.reason, r.upload_mark) for r in rows]


def _record(connection: Connection, period: str, state: str, actor: str, reason: str) -> MonthState:
    mark = connection.execute(select(func.max(db.uploads.c.id))).scalar() or 0
    at = _now()
    connection.execute(
        insert(db.publications).values(
            period=period, state=state, at=at, actor=actor or audit.SYSTEM_ACTOR, reason=reason, upload_mark=mark
        )
    )
    versioning.advance(connection)
    return MonthState(period, state, at, actor or audit.SYSTEM_ACTOR, reason, mark)


def publish(engine: Engine, period: str, actor: str) -> MonthState:
    """Publish `period` (YYYY-MM) as `actor`: readers see it from now on. Audited; moves the data version.

    Returns the new state. Raises PublicationError for a malformed month, a month with no figures or one already
    published (nothing is then written), and sqlalchemy errors.
    """
    if not is_period(period):
        raise PublicationError(f"{period!r} is not a month in the form YYYY-MM, for example 2023-02.")
    with db.write_transaction(engine) as connection:
        current = _newest_rows(connection, period).get(period, MonthState(period, DRAFT))
        if current.published:
            raise PublicationError(
                f"{long_label(period)} is already published (on {_day(current.at)} by {current.actor}); "
                "nothing was changed."
            )
        if period not in _service_periods(connection):
            raise PublicationError(
                f"{long_label(period)} has no figures to publish: import its return first. Nothing was changed."
            )
        state = _record(connection, period, PUBLISHED, actor, "")
        audit.record(connection, actor, "month.published", period, {"upload_mark": state.upload_mark})
    return state


def withdraw(engine: Engine, period: str, actor: str, reason: str) -> MonthState:
    """Withdraw the publication of `period` as `actor`, for `reason`: readers no longer see it. Audited; moves the
    data version.

    Returns the new state. Raises PublicationError for a malformed month, an empty reason or a month that is not
    published (nothing is then written), and sqlalchemy errors.
    """
    if not is_period(period):
        raise PublicationError(f"{period!r} is not a month in the form YYYY-MM, for example 2023-02.")
    reason = " ".join(reason.split())
    if not reason:
        raise PublicationError(
            f"Say why {long_label(period)} is being withdrawn: the reason is kept with the month's history. "
            "Nothing was changed."
        )
    with db.write_transaction(engine) as connection:
        current = _newest_rows(connection, period).get(period, MonthState(period, DRAFT))
        if not current.published:
            raise PublicationError(f"{long_label(period)} is not published, so there is nothing to withdraw.")
        state = _record(connection, period, WITHDRAWN, actor, reason)
        audit.record(connection, actor, "month.withdrawn", period, {"reason": reason})
    return state


def publish_months(connection: Connection, periods: Sequence[str], actor: str, reason: str = "") -> None:
    """Publish every month of `periods` not yet published, inside the caller's transaction (for loading the demo:
    its months are the council's published figures). Audited; moves the data version. Raises sqlalchemy errors."""
    published = published_months_in(connection)
    for period in sorted(set(periods) - published):
        state = _record(connection, period, PUBLISHED, actor, reason)
        audit.record(connection, actor, "month.published", period, {"upload_mark": state.upload_mark})
