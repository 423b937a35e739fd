"""Commentary on the measure page and the admins' Targets page, through the real callback endpoint: officers
write commentary and admins change targets as themselves, audited; anyone else is refused by the server before
the callback runs, and nothing is written."""

from __future__ import annotations

import json

import flask_login
import pytest

from dashboard import ids
from measures.accounts import users
from measures.domain.catalogue import Target, load_catalogue
from measures.storage import audit, catalogue_records, reads
from tests.auth_helpers import NAMES, callback, client_as

COMMENT = "Timeliness improved after the MASH review. <b>Not bold</b> <script>window.x=1</script>"


@pytest.fixture
def db(app):
    from dashboard.server.data import engine

    return engine()


def _output(app, *parts: str) -> str:
    """The callback map key of the callback whose outputs include every one of `parts`."""
    matches = [key for key in app.callback_map if all(part in key for part in parts)]
    assert len(matches) == 1, matches
    return matches[0]


def _text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------------------------
# Commentary


def _save_commentary(app, client, text: str = COMMENT, target: dict | None = None):
    output = _output(app, f"{ids.MEASURE_COMMENTARY_LIST}.children", f"{ids.MEASURE_COMMENTARY_TEXT}.value")
    return callback(
        client,
        output,
        [{"id": ids.MEASURE_COMMENTARY_SAVE, "property": "n_clicks", "value": 1}],
        [
            {"id": ids.MEASURE_COMMENTARY_TEXT, "property": "value", "value": text},
            {
                "id": ids.MEASURE_COMMENTARY_TARGET,
                "property": "data",
                "value": target if target is not None else {"ref": "3.1", "period": "2023-01"},
            },
        ],
    )


def test_an_officer_adds_commentary_as_themselves_and_it_is_audited(app, db):
    client = client_as(app, "officer")
    response = _save_commentary(app, client)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    assert result[ids.MEASURE_COMMENTARY_TEXT]["value"] == ""
    assert "Your commentary for January 2023 has been saved." in json.dumps(result[ids.MEASURE_COMMENTARY_STATUS])
    assert result[ids.MEASURE_COMMENTARY_ALERT]["children"] == ""
    # The list shown again holds the new text, as a string (Dash renders strings as text, never markup).
    listed = json.dumps(result[ids.MEASURE_COMMENTARY_LIST], ensure_ascii=False)
    assert json.dumps(COMMENT, ensure_ascii=False) in listed and "Olu Officer" in listed

    stored = reads.commentary_frame(db, "3.1").iloc[-1]
    assert (stored["period"], stored["text"], stored["author"]) == ("2023-01", COMMENT, NAMES["officer"])
    event = audit.audit_frame(db, action="commentary.added", limit=1).iloc[0]
    assert (event["actor"], event["subject"]) == (NAMES["officer"], "3.1 2023-01")


def test_commentary_is_refused_in_words_when_empty_or_for_an_unknown_measure(app, db):
    client = client_as(app, "officer")
    before = len(reads.commentary_frame(db, "3.1"))
    empty = _save_commentary(app, client, text="   ").get_json()["response"]
    assert "Write the commentary before saving it." in json.dumps(empty[ids.MEASURE_COMMENTARY_ALERT])
    unknown = _save_commentary(app, client, target={"ref": "99.9", "period": "2023-01"}).get_json()["response"]
    assert "There is no measure" in json.dumps(unknown[ids.MEASURE_COMMENTARY_ALERT])
    bad_month = _save_commentary(app, client, target={"ref": "3.1", "period": "Jan"}).get_json()["response"]
    assert "is not a month" in json.dumps(bad_month[ids.MEASURE_COMMENTARY_ALERT])
    assert ids.MEASURE_COMMENTARY_TEXT not in empty  # the text is kept for the writer to correct
    assert len(reads.commentary_frame(db, "3.1")) == before


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), (None, 401)])
def test_commentary_from_anyone_else_is_refused_and_nothing_is_stored(app, db, role, status):
    before = len(reads.commentary_frame(db, "3.1"))
    response = _save_commentary(app, client_as(app, role))
    assert response.status_code == status
    assert len(reads.commentary_frame(db, "3.1")) == before
    assert audit.audit_frame(db, action="commentary.added").empty


