"""A month is a draft until it is published: a viewer (or open viewing) asking the server for a draft month, by
the address or by posting to the callbacks, gets what an unknown month gets, and no figure of it: not in the
overview (nor its trend), the pack, an area, a measure's series, the teams page or a download. Officers see it."""

from __future__ import annotations

import re

import pytest

from measures.storage import publications, reads, recording
from tests.auth_helpers import client_as
from tests.rendered import route

DRAFT = "2023-02"
# Figures no demo month holds, so that finding them in a response can only mean the draft leaked.
MARKS = ("6,161", "9,973", "4,242", "5,151", "DRAFT-ONLY commentary")


@pytest.fixture
def draft_app(app):
    from dashboard.server import data

    engine = data.engine()
    team = sorted(reads.known_teams(engine))[0]
    recording.record_values(
        engine,
        [
            recording.ValueRow("3.1", DRAFT, numerator=6161, denominator=9973, value=6161 / 9973 * 100),
            recording.ValueRow("3.1", DRAFT, team=team, numerator=4242, denominator=5151, value=4242 / 5151 * 100),
        ],
        recording.UploadInfo(kind="import", filename="return-2023-02.xlsx", user_name="Olu Officer"),
        commentary_rows=[{"ref": "3.1", "period": DRAFT, "text": "DRAFT-ONLY commentary"}],
    )
    assert publications.month_state(engine, DRAFT).state == "draft"
    return app


def _page(client, path: str, search: str = "") -> tuple[int, str]:
    response = route(client, path, search)
    return response.status_code, response.get_data(as_text=True)


PAGES = [
    ("/", ""),
    ("/", f"?period={DRAFT}"),
    ("/pack", f"?period={DRAFT}"),
    ("/pack", ""),
    ("/area/3", f"?period={DRAFT}"),
    ("/area/3", ""),
    ("/measure/3.1", f"?period={DRAFT}"),
    ("/measure/3.1", ""),
    ("/teams/3.1", f"?period={DRAFT}"),
    ("/teams/3.1", ""),
]


@pytest.mark.parametrize(("path", "search"), PAGES)
def test_a_viewer_gets_nothing_of_a_draft_month_and_the_page_an_unknown_month_gets(draft_app, path, search):
    status, body = _page(client_as(draft_app, "viewer"), path, search)
    assert status == 200
    assert [mark for mark in MARKS if mark in body] == []
    unknown = _page(client_as(draft_app, "viewer"), path, search.replace(DRAFT, "2026-02"))[1]
    said_of_unknown = re.findall(r'"(There [^"]*February 2026[^"]*)"', unknown)
    assert said_of_unknown or not search or path.startswith("/teams")  # the teams page shows the month empty
    for sentence in said_of_unknown:
        assert sentence.replace("February 2026", "February 2023") in body


@pytest.mark.parametrize(("path", "search"), [("/", ""), ("/pack", ""), ("/measure/3.1", ""), ("/teams/3.1", "")])
def test_an_officer_sees_the_draft_month_as_the_latest_and_a_viewer_the_newest_published(draft_app, path, search):
    officer = _page(client_as(draft_app, "officer"), path, search)[1]
    viewer = _page(client_as(draft_app, "viewer"), path, search)[1]
    assert "6,161" in officer or "4,242" in officer
    assert "February 2023" in officer
    # The measure's source names the committee of 28 February 2023, and the pack prints the plan's deadlines and
    # timescales ("Deadline: February 2023", "February 2023 (action 6.3)"): dates, not the draft month.
    dates = r"28 February 2023|(?<=Deadline: )February 2023|(?<=by the end of )February 2023|February 2023(?= \(action)"
    assert "January 2023" in viewer and "February 2023" not in re.sub(dates, "", viewer)


def test_a_draft_month_is_refused_to_a_viewer_as_an_unknown_month_is(draft_app):
    client = client_as(draft_app, "viewer")
    for path in ("/", "/area/3", "/pack"):
        draft = _page(client, path, f"?period={DRAFT}")[1]
        unknown = _page(client, path, "?period=2026-02")[1]
        # The pack names the month it shows instead ("…, so January 2023 is shown."); the other pages end there.
        assert "There are no figures for February 2023 yet" in draft
        assert "There are no figures for February 2026 yet" in unknown


def test_open_viewing_sees_published_months_only(draft_app, monkeypatch):
    monkeypatch.setenv("MEASURES_OPEN_VIEWING", "service")
    client = client_as(draft_app, None)
    for path, search in PAGES:
        status, body = _page(client, path, search)
        assert status == 200 or (status == 401 and path.startswith("/teams")), path
        assert [mark for mark in MARKS if mark in body] == [], (path, search)


def test_publishing_shows_the_month_to_viewers_and_withdrawing_hides_it_again(draft_app):
    from dashboard.server import data

    client = client_as(draft_app, "viewer")
    publications.publish(data.engine(), DRAFT, "Ada Admin")
    assert "6,161" in _page(client, "/measure/3.1", "")[1]
    publications.withdraw(data.engine(), DRAFT, "Ada Admin", "3.1 to be checked")
    assert "6,161" not in _page(client, "/measure/3.1", "")[1]


@pytest.mark.parametrize("path", ["/", "/pack", "/area/3", "/measure/3.1", "/teams/3.1"])
def test_officers_see_the_draft_month_under_a_draft_banner_with_its_completeness(draft_app, path):
    body = _page(client_as(draft_app, "officer"), path, f"?period={DRAFT}")[1]
    assert "DRAFT" in body and "February 2023 is not published" in body
    assert "1 of 38 measures has a figure for February 2023; missing: 1.1," in body
    published = _page(client_as(draft_app, "officer"), path, "?period=2023-01")[1]
    assert "is not published" not in published


