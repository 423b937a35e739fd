"""The improvement plan in the database: its actions, each a history of versions (added, reworded, re-dated, relinked,
closed), and their monthly BRAG ratings, each month a history of revisions.

Nothing is updated or deleted: a change adds a version with who made it, when and why, and the newest version is the
current one. Every write is one transaction holding its audit event and a move of the data version, so every worker
recomputes the pages that show the plan. Readers limited to published months (`visible`) are given no rating of any
other month, as for figures (`measures.storage.reads`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, func, insert, select
from sqlalchemy.engine import Connection, Row

from measures.domain.periods import is_period, long_label, shift_period
from measures.domain.plan import (
    CLOSED,
    OPEN,
    Action,
    Rating,
    action_number_problem,
    action_sort_key,
    area_of,
    completed_in,
    parse_brag,
    rating_problems,
)
from measures.storage import audit, db, publications, versioning

Visible = frozenset[str] | None

TEXT_LIMIT = 2000
LEAD_LIMIT = 300


class PlanError(ValueError):
    """A change to the plan or its ratings was refused; `problems` lists every reason as a sentence (nothing was
    written)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class RatingRow:
    """A month's rating of an action as given (typed on a page, read from a return, or made by the demo): `brag` as
    typed ("Blue", "B", "not yet due"), `progress` text, `synthetic` for demonstration data."""

    number: str
    period: str
    brag: str
    progress: str
    synthetic: bool = False


@dataclass(frozen=True)
class ActionHistory:
    """Every version of an action and every revision of its ratings, oldest first."""

    versions: list[Action]
    ratings: list[Rating]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back times without their zone; every time stored here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


_a = db.plan_actions.c
_r = db.action_ratings.c


def _action(row: Row) -> Action:
    refs = tuple(ref for ref in (row.measure_refs or "").split(",") if ref)
    return Action(
        number=row.number,
        area=row.area_number,
        text=row.text,
        lead=row.lead,
        deadline=row.deadline,
        deadline_text=row.deadline_text,
        measures=refs,
        state=row.state,
        version=row.version,
        actor=row.actor,
        at=_aware(row.at),
        reason=row.reason,
    )


def _rating(row: Row) -> Rating:
    return Rating(
        number=row.number,
        period=row.period,
        brag=row.brag,
        progress=row.progress,
        synthetic=bool(row.synthetic),
        version=row.version,
        actor=row.actor,
        at=_aware(row.at),
        source=row.source,
    )


def _current_in(connection: Connection, number: str | None = None) -> dict[str, Action]:
    newest = select(func.max(_a.id)).group_by(_a.number)
    params: dict = {}
    if number is not None:
        newest = newest.where(_a.number == bindparam("number"))
        params["number"] = number
    statement = select(db.plan_actions).where(_a.id.in_(newest.scalar_subquery()))
    return {row.number: _action(row) for row in connection.execute(statement, params)}


def _sorted(actions: Iterable[Action]) -> list[Action]:
    return sorted(actions, key=lambda action: action_sort_key(action.number))


def current_actions(engine: Engine, area: int | None = None) -> list[Action]:
    """Return the newest version of every action (of one improvement `area`, or all), in the plan's order (1.2 before
    1.10 before 2.1), closed ones included (see `Action.closed`). Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return current_actions_in(connection, area)


def current_actions_in(connection: Connection, area: int | None = None) -> list[Action]:
    """`current_actions` inside the caller's connection or transaction."""
    return _sorted(action for action in _current_in(connection).values() if area is None or action.area == area)


def action(engine: Engine, number: str) -> Action | None:
    """Return the newest version of action `number`, or None when the plan has no such action. Raises sqlalchemy
    errors."""
    with engine.connect() as connection:
        return _current_in(connection, number).get(number)


def _only_visible(visible: Visible, conditions: list, params: dict) -> None:
    if visible is not None:
        conditions.append(_r.period.in_(bindparam("visible_months", expanding=True)))
        params["visible_months"] = sorted(visible) or [""]


