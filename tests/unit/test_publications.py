"""A month is a draft until an admin publishes it; publishing and withdrawing are kept as a history, audited, and
move the data version on so that every worker recomputes its pages."""

from __future__ import annotations

import pytest

from measures.accounts import users
from measures.storage import audit, publications, reads, recording


def _import(engine, *periods: str) -> None:
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", period, numerator=1, denominator=4, value=25.0) for period in periods],
        recording.UploadInfo(kind="import", filename="return.xlsx", user_name="A. Officer"),
    )


def test_an_imported_month_is_a_draft_until_published(engine):
    _import(engine, "2023-01", "2023-02")
    assert [(s.period, s.state) for s in publications.month_states(engine)] == [
        ("2023-01", "draft"),
        ("2023-02", "draft"),
    ]
    assert publications.published_months(engine) == frozenset()

    state = publications.publish(engine, "2023-02", "Ada Admin")
    assert (state.state, state.actor, state.published) == ("published", "Ada Admin", True)
    assert publications.published_months(engine) == {"2023-02"}
    assert publications.month_state(engine, "2023-01").state == "draft"


def test_publish_withdraw_publish_keeps_every_step_with_its_reason(engine):
    _import(engine, "2023-02")
    publications.publish(engine, "2023-02", "Ada Admin")
    publications.withdraw(engine, "2023-02", "Ada Admin", "  2.4 was  counted twice ")
    assert publications.published_months(engine) == frozenset()
    publications.publish(engine, "2023-02", "Bea Admin")
    steps = [(s.state, s.actor, s.reason) for s in publications.history(engine, "2023-02")]
    assert steps == [
        ("published", "Ada Admin", ""),
        ("withdrawn", "Ada Admin", "2.4 was counted twice"),
        ("published", "Bea Admin", ""),
    ]
    events = audit.audit_frame(engine, action="month.")
    assert list(events["action"]) == ["month.published", "month.withdrawn", "month.published"]
    assert list(events["subject"]) == ["2023-02"] * 3
    assert events.iloc[1]["detail"] == {"reason": "2.4 was counted twice"}


def test_each_change_moves_the_data_version(engine):
    _import(engine, "2023-02")
    before = reads.data_version(engine)
    publications.publish(engine, "2023-02", "Ada Admin")
    published = reads.data_version(engine)
    publications.withdraw(engine, "2023-02", "Ada Admin", "to check")
    assert len({before, published, reads.data_version(engine)}) == 3


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (lambda e: publications.publish(e, "2023-03", "Ada"), "March 2023 has no figures to publish"),
        (lambda e: publications.publish(e, "2023-13", "Ada"), "is not a month"),
        (lambda e: publications.withdraw(e, "2023-02", "Ada", "why"), "February 2023 is not published"),
        (lambda e: publications.withdraw(e, "2023-01", "Ada", "   "), "Say why January 2023 is being withdrawn"),
    ],
)
def test_a_step_that_cannot_be_taken_is_refused_and_changes_nothing(engine, step, message):
    _import(engine, "2023-01", "2023-02")
    publications.publish(engine, "2023-01", "Ada Admin")
    version = reads.data_version(engine)
    with pytest.raises(publications.PublicationError, match=message):
        step(engine)
    assert reads.data_version(engine) == version
    assert len(publications.history(engine)) == 1


def test_publishing_a_published_month_again_is_refused(engine):
    _import(engine, "2023-01")
    publications.publish(engine, "2023-01", "Ada Admin")
    with pytest.raises(publications.PublicationError, match="already published .* by Ada Admin"):
        publications.publish(engine, "2023-01", "Bea Admin")


def test_only_admins_may_publish_and_only_officers_and_admins_see_drafts():
    def may(role: str, permission: str) -> bool:
        return users.User(1, "someone", role, True, 1).may(permission)

    assert [may(role, users.PUBLISH) for role in users.ROLES] == [False, False, True]
    assert [may(role, users.SEE_DRAFTS) for role in users.ROLES] == [False, True, True]
    assert not users.User(1, "someone", "admin", False, 1).may(users.PUBLISH)


def test_loading_months_as_published_leaves_a_withdrawn_month_withdrawn(engine):
    from measures.storage import db

    _import(engine, "2023-01", "2023-02")
    publications.publish(engine, "2023-01", "Ada Admin")
    publications.withdraw(engine, "2023-01", "Ada Admin", "being checked")
    with db.write_transaction(engine) as connection:
        publications.publish_months(connection, ["2023-01", "2023-02"], "demo")
    assert publications.published_months(engine) == {"2023-02"}
    assert publications.month_state(engine, "2023-01").state == "withdrawn"


def test_completeness_counts_a_figure_and_names_what_is_missing(engine):
    recording.record_values(
        engine,
        [
            recording.ValueRow("1.1", "2023-02", numerator=1, denominator=2, value=50.0),
            recording.ValueRow("2.2", "2023-02", value=18.0),
            recording.ValueRow("2.3", "2023-02", status="tbc"),
            recording.ValueRow("8.2", "2023-02", status="na"),
        ],
        recording.UploadInfo(kind="import", filename="return.xlsx"),
    )
    complete = publications.completeness(engine, ["1.1", "2.2", "2.3", "2.4", "8.2"], "2023-02")
    assert (complete.with_figure, complete.missing, complete.not_applicable) == (
        ("1.1", "2.2"),
        ("2.3", "2.4"),
        ("8.2",),
    )
    assert complete.sentence() == (
        "2 of 4 measures have a figure for February 2023; missing: 2.3, 2.4 (1 not applicable: 8.2)."
    )


def test_a_figure_changed_after_publication_is_a_revision_with_what_was_published(engine):
    _import(engine, "2023-01", "2023-02")  # 3.1: 1/4 25%
    publications.publish(engine, "2023-01", "Ada Admin")
    recording.record_values(
        engine,
        [
            recording.ValueRow("3.1", "2023-01", numerator=2, denominator=4, value=50.0),
            recording.ValueRow("3.1", "2023-02", numerator=3, denominator=4, value=75.0),
        ],
        recording.UploadInfo(kind="import", filename="fix.xlsx", user_name="Olu Officer", reason="Recounted"),
    )
    revisions = publications.revised_figures(engine, ["2023-01", "2023-02"])
    assert list(revisions) == [("3.1", "2023-01")]  # February is a draft: its change is no revision to readers
    revision = revisions[("3.1", "2023-01")]
    assert revision.published == publications.Figure(1.0, 4.0, 25.0, "ok")
    assert revision.current == publications.Figure(2.0, 4.0, 50.0, "ok")
    assert (revision.by, revision.reason) == ("Olu Officer", "Recounted")
    last, changes = publications.changes_since_publication(engine, "2023-02")
    assert last is None and [c.published for c in changes] == [None]  # never published: every figure is new
