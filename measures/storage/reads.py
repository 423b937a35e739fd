"""Reading figures, commentary, benchmarks and uploads back as pandas frames, and the data version.

All SQL goes through SQLAlchemy with bound parameters."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, bindparam, func, literal, literal_column, select, union_all
from sqlalchemy.engine import Connection

from measures.storage import db, publications, versioning
from measures.storage.recording import SERVICE

# The months a reader may see: a set of 'YYYY-MM' (the published months, for a reader who may not see drafts), or
# None for every month. Every read of figures takes one, so no figure of another month leaves the database.
Visible = frozenset[str] | None


def _only_visible(column, visible: Visible, conditions: list, params: dict) -> None:
    """Add the condition keeping `column` (a period) within `visible` to `conditions` (nothing for None)."""
    if visible is not None:
        conditions.append(column.in_(bindparam("visible_months", expanding=True)))
        params["visible_months"] = sorted(visible) or [""]


def _within(period, since: str | None, up_to: str | None, conditions: list, params: dict) -> None:
    """Add to `conditions` and `params` the months from `since` to `up_to` inclusive (either may be None)."""
    if since:
        conditions.append(period >= bindparam("since"))
        params["since"] = since
    if up_to:
        conditions.append(period <= bindparam("up_to"))
        params["up_to"] = up_to


def commentary_frame(engine: Engine, ref: str, visible: Visible = None) -> pd.DataFrame:
    """Return a measure's commentary (period, text, author, created_at) on the `visible` months (default every
    month), oldest first; later entries supersede."""
    c = db.commentary.c
    conditions: list = [c.ref == bindparam("ref")]
    params: dict = {"ref": ref}
    _only_visible(c.period, visible, conditions, params)
    statement = select(c.period, c.text, c.author, c.created_at).where(*conditions).order_by(c.id)
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def month_commentary_frame(engine: Engine, period: str, visible: Visible = None) -> pd.DataFrame:
    """Return every measure's commentary on `period` (ref, period, text, author, created_at), oldest first so that
    later entries supersede, or an empty frame when `period` is not among the `visible` months (default every
    month). Raises nothing beyond the database's own errors."""
    c = db.commentary.c
    conditions: list = [c.period == bindparam("period")]
    params: dict = {"period": period}
    _only_visible(c.period, visible, conditions, params)
    statement = select(c.ref, c.period, c.text, c.author, c.created_at).where(*conditions).order_by(c.id)
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def month_commentary(engine: Engine, period: str, visible: Visible = None) -> dict[str, str]:
    """Return each measure's commentary on `period` (ref -> text): the latest entry of `month_commentary_frame`,
    since later entries supersede, and none when the month is not `visible` (None: every month) or its latest entry
    is blank."""
    frame = month_commentary_frame(engine, period, visible)
    latest = {str(ref): str(text or "") for ref, text in zip(frame["ref"], frame["text"], strict=True)}
    return {ref: text for ref, text in latest.items() if text.strip()}


def template_teams(engine: Engine) -> list[str]:
    """Return the team names a new return's drop-down should offer: every team with a figure, sorted."""
    return sorted(known_teams(engine))


def known_teams(engine: Engine) -> set[str]:
    """Return every team name that has a figure stored."""
    o = db.observations.c
    with engine.connect() as connection:
        return {row.team for row in connection.execute(select(o.team).where(o.team != SERVICE).distinct())}


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
    visible: Visible = None,
) -> pd.DataFrame:
    """Return whole-service values ordered by ref and period.

    Columns: ref, period, numerator, denominator, value, status, note, synthetic. `refs` limits the
    measures; `since`/`up_to` bound the periods (inclusive); `visible` keeps those months only (None: all).
    """
    o = db.observations.c
    conditions = [o.team == SERVICE, o.worker == SERVICE]
    params: dict = {}
    if refs is not None:
        conditions.append(o.ref.in_(bindparam("refs", expanding=True)))
        params["refs"] = list(refs)
    _within(o.period, since, up_to, conditions, params)
    _only_visible(o.period, visible, conditions, params)
    # The figures come from the covering index alone; the few notes from the index of noted figures.
    statement = (
        select(o.ref, o.period, o.numerator, o.denominator, o.value, o.status, o.synthetic)
        .where(*conditions)
        .order_by(o.ref, o.period)
    )
    noted = select(o.ref, o.period, o.note).where(*conditions, o.note != literal_column("''"))
    with engine.connect() as connection:
        frame = _frame(connection, statement, params)
        notes = {(row.ref, row.period): row.note for row in connection.execute(noted, params)}
    frame.insert(
        6, "note", [notes.get((ref, period), "") for ref, period in zip(frame["ref"], frame["period"], strict=True)]
    )
    return frame


