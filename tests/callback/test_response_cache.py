"""Pages rendered once per data version and served to every reader of the same role (`response_cache.py`): a
stored page is served again without rendering, never to a reader of another role or one the gate refuses, never
after a write of any kind has changed what the page shows, and never when its render failed."""

from __future__ import annotations

import gzip
import json
import time
from concurrent.futures import ThreadPoolExecutor

import dash
import pytest

from dashboard import warming
from measures.domain.catalogue import load_catalogue
from measures.storage import backup, edits, page_responses, plan, publications, reads, recording
from tests.auth_helpers import client_as
from tests.rendered import rendered, route, text

DRAFT = "2023-02"


def _engine():
    from dashboard.server import data

    return data.engine()


def _page_text(client, path: str, search: str = "") -> str:
    return text(rendered(client, path, search))


def _route_accepting(client, path: str, encodings: str):
    """The page router's request for `path`, as a browser sending `Accept-Encoding: encodings` makes it."""
    return client.post(
        "/_dash-update-component",
        data=json.dumps(warming.router_request(path)),
        content_type="application/json",
        headers={"X-CSRFToken": client.get_cookie("_csrf_token").value, "Accept-Encoding": encodings},
    )


def _record(engine, numerator: int, reason: str = "") -> None:
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", DRAFT, numerator=numerator, denominator=9973, value=numerator / 9973 * 100)],
        recording.UploadInfo(kind="import", filename=f"return-{DRAFT}.xlsx", user_name="Olu Officer", reason=reason),
    )


@pytest.fixture
def layout_replaced():
    """Replace a page's layout for one test, so that a page served without rendering can be told apart."""
    kept: dict[str, object] = {}

    def replace(module: str, layout) -> None:
        kept.setdefault(module, dash.page_registry[module]["layout"])
        dash.page_registry[module]["layout"] = layout

    yield replace
    for module, layout in kept.items():
        dash.page_registry[module]["layout"] = layout


def test_a_page_is_rendered_once_and_then_served_as_stored(app, layout_replaced):
    engine = _engine()
    viewer = client_as(app, "viewer")
    first = route(viewer, "/measure/3.1").get_data()
    assert page_responses.stored_count(engine, reads.data_version(engine)) == 1
    layout_replaced("dashboard.pages.measure", lambda **_: dash.html.P("rendered again"))
    again = route(client_as(app, "viewer"), "/measure/3.1").get_data()
    assert again == first
    # Another address is rendered afresh: the replaced layout shows.
    assert "rendered again" in _page_text(viewer, "/measure/3.2")


def test_a_browser_that_accepts_gzip_gets_the_stored_copy_compressed(app):
    viewer = client_as(app, "viewer")
    plain = route(viewer, "/area/3").get_data()
    response = _route_accepting(viewer, "/area/3", "gzip, deflate")
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()) == plain


def test_a_stored_page_is_never_served_to_another_role(app):
    engine = _engine()
    _record(engine, 6161)  # a draft month: officers see it, viewers do not
    officer_page = _page_text(client_as(app, "officer"), "/measure/3.1")
    admin_page = _page_text(client_as(app, "admin"), "/measure/3.1")
    viewer_page = _page_text(client_as(app, "viewer"), "/measure/3.1")
    assert "6,161" in officer_page and "6,161" in admin_page
    assert "6,161" not in viewer_page
    assert "Note an event on the chart" in admin_page and "Note an event on the chart" in officer_page
    assert "Note an event on the chart" not in viewer_page
    assert "Recalculate the limits" in admin_page
    assert "Recalculate the limits" not in officer_page
    assert page_responses.stored_count(engine, reads.data_version(engine)) == 3
    # The overview's default month follows the reader's role too.
    assert "February 2023" in _page_text(client_as(app, "officer"), "/")
    assert "February 2023" not in _page_text(client_as(app, "viewer"), "/")


def test_the_gate_refuses_before_anything_stored_is_served(app):
    officer = client_as(app, "officer")
    assert route(officer, "/workers/2.2", "?period=2022-12").status_code == 200  # stored for officers
    assert route(client_as(app, "viewer"), "/workers/2.2", "?period=2022-12").status_code == 403
    assert route(client_as(app, None), "/workers/2.2", "?period=2022-12").status_code == 401
    assert route(client_as(app, None), "/measure/3.1").status_code == 401


