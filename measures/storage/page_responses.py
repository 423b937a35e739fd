"""Page responses rendered once per data version, kept in the database so that every worker and every server
sharing it serves the same bytes instead of rendering the page again.

A response is filed under a cache key: a digest of everything that changes what it shows (the data version, the
address, the reader's role and the code that draws it; the web server computes it). A key names one exact
response, so a stale copy can never be found under a current key. Storing a response drops those of other data
versions, and at most MAX_PER_VERSION responses are kept for one version, so addresses made up by the thousand
cannot fill the database.

The first reader of a page not yet stored claims its rendering (`claim_render`) and the others wait for the
response; a claim older than CLAIM_SECONDS is taken over (its renderer died). The background warmer claims a
whole data version (`claim_warming`), so only one process of all the servers renders the common pages for it.

These tables are working state, not records: nothing here is audited or backed up.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from measures.storage import db, versioning

MAX_PER_VERSION = 5000
MAX_BYTES_PER_VERSION = 512 * 1024 * 1024
CLAIM_SECONDS = 30

_r = db.page_responses.c
_c = db.page_render_claims.c
_w = db.page_warming.c


@dataclass(frozen=True)
class StoredResponse:
    """A response as stored: its JSON bytes and a gzip copy of them."""

    body: bytes
    gzipped: bytes


def cache_key(*parts: object) -> str:
    """Return the SHA-256 hex digest naming the response that `parts` (strings, numbers) fully determine."""
    return hashlib.sha256(json.dumps([str(part) for part in parts]).encode("utf-8")).hexdigest()


def stored_response(engine: Engine, key: str) -> StoredResponse | None:
    """Return the response filed under `key`, or None. Raises whatever the database raises."""
    with engine.connect() as connection:
        row = connection.execute(select(_r.body, _r.gzipped).where(_r.cache_key == key)).first()
    return None if row is None else StoredResponse(bytes(row.body), bytes(row.gzipped))


def store_response(
    engine: Engine,
    key: str,
    data_version: str,
    path: str,
    reader_class: str,
    response: StoredResponse,
    bounded: bool = True,
) -> bool:
    """File `response` under `key`, rendered from `data_version` for `reader_class` at `path`, unless the data has
    moved on since (then nothing is stored), the key is already filed (the first copy stays: every server serves the
    same bytes) or, when `bounded` (any reader's request; the warmer's common pages are not), MAX_PER_VERSION
    responses or MAX_BYTES_PER_VERSION bytes are kept for the version. Drops responses of every other data version.
    Returns True when it stored the response. Raises whatever the database raises."""
    with db.working_transaction(engine) as connection:
        if versioning.current(connection) != data_version:
            return False
        connection.execute(delete(db.page_responses).where(_r.data_version != data_version))
        if bounded:
            kept, size = connection.execute(
                select(func.count(), func.coalesce(func.sum(_r.size), 0)).select_from(db.page_responses)
            ).one()
            if kept >= MAX_PER_VERSION or size + len(response.body) > MAX_BYTES_PER_VERSION:
                return False
        if connection.execute(select(_r.cache_key).where(_r.cache_key == key)).first() is not None:
            return False
        connection.execute(
            insert(db.page_responses).values(
                cache_key=key,
                data_version=data_version,
                path=path[:2000],
                reader_class=reader_class,
                made_at=datetime.now(UTC),
                size=len(response.body),
                body=response.body,
                gzipped=response.gzipped,
            )
        )
        return True


def claim_render(engine: Engine, key: str, data_version: str) -> bool:
    """Claim the rendering of the response under `key`: True when this caller should render it (no one else
    claimed it, or their claim is older than CLAIM_SECONDS), False when someone else is rendering it now. Raises
    whatever the database raises."""
    now = datetime.now(UTC)
    try:
        with db.working_transaction(engine) as connection:
            connection.execute(
                insert(db.page_render_claims).values(cache_key=key, data_version=data_version, claimed_at=now)
            )
        return True
    except IntegrityError:
        pass
    with db.working_transaction(engine) as connection:
        taken = connection.execute(
            update(db.page_render_claims)
            .where(_c.cache_key == key, _c.claimed_at < now - timedelta(seconds=CLAIM_SECONDS))
            .values(claimed_at=now, data_version=data_version)
        )
        return bool(taken.rowcount)


def render_claimed(engine: Engine, key: str) -> bool:
    """Return True while someone holds a claim on rendering `key`. Raises whatever the database raises."""
    with engine.connect() as connection:
        return connection.execute(select(_c.cache_key).where(_c.cache_key == key)).first() is not None


def release_render(engine: Engine, key: str) -> None:
    """Drop the claim on rendering `key` (rendered, stored or failed). Raises whatever the database raises."""
    with db.working_transaction(engine) as connection:
        connection.execute(delete(db.page_render_claims).where(_c.cache_key == key))


def _warming_key(data_version: str, release: str) -> str:
    return f"{data_version}/{release[:16]}" if release else data_version


def claim_warming(engine: Engine, data_version: str, release: str = "") -> bool:
    """Claim the warming of the common pages for `data_version` as drawn by `release` (a digest of the code): True
    for the first caller of all processes and servers, False once anyone has claimed it. Drops the responses, claims
    and warming records of every other version. Raises whatever the database raises."""
    key = _warming_key(data_version, release)
    with engine.connect() as connection:  # the common case, once a second: claimed already, and no write needed
        if connection.execute(select(_w.data_version).where(_w.data_version == key)).first() is not None:
            return False
    try:
        with db.working_transaction(engine) as connection:
            # Another release's warmer of this same version keeps its record (servers mid-deployment do not fight).
            connection.execute(
                delete(db.page_warming).where(
                    _w.data_version != data_version, ~_w.data_version.startswith(f"{data_version}/", autoescape=True)
                )
            )
            connection.execute(delete(db.page_render_claims).where(_c.data_version != data_version))
            connection.execute(delete(db.page_responses).where(_r.data_version != data_version))
            connection.execute(insert(db.page_warming).values(data_version=key, started_at=datetime.now(UTC)))
        return True
    except IntegrityError:
        return False


def finish_warming(engine: Engine, data_version: str, pages: int, release: str = "") -> None:
    """Record that warming `data_version` for `release` ended having rendered `pages` pages. Raises whatever the
    database raises."""
    with db.working_transaction(engine) as connection:
        connection.execute(
            update(db.page_warming)
            .where(_w.data_version == _warming_key(data_version, release))
            .values(finished_at=datetime.now(UTC), pages=pages)
        )


def stored_count(engine: Engine, data_version: str | None = None) -> int:
    """Return how many responses are stored (for `data_version` only, when given). Raises whatever the database
    raises."""
    query = select(func.count()).select_from(db.page_responses)
    if data_version is not None:
        query = query.where(_r.data_version == data_version)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()
