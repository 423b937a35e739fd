"""The meeting-pack printer's shared state, on SQLite and PostgreSQL: single-use print tokens, fair print slots and
the PDFs already made."""

from __future__ import annotations

from measures.accounts import print_tokens
from measures.storage import pdf_cache, print_slots
from measures.storage.print_slots import Outcome


def test_a_print_token_opens_its_page_and_month_once(any_engine):
    token = print_tokens.issue_print_token(any_engine, "/pack", "2023-01")
    assert not print_tokens.consume_print_token(any_engine, token, "/pack", "2022-12")  # another month
    assert not print_tokens.consume_print_token(any_engine, token, "/measure", "2023-01")  # another page
    assert not print_tokens.consume_print_token(any_engine, token + "x", "/pack", "2023-01")
    assert print_tokens.consume_print_token(any_engine, token, "/pack", "2023-01")
    assert not print_tokens.consume_print_token(any_engine, token, "/pack", "2023-01")  # spent
    expired = print_tokens.issue_print_token(any_engine, "/pack", "2023-01", seconds=-1)
    assert not print_tokens.consume_print_token(any_engine, expired, "/pack", "2023-01")
    assert not print_tokens.consume_print_token(any_engine, "", "/pack", "2023-01")


def test_a_holder_holds_one_slot_and_others_still_get_one(any_engine):
    take = print_slots.take_slot
    assert take(any_engine, "user:Vera", "january", 60) is Outcome.TAKEN
    assert take(any_engine, "user:Vera", "december", 60) is Outcome.HOLDER_BUSY  # her second PDF waits
    assert take(any_engine, "user:Vera", "january", 60) is Outcome.HOLDER_BUSY
    assert take(any_engine, "user:Olu", "january", 60) is Outcome.SAME_WORK  # the same PDF: wait for hers
    assert take(any_engine, "user:Olu", "november", 60) is Outcome.TAKEN
    assert take(any_engine, "address:192.0.2.1", "october", 60) is Outcome.FULL
    assert print_slots.slot_holders(any_engine) == {"user:Vera": "january", "user:Olu": "november"}
    print_slots.release_slot(any_engine, "user:Vera", "january")
    assert take(any_engine, "address:192.0.2.1", "october", 60) is Outcome.TAKEN


def test_a_slot_whose_holder_vanished_frees_itself(any_engine):
    assert print_slots.take_slot(any_engine, "user:Vera", "january", -1) is Outcome.TAKEN  # already past its time
    assert print_slots.take_slot(any_engine, "user:Olu", "november", 60) is Outcome.TAKEN
    assert print_slots.take_slot(any_engine, "user:Vera", "december", 60) is Outcome.TAKEN
    assert print_slots.slot_holders(any_engine) == {"user:Olu": "november", "user:Vera": "december"}


def test_pdfs_are_kept_per_key_only_for_the_newest_data_version_and_bounded(any_engine, monkeypatch):
    january = pdf_cache.work_key("2023-01", 7, "catalogue", "2026-12-06", "code")
    assert january == pdf_cache.work_key("2023-01", 7, "catalogue", "2026-12-06", "code")
    assert january != pdf_cache.work_key("2023-01", 8, "catalogue", "2026-12-06", "code")
    assert pdf_cache.cached_pdf(any_engine, january) is None
    pdf_cache.keep_pdf(any_engine, january, "2023-01", "g:7", b"%PDF january")
    assert pdf_cache.cached_pdf(any_engine, january) == b"%PDF january"
    newer = pdf_cache.work_key("2023-01", 8, "catalogue", "2026-12-06", "code")
    pdf_cache.keep_pdf(any_engine, newer, "2023-01", "g:8", b"%PDF january, revised")
    assert pdf_cache.cached_pdf(any_engine, january) is None  # another data version's copy is dropped
    monkeypatch.setattr(pdf_cache, "MAX_PDFS", 2)
    for month in ("2022-12", "2022-11"):
        pdf_cache.keep_pdf(any_engine, pdf_cache.work_key(month, 8), month, "g:8", b"%PDF " + month.encode())
    assert pdf_cache.cached_count(any_engine) == 2
    assert pdf_cache.cached_pdf(any_engine, newer) is None  # the oldest beyond the bound
    monkeypatch.setattr(pdf_cache, "MAX_BYTES", 20)
    pdf_cache.keep_pdf(any_engine, pdf_cache.work_key("2022-10", 8), "2022-10", "g:8", b"%PDF " + b"x" * 12)
    assert pdf_cache.cached_count(any_engine) == 1


def test_a_pdf_is_kept_under_the_data_version_the_store_gives(any_engine):
    from measures.storage import reads

    version = reads.data_version(any_engine)
    key = pdf_cache.work_key("2023-01", version)
    pdf_cache.keep_pdf(any_engine, key, "2023-01", version, b"%PDF january")
    assert pdf_cache.cached_pdf(any_engine, key) == b"%PDF january"


def test_a_forged_print_token_is_refused_without_waiting_for_a_writer(tmp_path, catalogue):
    # Anyone can send a print-token cookie to /pack, signed in or not: refusing a token that was never issued must
    # not queue behind an import for the database's write lock (a worker thread held for up to its busy timeout).
    from sqlalchemy import create_engine, text

    from measures.storage import catalogue_records, db

    path = tmp_path / "locked.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade_schema(engine)
    catalogue_records.sync_catalogue(engine, catalogue)
    issued = print_tokens.issue_print_token(engine, "/pack", "2023-01")
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.2})
    try:
        with db.write_transaction(engine) as writer:  # an import holds the write lock
            writer.execute(text("UPDATE data_generation SET counter = counter + 1"))
            assert not print_tokens.consume_print_token(impatient, "forged-" + "x" * 36, "/pack", "2023-01")
            assert not print_tokens.consume_print_token(impatient, issued, "/pack", "2022-12")  # another month
        assert print_tokens.consume_print_token(impatient, issued, "/pack", "2023-01")
    finally:
        impatient.dispose()
        engine.dispose()