# ---------------------------------------------------------------------------------------------------------------
# Targets


def _save_target(
    app,
    client,
    ref: str = "3.1",
    kind: str = "at_least",
    low=90,
    high=None,
    tolerance=5,
    text: str = "",
    objective: str = "Most assessments on time.",
    timescale: str = "March 2024",
    effective: str = "2023-01",
    reason: str = "Agreed by the improvement board",
):
    output = _output(app, f"{ids.TARGETS_HISTORY}.children")
    values = {
        ids.TARGETS_MEASURE: ref,
        ids.TARGETS_KIND: kind,
        ids.TARGETS_LOW: low,
        ids.TARGETS_HIGH: high,
        ids.TARGETS_TOLERANCE: tolerance,
        ids.TARGETS_TEXT: text,
        ids.TARGETS_OBJECTIVE: objective,
        ids.TARGETS_TIMESCALE: timescale,
        ids.TARGETS_EFFECTIVE: effective,
        ids.TARGETS_REASON: reason,
    }
    return callback(
        client,
        output,
        [{"id": ids.TARGETS_SAVE, "property": "n_clicks", "value": 1}],
        [{"id": key, "property": "value", "value": value} for key, value in values.items()],
    )


def test_an_admin_changes_a_target_and_it_is_stored_audited_and_kept_on_reload(app, db):
    client = client_as(app, "admin")
    assert catalogue_records.read_catalogue(db).measure("3.1").target is None
    response = _save_target(app, client)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    status = json.dumps(result[ids.TARGETS_STATUS], ensure_ascii=False)
    assert "the target from January 2023 is at least 90; the months before keep theirs" in status
    assert result[ids.TARGETS_ALERT]["children"] == ""
    assert "at least 90" in json.dumps(result[ids.TARGETS_CURRENT])
    history = json.dumps(result[ids.TARGETS_HISTORY], ensure_ascii=False)
    assert NAMES["admin"] in history and "Lowest acceptable value: none → 90" in history

    measure = catalogue_records.read_catalogue(db).measure("3.1")
    assert measure.target == Target(kind="at_least", low=90, high=None, tolerance=5, text="")
    assert (measure.objective, measure.timescale) == ("Most assessments on time.", "March 2024")
    event = audit.audit_frame(db, action="catalogue.target_changed", limit=1).iloc[0]
    assert (event["actor"], event["subject"]) == (NAMES["admin"], "3.1")
    assert event["detail"]["target_low"] == {"from": None, "to": 90}

    # The same form again changes nothing; loading the catalogue file again keeps the admin's target.
    again = _save_target(app, client).get_json()["response"]
    assert "Nothing changed" in json.dumps(again[ids.TARGETS_STATUS])
    catalogue_records.sync_catalogue(db, load_catalogue())
    assert catalogue_records.read_catalogue(db).measure("3.1").target == measure.target


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("viewer", 403), (None, 401)])
def test_a_target_change_from_anyone_but_an_admin_is_refused(app, db, role, status):
    response = _save_target(app, client_as(app, role))
    assert response.status_code == status
    assert catalogue_records.read_catalogue(db).measure("3.1").target is None
    assert audit.audit_frame(db, action="catalogue.target_changed").empty


