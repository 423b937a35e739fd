"""The plan in the store: actions as histories of versions, ratings as histories of revisions, every problem
refused at once with nothing written, every write audited and moving the data version, and readers of published
months given no rating of a draft month."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from measures.storage import audit, backup, db, publications, versioning
from measures.storage.plan import (
    PlanError,
    RatingRow,
    action,
    action_history,
    add_action,
    change_action,
    close_action,
    completed_actions,
    current_actions,
    plan_ratings,
    record_ratings,
    reopen_action,
)
from measures.storage.recording import UploadInfo, ValueRow, record_values

REASON = "As published in the improvement plan"


def _add(engine, number="3.2", measures=("3.1",), deadline="2022-10", **kwargs):
    values = dict(
        number=number,
        area=int(number.split(".")[0]),
        text=f"Action {number} wording",
        lead="Head of Service",
        deadline=deadline,
        deadline_text="",
        measures=measures,
        actor="ann",
        reason=REASON,
    )
    values.update(kwargs)
    return add_action(engine, **values)


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _version(engine) -> str:
    with engine.connect() as connection:
        return versioning.current(connection)


def test_an_action_is_added_as_version_one_and_read_back(engine):
    added = _add(engine, "3.10", deadline="2023-05", deadline_text="Spring 2023")
    _add(engine, "3.2")
    _add(engine, "1.1", measures=())
    assert added.version == 1 and added.state == "open" and added.deadline_text == "Spring 2023"
    assert [a.number for a in current_actions(engine)] == ["1.1", "3.2", "3.10"]
    assert [a.number for a in current_actions(engine, area=3)] == ["3.2", "3.10"]
    stored = action(engine, "3.10")
    assert stored == added
    assert action(engine, "3.2").deadline_text == "October 2022"  # worded from the month when not given
    assert action(engine, "9.9") is None


def test_adding_refuses_every_problem_at_once_and_writes_nothing(engine):
    _add(engine, "3.2")
    before = _version(engine)
    with pytest.raises(PlanError) as refused:
        add_action(
            engine,
            number="3.2",
            area=3,
            text=" ",
            lead="x",
            deadline="Spring",
            deadline_text="",
            measures=["3.1", "99.9"],
            actor="ann",
            reason="",
        )
    assert refused.value.problems == [
        "Action 3.2 is already in the plan: change it instead of adding it again.",
        "The action has no wording: say what will be done.",
        "The deadline 'Spring' is not a month in the form YYYY-MM, for example 2023-03.",
        "'99.9' is not a measure in the catalogue: link an action to measures by their refs, e.g. 3.1.",
        "Say why action 3.2 is added: a reason is required.",
    ]
    with pytest.raises(PlanError) as wrong_area:
        _add(engine, "4.1", area=3)
    assert wrong_area.value.problems == ["Action 4.1 belongs to area 4, not area 3."]
    with pytest.raises(PlanError) as malformed:
        _add(engine, "3.2.1", area=3)
    assert "is not an action number" in malformed.value.problems[0]
    assert _count(engine, db.plan_actions) == 1
    assert _version(engine) == before


def test_changes_and_closing_add_versions_and_never_overwrite(engine):
    _add(engine, "3.2")
    reworded = change_action(engine, "3.2", actor="bob", reason="Board asked", text="New wording")
    redated = change_action(engine, "3.2", actor="bob", reason="Slipped", deadline="2023-03", measures=["3.1", "3.2"])
    assert redated.deadline_text == "March 2023" and redated.text == "New wording"
    closed = close_action(engine, "3.2", actor="cat", reason="Merged into 3.3")
    assert (reworded.version, redated.version, closed.version) == (2, 3, 4)
    history = action_history(engine, "3.2")
    assert [v.version for v in history.versions] == [1, 2, 3, 4]
    assert [v.text for v in history.versions] == ["Action 3.2 wording", "New wording", "New wording", "New wording"]
    assert history.versions[0].deadline == "2022-10" and history.versions[2].measures == ("3.1", "3.2")
    assert [(v.actor, v.reason) for v in history.versions[1:]] == [
        ("bob", "Board asked"),
        ("bob", "Slipped"),
        ("cat", "Merged into 3.3"),
    ]
    assert action(engine, "3.2").closed
    events = audit.audit_frame(engine, action="plan.")
    assert sorted(events.action) == [
        "plan.action_added",
        "plan.action_changed",
        "plan.action_changed",
        "plan.action_closed",
    ]


def test_changes_refuse_with_every_problem(engine):
    _add(engine, "3.2")
    with pytest.raises(KeyError):
        change_action(engine, "9.9", actor="bob", reason="x", text="y")
    with pytest.raises(KeyError):
        close_action(engine, "9.9", actor="bob", reason="x")
    with pytest.raises(KeyError):
        action_history(engine, "9.9")
    with pytest.raises(PlanError) as refused:
        change_action(engine, "3.2", actor="bob", reason=" ", text="Action 3.2 wording", measures=["nope"])
    assert refused.value.problems == [
        "'nope' is not a measure in the catalogue: link an action to measures by their refs, e.g. 3.1.",
        "Say why action 3.2 is changed: a reason is required.",
    ]
    with pytest.raises(PlanError) as nothing:
        change_action(engine, "3.2", actor="bob", reason="r", text="Action 3.2 wording")
    assert nothing.value.problems == ["Nothing about action 3.2 would change."]
    with pytest.raises(PlanError, match="a reason is required"):
        close_action(engine, "3.2", actor="bob", reason="")
    close_action(engine, "3.2", actor="bob", reason="Done with")
    with pytest.raises(PlanError) as closed:
        change_action(engine, "3.2", actor="bob", reason="r", text="Other")
    assert closed.value.problems == ["Action 3.2 is closed: it cannot be changed."]
    with pytest.raises(PlanError, match="already closed"):
        close_action(engine, "3.2", actor="bob", reason="again")
    assert _count(engine, db.plan_actions) == 2


def test_ratings_are_revised_as_new_rows_and_counted(engine):
    _add(engine, "3.2")
    _add(engine, "3.3")
    before = _version(engine)
    counts = record_ratings(
        engine,
        [RatingRow("3.2", "2022-11", "Green", "Started"), RatingRow("3.3", "2022-11", "not yet due", "")],
        actor="ann",
        source="page",
    )
    assert counts == {"added": 2, "revised": 0, "unchanged": 0}
    assert _version(engine) != before
    counts = record_ratings(
        engine,
        [RatingRow("3.2", "2022-11", "Amber", "Recruitment slow"), RatingRow("3.3", "2022-11", "NOT YET DUE", "")],
        actor="bob",
        source="return",
    )
    assert counts == {"added": 0, "revised": 1, "unchanged": 1}
    ratings = plan_ratings(engine)
    assert ratings["3.2"]["2022-11"].brag == "amber" and ratings["3.2"]["2022-11"].version == 2
    assert ratings["3.3"]["2022-11"].brag == "not_yet_due"
    history = action_history(engine, "3.2").ratings
    assert [(r.brag, r.progress, r.actor, r.source) for r in history] == [
        ("green", "Started", "ann", "page"),
        ("amber", "Recruitment slow", "bob", "return"),
    ]
    unchanged_version = _version(engine)
    assert record_ratings(engine, [RatingRow("3.2", "2022-11", "a", "Recruitment slow")], actor="x", source="page") == {
        "added": 0,
        "revised": 0,
        "unchanged": 1,
    }
    assert _version(engine) == unchanged_version  # nothing written, nothing for workers to recompute
    assert list(audit.audit_frame(engine, action="plan.ratings_recorded").subject) == ["2022-11", "2022-11"]


def test_spaces_around_a_number_or_month_are_not_stored(engine):
    _add(engine, "3.2")
    record_ratings(engine, [RatingRow(" 3.2 ", " 2022-11 ", " Green ", "Fine")], actor="ann", source="return")
    assert list(plan_ratings(engine)["3.2"]) == ["2022-11"]
    again = record_ratings(engine, [RatingRow("3.2", "2022-11", "green", "Fine")], actor="ann", source="return")
    assert again == {"added": 0, "revised": 0, "unchanged": 1}


def test_ratings_with_any_problem_write_nothing(engine):
    _add(engine, "3.2")
    _add(engine, "3.3")
    close_action(engine, "3.3", actor="bob", reason="Dropped")
    rows = [
        RatingRow("3.2", "2022-11", "Green", "fine"),
        RatingRow("7.7", "2022-11", "Green", ""),
        RatingRow("3.2", "2022-10", "Red", ""),
        RatingRow("3.3", "2022-11", "Blue", "done"),
        RatingRow("3.2", "2022-09", "Purple", "?"),
    ]
    with pytest.raises(PlanError) as refused:
        record_ratings(engine, rows, actor="ann", source="return")
    assert len(refused.value.problems) == 4
    assert _count(engine, db.action_ratings) == 0


def test_ratings_inside_a_callers_transaction_roll_back_with_it(engine):
    _add(engine, "3.2")
    with pytest.raises(RuntimeError):
        with db.write_transaction(engine) as connection:
            record_ratings(
                engine, [RatingRow("3.2", "2022-11", "G", "")], actor="a", source="return", connection=connection
            )
            raise RuntimeError("the figures failed")
    assert _count(engine, db.action_ratings) == 0
    with db.write_transaction(engine) as connection:
        record_ratings(
            engine, [RatingRow("3.2", "2022-11", "G", "")], actor="a", source="return", connection=connection
        )
    assert plan_ratings(engine)["3.2"]["2022-11"].brag == "green"


def test_readers_of_published_months_get_no_rating_of_a_draft_month(engine):
    _add(engine, "3.2")
    figures = [ValueRow("3.1", period, value=80.0) for period in ("2022-11", "2022-12")]
    record_values(engine, figures, UploadInfo(kind="import", filename="return.xlsx"))
    publications.publish(engine, "2022-11", "admin")
    record_ratings(
        engine,
        [RatingRow("3.2", "2022-11", "Blue", "Done"), RatingRow("3.2", "2022-12", "Red", "Undone")],
        actor="ann",
        source="page",
        reason="Rated at the board after November was published",
    )
    visible = publications.published_months(engine)
    assert set(plan_ratings(engine, visible=visible)["3.2"]) == {"2022-11"}
    assert set(plan_ratings(engine)["3.2"]) == {"2022-11", "2022-12"}
    assert set(plan_ratings(engine, up_to="2022-11")["3.2"]) == {"2022-11"}
    assert plan_ratings(engine, visible=frozenset()) == {}
    assert [r.period for r in action_history(engine, "3.2", visible=visible).ratings] == ["2022-11"]
    # As a reader sees it, 3.2 is Blue since November; an officer sees December's Red.
    assert [(a.number, month) for a, month in completed_actions(engine, "3.1", visible=visible)] == [("3.2", "2022-11")]
    assert completed_actions(engine, "3.1") == []
    assert [m for _, m in completed_actions(engine, "3.1", as_at="2022-11")] == ["2022-11"]


def test_completed_actions_are_those_linked_to_the_measure(engine):
    _add(engine, "3.2", measures=("3.1",))
    _add(engine, "3.3", measures=("3.2",))
    _add(engine, "2.1", measures=("3.1", "2.2"))
    rows = [
        RatingRow("3.2", "2022-08", "Green", ""),
        RatingRow("3.2", "2022-09", "Blue", "Done"),
        RatingRow("3.2", "2022-10", "Blue", "Done"),
        RatingRow("3.3", "2022-10", "Blue", "Done"),
        RatingRow("2.1", "2022-10", "Amber", "Late"),
    ]
    record_ratings(engine, rows, actor="ann", source="page")
    assert [(a.number, m) for a, m in completed_actions(engine, "3.1")] == [("3.2", "2022-09")]
    assert [(a.number, m) for a, m in completed_actions(engine, "3.2")] == [("3.3", "2022-10")]
    assert completed_actions(engine, "3.1", as_at="2022-08") == []


def test_the_plan_survives_a_backup_and_restore(any_engine, tmp_path):
    engine = any_engine
    _add(engine, "3.2")
    change_action(engine, "3.2", actor="bob", reason="Slipped", deadline="2023-03")
    record_ratings(engine, [RatingRow("3.2", "2022-11", "Amber", "Slow")], actor="ann", source="page")
    record_ratings(engine, [RatingRow("3.2", "2022-11", "Blue", "Done")], actor="ann", source="page")
    saved_history = action_history(engine, "3.2")
    path = tmp_path / "plan.backup"
    backup.backup(engine, path)
    close_action(engine, "3.2", actor="bob", reason="After the backup")
    backup.restore(engine, path, replace=True, actor="admin")
    restored = action_history(engine, "3.2")
    assert restored == saved_history
    assert not action(engine, "3.2").closed
    assert plan_ratings(engine)["3.2"]["2022-11"].brag == "blue"
    # Writing goes on after the restore: the next version and revision follow the restored ones.
    assert close_action(engine, "3.2", actor="bob", reason="After the restore").version == 3


def test_a_rating_of_a_published_month_needs_a_reason_and_officers_cannot_mark_not_recorded(engine):
    _add(engine, "3.2")
    record_values(engine, [ValueRow("3.1", "2022-11", value=80.0)], UploadInfo(kind="import", filename="r.xlsx"))
    publications.publish(engine, "2022-11", "admin")
    with pytest.raises(PlanError, match="November 2022 is already published"):
        record_ratings(engine, [RatingRow("3.2", "2022-11", "Green", "")], actor="ann", source="page")
    with pytest.raises(PlanError, match="not in the plan's key"):
        record_ratings(engine, [RatingRow("3.2", "2022-10", "Not recorded", "")], actor="ann", source="page")
    with pytest.raises(PlanError, match="has not come yet"):
        record_ratings(engine, [RatingRow("3.2", "2099-12", "Green", "")], actor="ann", source="page")
    assert plan_ratings(engine) == {}
    record_ratings(engine, [RatingRow("3.2", "2022-11", "Green", "")], actor="ann", source="page", reason="Late")
    event = audit.audit_frame(engine, action="plan.ratings_recorded", limit=1).iloc[0]
    assert event["detail"]["reason"] == "Late"


def test_a_closed_action_is_reopened_with_a_reason_as_a_new_version(engine):
    _add(engine, "3.2")
    close_action(engine, "3.2", actor="ada", reason="Merged")
    with pytest.raises(PlanError, match="a reason is required"):
        reopen_action(engine, "3.2", actor="ada", reason=" ")
    reopened = reopen_action(engine, "3.2", actor="ada", reason="Closed by mistake")
    assert (reopened.state, reopened.version) == ("open", 3)
    with pytest.raises(PlanError, match="already open"):
        reopen_action(engine, "3.2", actor="ada", reason="Again")
    assert record_ratings(engine, [RatingRow("3.2", "2022-11", "Green", "")], actor="ann", source="page")["added"] == 1
    assert audit.audit_frame(engine, action="plan.action_reopened", limit=1).iloc[0]["detail"] == {
        "reason": "Closed by mistake"
    }
