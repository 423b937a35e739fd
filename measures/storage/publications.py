"""The sign-off of each month: a month is a draft until an admin publishes it, and may be withdrawn with a reason.

Every publication and withdrawal is a row of `publications`, never updated or deleted; a month's state is its
newest row's, and a month with figures but no row is a draft. Each change is written in one transaction with its
audit event and moves the data version on, so every worker recomputes the pages that show the month.

Readers without the permission to see drafts are shown published months only: the dashboard reads
`published_months` and hands that set to the views, which read no figure of any other month.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, func, insert, literal, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from measures.domain.periods import is_period, long_label
from measures.storage import audit, briefings, db, versioning

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
_log = logging.getLogger(__name__)

# Why a month held before sign-off existed is published: migration 0009 and a restore of a backup made before it
# publish them so (a copy of the migration's words: a migration never imports the code it upgrades).
UPGRADE_REASON = "published when the database was upgraded to a release with sign-off (it was already on show)"


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


def _service_periods(connection: Connection) -> list[str]:
    o = db.observations.c
    statement = select(o.period).where(o.team == db.SERVICE, o.worker == db.SERVICE).distinct().order_by(o.period)
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
        row.period: MonthState(row.period, row.state, db.aware_utc(row.at), row.actor, row.reason, row.upload_mark)
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


def publication_marks_in(connection: Connection) -> dict[str, int]:
    """Return, keyed by month, the upload mark of each month published now (its newest row is a publication): the
    newest upload id when it was published. Raises sqlalchemy errors."""
    return {period: state.upload_mark for period, state in _newest_rows(connection).items() if state.published}


def history(engine: Engine, period: str | None = None) -> list[MonthState]:
    """Return every publication and withdrawal (of one month, or of all), oldest first. Raises sqlalchemy errors."""
    p = db.publications.c
    statement = select(p.period, p.state, p.at, p.actor, p.reason, p.upload_mark).order_by(p.id)
    if period is not None:
        statement = statement.where(p.period == bindparam("period"))
    with engine.connect() as connection:
        rows = connection.execute(statement, {"period": period} if period is not None else {})
        return [MonthState(r.period, r.state, db.aware_utc(r.at), r.actor, r.reason, r.upload_mark) for r in rows]


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


def newest_upload_mark(engine: Engine) -> int:
    """Return the newest upload's id (0 when there is none): what a check of a month has seen, to hand to `publish`.
    Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return connection.execute(select(func.max(db.uploads.c.id))).scalar() or 0


def _imported_since(connection: Connection, period: str, mark: int) -> bool:
    """Whether an upload later than `mark` recorded a figure (at any level) of `period`."""
    o = db.observations.c
    statement = select(o.id).where(o.period == bindparam("period"), o.upload_id > bindparam("mark")).limit(1)
    return connection.execute(statement, {"period": period, "mark": mark}).first() is not None


def publish(engine: Engine, period: str, actor: str, checked_mark: int | None = None) -> MonthState:
    """Publish `period` (YYYY-MM) as `actor`: readers see it from now on. Audited; moves the data version.

    `checked_mark` is the `newest_upload_mark` when the admin checked the month: publishing is refused if figures
    of the month were imported since, so that nothing goes out unseen (None publishes what is stored, as the
    command line does).

    The month's briefing is queued, with the publication, to every user who chose it (`briefings`); sending it is
    the caller's, after this returns.

    Returns the new state. Raises PublicationError for a malformed month, a month with no figures, one already
    published or one with figures imported after `checked_mark` (nothing is then written), and sqlalchemy errors.
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
        if checked_mark is not None and _imported_since(connection, period, checked_mark):
            raise PublicationError(
                f"New figures were imported for {long_label(period)} since you checked it: check again before "
                "publishing."
            )
        state = _record(connection, period, PUBLISHED, actor, "")
        audit.record(connection, actor, "month.published", period, {"upload_mark": state.upload_mark})
        _queue_briefing(connection, period, actor)
    return state


def _queue_briefing(connection: Connection, period: str, actor: str) -> None:
    """Queue the month's briefing to its recipients with the publication, so the record of what is owed commits with
    it; in a savepoint, so that a failure to queue never undoes the publication (the admin's briefing page then shows
    the month with nothing sent, to send)."""
    try:
        with connection.begin_nested():
            briefings.queue_for_publication_in(connection, period, actor)
    except SQLAlchemyError:
        _log.exception("The briefing of %s was not queued; it is published all the same", period)


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
    """Publish every month of `periods` never signed off, inside the caller's transaction (for loading the demo: its
    months are the council's published figures). A month published or withdrawn before is left as it is, so loading
    the demo again never undoes an admin's withdrawal. Audited; moves the data version. Raises sqlalchemy errors."""
    signed_off = set(_newest_rows(connection))
    for period in sorted(set(periods) - signed_off):
        state = _record(connection, period, PUBLISHED, actor, reason)
        audit.record(connection, actor, "month.published", period, {"upload_mark": state.upload_mark})


def publish_held_months(connection: Connection, reason: str = UPGRADE_REASON) -> list[str]:
    """Publish, by the system and for `reason`, every month with a whole-service figure that was never signed off,
    inside the caller's transaction, as migration 0009 does for a database upgraded to sign-off (upload mark: the
    newest upload). Audited; moves the data version when it publishes any. Returns the months published, oldest
    first. Raises sqlalchemy errors."""
    periods = sorted(set(_service_periods(connection)) - set(_newest_rows(connection)))
    if periods:
        publish_months(connection, periods, audit.SYSTEM_ACTOR, reason)
    return periods


@dataclass(frozen=True)
class Figure:
    """One version of a whole-service figure: its numbers and status ('ok', 'tbc', ...)."""

    numerator: float | None
    denominator: float | None
    value: float | None
    status: str