def test_a_failed_render_is_not_stored(app, layout_replaced):
    engine = _engine()
    original = dash.page_registry["dashboard.pages.area"]["layout"]

    def failing(**_):
        raise RuntimeError("a fault while drawing the page")

    layout_replaced("dashboard.pages.area", failing)
    viewer = client_as(app, "viewer")
    failed = _page_text(viewer, "/area/3")
    assert page_responses.stored_count(engine) == 0
    layout_replaced("dashboard.pages.area", original)
    again = _page_text(viewer, "/area/3")
    assert again != failed
    assert page_responses.stored_count(engine) == 1


def _written_and_read(app, role: str, path: str, write, before: str | None, after: str, search: str = "") -> None:
    """Read `path` as `role` (stored, showing `before` when given), make `write`, read again: the page shows `after`."""
    engine = _engine()
    client = client_as(app, role)
    first = _page_text(client, path, search)
    if before is not None:
        assert before in first
    assert after not in first
    version = reads.data_version(engine)
    assert page_responses.stored_count(engine, version) >= 1
    write(engine)
    assert reads.data_version(engine) != version
    second = _page_text(client, path, search)
    assert after in second


def test_never_stale_after_an_import(app):
    _written_and_read(app, "officer", "/measure/3.1", lambda engine: _record(engine, 6161), None, "6,161")


def test_never_stale_after_a_correction(app):
    _record(_engine(), 6161)
    _written_and_read(app, "officer", "/measure/3.1", lambda engine: _record(engine, 6262), "6,161", "6,262")


def test_never_stale_after_a_publication(app):
    _record(_engine(), 6161)
    _written_and_read(
        app, "viewer", "/measure/3.1", lambda engine: publications.publish(engine, DRAFT, "Ada Admin"), None, "6,161"
    )


def test_never_stale_after_commentary(app):
    def comment(engine):
        edits.add_commentary(engine, "3.1", "2023-01", "Unmistakable commentary for the board", "Olu Officer")

    _written_and_read(app, "viewer", "/measure/3.1", comment, None, "Unmistakable commentary for the board")


def test_never_stale_after_a_target_change(app):
    measure = next(m for m in load_catalogue().measures if m.target is not None)

    def retarget(engine):
        target = measure.target
        assert target is not None
        change = edits.TargetChange(
            kind=target.kind,
            low=target.low,
            high=target.high,
            tolerance=target.tolerance,
            text=target.text,
            objective="An objective no page has shown before",
            timescale=measure.timescale,
        )
        edits.change_target(engine, measure.ref, change, "Ada Admin")

    _written_and_read(app, "viewer", "/pack", retarget, None, "An objective no page has shown before")


def test_never_stale_after_an_action_is_added(app):
    def add(engine):
        plan.add_action(
            engine,
            number="3.9",
            area=3,
            text="An action added after the page was stored",
            lead="Head of Service",
            deadline="2023-06",
            deadline_text="",
            measures=["3.1"],
            actor="Ada Admin",
            reason="agreed by the board",
        )

    _written_and_read(app, "viewer", "/plan", add, None, "An action added after the page was stored")


def test_never_stale_after_a_restore(app, tmp_path):
    engine = _engine()
    saved = tmp_path / "before.json.gz"
    backup.backup(engine, saved)
    edits.add_commentary(engine, "3.1", "2023-01", "Commentary the restore takes away", "Olu Officer")

    viewer = client_as(app, "viewer")
    assert "Commentary the restore takes away" in _page_text(viewer, "/measure/3.1")
    backup.restore(engine, saved, replace=True, actor="Ada Admin")
    assert "Commentary the restore takes away" not in _page_text(client_as(app, "viewer"), "/measure/3.1")


