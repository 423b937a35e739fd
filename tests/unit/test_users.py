"""Users, roles, passwords and the sign-in delays (measures/accounts/users.py, sign_in_delays.py), worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from measures.accounts import users
from measures.storage import audit, db

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
GOOD = "a long enough password"


@pytest.fixture
def people(engine):
    users.add_user(engine, "Ada Admin", "admin", GOOD, "setup")
    users.add_user(engine, "Olu Officer", "officer", GOOD, "setup")
    users.add_user(engine, "Vera Viewer", "viewer", GOOD, "setup")
    return engine


@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        ("viewer", {users.VIEW_SERVICE, users.VIEW_TEAMS}, {users.VIEW_WORKERS, users.UPLOAD, users.COMMENT}),
        ("officer", {users.VIEW_WORKERS, users.UPLOAD, users.COMMENT}, {users.EDIT_CATALOGUE, users.MANAGE_USERS}),
        ("admin", {users.VIEW_WORKERS, users.UPLOAD, users.EDIT_CATALOGUE, users.MANAGE_USERS}, set()),
    ],
)
def test_each_role_includes_the_one_before_it(role, allowed, refused):
    user = users.User(id=1, name="x", role=role, active=True, session_epoch=1)
    assert all(user.may(p) for p in allowed)
    assert not any(user.may(p) for p in refused)


def test_a_disabled_user_may_do_nothing():
    assert not users.User(id=1, name="x", role="admin", active=False, session_epoch=1).may(users.VIEW_SERVICE)


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short", "at least 12 characters"),
        ("x" * 257, "at most 256"),
        ("aaaaaaaaaaaaaaaa", "one character repeated"),
        ("my name is Olu Officer ok", "must not contain the user's name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert any(problem in sentence for sentence in users.password_problems(password, "Olu Officer"))


@pytest.mark.parametrize(
    "password, name, reason",
    [
        ("password1234", "", "on the list of the most common passwords"),
        ("PASSWORD1234", "", "on the list of the most common passwords"),  # case makes no difference
        ("qwertyuiop123", "", "on the list of the most common passwords"),
        ("P@ssw0rd2024!!", "", "the common password “p@ssw0rd” with a few characters added"),
        ("Summer2024!!!", "", "the common password “summer” with a few characters added"),
        ("!!iloveyou12345", "", "the common password “iloveyou” with a few characters added"),
        ("passwordpassword", "", "the common password “password” with a few characters added"),
        ("123456789012", "", "run of consecutive characters"),
        ("ZYXWVUTSRQPO", "", "run of consecutive characters"),
        ("OluOfficer2024!", "Olu Officer", "must not be the user's name"),
        ("officer!!2024!!", "Olu Officer", "must not be the user's name"),
        ("reciffO.ulO.99", "Olu Officer", "must not be the user's name"),
        # Read as the letters shown: full-width forms, and Cyrillic or Greek letters drawn like Latin ones.
        (
            "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13\uff14",
            "",
            "on the list of the most common passwords",
        ),
        ("p\u0430ssw\u043erd1234", "", "on the list of the most common passwords"),
        ("Q\u03a9ERTY-2024-Q\u03a9ERTY", "", "the common password “qwerty” with a few characters added"),
        ("\u041eluOfficer2024", "Olu Officer", "must not be the user's name"),
        ("111111111112", "", "fewer than 5 different characters"),
        ("ab12ab12ab12ab12", "", "fewer than 5 different characters"),
        ("Measures2024!!", "", "must not be the dashboard's name"),
        ("measures that matter", "", "must not be the dashboard's name"),
    ],
)
def test_common_passwords_and_trivial_variants_are_refused_with_the_reason(password, name, reason):
    problems = users.password_problems(password, name)
    assert len(problems) == 1 and reason in problems[0], problems


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "xK9#mQ2$vL7@pR4", "viewer-password-1234", "Hereford rain on Tuesdays"]
)
def test_uncommon_passwords_are_accepted(password):
    assert users.password_problems(password, "Olu Officer") == []


def test_a_common_password_cannot_be_set_for_anyone(people):
    with pytest.raises(users.UserError, match="most common passwords"):
        users.set_password(people, "Olu Officer", "password1234", "Ada Admin")
    with pytest.raises(users.UserError, match="most common passwords"):
        users.add_user(people, "Newcomer", "viewer", "Password1234", "Ada Admin")


def test_generated_passwords_are_never_common():
    assert all(not users.password_problems(users.generate_password("Olu Officer"), "Olu Officer") for _ in range(50))


def test_a_long_passphrase_is_accepted():
    assert users.password_problems("correct horse battery staple", "Olu Officer") == []


@pytest.mark.parametrize("name", ["", " ", "<script>", "a" * 81, "-leading-dash", "semi;colon"])
def test_unusable_names_are_refused(name):
    with pytest.raises(users.UserError):
        users.check_name(name)


def test_passwords_are_stored_hashed_with_scrypt(people):
    with people.connect() as connection:
        stored = connection.execute(select(db.users.c.password_hash)).scalars().all()
    assert all(value.startswith("scrypt:") and GOOD not in value for value in stored)


def test_names_are_unique_whatever_their_case_and_spacing(people):
    with pytest.raises(users.UserError, match="already a user"):
        users.add_user(people, "  olu   OFFICER ", "viewer", GOOD, "setup")
    assert users.find_user(people, "OLU officer").name == "Olu Officer"


def test_signing_in_succeeds_with_the_right_password_and_is_audited(people):
    outcome = users.sign_in(people, "olu officer", GOOD, "10.0.0.1", now=NOW)
    assert outcome.user is not None and outcome.user.role == "officer"
    event = audit.audit_frame(people, limit=1).iloc[0]
    assert (event.actor, event.action, event.detail) == ("Olu Officer", "sign_in.succeeded", {"address": "10.0.0.1"})


@pytest.mark.parametrize("name, password", [("Olu Officer", "wrong password!"), ("Nobody Here", GOOD)])
def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(people, name, password):
    outcome = users.sign_in(people, name, password, "10.0.0.1", now=NOW)
    assert (outcome.user, outcome.refusal) == (None, "invalid")


def test_a_disabled_user_cannot_sign_in(people):
    users.set_active(people, "Vera Viewer", False, "Ada Admin")
    assert users.sign_in(people, "Vera Viewer", GOOD, now=NOW).refusal == "invalid"


def test_five_failures_make_the_name_wait_and_the_right_password_works_after_the_wait(people):
    # Before, five failures locked the name for 15 minutes, so anyone could lock the only admin out.
    for minute in range(4):
        outcome = users.sign_in(people, "Ada Admin", "wrong", "10.0.0.1", now=NOW + timedelta(minutes=minute))
        assert (outcome.refusal, outcome.retry_seconds) == ("invalid", 0)
    fifth = users.sign_in(people, "Ada Admin", "wrong", "10.0.0.1", now=NOW + timedelta(minutes=4))
    assert (fifth.refusal, fifth.retry_seconds) == ("invalid", 30)  # the answer says how long to wait
    # During the wait the password is not checked, from any address, and the attempt is not counted.
    during = users.sign_in(people, "Ada Admin", GOOD, "10.0.0.2", now=NOW + timedelta(minutes=4, seconds=10))
    assert (during.user, during.refusal, during.retry_seconds) == (None, "delayed", 20)
    after = users.sign_in(people, "Ada Admin", GOOD, "10.0.0.2", now=NOW + timedelta(minutes=4, seconds=30))
    assert after.user is not None and after.user.name == "Ada Admin"
    actions = audit.audit_frame(people)["action"].tolist()
    assert actions.count("sign_in.failed") == 5 and "sign_in.delayed" in actions


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(people):
    moment = NOW
    waits = []
    for _ in range(12):
        outcome = users.sign_in(people, "Olu Officer", "wrong", "10.0.0.1", now=moment)
        assert outcome.refusal == "invalid"
        waits.append(outcome.retry_seconds)
        moment += timedelta(seconds=outcome.retry_seconds)
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    # However many guesses a stranger made, the real user signs in once the wait is over.
    assert users.sign_in(people, "Olu Officer", GOOD, "10.0.0.3", now=moment).user


def test_a_strangers_guesses_never_keep_the_user_out_of_a_browser_they_signed_in_on_before(people):
    for second in range(5):
        users.sign_in(people, "Ada Admin", "wrong", "203.0.113.9", now=NOW + timedelta(seconds=second))
    for attempt in range(20):  # and the user's office address is delayed too
        users.sign_in(people, f"guess {attempt}", "wrong", "10.0.0.1", now=NOW + timedelta(seconds=attempt))
    stranger = users.sign_in(people, "Ada Admin", GOOD, "10.0.0.1", now=NOW + timedelta(seconds=25))
    assert stranger.refusal == "delayed"
    known = users.sign_in(people, "Ada Admin", GOOD, "10.0.0.1", now=NOW + timedelta(seconds=25), device="browser-1")
    assert known.user is not None and known.user.name == "Ada Admin"


def test_a_known_browser_still_waits_after_its_own_failures(people):
    for second in range(5):
        outcome = users.sign_in(
            people, "Ada Admin", "wrong", "10.0.0.1", now=NOW + timedelta(seconds=second), device="browser-1"
        )
    assert outcome.retry_seconds == 30
    assert (
        users.sign_in(
            people, "Ada Admin", GOOD, "10.0.0.1", now=NOW + timedelta(seconds=10), device="browser-1"
        ).refusal
        == "delayed"
    )
    # Its failures count for the name everywhere else too.
    assert users.sign_in(people, "Ada Admin", GOOD, "10.0.0.2", now=NOW + timedelta(seconds=10)).refusal == "delayed"
    assert users.sign_in(
        people, "Ada Admin", GOOD, "10.0.0.1", now=NOW + timedelta(seconds=34), device="browser-1"
    ).user


def test_failures_are_forgotten_after_a_day(people):
    for minute in range(7):
        users.sign_in(people, "Olu Officer", "wrong", now=NOW + timedelta(minutes=10 * minute))
    later = users.sign_in(people, "Olu Officer", "wrong", now=NOW + timedelta(hours=25))
    assert (later.refusal, later.retry_seconds) == ("invalid", 0)


def test_attempts_older_than_a_day_are_deleted_and_newer_ones_kept(people):
    users.sign_in(people, "Olu Officer", "wrong", now=NOW)
    users.sign_in(people, "Olu Officer", "wrong", now=NOW + timedelta(hours=2))
    users.sign_in(people, "Vera Viewer", "wrong", now=NOW + timedelta(hours=24, minutes=30))
    with people.connect() as connection:
        kept = sorted(row.at.replace(tzinfo=UTC) for row in connection.execute(select(db.sign_in_attempts.c.at)))
    assert kept == [NOW + timedelta(hours=2), NOW + timedelta(hours=24, minutes=30)]
    assert len(audit.audit_frame(people, action="sign_in.failed")) == 3  # the audit log keeps every failure


def test_a_success_clears_the_count_of_earlier_failures(people):
    for minute in range(4):
        users.sign_in(people, "Olu Officer", "wrong", now=NOW + timedelta(minutes=minute))
    assert users.sign_in(people, "Olu Officer", GOOD, now=NOW + timedelta(minutes=5)).user
    assert users.sign_in(people, "Olu Officer", "wrong", now=NOW + timedelta(minutes=6)).retry_seconds == 0


def test_an_unknown_name_is_delayed_like_a_known_one(people):
    for minute in range(5):
        outcome = users.sign_in(people, "Not A User", "guess", now=NOW + timedelta(minutes=minute))
    assert (outcome.refusal, outcome.retry_seconds) == ("invalid", 30)
    assert users.sign_in(people, "Not A User", "guess", now=NOW + timedelta(minutes=4, seconds=1)).refusal == "delayed"


def test_one_address_trying_many_names_is_slowed_down(people):
    for attempt in range(users.sign_in_delays.FREE_FAILURES_PER_ADDRESS):
        users.sign_in(people, f"guess {attempt}", "wrong", "203.0.113.9", now=NOW + timedelta(seconds=attempt))
    blocked = users.sign_in(people, "Vera Viewer", GOOD, "203.0.113.9", now=NOW + timedelta(seconds=25))
    assert (blocked.refusal, blocked.retry_seconds) == ("delayed", 24)
    assert users.sign_in(people, "Vera Viewer", GOOD, "198.51.100.1", now=NOW + timedelta(seconds=25)).user
    assert users.sign_in(people, "Vera Viewer", GOOD, "203.0.113.9", now=NOW + timedelta(seconds=49)).user


def test_an_admin_sees_the_delays_and_clears_one(people):
    for second in (0, 1, 2, 3, 4, 40):
        users.sign_in(people, "Ada Admin", "wrong", "10.0.0.1", now=NOW + timedelta(seconds=second))
    for second in range(20, 25):
        users.sign_in(people, "Someone Else", "wrong", "10.0.0.2", now=NOW + timedelta(seconds=second))
    names = [user.name for user in users.list_users(people)]
    delays = users.sign_in_delays.current_delays(people, names, now=NOW + timedelta(seconds=50))
    assert [(d.kind, d.shown, d.failures) for d in delays] == [
        ("name", "Ada Admin", 6),
        ("name", "(a name that is not a user)", 5),
    ]
    assert delays[0].until == NOW + timedelta(seconds=40 + 60)
    users.sign_in_delays.clear_delay(
        people, "name", delays[0].key, "Ada Admin", "Olu Officer", now=NOW + timedelta(seconds=51)
    )
    assert users.sign_in(people, "Ada Admin", GOOD, "10.0.0.1", now=NOW + timedelta(seconds=52)).user
    remaining = users.sign_in_delays.current_delays(people, names, now=NOW + timedelta(seconds=52))
    assert [d.shown for d in remaining] == ["(a name that is not a user)"]
    event = audit.audit_frame(people, action="sign_in.delay_cleared").iloc[0]
    assert (event.actor, event.subject, event.detail) == ("Olu Officer", "Ada Admin", {"kind": "name"})


@pytest.mark.parametrize(
    "seconds, words",
    [(0, ""), (1, "1 second"), (45, "45 seconds"), (89, "89 seconds"), (90, "2 minutes"), (900, "15 minutes")],
)
def test_waits_are_said_in_words(seconds, words):
    assert users.wait_in_words(seconds) == words


def test_role_password_and_disabling_end_sessions_by_raising_the_epoch(people):
    start = users.find_user(people, "Olu Officer").session_epoch
    users.set_role(people, "Olu Officer", "admin", "Ada Admin")
    users.set_password(people, "Olu Officer", "another good password", "Ada Admin")
    users.set_active(people, "Olu Officer", False, "Ada Admin")
    assert users.find_user(people, "Olu Officer").session_epoch == start + 3
    actions = audit.audit_frame(people, action="user.")["action"].tolist()
    assert actions[:3] == ["user.disabled", "user.password_changed", "user.role_changed"]


def test_the_last_active_admin_cannot_be_demoted_or_disabled(people):
    with pytest.raises(users.UserError, match="only active admin"):
        users.set_role(people, "Ada Admin", "officer", "Ada Admin")
    with pytest.raises(users.UserError, match="only active admin"):
        users.set_active(people, "Ada Admin", False, "Ada Admin")
    users.set_role(people, "Olu Officer", "admin", "Ada Admin")
    users.set_role(people, "Ada Admin", "officer", "Olu Officer")  # now there is another admin


def test_the_first_admin_is_made_once_with_a_generated_password(engine):
    password = users.ensure_first_admin(engine)
    assert password and len(password) >= 20 and not users.password_problems(password, "admin")
    assert users.sign_in(engine, "admin", password, now=NOW).user.role == "admin"
    assert users.ensure_first_admin(engine) is None
    assert users.ensure_first_admin(engine, "someone else") is None
    assert len(users.list_users(engine)) == 1


def test_generated_passwords_differ():
    assert len({users.generate_password() for _ in range(20)}) == 20


def test_attempts_made_at_the_same_moment_cannot_slip_under_the_limit(people):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(lambda _: users.sign_in(people, "Ada Admin", "guess", "10.0.0.9"), range(12)))
    refusals = sorted(outcome.refusal for outcome in outcomes)
    assert refusals == ["delayed"] * 7 + ["invalid"] * 5  # only five passwords were ever checked
    assert sum(outcome.retry_seconds == 30 for outcome in outcomes) >= 1
    with people.connect() as connection:
        assert len(connection.execute(select(db.sign_in_attempts.c.id)).all()) == 5


def test_what_was_typed_as_a_name_is_not_kept(people):
    users.sign_in(people, "my secret password", "x", now=NOW)
    with people.connect() as connection:
        kept = connection.execute(select(db.sign_in_attempts.c.name_key)).scalars().all()
    assert kept and all("secret" not in value for value in kept)
    assert "secret" not in audit.audit_frame(people, limit=1).iloc[0].subject
