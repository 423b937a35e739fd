"""Meeting-pack PDFs already made, kept in the database so that every worker and server can hand out a copy
instead of starting a browser again.

A PDF is filed under a work key: a digest of everything that changes what it shows (the month, the data
version, the catalogue with its targets, the day it says it was produced on, and the code that draws it;
`work_key`). A key names one exact PDF, so a stale copy can never be found under a current key; storing a new
PDF also drops the copies made for other data versions and keeps at most MAX_PDFS and MAX_BYTES.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select

from measures.storage import db

MAX_PDFS = 24
MAX_BYTES = 64 * 1024 * 1024


def work_key(*parts: object) -> str:
    """Return the SHA-256 hex digest naming the PDF that `parts` (strings, numbers) fully determine."""
    return hashlib.sha256(json.dumps([str(part) for part in parts]).encode("utf-8")).hexdigest()


def cached_pdf(engine: Engine, key: str) -> bytes | None:
    """Return the PDF filed under `key`, or None. Raises whatever the database raises."""
    p = db.pack_pdfs.c
    with engine.connect() as connection:
        return connection.execute(select(p.pdf).where(p.work_key == key)).scalar()


def keep_pdf(engine: Engine, key: str, period: str, data_version: str, pdf: bytes) -> None:
    """File `pdf` under `key`, made as at `period` from `data_version`; drop copies of other data versions and
    the oldest beyond MAX_PDFS or MAX_BYTES. Raises whatever the database raises."""
    p = db.pack_pdfs.c
    with db.write_transaction(engine) as connection:
        connection.execute(delete(db.pack_pdfs).where((p.data_version != data_version) | (p.work_key == key)))
        connection.execute(
            insert(db.pack_pdfs).values(
                work_key=key,
                period=period or "",
                data_version=data_version,
                made_at=datetime.now(UTC),
                size=len(pdf),
                pdf=pdf,
            )
        )
        kept = connection.execute(select(p.work_key, p.size).order_by(p.made_at.desc(), p.work_key)).all()
        total, dropped = 0, []
        for index, row in enumerate(kept):
            total += row.size
            if index >= MAX_PDFS or total > MAX_BYTES:
                dropped.append(row.work_key)
        if dropped:
            connection.execute(delete(db.pack_pdfs).where(p.work_key.in_(dropped)))


def cached_count(engine: Engine) -> int:
    """Return how many PDFs are kept."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(db.pack_pdfs)).scalar_one()
