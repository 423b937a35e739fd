"""The store of rendered pages (measures/storage/page_responses.py) on SQLite and PostgreSQL: the first copy of a
key stays, a page rendered from data that has moved on is never stored, other versions are dropped, the number
kept per version is bounded, and one renderer (or warmer) claims each page (or version)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from measures.storage import db, page_responses, versioning
from measures.storage.page_responses import StoredResponse


def _version(engine) -> str:
    with engine.connect() as connection:
        return versioning.current(connection)


def _advance(engine) -> str:
    with db.write_transaction(engine) as connection:
        versioning.advance(connection)
    return _version(engine)


def test_the_first_copy_of_a_key_is_kept_and_served(any_engine):
    version = _version(any_engine)
    first, second = StoredResponse(b'{"a": 1}', b"gz1"), StoredResponse(b'{"a": 2}', b"gz2")
    assert page_responses.store_response(any_engine, "k1", version, "/", "role:viewer", first)
    assert not page_responses.store_response(any_engine, "k1", version, "/", "role:viewer", second)
    assert page_responses.stored_response(any_engine, "k1") == first
    assert page_responses.stored_response(any_engine, "k2") is None


def test_a_page_rendered_from_older_data_is_not_stored_and_older_pages_are_dropped(any_engine):
    old = _version(any_engine)
    page = StoredResponse(b"{}", b"gz")
    assert page_responses.store_response(any_engine, "old-page", old, "/", "role:viewer", page)
    new = _advance(any_engine)
    assert not page_responses.store_response(any_engine, "late", old, "/", "role:viewer", page)
    assert page_responses.stored_response(any_engine, "late") is None
    assert page_responses.store_response(any_engine, "new-page", new, "/", "role:viewer", page)
    assert page_responses.stored_response(any_engine, "old-page") is None
    assert page_responses.stored_count(any_engine) == 1


def test_at_most_the_bound_of_pages_is_kept_for_one_version(any_engine, monkeypatch):
    monkeypatch.setattr(page_responses, "MAX_PER_VERSION", 3)
    version = _version(any_engine)
    page = StoredResponse(b"{}", b"gz")
    kept = [page_responses.store_response(any_engine, f"k{n}", version, f"/x{n}", "visitor", page) for n in range(5)]
    assert kept == [True, True, True, False, False]
    assert page_responses.stored_count(any_engine, version) == 3


def test_one_renderer_claims_a_page_until_it_releases_it_or_its_claim_goes_stale(any_engine):
    version = _version(any_engine)
    assert page_responses.claim_render(any_engine, "page", version)
    assert not page_responses.claim_render(any_engine, "page", version)
    page_responses.release_render(any_engine, "page")
    assert page_responses.claim_render(any_engine, "page", version)
    stale = datetime.now(UTC) - timedelta(seconds=page_responses.CLAIM_SECONDS + 5)
    with any_engine.begin() as connection:
        connection.execute(db.page_render_claims.update().values(claimed_at=stale))
    assert page_responses.claim_render(any_engine, "page", version)  # its renderer died: taken over


def test_one_warmer_of_all_claims_each_version(any_engine):
    version = _version(any_engine)
    assert page_responses.claim_warming(any_engine, version)
    assert not page_responses.claim_warming(any_engine, version)
    page_responses.finish_warming(any_engine, version, 12)
    newer = _advance(any_engine)
    assert page_responses.claim_warming(any_engine, newer)
    with any_engine.connect() as connection:
        rows = connection.execute(db.page_warming.select()).all()
    assert [row.data_version for row in rows] == [newer]
