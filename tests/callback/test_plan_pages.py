"""The improvement plan's pages through the real HTTP endpoints: the plan page's counts and filters, an area's
actions beside its measures, an action's history, what a reader of published months sees of a draft month, and
the writes (a month's ratings by officers, the plan itself by admins) refused to anyone else before they run."""

from __future__ import annotations

import pytest

from dashboard import ids
from measures.storage import audit, db
from measures.storage import plan as plan_store
from tests.auth_helpers import callback, client_as
from tests.plan_examples import DRAFT_MONTH, MARKUP, add_example_plan
from tests.rendered import components, rendered, route, spoken, text


@pytest.fixture
def plan_app(app):
    from dashboard.server import data

    add_example_plan(data.engine())
    return app


def _output_of(app, input_id: str) -> str:
    """The callback-map key of the callback fired by `input_id`."""
    found = [
        output for output, entry in app.callback_map.items() if any(spec["id"] == input_id for spec in entry["inputs"])
    ]
    assert len(found) == 1, found
    return found[0]


def _card(tree, number: str) -> dict:
    [card] = [c for c in components(tree) if c["props"].get("data-number") == number and c["type"] == "Article"]
    return card


def test_the_plan_page_counts_every_action_and_lists_them_by_area(plan_app):
    page = rendered(client_as(plan_app, "viewer"), "/plan", "?period=2023-01")
    words = spoken(page)
    assert "4 actions: 1 green, 0 amber, 1 red, 1 blue, 1 not yet due; 2 overdue, 1 stalled." in words
    assert "Impact evidenced for" in words and "of 1 completed action." in words
    headings = [text(c) for c in components(page) if c["type"] == "H2" and text(c).startswith("Area ")]
    assert [heading.split(":")[0] for heading in headings] == ["Area 1", "Area 3"]
    assert " ".join(headings[1].split()) == "Area 3: Timeliness"
    card = spoken(_card(page, "3.2"))
    assert "Red: Not on track and at risk" in card
    assert "Overdue" in card and "Stalled" in card
    assert "Autumn 2022 (by the end of October 2022)" in card


def test_the_plan_page_filters_by_its_address(plan_app):
    client = client_as(plan_app, "viewer")
    page = rendered(client, "/plan", "?period=2023-01&brag=red,green")
    shown = [c["props"]["data-number"] for c in components(page) if c["type"] == "Article"]
    assert shown == ["1.1", "3.2"]
    assert "Showing 2 of 4 actions." in spoken(page)
    page = rendered(client, "/plan", "?period=2023-01&overdue=1&area=3")
    assert [c["props"]["data-number"] for c in components(page) if c["type"] == "Article"] == ["3.2"]
    page = rendered(client, "/plan", "?period=2023-01&lead=Head+of+Service%2C+MASH")
    assert [c["props"]["data-number"] for c in components(page) if c["type"] == "Article"] == ["3.1", "3.3"]


def test_typed_progress_is_text_never_markup(plan_app):
    page = rendered(client_as(plan_app, "viewer"), "/plan/3.2", "")
    strings = [child for c in components(page) for child in [c["props"].get("children")] if child == MARKUP]
    assert strings, "the progress text is a child string of a component"
    assert not any(
        c["type"] in ("Markdown", "Iframe") or "dangerously_allow_html" in c["props"] for c in components(page)
    )


def test_the_area_page_shows_its_actions_beside_its_measures(plan_app):
    page = rendered(client_as(plan_app, "viewer"), "/area/3", "?period=2023-01")
    [section] = [c for c in components(page) if c["props"].get("id") == ids.AREA_ACTIONS]
    words = spoken(section)
    assert "3 actions: 0 green, 0 amber, 1 red, 1 blue, 1 not yet due; 1 overdue, 1 stalled" in words
    assert [c["props"]["data-number"] for c in components(section) if c["type"] == "Article"] == ["3.1", "3.2", "3.3"]
    completed = spoken(_card(section, "3.1"))
    assert "Blue: Completed (impact to be tested)" in completed
    assert "Since action 3.1 was completed in July 2022" in completed
    # The measures are still there, after the actions.
    assert any(c["props"].get("id") == ids.AREA_CARDS for c in components(page))
    assert "1.1" not in [c["props"].get("data-number") for c in components(section)]


def test_a_viewer_sees_no_rating_of_a_draft_month_and_an_officer_does(plan_app):
    viewer = rendered(client_as(plan_app, "viewer"), "/plan/3.3", "")
    assert "Started in February" not in spoken(viewer)
    assert "Not yet due" in spoken(viewer)
    viewer_plan = rendered(client_as(plan_app, "viewer"), "/plan", f"?period={DRAFT_MONTH}")
    assert "Started in February" not in spoken(viewer_plan)
    officer = rendered(client_as(plan_app, "officer"), "/plan/3.3", "")
    assert "Started in February" in spoken(officer)
    assert "Green: Started and on track" in spoken(officer)