def team_series(
    engine: Engine,
    ref: str,
    period: str | None = None,
    visible: Visible = None,
    since: str | None = None,
    up_to: str | None = None,
) -> pd.DataFrame:
    """Return team-level values of one measure (all months, or one `period`, or the months from `since` to `up_to`
    inclusive; only the `visible` months unless None), ordered by team and period.

    Columns: ref, period, team, numerator, denominator, value, status, note, synthetic.
    """
    o = db.observations.c
    conditions = [o.ref == bindparam("ref"), o.team != SERVICE, o.worker == SERVICE]
    params: dict = {"ref": ref}
    if period:
        conditions.append(o.period == bindparam("period"))
        params["period"] = period
    _within(o.period, since, up_to, conditions, params)
    _only_visible(o.period, visible, conditions, params)
    statement = (
        select(o.ref, o.period, o.team, o.numerator, o.denominator, o.value, o.status, o.note, o.synthetic)
        .where(*conditions)
        .order_by(o.team, o.period)
    )
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def has_team_figures(engine: Engine, ref: str, visible: Visible = None) -> bool:
    """Return True when measure `ref` has at least one team-level figure in a `visible` month (None: any month).
    One indexed look-up that stops at the first row found. Raises sqlalchemy errors."""
    o = db.observations.c
    conditions: list = [o.ref == bindparam("ref"), o.team != SERVICE, o.worker == SERVICE]
    params: dict = {"ref": ref}
    _only_visible(o.period, visible, conditions, params)
    statement = select(literal(1)).where(*conditions).limit(1)
    with engine.connect() as connection:
        return connection.execute(statement, params).first() is not None


def refs_with_team_figures(engine: Engine, refs: Sequence[str], period: str, visible: Visible = None) -> frozenset[str]:
    """Return those of `refs` that have a team-level figure in `period` (none when `period` is not `visible`;
    None: every month is). One query. Raises sqlalchemy errors."""
    if not refs:
        return frozenset()
    o = db.observations.c
    conditions: list = [
        o.ref.in_(bindparam("refs", expanding=True)),
        o.period == bindparam("period"),
        o.team != SERVICE,
        o.worker == SERVICE,
    ]
    params: dict = {"refs": list(refs), "period": period}
    _only_visible(o.period, visible, conditions, params)
    statement = select(o.ref).where(*conditions).distinct()
    with engine.connect() as connection:
        return frozenset(row.ref for row in connection.execute(statement, params))


def team_periods(engine: Engine, ref: str, visible: Visible = None) -> list[str]:
    """Return the `visible` months (None: every month) in which measure `ref` has a team-level figure, oldest first.
    Raises sqlalchemy errors."""
    o = db.observations.c
    conditions: list = [o.ref == bindparam("ref"), o.team != SERVICE, o.worker == SERVICE]
    params: dict = {"ref": ref}
    _only_visible(o.period, visible, conditions, params)
    statement = select(o.period).where(*conditions).distinct().order_by(o.period)
    with engine.connect() as connection:
        return [row.period for row in connection.execute(statement, params)]


def teams_with_workers(engine: Engine, ref: str, period: str, visible: Visible = None) -> frozenset[str]:
    """Return the teams with a worker-level figure of measure `ref` in `period` (none when `period` is not
    `visible`; None: every month is): their names only, never a worker's figure. Raises sqlalchemy errors."""
    o = db.observations.c
    conditions: list = [o.ref == bindparam("ref"), o.period == bindparam("period"), o.worker != SERVICE]
    params: dict = {"ref": ref, "period": period}
    _only_visible(o.period, visible, conditions, params)
    statement = select(o.team).where(*conditions).distinct()
    with engine.connect() as connection:
        return frozenset(row.team for row in connection.execute(statement, params))


def worker_values(
    engine: Engine, ref: str, period: str, team: str | None = None, visible: Visible = None
) -> pd.DataFrame:
    """Return worker-level values of one measure for one month (optionally one team); none when the month is not
    `visible` (None: every month is).

    Worker figures are staff personal data: callers must check the reader may see them.
    Columns: ref, period, team, worker, value, status, synthetic.
    """
    o = db.observations.c
    conditions = [o.ref == bindparam("ref"), o.period == bindparam("period"), o.worker != SERVICE]
    params: dict = {"ref": ref, "period": period}
    if team:
        conditions.append(o.team == bindparam("team"))
        params["team"] = team
    _only_visible(o.period, visible, conditions, params)
    statement = (
        select(o.ref, o.period, o.team, o.worker, o.value, o.status, o.synthetic)
        .where(*conditions)
        .order_by(o.team, o.worker)
    )
    with engine.connect() as connection:
        return _frame(connection, statement, params)


def available_periods(engine: Engine, visible: Visible = None) -> list[str]:
    """Return every month that has at least one whole-service figure (and is `visible`, unless None), oldest
    first."""
    o = db.observations.c
    conditions: list = [o.team == SERVICE, o.worker == SERVICE]
    params: dict = {}
    _only_visible(o.period, visible, conditions, params)
    statement = select(o.period).where(*conditions).distinct().order_by(o.period)
    with engine.connect() as connection:
        return [row.period for row in connection.execute(statement, params)]