@dataclass(frozen=True)
class Revision:
    """A whole-service figure changed since its month was published: what was `published` (None when the measure
    had no figure then), what it is now (`current`), when (`at`), by whom (`by`) and why (`reason`, from the upload
    that revised it)."""

    ref: str
    period: str
    published: Figure | None
    current: Figure
    at: datetime | None
    by: str
    reason: str


def _number(value) -> float | None:
    return None if value is None else float(value)


def _changes(connection: Connection, marks: dict[str, int]) -> dict[tuple[str, str], Revision]:
    """The whole-service figures of the months in `marks` recorded by an upload later than the month's mark."""
    if not marks:
        return {}

    def versions(table, is_current: bool):
        t = table.c
        return select(
            t.ref,
            t.period,
            t.version,
            t.numerator,
            t.denominator,
            t.value,
            t.status,
            t.upload_id,
            literal(is_current).label("current"),
        ).where(t.team == db.SERVICE, t.worker == db.SERVICE, t.period.in_(bindparam("periods", expanding=True)))

    every = union_all(versions(db.observation_revisions, False), versions(db.observations, True)).subquery()
    u = db.uploads.c
    statement = (
        select(every, u.created_at, u.user_name, u.reason)
        .join(db.uploads, u.id == every.c.upload_id)
        .order_by(every.c.ref, every.c.period, every.c.version)
    )
    by_figure: dict[tuple[str, str], list] = {}
    for row in connection.execute(statement, {"periods": sorted(marks)}):
        by_figure.setdefault((row.ref, row.period), []).append(row)
    changes = {}
    for (ref, period), rows in by_figure.items():
        mark = marks[period]
        current = next((row for row in rows if row.current), None)
        if current is None or current.upload_id <= mark:
            continue
        before = [row for row in rows if row.upload_id <= mark]
        published = before[-1] if before else None
        changes[(ref, period)] = Revision(
            ref,
            period,
            None
            if published is None
            else Figure(
                _number(published.numerator), _number(published.denominator), _number(published.value), published.status
            ),
            Figure(_number(current.numerator), _number(current.denominator), _number(current.value), current.status),
            db.aware_utc(current.created_at),
            current.user_name,
            current.reason,
        )
    return changes


def revised_figures(engine: Engine, periods: Sequence[str]) -> dict[tuple[str, str], Revision]:
    """Return, keyed by (ref, period), the whole-service figures of those of `periods` that are published now and
    were revised after their publication. Raises sqlalchemy errors."""
    with engine.connect() as connection:
        newest = _newest_rows(connection)
        marks = {p: newest[p].upload_mark for p in periods if p in newest and newest[p].published}
        return _changes(connection, marks)


def last_publication(engine: Engine, period: str) -> MonthState | None:
    """Return the month's newest publication (whatever has happened since), or None if it was never published.
    Raises sqlalchemy errors."""
    published = [state for state in history(engine, period) if state.state == PUBLISHED]
    return published[-1] if published else None


def changes_since_publication(engine: Engine, period: str) -> tuple[MonthState | None, list[Revision]]:
    """Return the month's last publication (None if never) and its whole-service figures recorded since then
    (every figure, as additions, when it was never published), ordered by ref. Raises sqlalchemy errors."""
    last = last_publication(engine, period)
    with engine.connect() as connection:
        changes = _changes(connection, {period: last.upload_mark if last else 0})
    return last, sorted(changes.values(), key=lambda change: change.ref)


@dataclass(frozen=True)
class Completeness:
    """Which measures have a figure for a month: `with_figure` and `missing` (refs, in catalogue order), and
    `not_applicable` (refs marked not applicable, counted as neither)."""

    period: str
    with_figure: tuple[str, ...]
    missing: tuple[str, ...]
    not_applicable: tuple[str, ...]

    def sentence(self) -> str:
        """E.g. '31 of 38 measures have a figure for February 2023; missing: 2.4, 2.5.'"""
        counted = len(self.with_figure) + len(self.missing)
        have = "has" if len(self.with_figure) == 1 else "have"
        text = f"{len(self.with_figure)} of {counted} measures {have} a figure for {long_label(self.period)}"
        if self.missing:
            text += f"; missing: {', '.join(self.missing)}"
        if self.not_applicable:
            text += f" ({len(self.not_applicable)} not applicable: {', '.join(self.not_applicable)})"
        return text + "."


def completeness(engine: Engine, refs: Sequence[str], period: str) -> Completeness:
    """Return which of `refs` (the catalogue's measures, in order) have a whole-service figure for `period`: a
    value with status ok. TBC, new, suppressed or no row at all is missing; 'na' is not applicable.
    Raises sqlalchemy errors."""
    o = db.observations.c
    statement = select(o.ref, o.status, o.value).where(
        o.team == db.SERVICE, o.worker == db.SERVICE, o.period == bindparam("period")
    )
    with engine.connect() as connection:
        stored = {row.ref: row for row in connection.execute(statement, {"period": period})}
    with_figure, missing, not_applicable = [], [], []
    for ref in refs:
        row = stored.get(ref)
        if row is not None and row.status == "na":
            not_applicable.append(ref)
        elif row is not None and row.status == "ok" and row.value is not None:
            with_figure.append(ref)
        else:
            missing.append(ref)
    return Completeness(period, tuple(with_figure), tuple(missing), tuple(not_applicable))


def published_months_revised(engine: Engine, revised_periods: Sequence[str]) -> list[str]:
    """Return those of `revised_periods` that are published now, oldest first (revising them needs a reason).
    Raises sqlalchemy errors."""
    return sorted(set(revised_periods) & published_months(engine))