def test_the_action_page_keeps_every_version_and_rating_with_who_and_when(plan_app):
    from dashboard.server import data

    plan_store.change_action(
        data.engine(), "3.2", actor="Ada Admin", reason="The board moved the deadline", deadline="2023-03"
    )
    page = rendered(client_as(plan_app, "viewer"), "/plan/3.2", "")
    [versions] = [c for c in components(page) if c["props"].get("id") == ids.ACTION_VERSIONS]
    rows = [spoken(c) for c in components(versions) if c["type"] == "Tr"][1:]
    assert len(rows) == 2
    assert rows[0].startswith("2 ") and "by Ada Admin" in rows[0] and "The board moved the deadline" in rows[0]
    assert "March 2023" in rows[0] and "Autumn 2022" in rows[1]
    [ratings] = [c for c in components(page) if c["props"].get("id") == ids.ACTION_RATINGS]
    months = [spoken(c).split(" Red")[0].split(" Amber")[0] for c in components(ratings) if c["type"] == "Tr"][1:]
    assert months == ["January 2023", "December 2022", "November 2022"]
    assert "Action not found" in spoken(rendered(client_as(plan_app, "viewer"), "/plan/9.99", ""))


def _ratings_request(period: str, ratings: dict[str, tuple[str | None, str]]) -> tuple[list, list]:
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
    ]
    return inputs, state


def test_an_officer_records_a_months_ratings_and_every_problem_is_said_at_once(plan_app):
    from dashboard.server import data

    client = client_as(plan_app, "officer")
    output = _output_of(plan_app, ids.RATINGS_SAVE)
    inputs, state = _ratings_request("2023-02", {"3.1": ("blue", "Done"), "3.2": ("red", ""), "1.1": ("purple", "")})
    response = callback(client, output, inputs, state)
    assert response.status_code == 200
    said = text(response.get_json()["response"][ids.RATINGS_STATUS]["children"])
    assert "Nothing was saved: 2 problems" in said
    assert "no progress text" in said and "purple" in said
    assert "2023-02" not in plan_store.plan_ratings(data.engine()).get("3.1", {})

    inputs, state = _ratings_request(
        "2023-02", {"3.1": ("blue", "Done"), "3.2": ("amber", "Two posts filled"), "1.1": (None, "")}
    )
    response = callback(client, output, inputs, state)
    said = text(response.get_json()["response"][ids.RATINGS_STATUS]["children"])
    assert said == "Saved for February 2023: 2 new, 0 changed, 0 unchanged."
    stored = plan_store.plan_ratings(data.engine())
    assert stored["3.2"]["2023-02"].brag == "amber" and stored["3.2"]["2023-02"].actor == "Olu Officer"
    assert "2023-02" not in stored.get("1.1", {})  # left without a rating, left as it is


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
        "new", "3.9", "", text="Audit the front door", lead="Head of Service", deadline="2023-06"
    )
    said = text(callback(client, save, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Nothing was saved" in said and plan_store.action(data.engine(), "3.9") is None

    inputs, state = _edit_request(
        "new",
        "3.9",
        "Agreed at the board",
        text="Audit the front door",
        lead="Head of Service",
        deadline="2023-06",
        measures="3.1, 3.2",
    )
    said = text(callback(client, save, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.9 is added (version 1)." in said
    added = plan_store.action(data.engine(), "3.9")
    assert added is not None and added.measures == ("3.1", "3.2") and added.area == 3 and added.actor == "Ada Admin"

    inputs, state = _edit_request(
        "3.9",
        "3.9",
        "Re-dated by the board",
        text="Audit the front door",
        lead="Head of Service",
        deadline="2023-09",
        measures="3.1 3.2",
    )
    said = text(callback(client, save, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.9 is changed (version 2)." in said
    assert plan_store.action(data.engine(), "3.9").deadline == "2023-09"

    close = _output_of(plan_app, ids.PLAN_EDIT_CLOSE)
    inputs = [{"id": ids.PLAN_EDIT_CLOSE, "property": "n_clicks", "value": 1}]
    state = [
        {"id": ids.PLAN_EDIT_ACTION, "property": "value", "value": "3.9"},
        {"id": ids.PLAN_EDIT_REASON, "property": "value", "value": "Merged into 3.1"},
    ]
    said = text(callback(client, close, inputs, state).get_json()["response"][ids.PLAN_EDIT_STATUS]["children"])
    assert "Action 3.9 is closed (version 3)." in said
    history = plan_store.action_history(data.engine(), "3.9")
    assert [version.reason for version in history.versions] == [
        "Agreed at the board",
        "Re-dated by the board",
        "Merged into 3.1",
    ]


@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403)])
def test_viewers_cannot_record_ratings_or_edit_the_plan(plan_app, role, status):
    from dashboard.server import data

    client = client_as(plan_app, role)
    before = audit.audit_frame(db.make_engine(), limit=1)["id"].tolist()
    inputs, state = _ratings_request("2023-02", {"3.1": ("blue", "Done")})
    assert callback(client, _output_of(plan_app, ids.RATINGS_SAVE), inputs, state).status_code == status
    inputs, state = _edit_request("new", "3.9", "Because", text="An action", lead="A lead", deadline="2023-06")
    assert callback(client, _output_of(plan_app, ids.PLAN_EDIT_SAVE), inputs, state).status_code == status
    assert audit.audit_frame(db.make_engine(), limit=1)["id"].tolist() == before
    assert plan_store.action(data.engine(), "3.9") is None
    assert "2023-02" not in plan_store.plan_ratings(data.engine()).get("3.1", {})


def test_an_officer_cannot_edit_the_plan(plan_app):
    client = client_as(plan_app, "officer")
    inputs, state = _edit_request("new", "3.9", "Because", text="An action", lead="A lead", deadline="2023-06")
    assert callback(client, _output_of(plan_app, ids.PLAN_EDIT_SAVE), inputs, state).status_code == 403
    assert route(client, "/admin/plan", "").status_code == 403