def test_a_band_for_a_measure_not_judged_against_a_range_is_refused_with_the_sentence(app, db):
    from measures.storage.edits import BAND_ONLY_FOR_RANGE

    client = client_as(app, "admin")
    result = _save_target(app, client, kind="band", low=80, high=90).get_json()["response"]
    assert BAND_ONLY_FOR_RANGE in json.dumps(result[ids.TARGETS_ALERT])
    assert result[ids.TARGETS_STATUS]["children"] == ""
    assert catalogue_records.read_catalogue(db).measure("3.1").target is None
    # A range measure (2.2) needs a band; other refusals come from the editing rules, as sentences too.
    range_result = _save_target(app, client, ref="2.2", kind="at_most", low=None, high=20).get_json()["response"]
    assert "its target must be a band" in json.dumps(range_result[ids.TARGETS_ALERT])
    not_number = _save_target(app, client, low="ninety").get_json()["response"]
    assert "The lowest acceptable value must be a number." in json.dumps(not_number[ids.TARGETS_ALERT])
    assert audit.audit_frame(db, action="catalogue.target_changed").empty


# ---------------------------------------------------------------------------------------------------------------
# Layouts


def _signed_in(app, db, role: str):
    from dashboard.server.auth import SignedInUser

    context = app.server.test_request_context("/")
    context.push()
    flask_login.login_user(SignedInUser(users.find_user(db, NAMES[role])))
    return context


def _render(component) -> str:
    return json.dumps(
        component.to_plotly_json(),
        default=lambda item: item.to_plotly_json() if hasattr(item, "to_plotly_json") else str(item),
        ensure_ascii=False,
    )


@pytest.mark.parametrize("role", ["viewer", "officer", "admin"])
def test_the_layouts_render_for_each_role(app, db, role):
    from dashboard.pages import measure, targets

    context = _signed_in(app, db, role)
    try:
        measure_page = _render(measure.layout(ref="3.1", period="2023-01"))
        targets_page = _render(targets.layout(ref="2.2"))
    finally:
        context.pop()
    form_shown = role in ("officer", "admin")
    assert ("Add commentary for January 2023" in measure_page) is form_shown
    assert (ids.MEASURE_COMMENTARY_TARGET in measure_page) is form_shown
    assert ids.MEASURE_COMMENTARY_LIST in measure_page
    if role == "admin":
        assert ids.TARGETS_SAVE in targets_page and "Changes to targets" in targets_page
        assert "16 to 20 children per worker" in targets_page  # 2.2's target, chosen by the address
    else:
        assert ids.TARGETS_SAVE not in targets_page
        assert "does not include permission to change targets" in targets_page


def test_the_targets_page_is_refused_to_an_officer_and_listed_for_an_admin(app):
    officer = client_as(app, "officer")
    assert officer.get("/admin/targets").status_code == 403
    admin = client_as(app, "admin")
    assert admin.get("/admin/targets").status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# What good looks like (polarity)


def _save_polarity(app, client, ref: str = "10.5", polarity: str = "lower", reason: str = "Checked with the owner."):
    output = _output(app, f"{ids.TARGETS_POLARITY_HISTORY}.children")
    values = {ids.TARGETS_MEASURE: ref, ids.TARGETS_POLARITY: polarity, ids.TARGETS_POLARITY_REASON: reason}
    return callback(
        client,
        output,
        [{"id": ids.TARGETS_POLARITY_SAVE, "property": "n_clicks", "value": 1}],
        [{"id": key, "property": "value", "value": value} for key, value in values.items()],
    )


