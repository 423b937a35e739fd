"""The `user` and `audit` commands of `python -m measures`: managing who may sign in, and reading the audit log.

Passwords are read from a prompt (hidden) when the terminal is interactive, else from the first line of
standard input, never from an argument, which would leave them in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime

from measures.accounts import users
from measures.storage import audit, db


def command_line_actor() -> str:
    """Return the name recorded in the audit log for a command run at the terminal, e.g. 'jo (command line)'."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"{who} (command line)"


def add_parsers(commands) -> None:
    """Add the `user` and `audit` commands to the command line's subparsers."""
    user = commands.add_parser("user", help="add users, change roles and passwords, disable users")
    actions = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a user (password from a prompt or standard input)")
    add.add_argument("name")
    add.add_argument(
        "--role",
        choices=users.ROLES,
        required=True,
        help="; ".join(f"{role}: {text}" for role, text in users.ROLE_DESCRIPTIONS.items()),
    )
    add.add_argument(
        "--generate-password",
        action="store_true",
        help="make a strong password and print it once instead of reading one",
    )
    actions.add_parser("list", help="list users with their roles")
    role = actions.add_parser("set-role", help="change a user's role (signs them out)")
    role.add_argument("name")
    role.add_argument("role", choices=users.ROLES)
    password = actions.add_parser("set-password", help="set a user's password (signs them out)")
    password.add_argument("name")
    password.add_argument("--generate-password", action="store_true")
    for verb in ("disable", "enable"):
        actions.add_parser(verb, help=f"{verb} a user").add_argument("name")
    first = actions.add_parser(
        "first-admin", help="when there are no users, add an admin with a generated password and print it once"
    )
    first.add_argument("--name", default="admin")

    log = commands.add_parser(
        "audit",
        help="list the audit log: who wrote what, when (newest first)",
        epilog="Actions: " + "; ".join(f"{k}: {v}" for k, v in audit.ACTIONS.items()),
    )
    log.add_argument("--since", type=_day, help="only events on or after this day, YYYY-MM-DD")
    log.add_argument("--actor", help="only events by this user")
    log.add_argument("--action", help="only this action, or every action beginning with it when it ends in '.'")
    log.add_argument("--limit", type=int, default=200, help="at most this many events (default 200; 0 for all)")
    log.add_argument("--json", action="store_true", help="one JSON object per line")


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day in the form YYYY-MM-DD") from None


def _read_password(name: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {name}: ")
        again = getpass.getpass("The same password again: ")
        if first != again:
            raise users.UserError("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _engine():
    return db.open_set_up()


def command_user(args) -> int:
    """Run a `user` action; return 0, or 1 when it is refused (the reason on standard error)."""
    engine = _engine()
    actor = command_line_actor()
    try:
        if args.user_command == "add":
            password = users.generate_password(args.name) if args.generate_password else _read_password(args.name)
            user = users.add_user(engine, args.name, args.role, password, actor)
            print(f"Added {user.name} as {user.role}.")
            if args.generate_password:
                print(f"Password (shown once; pass it on securely): {password}")
        elif args.user_command == "list":
            for user in users.list_users(engine):
                state = "" if user.active else "  (disabled)"
                print(f"{user.name:<32}{user.role:<9}{state}")
        elif args.user_command == "set-role":
            user = users.set_role(engine, args.name, args.role, actor)
            print(f"{user.name} is now {user.role}.")
        elif args.user_command == "set-password":
            password = users.generate_password(args.name) if args.generate_password else _read_password(args.name)
            users.set_password(engine, args.name, password, actor)
            print(f"Password of {args.name} changed; their sessions have ended.")
            if args.generate_password:
                print(f"Password (shown once; pass it on securely): {password}")
        elif args.user_command in ("disable", "enable"):
            users.set_active(engine, args.name, args.user_command == "enable", actor)
            print(f"{args.name} is {args.user_command}d.")
        elif args.user_command == "first-admin":
            first_password = users.ensure_first_admin(engine, args.name)
            if first_password:
                print(
                    "\n  First run: an admin has been made for you.\n"
                    f"  Sign in as '{args.name}' with the password  {first_password}\n"
                    "  It is shown only this once. Add other users on the Users page or with\n"
                    "  `python -m measures user add NAME --role officer`.\n"
                )
    except users.UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _short(value) -> str:
    """A detail as one line reads it: long lists as their first and last items, digests cut to 12 characters
    (`--json` gives everything)."""
    if isinstance(value, list) and len(value) > 4:
        return f"[{value[0]} ... {value[-1]}: {len(value)}]"
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12]
    return str(value)


def command_audit(args) -> int:
    """Print the audit log, newest first; return 0."""
    frame = audit.audit_frame(
        _engine(), since=args.since, actor=args.actor, action=args.action, limit=args.limit or None
    )
    if args.json:
        for record in frame.to_dict("records"):
            print(json.dumps({**record, "at": record["at"].isoformat()}, sort_keys=True, default=str))
        return 0
    if frame.empty:
        print("The audit log holds no events that match.")
        return 0
    for record in frame.to_dict("records"):
        detail = ", ".join(f"{k}={_short(v)}" for k, v in record["detail"].items())
        at = record["at"].strftime("%Y-%m-%d %H:%M:%S")
        subject = f" {record['subject']}" if record["subject"] else ""
        print(f"{at} UTC  {record['actor']:<24} {record['action']:<26}{subject}" + (f"  ({detail})" if detail else ""))
    return 0
