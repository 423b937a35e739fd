"""The improvement plan's pages through the real HTTP endpoints: the plan page's counts and filters, an area's
actions beside its measures, an action's history, what a reader of published months sees of a draft month, and
the writes (a month's ratings by officers, the plan itself by admins) refused to anyone else before they run."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from dashboard import ids
from measures.storage import audit, db, publications
from measures.storage import plan as plan_store
from measures.storage.plan import RatingRow
from measures.views.plan import build_plan, counts_sentence, impact_count_sentence
from tests.auth_helpers import callback, client_as
from tests.plan_examples import DRAFT_MONTH, MARKUP
from tests.rendered import components, rendered, route, spoken, text


@pytest.fixture
def plan_app(app):
    """The demo (with the published plan and its ratings), plus a rating of February 2023, a draft month, and a
    progress text written as markup."""
    from dashboard.server import data

    plan_store.record_ratings(
        data.engine(),
        [RatingRow("3.1", DRAFT_MONTH, "Green", "Started in February"), RatingRow("3.3", "2023-01", "Red", MARKUP)],
        actor="Olu Officer",
        source="page",
        reason="Rated at the board after January was published",
    )
    return app


def _plan(visible=True, period: str = "2023-01"):
    """The plan view the pages should show as at `period`, to a reader of published months (or to an officer)."""
    from dashboard.server import data

    engine = data.engine()
    return build_plan(engine, period=period, visible=publications.published_months(engine) if visible else None)


def _output_of(app, input_id: str) -> str:
    """The callback-map key of the callback fired by `input_id`."""
    found = [
        output for output, entry in app.callback_map.items() if any(spec["id"] == input_id for spec in entry["inputs"])
    ]
    assert len(found) == 1, found
    return found[0]


def _cards(tree) -> list[dict]:
    return [c for c in components(tree) if c["type"] == "Article" and "data-number" in c["props"]]


def _card(tree, number: str) -> dict:
    [card] = [c for c in _cards(tree) if c["props"]["data-number"] == number]
    return card


def test_the_plan_page_counts_every_action_and_lists_them_by_area(plan_app):
    view = _plan()
    counts = view.counts()
    assert counts["actions"] == len(plan_store.current_actions(db.make_engine())) > 50
    page = rendered(client_as(plan_app, "viewer"), "/plan", "?period=2023-01")
    words = spoken(page)
    assert f"{counts['actions']} actions: {counts_sentence(counts)}." in words
    assert impact_count_sentence(counts).capitalize() + "." in words
    cards = _cards(page)
    assert [c["props"]["data-number"] for c in cards] == [row.action.number for row in view.rows]
    for key in ("green", "amber", "red", "blue"):
        badges = [c for c in components(page) if "brag-" + key in (c["props"].get("className") or "").split()]
        assert len(badges) == counts[key], key
    flagged = [c for c in components(page) if "flag-overdue" in (c["props"].get("className") or "").split()]
    assert len(flagged) == counts["overdue"]
    headings = [text(c) for c in components(page) if c["type"] == "H2" and text(c).startswith("Area ")]
    assert len(headings) == 10 and " ".join(headings[2].split()) == "Area 3: Timeliness"


def test_each_card_says_its_rating_in_words_and_its_flags(plan_app):
    view = _plan()
    page = rendered(client_as(plan_app, "viewer"), "/plan", "?period=2023-01")
    overdue = next(row for row in view.rows if row.overdue)
    card = spoken(_card(page, overdue.action.number))
    assert "Overdue" in card and overdue.action.lead in card
    red = _card(page, "3.3")
    assert "Red: Not on track and at risk" in spoken(red)
    completed = next(row for row in view.rows if row.impacts)
    assert all(line.sentence in spoken(_card(page, completed.action.number)) for line in completed.impacts)


def test_the_plan_page_filters_by_its_address(plan_app):
    view = _plan()
    counts = view.counts()
    client = client_as(plan_app, "viewer")
    page = rendered(client, "/plan", "?period=2023-01&brag=red,amber")
    assert len(_cards(page)) == counts["red"] + counts["amber"]
    assert all(("Red: " in spoken(c)) or ("Amber: " in spoken(c)) for c in _cards(page))
    assert f"Showing {counts['red'] + counts['amber']} of {counts['actions']} actions." in spoken(page)
    page = rendered(client, "/plan", "?period=2023-01&overdue=1&area=3")
    expected = [row.action.number for row in view.rows if row.overdue and row.action.area == 3]
    assert [c["props"]["data-number"] for c in _cards(page)] == expected
    lead = _plan().rows[0].action.lead
    page = rendered(client, "/plan", "?" + urlencode({"period": "2023-01", "lead": lead}))
    assert [c["props"]["data-number"] for c in _cards(page)] == [
        r.action.number for r in view.rows if r.action.lead == lead
    ]


def test_typed_progress_is_text_never_markup(plan_app):
    page = rendered(client_as(plan_app, "viewer"), "/plan/3.3", "")
    strings = [child for c in components(page) for child in [c["props"].get("children")] if child == MARKUP]
    assert strings, "the progress text is a child string of a component"
    assert not any(
        c["type"] in ("Markdown", "Iframe") or "dangerously_allow_html" in c["props"] for c in components(page)
    )


def test_the_area_page_shows_its_actions_beside_its_measures(plan_app):
    view = _plan()
    rows = [row for row in view.rows if row.action.area == 3]
    page = rendered(client_as(plan_app, "viewer"), "/area/3", "?period=2023-01")
    [section] = [c for c in components(page) if c["props"].get("id") == ids.AREA_ACTIONS]
    assert [c["props"]["data-number"] for c in _cards(section)] == [row.action.number for row in rows]
    assert f"{len(rows)} actions: " in spoken(section)
    for row in rows:
        assert all(line.sentence in spoken(section) for line in row.impacts)
    assert any(c["props"].get("id") == ids.AREA_CARDS for c in components(page))  # the measures are still there


def test_a_viewer_sees_no_rating_of_a_draft_month_and_an_officer_does(plan_app):
    viewer = rendered(client_as(plan_app, "viewer"), "/plan/3.1", "")
    assert "Started in February" not in spoken(viewer)
    viewer_plan = rendered(client_as(plan_app, "viewer"), "/plan", f"?period={DRAFT_MONTH}")
    assert "Started in February" not in spoken(viewer_plan)
    officer = rendered(client_as(plan_app, "officer"), "/plan/3.1", "")
    assert "Started in February" in spoken(officer)


def test_the_action_page_keeps_every_version_and_rating_with_who_and_when(plan_app):
    from dashboard.server import data

    plan_store.change_action(
        data.engine(), "3.2", actor="Ada Admin", reason="The board moved the deadline", deadline="2023-09"
    )
    page = rendered(client_as(plan_app, "viewer"), "/plan/3.2", "")
    [versions] = [c for c in components(page) if c["props"].get("id") == ids.ACTION_VERSIONS]
    rows = [spoken(c) for c in components(versions) if c["type"] == "Tr"][1:]
    assert len(rows) == 2
    assert rows[0].startswith("2 ") and "by Ada Admin" in rows[0] and "The board moved the deadline" in rows[0]
    assert "September 2023" in rows[0] and "by demo" in rows[1]
    [ratings] = [c for c in components(page) if c["props"].get("id") == ids.ACTION_RATINGS]
    months = [spoken(c["props"]["children"][0]) for c in components(ratings) if c["type"] == "Tr"][1:]
    # Newest first, every demonstration month, each synthetic one said so.
    assert months[0] == "January 2023 (synthetic)" and months[-1] == "July 2022 (synthetic)"
    assert "December 2022" in months  # as published in the plan, not synthetic
    assert "Action not found" in spoken(rendered(client_as(plan_app, "viewer"), "/plan/9.99", ""))


def _ratings_request(
    period: str, ratings: dict[str, tuple[str | None, str]], reason: str | None = None
) -> tuple[list, list]:
    inputs = [{"id": ids.RATINGS_SAVE, "property": "n_clicks", "value": 1}]
    state = [
        {"id": ids.RATINGS_CHOSEN, "property": "data", "value": period},
        [
            {
                "id": {"type": ids.RATINGS_BRAG, "number": number},
                "property": "id",
                "value": {"type": ids.RATINGS_BRAG, "number": number},
            }
            for number in ratings
        ],
        [
            {"id": {"type": ids.RATINGS_BRAG, "number": n}, "property": "value", "value": b}
            for n, (b, _) in ratings.items()
        ],
        [
            {"id": {"type": ids.RATINGS_PROGRESS, "number": n}, "property": "value", "value": p}
            for n, (_, p) in ratings.items()
        ],
        []
        if reason is None
        else [{"id": {"type": ids.RATINGS_REASON, "month": period}, "property": "value", "value": reason}],
    ]
    return inputs, state


def test_an_officer_records_a_months_ratings_and_every_problem_is_said_at_once(plan_app):
    from dashboard.server import data

    client = client_as(plan_app, "officer")
    output = _output_of(plan_app, ids.RATINGS_SAVE)
    inputs, state = _ratings_request(
        "2023-03",
        {"3.1": ("blue", "Done"), "3.2": ("red", ""), "1.1": ("purple", ""), "1.2": (None, "Progress, no rating")},
    )
    response = callback(client, output, inputs, state)
    assert response.status_code == 200
    said = text(response.get_json()["response"][ids.RATINGS_STATUS]["children"])
    assert "Nothing was saved: 3 problems" in said
    assert "no progress text" in said and "purple" in said and "action 1.2, March 2023 is 'blank'" in said
    assert "2023-03" not in plan_store.plan_ratings(data.engine()).get("3.1", {})

    inputs, state = _ratings_request(
        "2023-03", {"3.1": ("blue", "Done"), "3.2": ("amber", "Two posts filled"), "1.1": (None, "")}
    )
    response = callback(client, output, inputs, state)
    said = text(response.get_json()["response"][ids.RATINGS_STATUS]["children"])
    assert said == "Saved for March 2023: 2 new, 0 changed, 0 unchanged."
    stored = plan_store.plan_ratings(data.engine())
    assert stored["3.2"]["2023-03"].brag == "amber" and stored["3.2"]["2023-03"].actor == "Olu Officer"
    assert "2023-03" not in stored.get("1.1", {})  # left without a rating, left as it is


def test_a_published_months_ratings_need_a_reason_and_only_offered_months_are_taken(plan_app):
    from dashboard.server import data

    client = client_as(plan_app, "officer")
    output = _output_of(plan_app, ids.RATINGS_SAVE)
    inputs, state = _ratings_request("2023-01", {"3.5": ("amber", "Two posts vacant")})
    said = text(callback(client, output, inputs, state).get_json()["response"][ids.RATINGS_STATUS]["children"])
    assert "January 2023 is already published" in said and "say why the rating changes" in said
    assert plan_store.plan_ratings(data.engine())["3.5"]["2023-01"].synthetic  # the demo's rating stands
    for month in ("2099-12", "1999-01"):
        inputs, state = _ratings_request(month, {"3.5": ("green", "")}, reason="Testing")
        said = text(callback(client, output, inputs, state).get_json()["response"][ids.RATINGS_STATUS]["children"])
        assert "for the months this page offers only" in said
        assert month not in plan_store.plan_ratings(data.engine()).get("3.5", {})
    inputs, state = _ratings_request("2023-01", {"3.5": ("amber", "Two posts vacant")}, reason="Rated at the board")
    said = text(callback(client, output, inputs, state).get_json()["response"][ids.RATINGS_STATUS]["children"])
    assert said == "Saved for January 2023: 0 new, 1 changed, 0 unchanged."
    event = audit.audit_frame(db.make_engine(), action="plan.ratings_recorded", limit=1).iloc[0]
    assert event["detail"]["reason"] == "Rated at the board"


def _edit_request(chosen: str, number: str, reason: str, **fields: str) -> tuple[list, list]:
    inputs = [{"id": ids.PLAN_EDIT_SAVE, "property": "n_clicks", "value": 1}]
    values = {
        ids.PLAN_EDIT_ACTION: chosen,
        ids.PLAN_EDIT_NUMBER: number,
        ids.PLAN_EDIT_TEXT: fields.get("text", ""),
        ids.PLAN_EDIT_LEAD: fields.get("lead", ""),
        ids.PLAN_EDIT_DEADLINE: fields.get("deadline", ""),
        ids.PLAN_EDIT_DEADLINE_TEXT: fields.get("deadline_text", ""),
        ids.PLAN_EDIT_MEASURES: fields.get("measures", ""),
        ids.PLAN_EDIT_REASON: reason,
    }
    return inputs, [{"id": key, "property": "value", "value": value} for key, value in values.items()]


def test_an_admin_adds_rewords_and_closes_an_action_each_with_a_reason(plan_app):
    from dashboard.server import data

    client = client_as(plan_app, "admin")
    save = _output_of(plan_app, ids.PLAN_EDIT_SAVE)
    inputs, state = _edit_request(
        "new", "3.99", "", text="Audit the front door", lead="Head of Service", deadline="2023-06"
    )
    said = text(callback(client, save, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Nothing was saved" in said and plan_store.action(data.engine(), "3.99") is None

    inputs, state = _edit_request(
        "new",
        "3.99",
        "Agreed at the board",
        text="Audit the front door",
        lead="Head of Service",
        deadline="2023-06",
        measures="3.1, 3.2",
    )
    said = text(callback(client, save, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.99 is added (version 1)." in said
    added = plan_store.action(data.engine(), "3.99")
    assert added is not None and added.measures == ("3.1", "3.2") and added.area == 3 and added.actor == "Ada Admin"

    inputs, state = _edit_request(
        "3.99",
        "3.99",
        "Re-dated by the board",
        text="Audit the front door",
        lead="Head of Service",
        deadline="2023-09",
        measures="3.1 3.2",
    )
    said = text(callback(client, save, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.99 is changed (version 2)." in said
    assert plan_store.action(data.engine(), "3.99").deadline == "2023-09"

    close = _output_of(plan_app, ids.PLAN_EDIT_CLOSE)
    inputs = [{"id": ids.PLAN_EDIT_CLOSE, "property": "n_clicks", "value": 1}]
    state = [
        {"id": ids.PLAN_EDIT_ACTION, "property": "value", "value": "3.99"},
        {"id": ids.PLAN_EDIT_REASON, "property": "value", "value": "Merged into 3.1"},
    ]
    said = text(callback(client, close, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.99 is closed (version 3)." in said
    page = rendered(client, "/plan", "?period=2023-01")
    assert "3.99" not in [c["props"]["data-number"] for c in _cards(page)]
    assert "Closed actions (1)" in spoken(page) and "3.99 Audit the front door : closed, Merged into 3.1" in spoken(
        page
    )
    history = plan_store.action_history(data.engine(), "3.99")
    assert [version.reason for version in history.versions] == [
        "Agreed at the board",
        "Re-dated by the board",
        "Merged into 3.1",
    ]
    # Closed by mistake: the same button reopens it, with a reason, as a new version.
    state[1]["value"] = "Closed by mistake"
    said = text(callback(client, close, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.99 is reopened (version 4)." in said
    assert not plan_store.action(data.engine(), "3.99").closed
    assert "3.99" in [c["props"]["data-number"] for c in _cards(rendered(client, "/plan", "?period=2023-01"))]


@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403)])
def test_viewers_cannot_record_ratings_or_edit_the_plan(plan_app, role, status):
    from dashboard.server import data

    client = client_as(plan_app, role)
    before = audit.audit_frame(db.make_engine(), limit=1)["id"].tolist()
    inputs, state = _ratings_request("2023-03", {"3.1": ("blue", "Done")})
    assert callback(client, _output_of(plan_app, ids.RATINGS_SAVE), inputs, state).status_code == status
    inputs, state = _edit_request("new", "3.99", "Because", text="An action", lead="A lead", deadline="2023-06")
    assert callback(client, _output_of(plan_app, ids.PLAN_EDIT_SAVE), inputs, state).status_code == status
    assert audit.audit_frame(db.make_engine(), limit=1)["id"].tolist() == before
    assert plan_store.action(data.engine(), "3.99") is None
    assert "2023-03" not in plan_store.plan_ratings(data.engine()).get("3.1", {})


def test_an_officer_cannot_edit_the_plan(plan_app):
    client = client_as(plan_app, "officer")
    inputs, state = _edit_request("new", "3.99", "Because", text="An action", lead="A lead", deadline="2023-06")
    assert callback(client, _output_of(plan_app, ids.PLAN_EDIT_SAVE), inputs, state).status_code == 403
    assert route(client, "/admin/plan", "").status_code == 403


def test_an_admin_re_dating_an_action_changes_only_its_deadline(plan_app):
    from dashboard.server import data

    before = plan_store.action(data.engine(), "2.4")
    assert before is not None and before.deadline != "2023-11"
    client = client_as(plan_app, "admin")
    inputs, state = _edit_request(
        "2.4",
        "2.4",
        "Re-dated by the board",
        text=before.text,
        lead=before.lead,
        deadline="2023-11",
        deadline_text=before.deadline_text,  # left as published: no longer fits the new month
        measures=" ".join(before.measures),
    )
    said = text(
        callback(client, _output_of(plan_app, ids.PLAN_EDIT_SAVE), inputs, state).get_json()["response"][
            ids.PLAN_EDIT_STATUS
        ]["children"]
    )
    assert "Action 2.4 is changed (version 2)." in said
    after = plan_store.action(data.engine(), "2.4")
    assert after is not None
    assert (after.deadline, after.deadline_text) == ("2023-11", "November 2023")
    assert (after.text, after.lead, after.measures) == (before.text, before.lead, before.measures)


def test_the_ratings_form_never_holds_a_synthetic_rating_as_the_officers_own(plan_app):
    page = rendered(client_as(plan_app, "officer"), "/ratings", "?period=2023-01")
    pickers = {
        c["props"]["id"]["number"]: c["props"].get("value")
        for c in components(page)
        if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == ids.RATINGS_BRAG
    }
    assert len(pickers) == len(plan_store.current_actions(db.make_engine()))
    # January 2023's demonstration ratings are synthetic; only 3.3's, recorded by an officer, is in the form.
    assert {number: value for number, value in pickers.items() if value} == {"3.3": "red"}
    assert "This month's demonstration rating" in spoken(page)


@pytest.mark.parametrize("area", ["%C2%B2", "9" * 5000, "-1", "3.0"])
def test_an_area_in_the_address_that_is_not_one_is_ignored_not_a_fault(plan_app, area):
    page = spoken(rendered(client_as(plan_app, "viewer"), "/plan", f"?period=2023-01&area={area}"))
    assert "62 actions" in page and "Something went wrong" not in page


@pytest.mark.parametrize("month", ["2030-01", DRAFT_MONTH])
def test_a_month_a_viewer_cannot_see_is_not_the_month_the_plan_is_read_as_at(plan_app, month):
    # A viewer sees published months only: a future month or a draft month in the address gives the newest published
    # month's flags, and says so, instead of counting 51 actions overdue as at 2030.
    viewer = client_as(plan_app, "viewer")
    page = spoken(rendered(viewer, "/plan", f"?period={month}"))
    assert "As at January 2023" in page and "so January 2023 is shown" in page
    assert "9 overdue" in page
    action = spoken(rendered(viewer, "/plan/3.1", f"?period={month}"))
    assert "As at January 2023" in action


def test_the_ratings_page_offers_only_the_months_it_can_save(plan_app):
    officer = client_as(plan_app, "officer")
    # The newest month with a rating is the draft February 2023: the page offers up to March 2023.
    page = spoken(rendered(officer, "/ratings", "?period=2099-12"))
    assert "Ratings can be recorded for" in page and "to March 2023: February 2023 is shown" in page
    assert "December 2099" not in page