def test_the_warmer_renders_the_common_pages_for_every_role_once(app, layout_replaced):
    engine = _engine()
    version = reads.data_version(engine)
    rendered_count = warming.warm_version(app, engine)
    pages = warming.common_pages(engine)
    assert rendered_count == len(pages) * 3
    assert page_responses.stored_count(engine, version) == len(pages) * 3
    assert warming.warm_version(app, engine) == 0  # claimed: no process renders a version twice
    layout_replaced("dashboard.pages.overview", lambda **_: dash.html.P("rendered again"))
    for role in ("viewer", "officer", "admin"):
        assert "rendered again" not in _page_text(client_as(app, role), "/")


def test_readers_arriving_together_wait_for_one_render(app, layout_replaced):
    calls = []
    original = dash.page_registry["dashboard.pages.area"]["layout"]

    def slow(**arguments):
        calls.append(arguments)
        time.sleep(1.0)  # long enough for the other readers to arrive while it renders
        return original(**arguments)

    layout_replaced("dashboard.pages.area", slow)
    clients = [client_as(app, "viewer") for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        bodies = list(pool.map(lambda client: route(client, "/area/4").get_data(), clients))
    assert len(calls) == 1
    assert bodies[0] == bodies[1] == bodies[2]


def test_a_visitor_reading_without_signing_in_never_gets_a_signed_in_readers_page(app, monkeypatch):
    monkeypatch.setenv("MEASURES_OPEN_VIEWING", "service")
    _record(_engine(), 6161)
    assert "6,161" in _page_text(client_as(app, "officer"), "/measure/3.1")
    visitor_page = _page_text(client_as(app, None), "/measure/3.1")
    assert "6,161" not in visitor_page
    assert "Note an event on the chart" not in visitor_page
    engine = _engine()
    assert page_responses.stored_count(engine, reads.data_version(engine)) == 2


def test_made_up_query_parameters_do_not_make_more_pages(app):
    engine = _engine()
    viewer = client_as(app, "viewer")
    pages = {route(viewer, "/", f"?made-up={n}").get_data() for n in range(4)}
    assert len(pages) == 1
    assert page_responses.stored_count(engine, reads.data_version(engine)) == 1
    route(viewer, "/", "?period=2022-12")  # a parameter the overview takes is a page of its own
    assert page_responses.stored_count(engine, reads.data_version(engine)) == 2


def test_a_full_store_never_crowds_out_the_warmers_common_pages(app, monkeypatch):
    engine = _engine()
    monkeypatch.setattr(page_responses, "MAX_PER_VERSION", 0)
    route(client_as(app, "viewer"), "/area/2")
    assert page_responses.stored_count(engine) == 0  # a reader's page is bounded
    assert warming.warm_version(app, engine) == page_responses.stored_count(engine) > 0


def test_a_reader_waiting_for_a_render_that_was_not_kept_renders_at_once(app, monkeypatch):
    claimed_checks = []
    monkeypatch.setattr(page_responses, "claim_render", lambda *_: False)  # another worker is rendering it

    def released(*_):
        claimed_checks.append(True)
        return False  # ... and has finished without keeping it

    monkeypatch.setattr(page_responses, "render_claimed", released)
    assert route(client_as(app, "viewer"), "/area/5").status_code == 200
    assert claimed_checks == [True]  # it stopped waiting at the first look, not after WAIT_SECONDS


def test_a_browser_refusing_gzip_gets_plain_json(app):
    viewer = client_as(app, "viewer")
    route(viewer, "/area/6")
    response = _route_accepting(viewer, "/area/6", "gzip;q=0, identity")
    assert "Content-Encoding" not in response.headers
    assert json.loads(response.get_data())["response"]


def test_the_release_fingerprint_does_not_move_as_the_database_runs(tmp_path, monkeypatch):
    from dashboard.server import response_cache

    data = tmp_path / "data"
    data.mkdir()
    (data / "council.toml").write_text("name = 'A council'\n")
    monkeypatch.setattr(response_cache, "ROOT", tmp_path)
    before = response_cache._code_fingerprint()
    (data / "measures.db").write_bytes(b"pages")
    (data / "measures.db-journal").write_bytes(b"a write in progress")
    assert response_cache._code_fingerprint() == before
    (data / "council.toml").write_text("name = 'Another council'\n")
    assert response_cache._code_fingerprint() != before