def test_the_pack_of_a_published_month_says_when_and_by_whom_and_what_was_revised_since(draft_app):
    from dashboard.server import data

    engine = data.engine()
    publications.publish(engine, DRAFT, "Ada Admin")
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", DRAFT, numerator=6200, denominator=9973, value=6200 / 9973 * 100)],
        recording.UploadInfo(kind="import", filename="fix.xlsx", user_name="Olu Officer", reason="Late audits"),
    )
    body = _page(client_as(draft_app, "viewer"), "/pack", "")[1]
    assert re.search(
        r"Published on \d+ \w+ \d{4} by Ada Admin; 1 figure revised since: measure\\u00a03\.1 \(published as", body
    )
    assert "by Olu Officer: Late audits" in body


def test_a_figure_revised_after_publication_is_marked_revised_with_what_was_published_and_why(draft_app):
    from dashboard.server import data

    engine = data.engine()
    before = reads.service_series(engine, refs=["3.1"], since="2023-01", up_to="2023-01").iloc[0]
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", "2023-01", numerator=240, denominator=304, value=240 / 304 * 100)],
        recording.UploadInfo(kind="import", filename="fix.xlsx", user_name="Olu Officer", reason="Four late audits"),
    )
    client = client_as(draft_app, "viewer")
    overview = _page(client, "/", "")[1]
    assert '"revised"' in overview
    published = f"published as {int(before.numerator)}\\u002f{int(before.denominator)}"
    assert published in overview and "now 240\\u002f304 78.9%" in overview
    assert "by Olu Officer: Four late audits" in overview
    measure = _page(client, "/measure/3.1", "")[1]
    assert "Figures revised since publication" in measure and "Four late audits" in measure
    other = _page(client, "/measure/3.2", "")[1]
    assert "Figures revised since publication" not in other
    for path in ("/area/3", "/pack"):
        body = _page(client, path, "")[1]
        assert '"revised"' in body and "by Olu Officer: Four late audits" in body, path


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_the_pack_pdf_of_a_draft_month_is_refused_as_a_month_with_no_figures(draft_app, role):
    """The PDF is the board's: it is made of published months only, whoever asks (nothing is printed)."""
    client = client_as(draft_app, role)
    draft = client.get(f"/pack.pdf?period={DRAFT}", environ_overrides={"wsgi.multithread": True})
    unknown = client.get("/pack.pdf?period=2026-02", environ_overrides={"wsgi.multithread": True})
    assert (draft.status_code, unknown.status_code) == (404, 404)
    assert draft.get_data(as_text=True) == unknown.get_data(as_text=True).replace("February 2026", "February 2023")


def test_a_viewer_sees_no_version_of_a_month_recorded_before_it_was_published(draft_app):
    """The draft's first import (6,161) was corrected before publication: a viewer sees the figure as published,
    not the draft's versions, and nothing is marked revised, since nothing changed after publication."""
    from dashboard.server import data

    engine = data.engine()
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", DRAFT, numerator=7171, denominator=9973, value=7171 / 9973 * 100)],
        recording.UploadInfo(kind="import", filename="checked-2023-02.xlsx", user_name="Olu Officer"),
    )
    publications.publish(engine, DRAFT, "Ada Admin")
    viewer = _page(client_as(draft_app, "viewer"), "/measure/3.1", "")[1]
    assert "7,171" in viewer and "checked-2023-02.xlsx" in viewer
    assert "6,161" not in viewer and "return-2023-02.xlsx" not in viewer
    assert "Revised: see its history" not in viewer
    assert "Other months whose figure has been revised" not in viewer
    assert "The February 2023 figure has not been changed since it was published." in viewer
    officer = _page(client_as(draft_app, "officer"), "/measure/3.1", "")[1]
    assert "6,161" in officer and "return-2023-02.xlsx" in officer and "Revised: see its history" in officer

    recording.record_values(
        engine,
        [recording.ValueRow("3.1", DRAFT, numerator=7272, denominator=9973, value=7272 / 9973 * 100)],
        recording.UploadInfo(kind="import", filename="late-2023-02.xlsx", user_name="Olu Officer", reason="Late"),
    )
    viewer = _page(client_as(draft_app, "viewer"), "/measure/3.1", "")[1]
    assert "7,171" in viewer and "7,272" in viewer and "6,161" not in viewer
    assert "Revised: see its history" in viewer


def test_the_pack_of_a_draft_month_offers_no_pdf_and_says_why(draft_app):
    """The PDF is made of published months only, so an officer's pack of a draft month has no link to a PDF that
    would be refused, and says why; a published month's pack has the link."""
    from dashboard import ids

    client = client_as(draft_app, "officer")
    draft = _page(client, "/pack", f"?period={DRAFT}")[1]
    assert "Download PDF" not in draft and ids.PACK_PDF_LINK not in draft
    assert "The PDF is made of published months only: publish February 2023 first." in draft
    published = _page(client, "/pack", "?period=2023-01")[1]
    assert "Download PDF" in published and ids.PACK_PDF_LINK in published
    assert "The PDF is made of published months only" not in published


def test_a_viewers_pack_of_a_draft_or_unreported_month_is_the_newest_published_with_a_notice(draft_app):
    # A pack "as at" the draft month named who had figures in it (its cover's completeness); as at 2099 it counted
    # every action overdue. A viewer gets the newest published month instead, and is told.
    viewer = client_as(draft_app, "viewer")
    for month, said in ((DRAFT, "February 2023"), ("2099-01", "January 2099")):
        body = _page(viewer, "/pack", f"?period={month}")[1]
        assert f"There are no figures for {said} yet, so January 2023 is shown." in body
        assert '"data-period": "2023-01"' in body or "data-period" in body and "2023-01" in body
