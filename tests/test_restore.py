"""What a restore does to a running app, in the operator's own sequence with the real command line: no worker shows
figures the database no longer holds, and no session signed in before the restore survives it (least of all as
someone else)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from measures.accounts import users
from measures.storage import catalogue_records, db, reads, recording
from measures.views.measure import build_measure_detail
from measures.views.overview import build_overview
from tests.auth_helpers import NAMES, PASSWORDS, callback_body, http_opener
from tests.browser.conftest import _serve, _stop
from tests.returns.builders import template_row, template_workbook

ROOT = Path(__file__).resolve().parent.parent


def _measures(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m measures ARGS` against `database_url`, as an operator would; fail the test if it fails."""
    env = {**os.environ, "MEASURES_DB_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "measures", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _return(folder: Path, name: str, numerator: int) -> str:
    path = template_workbook(folder / name, [template_row("3.1", "2023-01", numerator=numerator, denominator=320)])
    return str(path)


def _shown(engine) -> dict[str, object]:
    """What this process's pages show for 3.1 in January 2023: the overview's figure, the measure page's figure
    and the numerators of the measure page's list of versions (the one in force last)."""
    overview = build_overview(engine, period="2023-01")
    row = next(row for row in overview.rows if row.measure.ref == "3.1")
    detail = build_measure_detail(engine, "3.1", period="2023-01")
    return {
        "overview": row.latest.value,
        "measure page": detail.current.value,
        "versions": [(revision.numerator, revision.current) for revision in detail.revisions],
    }


def test_after_restore_and_a_corrected_import_every_page_shows_the_corrected_figure(any_engine, tmp_path):
    url = any_engine.url.render_as_string(hide_password=False)
    percent = {n: pytest.approx(n / 320 * 100) for n in (290, 11, 299)}

    _measures(url, "import", _return(tmp_path, "a.xlsx", 290), "--user", "A. Officer")
    # This process stands for an app worker: what it shows it has cached.
    assert _shown(any_engine) == {"overview": percent[290], "measure page": percent[290], "versions": [(290, True)]}
    backup = tmp_path / "before-b.backup"
    _measures(url, "backup", "--out", str(backup))

    _measures(url, "import", _return(tmp_path, "b.xlsx", 11), "--user", "A. Officer")  # the bad upload
    assert _shown(any_engine)["overview"] == percent[11]

    _measures(url, "restore", "--replace", str(backup))
    _measures(url, "import", _return(tmp_path, "c.xlsx", 299), "--user", "A. Officer")  # the corrected return

    history = reads.value_history(any_engine, "3.1", period="2023-01")
    assert history["numerator"].tolist() == [290, 299] and history["current"].tolist() == [False, True]
    assert _shown(any_engine) == {
        "overview": percent[299],
        "measure page": percent[299],
        "versions": [(290, False), (299, True)],
    }


def test_the_data_version_moves_with_every_write_and_past_every_value_on_restore(demo_engine, catalogue, tmp_path):
    from measures.storage import backup as backups
    from measures.storage import edits as editing

    seen = [reads.data_version(demo_engine)]

    def moved() -> None:
        now = reads.data_version(demo_engine)
        assert now not in seen
        seen.append(now)

    path = tmp_path / "now.backup"
    backups.backup(demo_engine, path)
    editing.add_commentary(demo_engine, "3.1", "2023-01", "Checked with the team.", "Olu Officer")
    moved()
    editing.change_target(
        demo_engine,
        "3.1",
        editing.TargetChange(kind="at_least", low=85.0),
        "Ada Admin",
        effective_from="2023-01",
        reason="Agreed by the board",
    )
    moved()
    recording.record_values(
        demo_engine,
        [recording.ValueRow("3.1", "2023-01", numerator=1, denominator=2, value=50.0)],
        recording.UploadInfo(kind="import"),
    )
    moved()
    backups.restore(demo_engine, path, replace=True)
    moved()
    recording.record_values(
        demo_engine,
        [recording.ValueRow("3.1", "2023-01", numerator=1, denominator=2, value=50.0)],
        recording.UploadInfo(kind="import"),
    )
    moved()
    unchanged = reads.data_version(demo_engine)
    recording.record_values(
        demo_engine,
        [recording.ValueRow("3.1", "2023-01", numerator=1, denominator=2, value=50.0)],
        recording.UploadInfo(kind="import"),
    )
    assert reads.data_version(demo_engine) == unchanged, "a write that changes nothing keeps what is cached"


# ---------------------------------------------------------------------------------------------------------------
# Sessions


@pytest.fixture(scope="module")
def restored_app(demo_database, tmp_path_factory):
    """The app served on loopback over a copy of the demo database whose users were added viewer first (so the
    viewer has id 1), and a backup of another copy whose users were added admin first (so id 1 is the admin)."""
    folder = tmp_path_factory.mktemp("restore-sessions")
    other = folder / "other.db"
    shutil.copy(demo_database, other)
    engine = db.make_engine(f"sqlite:///{other}")
    for role in ("admin", "officer", "viewer"):
        users.add_user(engine, NAMES[role], role, PASSWORDS[role], "test setup")
    assert users.find_user(engine, NAMES["admin"]).id == 1
    engine.dispose()
    backup = folder / "other.backup"
    _measures(f"sqlite:///{other}", "backup", "--out", str(backup))

    live = folder / "live.db"
    shutil.copy(demo_database, live)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MEASURES_SECRET_KEY", raising=False)
        process, base_url, log = _serve(f"sqlite:///{live}", folder / "app.log")  # adds viewer, officer, admin
    yield base_url, f"sqlite:///{live}", backup
    _stop(process, log)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(jar, base_url: str, path: str, body: dict | None = None) -> tuple[int, str]:
    """(status, Location) of one request with the cookies in `jar`, redirects not followed."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    request = urllib.request.Request(base_url + path)
    if body is not None:
        import json

        token = next((c.value for c in jar if c.name == "_csrf_token"), "")
        request = urllib.request.Request(
            base_url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def _router(path: str) -> dict:
    return callback_body("_pages_content.children", [{"id": "_pages_location", "property": "pathname", "value": path}])


def test_a_restore_ends_every_session_and_never_hands_one_another_users_identity(restored_app):
    base_url, url, backup = restored_app
    engine = db.make_engine(url)
    viewer = users.find_user(engine, NAMES["viewer"])
    admin_in_backup = 1
    assert viewer.id == admin_in_backup and viewer.role == "viewer"
    # The viewer's epoch is the one a restore that only added one to the backup's would give the backup's admin.
    users.end_sessions(engine, NAMES["viewer"])
    assert users.find_user(engine, NAMES["viewer"]).session_epoch == 2

    jars = {role: http_opener(base_url, role)[1] for role in ("viewer", "officer", "admin")}
    assert _status(jars["viewer"], base_url, "/")[0] == 200
    assert _status(jars["viewer"], base_url, "/admin/users")[0] == 403
    assert _status(jars["admin"], base_url, "/admin/users")[0] == 200

    restored = _measures(url, "restore", "--replace", str(backup))
    assert "Every session has ended" in restored.stdout
    assert users.find_user(engine, NAMES["admin"]).id == admin_in_backup

    for role, jar in jars.items():
        for path in ("/admin/users", "/", "/measure/3.1"):
            status, location = _status(jar, base_url, path)
            assert status == 302 and location.startswith("/sign-in"), (role, path, status, location)
        status, _ = _status(jar, base_url, "/_dash-update-component", _router("/admin/users"))
        assert status == 401, (role, status)

    # Signing in again gives each person the identity the restored database holds.
    fresh = http_opener(base_url, "admin")[1]
    assert _status(fresh, base_url, "/admin/users")[0] == 200
    engine.dispose()


def test_after_a_restore_no_user_id_and_epoch_held_before_it_is_valid(any_engine, tmp_path):
    from measures.storage import backup as backups

    for role in ("admin", "officer", "viewer"):  # the backup: the admin is id 1
        users.add_user(any_engine, NAMES[role], role, PASSWORDS[role], "test setup")
    for _ in range(3):
        users.end_sessions(any_engine, NAMES["officer"])
    path = tmp_path / "people.backup"
    backups.backup(any_engine, path)
    in_backup = {(user.id, user.session_epoch) for user in users.list_users(any_engine)}

    for _ in range(6):  # the live database has moved on: the viewer's sessions ended six times
        users.end_sessions(any_engine, NAMES["viewer"])
    held = {(user.id, epoch) for user in users.list_users(any_engine) for epoch in range(1, user.session_epoch + 1)}
    backups.restore(any_engine, path, replace=True)

    after = {(user.id, user.session_epoch) for user in users.list_users(any_engine)}
    assert len(after) == 3 and not after & (held | in_backup)


@pytest.mark.parametrize("in_backup", [("admin",), ()], ids=["backup-with-one-user", "backup-without-users"])
def test_a_user_added_after_a_restore_takes_no_identity_a_session_held_before_it(any_engine, tmp_path, in_backup):
    from measures.storage import backup as backups

    for role in in_backup:
        users.add_user(any_engine, NAMES[role], role, PASSWORDS[role], "test setup")
    path = tmp_path / "fewer.backup"
    backups.backup(any_engine, path)
    for role in ("admin", "officer", "viewer"):  # the live database has more users than the backup
        if role not in in_backup:
            users.add_user(any_engine, NAMES[role], role, PASSWORDS[role], "test setup")
    held = {(user.id, epoch) for user in users.list_users(any_engine) for epoch in range(1, user.session_epoch + 1)}
    backups.restore(any_engine, path, replace=True)

    # The operator adds people again (the first admin, if the backup had none); their ids are the old ones.
    if not in_backup:
        assert users.ensure_first_admin(any_engine, "First Admin")
    for name in ("New Admin", "New Officer"):
        users.add_user(any_engine, name, "admin", users.generate_password(name), "test setup")
    now = {(user.id, user.session_epoch) for user in users.list_users(any_engine)}
    assert len(now) == len(in_backup) + (2 if in_backup else 3)
    assert not now & held


def test_a_restore_into_a_new_database_ends_the_sessions_the_old_database_gave(any_engine, tmp_path, catalogue):
    # A server rebuilt after a loss: a new database, the same MEASURES_SECRET_KEY, last night's backup restored.
    # Cookies the old server signed after the backup (a password changed, a role taken away) must open nothing.
    from measures.storage import backup as backups

    old = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade_schema(old)
    catalogue_records.sync_catalogue(old, catalogue)
    for role in ("admin", "officer", "viewer"):
        users.add_user(old, NAMES[role], role, PASSWORDS[role], "test setup")
    path = tmp_path / "last-night.backup"
    backups.backup(old, path)
    for role in ("admin", "officer", "viewer"):  # the next day on the old server
        for _ in range(5):
            users.end_sessions(old, NAMES[role])
    users.add_user(old, "Late Starter", "viewer", users.generate_password("Late Starter"), "test setup")
    held = {(user.id, epoch) for user in users.list_users(old) for epoch in range(1, user.session_epoch + 1)}
    old.dispose()

    backups.restore(any_engine, path)
    users.add_user(any_engine, "New Admin", "admin", users.generate_password("New Admin"), "test setup")
    now = {(user.id, user.session_epoch) for user in users.list_users(any_engine)}
    assert len(now) == 4 and not now & held
