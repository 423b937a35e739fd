"""The data version: the key under which app workers reuse views computed from the data (`reads.data_version`).

It lives in the one row of `data_generation`: a random `generation` and a `counter`. Every write that changes
what a page shows (figures, benchmarks, commentary, the catalogue and its targets) calls `advance` in its own
transaction, so the next page render in every worker computes afresh. A restore calls `move_past`: the counter
goes above both the live and the backup's value and the generation is drawn anew, so the version never returns
to a value it has had (which ids, rewound by a restore, did).
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from measures.storage import db

_ROW = 1
_g = db.data_generation.c


def current(connection: Connection) -> str:
    """Return the data version, e.g. '3f0c…9a:42' (one primary-key read).

    A database without the row (it can only lose it by hand) gets a value never seen before on every call, so
    nothing cached is ever reused for it. Raises sqlalchemy errors from the database.
    """
    row = connection.execute(select(_g.generation, _g.counter).where(_g.id == _ROW)).first()
    if row is None:
        return f"unversioned:{secrets.token_hex(16)}"
    return f"{row.generation}:{row.counter}"


def advance(connection: Connection) -> None:
    """Raise the data version, inside the caller's write transaction. Raises sqlalchemy errors."""
    moved = connection.execute(db.data_generation.update().where(_g.id == _ROW).values(counter=_g.counter + 1))
    if moved.rowcount == 0:
        _insert(connection, 1)


def move_past(connection: Connection, other_counter: int | None) -> None:
    """Set the data version past every value it has had here and `other_counter` (a backup's), with a new
    generation; inside the caller's write transaction. Raises sqlalchemy errors."""
    live = connection.execute(select(func.max(_g.counter))).scalar()
    counter = max(live or 0, other_counter or 0) + 1
    moved = connection.execute(
        db.data_generation.update().where(_g.id == _ROW).values(counter=counter, generation=secrets.token_hex(16))
    )
    if moved.rowcount == 0:
        _insert(connection, counter)


def _insert(connection: Connection, counter: int) -> None:
    connection.execute(db.data_generation.insert().values(id=_ROW, generation=secrets.token_hex(16), counter=counter))