def action_history(engine: Engine, number: str, visible: Visible = None) -> ActionHistory:
    """Return every version of action `number` (oldest first) and every revision of its ratings, by month and then
    in the order recorded; with `visible` (the months a reader may see) only the ratings of those months.
    Raises KeyError when the plan has no such action, and sqlalchemy errors."""
    conditions: list = [_r.number == bindparam("number")]
    params: dict = {"number": number}
    _only_visible(visible, conditions, params)
    with engine.connect() as connection:
        versions = connection.execute(
            select(db.plan_actions).where(_a.number == bindparam("number")).order_by(_a.version), {"number": number}
        ).all()
        if not versions:
            raise KeyError(number)
        ratings = connection.execute(
            select(db.action_ratings).where(*conditions).order_by(_r.period, _r.version), params
        ).all()
    return ActionHistory([_action(row) for row in versions], [_rating(row) for row in ratings])


def _ratings_in(
    connection: Connection, visible: Visible = None, up_to: str | None = None, numbers: Sequence[str] | None = None
) -> dict[str, dict[str, Rating]]:
    conditions: list = []
    params: dict = {}
    _only_visible(visible, conditions, params)
    if up_to is not None:
        conditions.append(_r.period <= bindparam("up_to"))
        params["up_to"] = up_to
    if numbers is not None:
        conditions.append(_r.number.in_(bindparam("numbers", expanding=True)))
        params["numbers"] = list(numbers) or [""]
    newest = select(func.max(_r.id)).where(*conditions).group_by(_r.number, _r.period)
    statement = select(db.action_ratings).where(_r.id.in_(newest.scalar_subquery()))
    result: dict[str, dict[str, Rating]] = {}
    for row in connection.execute(statement, params):
        result.setdefault(row.number, {})[row.period] = _rating(row)
    return {number: dict(sorted(months.items())) for number, months in result.items()}


