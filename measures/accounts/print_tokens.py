"""Print tokens: what lets the server's own headless browser open one page, for one month, once.

The PDF printer issues a token just before its browser opens the page, and the request gate consumes it on
that first request. A token is random, kept only as its SHA-256 (so whoever reads the database cannot use one),
expires after a few seconds, names the page and the month it opens, and is spent in one conditional UPDATE, so
two workers or servers handed the same token cannot both accept it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from measures.storage import db

TOKEN_SECONDS = 30  # from issuing to the browser's first request: its start-up and one page load


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_print_token(engine: Engine, page: str, period: str, seconds: float = TOKEN_SECONDS) -> str:
    """Return a new token that opens `page` (a path such as '/pack') as at `period` once, within `seconds`.

    Expired and spent tokens are deleted on the way. Raises whatever the database raises.
    """
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    t = db.print_tokens.c
    with engine.begin() as connection:
        connection.execute(delete(db.print_tokens).where((t.expires_at < now) | t.used_at.is_not(None)))
        connection.execute(
            insert(db.print_tokens).values(
                token_hash=_digest(token), page=page, period=period or "", expires_at=now + timedelta(seconds=seconds)
            )
        )
    return token


def consume_print_token(engine: Engine, token: str, page: str, period: str) -> bool:
    """Spend `token` for opening `page` as at `period`; return True if it was unspent, unexpired and issued for
    exactly that page and month (it can then never be used again), else False. Raises whatever the database
    raises."""
    if not token:
        return False
    now = datetime.now(UTC)
    t = db.print_tokens.c
    spendable = (
        t.token_hash == _digest(token),
        t.page == page,
        t.period == (period or ""),
        t.used_at.is_(None),
        t.expires_at >= now,
    )
    # Anyone can present a token: only one that matches is worth the write lock (which an import may be holding).
    with engine.connect() as connection:
        if connection.execute(select(t.token_hash).where(*spendable)).first() is None:
            return False
    with engine.begin() as connection:  # the conditional UPDATE still decides, should two workers race for it
        return connection.execute(update(db.print_tokens).where(*spendable).values(used_at=now)).rowcount == 1
