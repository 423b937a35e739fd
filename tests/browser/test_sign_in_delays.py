"""The admin's view of sign-in delays in the browser: after repeated failed sign-ins for a user, the Users page
lists them with when they may try again, meets WCAG 2.2 AA with the list shown, and "Let them try now" lets
the user sign in at once (audited)."""

from __future__ import annotations

import shutil

import pytest

from measures.accounts import users
from measures.storage import audit, db
from tests.auth_helpers import NAMES, PASSWORDS
from tests.browser.axe import assert_accessible
from tests.browser.conftest import _serve, _stop

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def delayed_app(demo_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("delays")
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    engine = db.make_engine(f"sqlite:///{database}")
    for attempt in range(5):
        users.sign_in(engine, NAMES["officer"], f"wrong guess {attempt}", "198.51.100.7")
    yield base_url, engine
    engine.dispose()
    _stop(process, log)


def test_an_admin_sees_the_waiting_user_and_lets_them_try_now(page_as, delayed_app, output_dir):
    base_url, engine = delayed_app
    assert users.sign_in(engine, NAMES["officer"], PASSWORDS["officer"], "198.51.100.8").refusal == "delayed"
    page = page_as("admin")
    page.goto(base_url + "/admin/users")
    row = page.locator("#users-delays tr.delay-row").filter(has_text=f"Name: {NAMES['officer']}")
    row.wait_for()
    assert row.locator("td").first.inner_text() == "5"
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "users-with-delays", output_dir)
    row.get_by_role("button", name=f"Let them try now ({NAMES['officer']})").click()
    page.locator("#users-status").get_by_text(f"{NAMES['officer']} may try to sign in again now.").wait_for()
    assert page.locator("#users-delays tr.delay-row").count() == 0
    assert users.sign_in(engine, NAMES["officer"], PASSWORDS["officer"], "198.51.100.8").user is not None
    cleared = audit.audit_frame(engine, action="sign_in.delay_cleared").iloc[0]
    assert (cleared.actor, cleared.subject) == (NAMES["admin"], NAMES["officer"])
