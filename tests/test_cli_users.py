"""`python -m measures user ...` and `python -m measures audit`, run as a script outside the project would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from measures.accounts import users
from measures.storage import audit, db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "MEASURES_DB_URL": url}
    subprocess.run([sys.executable, "-m", "measures", "init"], env=env, cwd=ROOT, check=True, capture_output=True)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "measures", *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT
        )

    run.engine = db.make_engine(url)
    yield run
    run.engine.dispose()


def test_user_add_reads_the_password_from_stdin_never_an_argument(cli):
    added = cli("user", "add", "Jo Bloggs", "--role", "officer", stdin="a passphrase to remember\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Added Jo Bloggs as officer."
    assert "a passphrase" not in added.stdout + added.stderr
    assert users.sign_in(cli.engine, "jo bloggs", "a passphrase to remember").user.role == "officer"
    assert cli("user", "add", "Jo Bloggs", "--role", "officer", "--password", "x").returncode == 2


def test_a_weak_password_is_refused_with_the_reason_and_nothing_is_added(cli):
    refused = cli("user", "add", "Jo Bloggs", "--role", "viewer", stdin="short\n")
    assert refused.returncode == 1
    assert refused.stderr.strip() == "error: The password must be at least 12 characters long."
    assert users.find_user(cli.engine, "Jo Bloggs") is None


@pytest.mark.parametrize("command", [("user", "add", "Jo Bloggs", "--role", "viewer"), ("user", "set-password", "Jo")])
def test_a_common_password_is_refused_at_the_command_line_with_the_reason(cli, command):
    users.add_user(cli.engine, "Jo", "viewer", "a passphrase to remember", "test")
    refused = cli(*command, stdin="password1234\npassword1234\n")
    assert refused.returncode == 1
    assert "the most common passwords" in refused.stderr
    assert users.find_user(cli.engine, "Jo Bloggs") is None
    assert users.sign_in(cli.engine, "Jo", "password1234").user is None


def test_an_unknown_role_is_a_usage_error(cli):
    assert cli("user", "add", "Jo", "--role", "superuser", stdin="long enough password\n").returncode == 2


def test_first_admin_prints_a_generated_password_once(cli):
    first = cli("user", "first-admin")
    assert first.returncode == 0
    password = first.stdout.split("with the password")[1].split()[0]
    assert users.sign_in(cli.engine, "admin", password).user.role == "admin"
    again = cli("user", "first-admin")
    assert again.returncode == 0 and again.stdout == ""


def test_set_role_disable_and_list(cli):
    cli("user", "add", "Ada", "--role", "admin", stdin="first admin password\n")
    cli("user", "add", "Vera", "--role", "viewer", stdin="viewer password here\n")
    assert cli("user", "set-role", "vera", "officer").stdout.strip() == "Vera is now officer."
    assert cli("user", "disable", "Vera").returncode == 0
    listing = cli("user", "list").stdout.splitlines()
    assert listing[0].split() == ["Ada", "admin"]
    assert listing[1].split() == ["Vera", "officer", "(disabled)"]
    last_admin = cli("user", "disable", "Ada")
    assert last_admin.returncode == 1 and "only active admin" in last_admin.stderr


def test_audit_lists_who_did_what_newest_first(cli):
    cli("user", "add", "Ada", "--role", "admin", stdin="first admin password\n")
    cli("user", "set-role", "Ada", "admin")
    cli("user", "add", "Vera", "--role", "viewer", stdin="viewer password here\n")
    text = cli("audit").stdout.splitlines()
    assert "user.added" in text[0] and "Vera" in text[0] and "(command line)" in text[0]
    assert "catalogue.synced" in text[-1]
    lines = [json.loads(line) for line in cli("audit", "--json", "--action", "user.").stdout.splitlines()]
    assert [(line["action"], line["subject"]) for line in lines] == [("user.added", "Vera"), ("user.added", "Ada")]
    assert lines[0]["detail"] == {"role": "viewer"}
    assert cli("audit", "--action", "user.", "--limit", "1").stdout.count("\n") == 1
    assert cli("audit", "--since", "2999-01-01").stdout.strip() == "The audit log holds no events that match."
    assert cli("audit", "--since", "yesterday").returncode == 2


def test_backup_and_restore_are_audited(cli, tmp_path):
    out = tmp_path / "backup.jsonl.gz"
    assert cli("backup", "--out", str(out)).returncode == 0
    assert cli("restore", str(out), "--replace").returncode == 0
    actions = audit.audit_frame(cli.engine)["action"].tolist()
    assert actions[0] == "database.restored"
