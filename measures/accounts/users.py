"""Users, roles and signing in. No web framework here: the dashboard asks this module who someone is and what
they may do; the command line uses it to add users.

Roles, each including the one before:
- `viewer` (board and committee members): service- and team-level figures;
- `officer` (performance officers, service managers): also worker-level figures, uploading returns and
  writing commentary;
- `admin`: also changing the catalogue's targets and managing users.

Passwords are hashed with scrypt (Werkzeug's `generate_password_hash`), never stored or logged as given.
Repeated failed sign-ins for a name or from an address make the next attempt wait a growing delay
(`measures.accounts.sign_in_delays`), never a lock: after the delay the right password signs in. The attempts are kept
in the database, so the delays hold across every worker.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Engine, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from measures.accounts import common_passwords, sign_in_delays
from measures.accounts.names import name_key
from measures.storage import audit, db, session_epochs

ROLES: tuple[str, ...] = ("viewer", "officer", "admin")
ROLE_DESCRIPTIONS = {
    "viewer": "reads service- and team-level figures (board and committee members)",
    "officer": "also sees worker-level figures and draft months, uploads returns and writes commentary",
    "admin": "also changes targets, publishes months, imports national figures and manages users",
}

VIEW_SERVICE = "view service-level figures"
VIEW_TEAMS = "view team-level figures"
VIEW_WORKERS = "view worker-level figures"
UPLOAD = "upload returns"
COMMENT = "write commentary"
EDIT_CATALOGUE = "change targets"
MANAGE_USERS = "manage users"
SEE_DRAFTS = "see draft months"
PUBLISH = "publish a month"
IMPORT_NATIONAL = "import national figures"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({VIEW_SERVICE, VIEW_TEAMS}),
    "officer": frozenset({VIEW_SERVICE, VIEW_TEAMS, VIEW_WORKERS, UPLOAD, COMMENT, SEE_DRAFTS}),
    "admin": frozenset(
        {
            VIEW_SERVICE,
            VIEW_TEAMS,
            VIEW_WORKERS,
            UPLOAD,
            COMMENT,
            SEE_DRAFTS,
            EDIT_CATALOGUE,
            MANAGE_USERS,
            PUBLISH,
            IMPORT_NATIONAL,
        }
    ),
}

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_NAME_PATTERN = re.compile(r"^[\w][\w .@'-]{0,79}$")


class UserError(ValueError):
    """A user could not be added or changed; the message says why in plain words."""


@dataclass(frozen=True)
class User:
    """Someone who may sign in."""

    id: int
    name: str
    role: str
    active: bool
    session_epoch: int

    def may(self, permission: str) -> bool:
        """Return True when this user's role grants `permission` (and the user is active)."""
        return self.active and permission in ROLE_PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `user` when it succeeded, else `refusal`: 'invalid' (a wrong name or
    password, or a disabled user) or 'delayed' (too soon after repeated failures: the password was not
    checked). `retry_seconds` is how long to wait before the next attempt (0: no wait)."""

    user: User | None
    refusal: str = ""
    retry_seconds: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


def check_name(name: str) -> str:
    """Return the name, trimmed; raises UserError unless it is 1-80 letters, digits, spaces or . @ ' - _."""
    cleaned = " ".join(name.split())
    if not _NAME_PATTERN.match(cleaned):
        raise UserError(
            "A user name must be 1 to 80 characters: letters, digits, spaces and . @ ' - _ only, "
            "starting with a letter or digit."
        )
    return cleaned


def check_role(role: str) -> str:
    """Return the role; raises UserError unless it is one of ROLES."""
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    return role


def password_problems(password: str, name: str = "") -> list[str]:
    """Return why `password` may not be used, as sentences (empty when it may).

    Length is what matters (as the NCSC advises): at least MIN_PASSWORD_LENGTH characters, not the user's
    name, not one character repeated, and not a common password, a trivial variant of one or of the name
    (`measures.accounts.common_passwords`, a list shipped with the project).
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")
    if name and name_key(name) in password.casefold():
        problems.append("The password must not contain the user's name.")
    if password and len(set(password)) == 1:
        problems.append("The password must not be one character repeated.")
    elif password and not problems:
        common = common_passwords.common_password_problem(password[:MAX_PASSWORD_LENGTH], name)
        if common:
            problems.append(common)
    return problems


def generate_password(name: str = "") -> str:
    """Return a new random password of 20 URL-safe characters (about 120 bits) that `password_problems` accepts
    for the user `name` (a short name may turn up inside a random password by chance: another is made then)."""
    password = secrets.token_urlsafe(15)
    for _ in range(100):
        if not password_problems(password, name):
            break
        password = secrets.token_urlsafe(15)
    return password  # still refused only for a name no password could avoid: `add_user` then says why


def _check_password(password: str, name: str) -> None:
    problems = password_problems(password, name)
    if problems:
        raise UserError(" ".join(problems))


def _user(row) -> User:
    return User(id=row.id, name=row.name, role=row.role, active=bool(row.active), session_epoch=row.session_epoch)


def get_user(engine: Engine, user_id: int) -> User | None:
    """Return the user with this id, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(db.users).where(db.users.c.id == user_id)).first()
    return _user(row) if row else None


