"""Uploaded returns staged between preview and confirmation: per-user and total quotas, expiry after a day."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, bindparam, func, insert, select

from measures.storage import db


def _now() -> datetime:
    return datetime.now(UTC)


STAGED_PER_USER_VARIABLE = "MEASURES_STAGED_FILES_PER_USER"
STAGED_TOTAL_VARIABLE = "MEASURES_STAGED_TOTAL_MB"
DEFAULT_STAGED_PER_USER = 1
DEFAULT_STAGED_TOTAL_MB = 200
STAGED_HOURS = 24


class StagingFull(Exception):
    """A checked file cannot be held for confirmation: the staged files' total is at its limit. The message
    says so in words an officer understands."""


def _positive_setting(variable: str, default: int) -> int:
    # A value that is not a positive whole number is ignored, as documented in the README's settings table.
    text = os.environ.get(variable, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else default


def staging_limits() -> tuple[int, int]:
    """Return (files each user may have waiting, total bytes all staged files may hold) from
    MEASURES_STAGED_FILES_PER_USER (default 1) and MEASURES_STAGED_TOTAL_MB (default 200)."""
    return (
        _positive_setting(STAGED_PER_USER_VARIABLE, DEFAULT_STAGED_PER_USER),
        _positive_setting(STAGED_TOTAL_VARIABLE, DEFAULT_STAGED_TOTAL_MB) * 1024 * 1024,
    )


def stage_upload(engine: Engine, token: str, filename: str, sha256: str, content: bytes, user_name: str = "") -> None:
    """Hold an uploaded file between its preview and confirmation, under `token`.

    At the same time, staged files older than STAGED_HOURS are discarded, and so are the user's earlier staged
    files beyond the newest (MEASURES_STAGED_FILES_PER_USER - 1): with the default of one, checking a new file
    replaces the one checked before. Raises StagingFull (nothing changed) when the file would take the staged
    files of everyone past MEASURES_STAGED_TOTAL_MB; sqlalchemy errors on a database failure.
    """
    per_user, total_bytes = staging_limits()
    s = db.staged_uploads.c
    with db.write_transaction(engine) as connection:
        connection.execute(
            db.staged_uploads.delete().where(s.created_at < bindparam("cutoff")),
            {"cutoff": _now() - timedelta(hours=STAGED_HOURS)},
        )
        earlier = (
            connection.execute(
                select(s.token).where(s.user_name == bindparam("user")).order_by(s.created_at.desc(), s.token),
                {"user": user_name},
            )
            .scalars()
            .all()
        )
        replaced = list(earlier[per_user - 1 :])
        held = connection.execute(
            select(func.coalesce(func.sum(func.length(s.content)), 0)).where(s.token.not_in(replaced or [""]))
        ).scalar_one()
        if held + len(content) > total_bytes:
            raise StagingFull(
                f"{filename} has no errors, but it cannot be held for confirmation just now: the files waiting "
                f"to be confirmed already take the space allowed ({total_bytes // 1_048_576} MB). Try again "
                "later, or ask whoever runs the dashboard to raise MEASURES_STAGED_TOTAL_MB."
            )
        if replaced:
            connection.execute(db.staged_uploads.delete().where(s.token.in_(replaced)))
        connection.execute(
            insert(db.staged_uploads).values(
                token=token, filename=filename, sha256=sha256, content=content, user_name=user_name, created_at=_now()
            )
        )


def staged_upload(engine: Engine, token: str) -> dict | None:
    """Return the staged file (token, filename, sha256, content, user_name) or None if it is gone."""
    s = db.staged_uploads.c
    with engine.connect() as connection:
        row = connection.execute(
            select(s.token, s.filename, s.sha256, s.content, s.user_name).where(s.token == bindparam("token")),
            {"token": token},
        ).first()
    return dict(row._mapping) if row else None


def discard_staged_upload(engine: Engine, token: str) -> None:
    """Forget a staged file (after it is committed or abandoned)."""
    with db.write_transaction(engine) as connection:
        connection.execute(
            db.staged_uploads.delete().where(db.staged_uploads.c.token == bindparam("token")), {"token": token}
        )