def test_an_admin_corrects_a_polarity_with_a_reason_audited_and_kept_on_reload(app, db):
    client = client_as(app, "admin")
    assert catalogue_records.read_catalogue(db).measure("10.5").polarity == "higher"
    reason = "The data owner says <b>fewer</b> is better here."
    response = _save_polarity(app, client, reason=reason)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    assert "good looks like Higher is better → Lower is better" in json.dumps(
        result[ids.TARGETS_POLARITY_STATUS], ensure_ascii=False
    )
    assert result[ids.TARGETS_POLARITY_ALERT]["children"] == ""
    assert "Lower is better" in json.dumps(result[ids.TARGETS_CURRENT], ensure_ascii=False)
    history = json.dumps(result[ids.TARGETS_POLARITY_HISTORY], ensure_ascii=False)
    assert NAMES["admin"] in history and json.dumps(reason, ensure_ascii=False) in history  # shown as text

    assert catalogue_records.read_catalogue(db).measure("10.5").polarity == "lower"
    event = audit.audit_frame(db, action="catalogue.polarity_changed", limit=1).iloc[0]
    assert (event["actor"], event["subject"]) == (NAMES["admin"], "10.5")
    assert event["detail"] == {"polarity": {"from": "higher", "to": "lower"}, "reason": reason}

    # Loading the catalogue file again keeps the admin's polarity; the file still updates the rest.
    catalogue_records.sync_catalogue(db, load_catalogue())
    assert catalogue_records.read_catalogue(db).measure("10.5").polarity == "lower"


def test_a_polarity_change_needs_a_reason_and_a_band_for_a_range(app, db):
    client = client_as(app, "admin")
    result = _save_polarity(app, client, reason="   ").get_json()["response"]
    assert "Say why the polarity is being changed" in json.dumps(result[ids.TARGETS_POLARITY_ALERT], ensure_ascii=False)
    result = _save_polarity(app, client, polarity="range").get_json()["response"]
    assert "Only a measure whose target is a band can be judged against a range" in json.dumps(
        result[ids.TARGETS_POLARITY_ALERT], ensure_ascii=False
    )
    assert catalogue_records.read_catalogue(db).measure("10.5").polarity == "higher"
    assert audit.audit_frame(db, action="catalogue.polarity_changed").empty


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("viewer", 403), (None, 401)])
def test_a_polarity_change_from_anyone_but_an_admin_is_refused(app, db, role, status):
    response = _save_polarity(app, client_as(app, role))
    assert response.status_code == status
    assert catalogue_records.read_catalogue(db).measure("10.5").polarity == "higher"
    assert audit.audit_frame(db, action="catalogue.polarity_changed").empty


def test_an_admin_sets_a_target_from_a_month_and_earlier_months_keep_theirs(app, db):
    client = client_as(app, "admin")
    response = _save_target(app, client, low=90, effective="2022-10", reason="Agreed by the board")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    assert "the target from October 2022 is at least 90" in json.dumps(result[ids.TARGETS_STATUS])
    assert "Targets over time" in json.dumps(result[ids.TARGETS_CURRENT])
    measure = catalogue_records.read_catalogue(db).measure("3.1")
    assert measure.target_for("2022-09") is None and measure.target_for("2022-10") == Target(
        kind="at_least", low=90, tolerance=5
    )
    # Once the target has a history, a new one without its month is refused in words, and nothing changes.
    refused = _save_target(app, client, low=95, effective="", reason="")
    assert "Choose the month the new target of 3.1 applies from" in json.dumps(refused.get_json()["response"])
    assert catalogue_records.read_catalogue(db).measure("3.1").target_for("2023-01").low == 90
    missing_reason = _save_target(app, client, low=95, effective="2023-01", reason="")
    assert "Give a reason" in json.dumps(missing_reason.get_json()["response"])


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("viewer", 403), (None, 401)])
def test_only_an_admin_may_set_a_target_from_a_month(app, db, role, status):
    response = _save_target(app, client_as(app, role), effective="2022-10", reason="Not allowed")
    assert response.status_code == status
    assert catalogue_records.read_catalogue(db).measure("3.1").target_history == ()


def test_choosing_another_measure_empties_the_month_and_reason_of_a_target_change(app, db):
    client = client_as(app, "admin")
    output = _output(app, f"{ids.TARGETS_EFFECTIVE}.value", f"{ids.TARGETS_CURRENT}.children")
    response = callback(client, output, [{"id": ids.TARGETS_MEASURE, "property": "value", "value": "3.2"}])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    assert result[ids.TARGETS_EFFECTIVE]["value"] == "" and result[ids.TARGETS_REASON]["value"] == ""