def latest_period(engine: Engine, visible: Visible = None, ref: str | None = None) -> str | None:
    """Return the newest month with a whole-service figure (of measure `ref`, or any measure when None; and
    `visible`, unless None), or None when there is none."""
    o = db.observations.c
    conditions: list = [o.team == SERVICE, o.worker == SERVICE]
    params: dict = {}
    if ref is not None:
        conditions.append(o.ref == bindparam("ref"))
        params["ref"] = ref
    _only_visible(o.period, visible, conditions, params)
    statement = select(func.max(o.period)).where(*conditions)
    with engine.connect() as connection:
        return connection.execute(statement, params).scalar()


def data_version(engine: Engine) -> str:
    """Return the key under which views computed from the data may be reused (with the catalogue): it changes
    with every write of figures, benchmarks, commentary or the catalogue, and a restore moves it to a value it
    has never had (see `measures.storage.versioning`). One primary-key read. Raises sqlalchemy errors."""
    with engine.connect() as connection:
        return versioning.current(connection)


def count_values(engine: Engine) -> int:
    """Return how many current figures are stored (all levels)."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(db.observations)).scalar_one()


def value_history(
    engine: Engine,
    ref: str,
    period: str | None = None,
    team: str = SERVICE,
    worker: str = SERVICE,
    visible: Visible = None,
) -> pd.DataFrame:
    """Return every recorded version of a measure's figures (of the `visible` months, unless None), oldest first,
    with who recorded it and when.

    A reader limited to `visible` (published) months sees of each month only what was published and what came
    after: the version in force at its last publication (its upload mark) and later ones, never the draft's
    earlier versions. With `visible` None (officers, admins) every version is returned.

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
        _only_visible(t.period, visible, conditions, params)
        return select(
            t.ref,
            t.period,
            t.team,
            t.worker,
            t.version,
            t.numerator,
            t.denominator,
            t.value,
            t.status,
            t.note,
            t.synthetic,
            t.upload_id,
            literal(is_current).label("current"),
        ).where(*conditions)

    every = union_all(versions(db.observation_revisions, False), versions(db.observations, True)).subquery()
    statement = (
        select(
            every.c.ref,
            every.c.period,
            every.c.team,
            every.c.worker,
            every.c.version,
            every.c.numerator,
            every.c.denominator,
            every.c.value,
            every.c.status,
            every.c.note,
            every.c.synthetic,
            u.created_at.label("recorded_at"),
            u.user_name.label("recorded_by"),
            u.filename.label("source"),
            u.kind.label("upload_kind"),
            u.description.label("upload_description"),
            every.c.upload_id,
            every.c.current,
        )
        .join(db.uploads, u.id == every.c.upload_id)
        .order_by(every.c.period, every.c.version)
    )
    with engine.connect() as connection:
        frame = _frame(connection, statement, params)
        marks = publications.publication_marks_in(connection) if visible is not None else {}
    if not frame.empty:
        frame["current"] = frame["current"].astype(bool)
    if visible is not None and not frame.empty:
        frame = _since_publication(frame, marks)
    return frame


def _since_publication(frame: pd.DataFrame, marks: dict[str, int]) -> pd.DataFrame:
    """The rows of `frame` (versions, ordered by version within each figure) a reader of published months may see:
    per figure, the version in force at its month's upload mark and every later one. A month never published keeps
    nothing but its current version (a reader limited to published months is never handed one)."""
    kept: list = []
    for _, group in frame.groupby(["period", "team", "worker"], sort=False):
        period = str(group["period"].iloc[0])
        if period not in marks:
            kept += list(group.index[group["current"]])
            continue
        at_mark = [
            index for index, upload in zip(group.index, group["upload_id"], strict=True) if upload <= marks[period]
        ]
        first = at_mark[-1] if at_mark else group.index[0]
        kept += [index for index in group.index if index >= first]
    return frame[frame.index.isin(kept)].reset_index(drop=True)


def export_frame(engine: Engine, visible: Visible = None) -> pd.DataFrame:
    """Return every current service- and team-level figure (of the `visible` months, unless None) for export,
    ordered by ref, period, team.

    Columns: ref, period, team, numerator, denominator, value, status, note, synthetic (worker rows are
    personal data and are not exported).
    """
    o = db.observations.c
    conditions: list = [o.worker == SERVICE]
    params: dict = {}
    _only_visible(o.period, visible, conditions, params)
    statement = (
        select(o.ref, o.period, o.team, o.numerator, o.denominator, o.value, o.status, o.note, o.synthetic)
        .join(db.measures, db.measures.c.ref == o.ref)
        .where(*conditions)
        .order_by(db.measures.c.sort_area, db.measures.c.sort_number, o.period, o.team)
    )
    with engine.connect() as connection:
        return _frame(connection, statement, params)


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
