"""`python -m measures actions ACTION`: the improvement plan's actions.

`actions list [--area N] [--period YYYY-MM] [--json]` prints every action (of one area) as at a month (default the
newest month with a rating): its BRAG rating then, with the month it was rated in and whether the rating is
synthetic, the newest progress text, and the overdue and stalled flags and completion month as
`measures.domain.plan` defines them. With `--json` one object: `{"period", "counts": {"not_yet_due", "green",
"amber", "red", "blue", "not_rated", "overdue", "stalled"}, "actions": [{"number", "area", "text", "lead",
"deadline", "deadline_text", "measures", "state", "brag", "brag_label", "rated_in", "synthetic", "progress",
"progress_in", "overdue", "stalled", "completed_in"}]}` (`brag` null when not rated by then).

`actions history NUMBER [--json]` prints every version of an action and every revision of its monthly ratings, who
and when: with `--json` one object `{"number", "versions": [{"version", "area", "text", "lead", "deadline",
"deadline_text", "measures", "state", "actor", "at", "reason"}], "ratings": [{"period", "version", "brag",
"brag_label", "progress", "synthetic", "actor", "at", "source"}]}`.

The command line sees every month, drafts included. Exit status: 0 shown; 1 the plan has no actions yet; 2 wrong
arguments (an unknown area or action).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime

from measures.domain.periods import is_period, long_label
from measures.domain.plan import (
    BRAG_KEYS,
    NOT_RECORDED,
    Action,
    Rating,
    brag_colour_name,
    brag_label,
    completed_in,
    is_overdue,
    is_stalled,
    latest_entry,
    latest_rating,
)
from measures.storage import db, plan

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UnknownArgument(Exception):
    """An area or action the plan does not have (exit status 2)."""


def _month_argument(text: str) -> str:
    if not is_period(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month in the form YYYY-MM, for example 2023-01")
    return text


def add_parsers(commands) -> None:
    """Add the `actions` command and its actions to the command line's subparsers."""
    actions = commands.add_parser("actions", help="the improvement plan's actions and their BRAG ratings")
    which = actions.add_subparsers(dest="actions_command", required=True, metavar="ACTION")
    listing = which.add_parser("list", help="every action as at a month: BRAG, progress, overdue and stalled")
    listing.add_argument("--area", type=int, help="only the actions of this improvement area (1-10)")
    listing.add_argument(
        "--period", type=_month_argument, help="month YYYY-MM to read the ratings as at (default: the newest rated)"
    )
    listing.add_argument("--json", action="store_true", help="print the actions as one JSON object")
    history = which.add_parser("history", help="every version of an action and every rating, who and when")
    history.add_argument("number", metavar="NUMBER", help="the action's number, e.g. 2.4")
    history.add_argument("--json", action="store_true", help="print the history as one JSON object")


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "at an unknown time"


def action_record(action: Action, ratings: dict[str, Rating], as_at: str | None) -> dict:
    """Return one action's `actions list --json` record as at month `as_at` (None: no month rated yet)."""
    latest = latest_rating(ratings, as_at) if as_at else None
    entry = latest_entry(ratings, as_at) if as_at else None
    return {
        "number": action.number,
        "area": action.area,
        "text": action.text,
        "lead": action.lead,
        "deadline": action.deadline or None,
        "deadline_text": action.deadline_text,
        "measures": list(action.measures),
        "state": action.state,
        "brag": latest.brag if latest else None,
        "brag_label": brag_label(latest.brag) if latest else "Not rated",
        "rated_in": latest.period if latest else None,
        "synthetic": latest.synthetic if latest else False,
        "progress": entry.progress if entry else "",
        "progress_in": entry.period if entry else None,
        "overdue": bool(as_at) and is_overdue(action, latest, as_at or ""),
        "stalled": bool(as_at) and is_stalled(ratings, as_at or ""),
        "completed_in": completed_in(ratings, as_at) if as_at else None,
    }


def _counts(records: list[dict]) -> dict[str, int]:
    brags = Counter(record["brag"] or "not_rated" for record in records)
    counts = {key: brags.get(key, 0) for key in BRAG_KEYS if key != NOT_RECORDED}
    counts["not_rated"] = brags.get("not_rated", 0)
    counts["overdue"] = sum(record["overdue"] for record in records)
    counts["stalled"] = sum(record["stalled"] for record in records)
    return counts


def _flags(record: dict) -> str:
    flags = [word for word, on in (("OVERDUE", record["overdue"]), ("STALLED", record["stalled"])) if on]
    if record["state"] == "closed":
        flags.append("CLOSED")
    return f" [{', '.join(flags)}]" if flags else ""


def _brag_words(record: dict) -> str:
    if record["brag"] is None:
        return "Not rated"
    words = f"{brag_colour_name(record['brag'])}: {record['brag_label']} ({long_label(record['rated_in'])}"
    if record["completed_in"]:
        words += f", completed in {long_label(record['completed_in'])}"
    return words + (", synthetic)" if record["synthetic"] else ")")