def find_user(engine: Engine, name: str) -> User | None:
    """Return the user with this name (any case), or None."""
    with engine.connect() as connection:
        row = connection.execute(select(db.users).where(db.users.c.name_key == name_key(name))).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[User]:
    """Return every user, by name."""
    with engine.connect() as connection:
        rows = connection.execute(select(db.users).order_by(db.users.c.name_key)).all()
    return [_user(row) for row in rows]


def count_users(engine: Engine) -> int:
    """Return how many users there are (active or not)."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(db.users)).scalar_one()


def add_user(engine: Engine, name: str, role: str, password: str, actor: str) -> User:
    """Add a user and audit it; return the new user.

    Raises UserError for a bad name, role or password, or a name already taken (in any case).
    """
    name = check_name(name)
    check_role(role)
    _check_password(password, name)
    now = _now()
    with db.write_transaction(engine) as connection:
        taken = connection.execute(select(db.users.c.id).where(db.users.c.name_key == name_key(name))).first()
        if taken:
            raise UserError(f"There is already a user called {name!r}.")
        epoch = session_epochs.starting_epoch(connection)
        result = connection.execute(
            insert(db.users).values(
                name=name,
                name_key=name_key(name),
                role=role,
                password_hash=generate_password_hash(password),
                active=True,
                session_epoch=epoch,
                created_at=now,
                created_by=actor,
                password_changed_at=now,
            )
        )
        audit.record(connection, actor, "user.added", name, {"role": role})
        user_id = db.inserted_id(result)
    return User(id=user_id, name=name, role=role, active=True, session_epoch=epoch)


def _existing(connection, name: str):
    row = connection.execute(select(db.users).where(db.users.c.name_key == name_key(name))).first()
    if row is None:
        raise UserError(f"There is no user called {name!r}.")
    return row


def _keep_an_admin(connection, row) -> None:
    """Raise UserError when `row` is the only active admin (who is about to stop being one)."""
    u = db.users.c
    statement = select(func.count()).select_from(db.users).where(u.role == "admin", u.active, u.id != row.id)
    if row.role == "admin" and row.active and not connection.execute(statement).scalar_one():
        raise UserError(f"{row.name} is the only active admin: make someone else an admin first.")


def _change_ending_sessions(connection, row, **values) -> None:
    """Update the user of `row` with `values`, raising their session epoch so every session of theirs ends."""
    connection.execute(
        update(db.users).where(db.users.c.id == row.id).values(**values, session_epoch=row.session_epoch + 1)
    )


def set_role(engine: Engine, name: str, role: str, actor: str) -> User:
    """Change a user's role (ending their sessions) and audit it; return the user as changed.

    Raises UserError for an unknown user or role, or when it would leave no active admin.
    """
    check_role(role)
    with db.write_transaction(engine) as connection:
        row = _existing(connection, name)
        if row.role == role:
            return _user(row)
        _keep_an_admin(connection, row)
        _change_ending_sessions(connection, row, role=role)
        audit.record(connection, actor, "user.role_changed", row.name, {"from": row.role, "to": role})
    return User(id=row.id, name=row.name, role=role, active=bool(row.active), session_epoch=row.session_epoch + 1)


def set_password(engine: Engine, name: str, password: str, actor: str) -> None:
    """Set a user's password (ending their sessions) and audit it. Raises UserError for an unknown user or a
    password that `password_problems` refuses."""
    with db.write_transaction(engine) as connection:
        row = _existing(connection, name)
        _check_password(password, row.name)
        _change_ending_sessions(
            connection, row, password_hash=generate_password_hash(password), password_changed_at=_now()
        )
        audit.record(connection, actor, "user.password_changed", row.name)


def set_active(engine: Engine, name: str, active: bool, actor: str) -> None:
    """Disable a user (ending their sessions) or enable them again, and audit it.

    Raises UserError for an unknown user, or when disabling the last active admin.
    """
    with db.write_transaction(engine) as connection:
        row = _existing(connection, name)
        if bool(row.active) == active:
            return
        if not active:
            _keep_an_admin(connection, row)
        _change_ending_sessions(connection, row, active=active)
        audit.record(connection, actor, "user.enabled" if active else "user.disabled", row.name)


def end_sessions(engine: Engine, name: str) -> None:
    """Sign a user out everywhere (every session of theirs ends) and audit it as a sign-out. Raises UserError
    for an unknown user."""
    with db.write_transaction(engine) as connection:
        row = _existing(connection, name)
        _change_ending_sessions(connection, row)
        audit.record(connection, row.name, "sign_out", row.name)


def ensure_first_admin(engine: Engine, name: str = "admin") -> str | None:
    """When there are no users at all, add an admin called `name` with a generated password and return the
    password (to be shown once); otherwise return None and change nothing."""
    if count_users(engine):
        return None
    password = generate_password(name)
    try:
        add_user(engine, name, "admin", password, audit.SYSTEM_ACTOR)
    except UserError:
        return None  # another process added the first user meanwhile
    return password


def wait_in_words(seconds: int) -> str:
    """Return a wait as a reader says it: '' for none, '45 seconds' under 90 seconds, else whole minutes rounded
    up ('2 minutes', '15 minutes')."""
    if seconds <= 0:
        return ""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


@cache
def _decoy_hash() -> str:
    # Checked against when the name is unknown, so that a wrong name takes as long as a wrong password.
    return generate_password_hash(secrets.token_urlsafe(16))


def sign_in(
    engine: Engine, name: str, password: str, remote_addr: str = "", now: datetime | None = None, device: str = ""
) -> SignIn:
    """Check a name and password, record the attempt (and audit it) and return the outcome.

    Refuses with 'delayed' while the name or the address must still wait after repeated failures (without
    checking the password or recording the attempt), with 'invalid' for a wrong name, a wrong password or a
    disabled user: the three are not told apart. The attempt is recorded as a failure under the write lock
    before the password is checked, so attempts made at the same moment cannot all slip under the limit; a
    success then marks it so. A failure that makes the next attempt wait says how long in `retry_seconds`.
    `device` is the id of a browser where this name's user signed in before (the caller vouches for it): its
    attempts wait only for its own failures (see `measures.accounts.sign_in_delays`).
    """
    now = now or _now()
    key = name_key(name)[:80]
    digest = sign_in_delays.attempt_key(key)
    address = (remote_addr or "")[:64]
    counted_as = sign_in_delays.address_key(address)
    device = (device or "")[:64]
    with db.write_transaction(engine) as connection:
        sign_in_delays.forget_old_attempts(connection, now)
        wait = sign_in_delays.seconds_to_wait(connection, digest, counted_as, now, device)
        if wait:
            return SignIn(user=None, refusal="delayed", retry_seconds=wait)
        row = connection.execute(select(db.users).where(db.users.c.name_key == key)).first()
        attempt_id = db.inserted_id(
            connection.execute(
                insert(db.sign_in_attempts).values(
                    at=now, name_key=digest, remote_addr=counted_as, succeeded=False, device=device
                )
            )
        )
    if row is not None:
        matches = check_password_hash(row.password_hash, password)
    else:
        check_password_hash(_decoy_hash(), password)
        matches = False
    succeeded = bool(matches and row is not None and row.active)
    subject = row.name if row is not None else sign_in_delays.UNKNOWN_NAME
    a = db.sign_in_attempts.c
    with db.write_transaction(engine) as connection:
        detail = {"address": address}
        if succeeded and row is not None:
            connection.execute(update(db.sign_in_attempts).where(a.id == attempt_id).values(succeeded=True))
            audit.record(connection, row.name, "sign_in.succeeded", row.name, detail)
            return SignIn(user=_user(row))
        audit.record(connection, "anonymous", "sign_in.failed", subject, detail)
        wait = sign_in_delays.seconds_to_wait(connection, digest, counted_as, now, device)
        if wait:
            audit.record(connection, audit.SYSTEM_ACTOR, "sign_in.delayed", subject, {**detail, "seconds": wait})
    return SignIn(user=None, refusal="invalid", retry_seconds=wait)