def plan_ratings(engine: Engine, visible: Visible = None, up_to: str | None = None) -> dict[str, dict[str, Rating]]:
    """Return the newest rating of each action and month: action number -> month -> Rating (months oldest first),
    only of the months `visible` allows (None: every month; a reader who may not see drafts passes the published
    months) and up to month `up_to` (inclusive, None: every month). Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return _ratings_in(connection, visible, up_to)


# ---------------------------------------------------------------------------------------------
# Writes


@contextmanager
def _transaction(engine: Engine, connection: Connection | None) -> Iterator[Connection]:
    if connection is not None:
        yield connection
        return
    with db.write_transaction(engine) as own:
        yield own


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _measure_problems(connection: Connection, measures: Sequence[str]) -> list[str]:
    known = {row.ref for row in connection.execute(select(db.measures.c.ref))}
    return [
        f"{str(ref)[:40]!r} is not a measure in the catalogue: link an action to measures by their refs, e.g. 3.1."
        for ref in measures
        if ref not in known
    ]


def _wording_problems(text: str, lead: str, deadline: str) -> list[str]:
    problems = []
    if not text:
        problems.append("The action has no wording: say what will be done.")
    elif len(text) > TEXT_LIMIT:
        problems.append(f"The action's wording is {len(text):,} characters long; at most {TEXT_LIMIT:,} are kept.")
    if len(lead) > LEAD_LIMIT:
        problems.append(f"The lead is {len(lead):,} characters long; at most {LEAD_LIMIT:,} are kept.")
    if deadline and not is_period(deadline):  # blank: the plan gives the action no deadline
        problems.append(f"The deadline {deadline[:40]!r} is not a month in the form YYYY-MM, for example 2023-03.")
    return problems


def _insert_version(connection: Connection, action: Action, source: str) -> None:
    connection.execute(
        insert(db.plan_actions).values(
            number=action.number,
            version=action.version,
            area_number=action.area,
            text=action.text,
            lead=action.lead,
            deadline=action.deadline,
            deadline_text=action.deadline_text,
            measure_refs=",".join(action.measures),
            state=action.state,
            reason=action.reason,
            actor=action.actor,
            at=action.at,
            source=source,
        )
    )


def _refs(measures: Iterable[str]) -> tuple[str, ...]:
    refs: list[str] = []
    for ref in measures:
        ref = str(ref).strip()
        if ref and ref not in refs:
            refs.append(ref)
    return tuple(refs)


def add_action(
    engine: Engine,
    *,
    number: str,
    area: int,
    text: str,
    lead: str,
    deadline: str,
    deadline_text: str,
    measures: Sequence[str],
    actor: str,
    reason: str,
    source: str = "page",
    connection: Connection | None = None,
) -> Action:
    """Add action `number` (e.g. "2.4") to improvement `area` of the plan, as version 1, for `reason`, as `actor`.
    `deadline` is the month (YYYY-MM) by the end of which it is due (blank: no deadline), `deadline_text` its wording
    (the month's name when blank), `measures` the refs of the measures it should move. Audited; moves the data
    version; with `connection` it writes inside the caller's transaction.

    Returns the action. Raises PlanError listing every problem (a malformed number, one not in `area`, one already in
    the plan, an unknown area or measure, no wording, a malformed deadline, no reason); nothing is then written."""
    number, text, lead, reason = str(number).strip(), _clean(text), _clean(lead), _clean(reason)
    deadline = str(deadline).strip()
    refs = _refs(measures)
    with _transaction(engine, connection) as conn:
        problems = []
        number_problem = action_number_problem(number)
        if number_problem:
            problems.append(number_problem)
        elif area_of(number) != area:
            problems.append(f"Action {number} belongs to area {area_of(number)}, not area {area}.")
        elif number in _current_in(conn, number):
            problems.append(f"Action {number} is already in the plan: change it instead of adding it again.")
        if (
            conn.execute(select(db.areas.c.number).where(db.areas.c.number == bindparam("n")), {"n": area}).first()
            is None
        ):
            problems.append(f"There is no improvement area {str(area)[:10]}.")
        problems += _wording_problems(text, lead, deadline)
        problems += _measure_problems(conn, refs)
        if not reason:
            problems.append(f"Say why action {number[:40]} is added: a reason is required.")
        if problems:
            raise PlanError(problems)
        added = Action(
            number=number,
            area=area,
            text=text,
            lead=lead,
            deadline=deadline,
            deadline_text=_clean(deadline_text) or (long_label(deadline) if deadline else ""),
            measures=refs,
            state=OPEN,
            version=1,
            actor=actor or audit.SYSTEM_ACTOR,
            at=_now(),
            reason=reason,
        )
        _insert_version(conn, added, source)
        audit.record(conn, added.actor, "plan.action_added", number, {"reason": reason, "area": area})
        versioning.advance(conn)
    return added


def _existing(connection: Connection, number: str) -> Action:
    current = _current_in(connection, number).get(number)
    if current is None:
        raise KeyError(number)
    return current


def change_action(
    engine: Engine,
    number: str,
    *,
    actor: str,
    reason: str,
    text: str | None = None,
    lead: str | None = None,
    deadline: str | None = None,
    deadline_text: str | None = None,
    measures: Sequence[str] | None = None,
    source: str = "page",
) -> Action:
    """Reword, re-lead, re-date or relink action `number` (the arguments given; None keeps what it is) as a new
    version, for `reason`, as `actor`. A new `deadline` without `deadline_text` is worded as the month's name.
    Audited; moves the data version.

    Returns the new version. Raises KeyError when the plan has no such action; PlanError listing every problem (a
    closed action, nothing changed, no wording, a malformed deadline, an unknown measure, no reason), nothing then
    written."""
    reason = _clean(reason)
    with db.write_transaction(engine) as conn:
        current = _existing(conn, number)
        new_deadline = current.deadline if deadline is None else str(deadline).strip()
        if deadline_text is not None:
            new_deadline_text = _clean(deadline_text) or (long_label(new_deadline) if is_period(new_deadline) else "")
        elif new_deadline != current.deadline:
            new_deadline_text = long_label(new_deadline) if is_period(new_deadline) else ""
        else:
            new_deadline_text = current.deadline_text
        changed = Action(
            number=number,
            area=current.area,
            text=current.text if text is None else _clean(text),
            lead=current.lead if lead is None else _clean(lead),
            deadline=new_deadline,
            deadline_text=new_deadline_text,
            measures=current.measures if measures is None else _refs(measures),
            state=current.state,
            version=current.version + 1,
            actor=actor or audit.SYSTEM_ACTOR,
            at=_now(),
            reason=reason,
        )
        problems = []
        if current.closed:
            problems.append(f"Action {number} is closed: it cannot be changed.")
        problems += _wording_problems(changed.text, changed.lead, changed.deadline)
        problems += _measure_problems(conn, changed.measures) if measures is not None else []
        fields = ("text", "lead", "deadline", "deadline_text", "measures")
        altered = [name for name in fields if getattr(changed, name) != getattr(current, name)]
        if not altered:
            problems.append(f"Nothing about action {number} would change.")
        if not reason:
            problems.append(f"Say why action {number} is changed: a reason is required.")
        if problems:
            raise PlanError(problems)
        _insert_version(conn, changed, source)
        audit.record(conn, changed.actor, "plan.action_changed", number, {"reason": reason, "changed": altered})
        versioning.advance(conn)
    return changed


def close_action(engine: Engine, number: str, *, actor: str, reason: str, source: str = "page") -> Action:
    """Close action `number` (it leaves the plan's monitoring: no longer rated or overdue; its history stays) as a
    new version, for `reason`, as `actor`. Audited; moves the data version.

    Returns the closed version. Raises KeyError when the plan has no such action; PlanError when it is already
    closed or no reason is given (nothing is then written)."""
    return _set_state(engine, number, CLOSED, actor=actor, reason=reason, source=source)


def reopen_action(engine: Engine, number: str, *, actor: str, reason: str, source: str = "page") -> Action:
    """Reopen closed action `number` (closed by mistake, or brought back into the plan) as a new version, for
    `reason`, as `actor`: it is rated, and can be overdue, again. Audited; moves the data version.

    Returns the reopened version. Raises KeyError when the plan has no such action; PlanError when it is open or no
    reason is given (nothing is then written)."""
    return _set_state(engine, number, OPEN, actor=actor, reason=reason, source=source)


def _set_state(engine: Engine, number: str, state: str, *, actor: str, reason: str, source: str) -> Action:
    reason = _clean(reason)
    closing = state == CLOSED
    with db.write_transaction(engine) as conn:
        current = _existing(conn, number)
        problems = []
        if current.state == state:
            problems.append(f"Action {number} is already {'closed' if closing else 'open'}.")
        if not reason:
            problems.append(f"Say why action {number} is {'closed' if closing else 'reopened'}: a reason is required.")
        if problems:
            raise PlanError(problems)
        changed = Action(
            **{
                **current.__dict__,
                "state": state,
                "version": current.version + 1,
                "actor": actor or audit.SYSTEM_ACTOR,
                "at": _now(),
                "reason": reason,
            }
        )
        _insert_version(conn, changed, source)
        action = "plan.action_closed" if closing else "plan.action_reopened"
        audit.record(conn, changed.actor, action, number, {"reason": reason})
        versioning.advance(conn)
    return changed


def _trimmed(row: RatingRow) -> RatingRow:
    """The row with the spaces around its number and month dropped, as they are stored."""
    number, period = row.number, row.period
    return RatingRow(
        number.strip() if isinstance(number, str) else number,
        period.strip() if isinstance(period, str) else period,
        row.brag,
        row.progress,
        row.synthetic,
    )


MAX_REASON_LENGTH = 500
MONTHS_AHEAD = 1  # an officer may rate next month's return, not months beyond it


def _future_month_problems(rows: Sequence[RatingRow]) -> list[str]:
    """A sentence for each month rated after next month (a rating cannot be given before the month comes)."""
    now = _now()
    latest = shift_period(f"{now.year:04d}-{now.month:02d}", MONTHS_AHEAD)
    late = sorted({row.period for row in rows if is_period(row.period) and row.period > latest})
    return [f"{long_label(month)} has not come yet: ratings can be given up to {long_label(latest)}." for month in late]


def record_ratings(
    engine: Engine,
    rows: Iterable[RatingRow],
    *,
    actor: str,
    source: str,
    upload_id: int | None = None,
    connection: Connection | None = None,
    reason: str = "",
) -> dict[str, int]:
    """Record the month's rating and progress of each row (the BRAG as typed, e.g. "Blue" or "B"), as `actor`, from
    `source` (page, return, plan or demo; `upload_id` the return's upload). A rating that differs from the month's
    current one (colour, progress text or synthetic mark) is added as a new revision; the same one is left alone.
    Audited and moves the data version when anything is written. With `connection` it writes inside the caller's
    transaction (e.g. with the return's figures), else in a transaction of its own.

    A rating added to or changed in a month already published needs a `reason` (kept in the audit log), as a
    revised figure does; "Not recorded" and ratings of months after next month are accepted only from the plan as
    published and the demo (sources "plan" and "demo").

    Returns counts {"added", "revised", "unchanged"}. Raises PlanError listing every problem `rating_problems` finds
    and those above (checked before anything is written; nothing is then written)."""
    rows = [_trimmed(row) for row in rows]
    from_the_plan = source in ("plan", "demo")
    reason = " ".join((reason or "").split())
    with _transaction(engine, connection) as conn:
        problems = rating_problems(rows, _current_in(conn), allow_not_recorded=from_the_plan)
        if not from_the_plan:
            problems.extend(_future_month_problems(rows))
        if problems:
            raise PlanError(problems)
        counts = {"added": 0, "revised": 0, "unchanged": 0}
        numbers = sorted({row.number for row in rows})
        current = _ratings_in(conn, numbers=numbers)
        versions = {
            (row.number, row.period): row.version
            for row in conn.execute(
                select(_r.number, _r.period, func.max(_r.version).label("version"))
                .where(_r.number.in_(bindparam("numbers", expanding=True)))
                .group_by(_r.number, _r.period),
                {"numbers": numbers or [""]},
            )
        }
        at = _now()
        who = actor or audit.SYSTEM_ACTOR
        periods: set[str] = set()
        for row in rows:
            number, brag = row.number, parse_brag(row.brag)
            progress = (row.progress or "").strip()
            before = current.get(number, {}).get(row.period)
            if before is not None and (before.brag, before.progress, before.synthetic) == (
                brag,
                progress,
                bool(row.synthetic),
            ):
                counts["unchanged"] += 1
                continue
            counts["revised" if before is not None else "added"] += 1
            periods.add(row.period)
            conn.execute(
                insert(db.action_ratings).values(
                    number=number,
                    period=row.period,
                    version=versions.get((number, row.period), 0) + 1,
                    brag=brag,
                    progress=progress,
                    synthetic=bool(row.synthetic),
                    actor=who,
                    at=at,
                    source=source,
                    upload_id=upload_id,
                )
            )
        published = sorted(periods & publications.published_months_in(conn))
        if published and not reason and not from_the_plan:
            raise PlanError(
                [
                    f"{', '.join(long_label(month) for month in published)} "
                    f"{'is' if len(published) == 1 else 'are'} already published, and readers see a changed rating at "
                    "once: say why the rating changes. Nothing was saved."
                ]
            )
        if len(reason) > MAX_REASON_LENGTH:
            raise PlanError([f"A reason can be at most {MAX_REASON_LENGTH} characters. Nothing was saved."])
        if counts["added"] or counts["revised"]:
            detail = {**counts, "periods": sorted(periods), "source": source, "upload_id": upload_id}
            if reason:
                detail["reason"] = reason
            audit.record(conn, who, "plan.ratings_recorded", ", ".join(sorted(periods)), detail)
            versioning.advance(conn)
    return counts


def ratings_changed_since(engine: Engine, period: str, since: datetime) -> list[str]:
    """Return the numbers of the actions whose rating of month `period` was recorded or changed after `since` (the
    month's publication), by an officer on the page or in a return; the plan's published ratings and the demo's
    are not changes. Sorted as the plan numbers them. Raises sqlalchemy errors."""
    statement = (
        select(_r.number)
        .where(
            _r.period == bindparam("period"),
            _r.at > bindparam("since"),
            _r.source.not_in(("plan", "demo")),
        )
        .distinct()
    )
    with engine.connect() as connection:
        numbers = [row.number for row in connection.execute(statement, {"period": period, "since": since})]
    return sorted(numbers, key=action_sort_key)


def completed_actions(
    engine: Engine, ref: str, visible: Visible = None, as_at: str | None = None
) -> list[tuple[Action, str]]:
    """Return the actions linked to measure `ref` that are Blue as at month `as_at` (None: as at each action's newest
    rating), each with the month it was completed (`measures.domain.plan.completed_in`), reading only the ratings of
    the months `visible` allows. In the plan's order. Raises sqlalchemy errors."""
    with engine.connect() as connection:
        linked = [action for action in _current_in(connection).values() if ref in action.measures]
        ratings = _ratings_in(connection, visible, as_at, [action.number for action in linked])
    completed: list[tuple[Action, str]] = []
    for linked_action in _sorted(linked):
        months: Mapping[str, Rating] = ratings.get(linked_action.number, {})
        if not months:
            continue
        month = completed_in(months, as_at or max(months))
        if month is not None:
            completed.append((linked_action, month))
    return completed