def _print_list(period: str | None, records: list[dict], counts: dict[str, int]) -> None:
    print(f"Improvement plan actions as at {long_label(period)}" if period else "Improvement plan actions (not rated)")
    print(
        f"{counts['green']} green, {counts['amber']} amber, {counts['red']} red, {counts['blue']} blue, "
        f"{counts['not_yet_due']} not yet due, {counts['not_rated']} not rated; {counts['overdue']} overdue, "
        f"{counts['stalled']} stalled. Synthetic ratings are demonstration data, not the council's."
    )
    area = None
    for record in records:
        if record["area"] != area:
            area = record["area"]
            print(f"\nArea {area}")
        deadline = record["deadline_text"] or "no deadline"
        print(f"  {record['number']:<6}{_brag_words(record)}{_flags(record)}")
        print(f"        {record['text']}")
        print(f"        Lead: {record['lead'] or 'none named'}. Deadline: {deadline}.")
        if record["progress"]:
            progress = "; ".join(line.strip() for line in record["progress"].splitlines() if line.strip())
            print(f"        Progress ({long_label(record['progress_in'])}): {progress}")


def command_list(args) -> int:
    """`actions list`: print every action as at a month. Returns the exit status."""
    engine = db.open_set_up()
    actions = plan.current_actions(engine)
    if not actions:
        print("The improvement plan has no actions yet: run `python -m measures demo` to load it.", file=sys.stderr)
        return EXIT_REFUSED
    if args.area is not None:
        areas = sorted({action.area for action in actions})
        if args.area not in areas:
            raise UnknownArgument(
                f"The plan has no actions in area {args.area}; its areas are {areas[0]} to {areas[-1]}."
            )
        actions = [action for action in actions if action.area == args.area]
    ratings = plan.plan_ratings(engine, up_to=args.period)
    rated = [period for months in ratings.values() for period in months]
    period = args.period or (max(rated) if rated else None)
    records = [action_record(action, ratings.get(action.number, {}), period) for action in actions]
    counts = _counts(records)
    if args.json:
        print(json.dumps({"period": period, "counts": counts, "actions": records}, indent=1, ensure_ascii=False))
    else:
        _print_list(period, records, counts)
    return EXIT_OK


def history_record(history: plan.ActionHistory) -> dict:
    """Return an action's `actions history --json` object."""
    return {
        "number": history.versions[0].number,
        "versions": [
            {
                "version": version.version,
                "area": version.area,
                "text": version.text,
                "lead": version.lead,
                "deadline": version.deadline or None,
                "deadline_text": version.deadline_text,
                "measures": list(version.measures),
                "state": version.state,
                "actor": version.actor,
                "at": _at(version.at),
                "reason": version.reason,
            }
            for version in history.versions
        ],
        "ratings": [
            {
                "period": rating.period,
                "version": rating.version,
                "brag": rating.brag,
                "brag_label": brag_label(rating.brag),
                "progress": rating.progress,
                "synthetic": rating.synthetic,
                "actor": rating.actor,
                "at": _at(rating.at),
                "source": rating.source,
            }
            for rating in history.ratings
        ],
    }


def command_history(args) -> int:
    """`actions history NUMBER`: print every version and rating of one action. Returns the exit status."""
    engine = db.open_set_up()
    try:
        history = plan.action_history(engine, args.number)
    except KeyError:
        raise UnknownArgument(f"There is no action {args.number!r} in the improvement plan.") from None
    if args.json:
        print(json.dumps(history_record(history), indent=1, ensure_ascii=False))
        return EXIT_OK
    print(f"Action {args.number}: every version")
    for version in history.versions:
        deadline = version.deadline_text or "no deadline"
        refs = ", ".join(version.measures) or "none"
        closed = " (closed)" if version.state == "closed" else ""
        print(f"  version {version.version}{closed}, {_when(version.at)} by {version.actor}: {version.reason}")
        print(f"    {version.text}")
        print(f"    Lead: {version.lead or 'none named'}. Deadline: {deadline}. Measures: {refs}.")
    print("Ratings, by month, every revision")
    if not history.ratings:
        print("  none yet")
    for rating in history.ratings:
        synthetic = " (synthetic: demonstration data)" if rating.synthetic else ""
        print(
            f"  {long_label(rating.period)}, revision {rating.version}: {brag_colour_name(rating.brag)}{synthetic}, "
            f"{_when(rating.at)} by {rating.actor} ({rating.source})"
        )
        for line in rating.progress.splitlines():
            if line.strip():
                print(f"    {line.strip()}")
    return EXIT_OK


def command_actions(args) -> int:
    """Run `actions list` or `actions history`. Returns the exit status (2 for an unknown area or action)."""
    try:
        return command_list(args) if args.actions_command == "list" else command_history(args)
    except UnknownArgument as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
