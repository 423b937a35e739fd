"""The command line: `python -m measures COMMAND`. The commands and their output are a stable contract
(see the README): scripts and tests outside the project rely on them."""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from collections.abc import Sequence

from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from measures.cli import actions as actions_cli
from measures.cli import benchmarks as benchmarks_cli
from measures.cli import users as admin_cli
from measures.domain.catalogue import CatalogueError, load_catalogue
from measures.domain.council import CouncilError
from measures.domain.formatting import format_counts, format_number
from measures.domain.periods import is_period
from measures.storage import audit, catalogue_records, db, national, publications, reads
from measures.storage.db import NotSetUp, SchemaTooNew
from measures.storage.faults import DatabaseFault, describe, first_line
from measures.storage.output_files import write_whole

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command was given arguments it cannot use (exit status 2)."""


def _period_argument(text: str) -> str:
    if not is_period(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month in the form YYYY-MM, for example 2023-01")
    return text


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="python -m measures",
        description="Measures that Matter: the store, imports, exports and assessments. "
        "The database is MEASURES_DB_URL (default sqlite:///data/measures.db).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", help="create or upgrade the schema and load the measure catalogue")

    demo = commands.add_parser("demo", help="load the published figures and a labelled synthetic history")
    demo.add_argument("--if-empty", action="store_true", help="only load when the database holds no figures")

    importer = commands.add_parser("import", help="import a monthly return (Excel)")
    importer.add_argument("file")
    importer.add_argument("--dry-run", action="store_true", help="check and preview without writing")
    importer.add_argument("--json", action="store_true", help="print the result as one JSON object")
    importer.add_argument("--user", default="", help="who is importing (recorded in the history)")
    importer.add_argument(
        "--reason", default="", help="why figures of a published month are revised (required to revise one)"
    )

    export = commands.add_parser("export", help="export every service and team figure")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--out", help="file to write (default: standard output for csv)")

    assess = commands.add_parser("assess", help="direction, judgement, RAG and SPC for every measure")
    assess.add_argument("--period", type=_period_argument, help="month YYYY-MM (default: the latest)")
    assess.add_argument("--json", action="store_true")

    publish = commands.add_parser("publish", help="publish a month: readers see its figures from then on")
    publish.add_argument("period", type=_period_argument, help="month YYYY-MM")
    publish.add_argument("--json", action="store_true")

    unpublish = commands.add_parser("unpublish", help="withdraw a month's publication, saying why")
    unpublish.add_argument("period", type=_period_argument, help="month YYYY-MM")
    unpublish.add_argument("--reason", required=True, help="why it is withdrawn (kept with the month's history)")
    unpublish.add_argument("--json", action="store_true")

    months = commands.add_parser("months", help="every month and whether it is published or a draft")
    months.add_argument("--json", action="store_true")

    history = commands.add_parser("history", help="every recorded version of a measure's figures")
    history.add_argument("ref")
    history.add_argument("--period", type=_period_argument)
    history.add_argument("--team", default="", help="a team name (default: the whole service)")
    history.add_argument("--json", action="store_true")

    template = commands.add_parser("template", help="write a blank monthly return to fill in")
    template.add_argument("--period", type=_period_argument)
    template.add_argument("--out", required=True)

    backup = commands.add_parser("backup", help="write the whole database to one compressed file")
    backup.add_argument("--out", required=True, help="file to write (replaced only once the backup is complete)")

    restore = commands.add_parser("restore", help="load a backup into an empty database (all or nothing)")
    restore.add_argument("file")
    restore.add_argument("--replace", action="store_true", help="delete what the database holds first")
    benchmarks_cli.add_parsers(commands)
    actions_cli.add_parsers(commands)
    admin_cli.add_parsers(commands)
    return parser


def _json_safe(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _timestamp(text: str | None) -> str:
    """'2026-11-24T01:15:18.42' -> '2026-11-24 01:15 UTC' (SQLite returns UTC times without a zone)."""
    return f"{text[:10]} {text[11:16]} UTC" if text else "at an unknown time"


def _engine_ready() -> Engine:
    return db.open_set_up()


def command_init(_args) -> int:
    engine = db.make_engine()
    db.upgrade_schema(engine)
    counts = catalogue_records.sync_catalogue(engine, load_catalogue())
    url = engine.url.render_as_string(hide_password=True)
    print(
        f"Database ready: {url} (schema {db.schema_revision(engine)}). Catalogue: {counts['areas']} areas, "
        f"{len(catalogue_records.read_catalogue(engine).measures)} measures ({counts['measures_added']} added, "
        f"{counts['measures_updated']} updated)."
    )
    return EXIT_OK


def command_demo(args) -> int:
    from measures.cli.demo import load_demo, load_national

    engine = db.make_engine()
    db.upgrade_schema(engine)
    catalogue = load_catalogue()
    catalogue_records.sync_catalogue(engine, catalogue)
    if args.if_empty and reads.count_values(engine):
        print("The database already holds figures; demo data not loaded.")
        if not national.count_national_figures(engine):  # a database made before national figures were shipped
            for part, c in load_national(engine).items():
                print(f"National ({part}): {c['added']} added, {c['revised']} revised, {c['unchanged']} unchanged.")
        return EXIT_OK
    counts = load_demo(engine, catalogue)
    for part, label in (("published", "Published figures"), ("synthetic", "Synthetic history (not real data)")):
        c = counts[part]
        print(f"{label}: {c['added']} added, {c['revised']} revised, {c['unchanged']} unchanged.")
    _print_plan_counts(counts["plan"])
    for part, c in counts.items():
        if part not in ("published", "synthetic", "plan"):
            print(f"National ({part}): {c['added']} added, {c['revised']} revised, {c['unchanged']} unchanged.")
    return EXIT_OK


def _print_plan_counts(c: dict[str, int]) -> None:
    print(
        f"Improvement plan: {c['actions']} actions added; ratings (published progress and synthetic, not real "
        f"colours) {c['added']} added, {c['revised']} revised, {c['unchanged']} unchanged."
    )


def command_export(args) -> int:
    from measures.returns.export import export_csv, export_xlsx

    if args.format == "xlsx" and not args.out:
        raise UsageError("--format xlsx needs --out PATH (an Excel file cannot be written to the terminal).")
    engine = _engine_ready()
    frame = reads.export_frame(engine)
    if args.format == "csv" and not args.out:
        export_csv(frame, sys.stdout)
        return EXIT_OK
    try:
        if args.format == "csv":
            text = io.StringIO(newline="")
            export_csv(frame, text)
            write_whole(args.out, text.getvalue().encode("utf-8"))
        else:
            export_xlsx(frame, catalogue_records.read_catalogue(engine), args.out)
    except OSError as error:
        return _cannot_write(args.out, error)
    print(f"Wrote {len(frame)} figures to {args.out}.", file=sys.stderr)
    return EXIT_OK


def _cannot_write(out: str, error: OSError) -> int:
    """Print the one paragraph for an output file that could not be written, and return the exit status."""
    print(
        f"error: cannot write {out}: {error.strerror or error}. Nothing was written under that name (a file "
        "already there is as it was). Free some space on that disk, or choose a folder that exists and can be "
        "written to, then try again.",
        file=sys.stderr,
    )
    return EXIT_REFUSED


def command_assess(args) -> int:
    from measures.assessment import assess_all

    engine = _engine_ready()
    period = args.period or reads.latest_period(engine)
    if period is None:
        print("There are no figures yet: run `python -m measures demo` or import a return.", file=sys.stderr)
        return EXIT_REFUSED
    catalogue = catalogue_records.read_catalogue(engine)
    assessments = assess_all(catalogue.measures, reads.service_series(engine, up_to=period), period)
    published = period in publications.published_months(engine)
    records = [{**assessment.record(), "published": published} for assessment in assessments]
    if args.json:
        print(json.dumps([{k: _json_safe(v) for k, v in r.items()} for r in records], indent=1))
        return EXIT_OK
    print(f"Assessment as at {period}")
    header = f"{'ref':<6}{'value':>9}{'previous':>10}  {'direction':<10}{'judgement':<10}{'rag':<7}"
    print(header + f"{'variation':<13}{'assurance':<12}{'rated as at'}")
    for r in records:
        value = "" if r["value"] is None else f"{r['value']:.1f}"
        previous = "" if r["previous"] is None else f"{r['previous']:.1f}"
        print(
            f"{r['ref']:<6}{value:>9}{previous:>10}  {r['direction']:<10}{r['judgement']:<10}{r['rag']:<7}"
            f"{r['variation']:<13}{r['assurance']:<12}{r['as_of'] or ''}"
        )
    return EXIT_OK


def command_history(args) -> int:
    engine = _engine_ready()
    catalogue = catalogue_records.read_catalogue(engine)
    if args.ref not in catalogue.refs:
        raise UsageError(
            f"There is no measure {args.ref!r}. Measures run from {catalogue.refs[0]} to {catalogue.refs[-1]}."
        )
    frame = reads.value_history(engine, args.ref, period=args.period, team=args.team)
    columns = [
        "period",
        "team",
        "version",
        "numerator",
        "denominator",
        "value",
        "status",
        "note",
        "synthetic",
        "recorded_at",
        "recorded_by",
        "source",
        "upload_description",
        "current",
    ]
    records = [{"ref": args.ref, **{c: _json_safe(row[c]) for c in columns}} for _, row in frame.iterrows()]
    if args.json:
        print(json.dumps(records, indent=1))
        return EXIT_OK
    where = f" for {args.period}" if args.period else ""
    team = f", team {args.team}" if args.team else ""
    if not records:
        print(f"No figures recorded for {args.ref}{where}{team}.")
        return EXIT_OK
    print(f"History of {args.ref}{where}{team}: {len(records)} version(s), oldest first")
    for r in records:
        figure = "" if r["value"] is None else format_number(r["value"], 1)
        counts = format_counts(r["numerator"], r["denominator"])
        counts = f"{counts} " if counts else ""
        marks = (" [current]" if r["current"] else "") + (" [synthetic]" if r["synthetic"] else "")
        print(
            f"{r['period']} v{r['version']}: {counts}{figure} {r['status']}{marks}"
            f" - recorded {_timestamp(r['recorded_at'])} by {r['recorded_by'] or 'unknown'}"
            f" from {r['source'] or 'unknown'}"
        )
    return EXIT_OK


def _state_record(state: publications.MonthState) -> dict:
    return {
        "period": state.period,
        "state": state.state,
        "at": state.at.isoformat() if state.at else None,
        "by": state.actor or None,
        "reason": state.reason or None,
    }


def _state_line(state: publications.MonthState) -> str:
    if state.at is None:
        return f"{state.period}  draft"
    when = f"{state.at:%Y-%m-%d %H:%M} UTC by {state.actor}"
    reason = f": {state.reason}" if state.reason and state.state == publications.WITHDRAWN else ""
    label = "draft (withdrawn)" if state.state == publications.WITHDRAWN else state.state
    return f"{state.period}  {label} {when}{reason}"


def _change_month(args, change) -> int:
    engine = _engine_ready()
    try:
        state = change(engine)
    except publications.PublicationError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    if args.json:
        print(json.dumps(_state_record(state), indent=1))
    else:
        print(_state_line(state))
    return EXIT_OK


def command_publish(args) -> int:
    actor = admin_cli.command_line_actor()
    return _change_month(args, lambda engine: publications.publish(engine, args.period, actor))


def command_unpublish(args) -> int:
    actor = admin_cli.command_line_actor()
    return _change_month(args, lambda engine: publications.withdraw(engine, args.period, actor, args.reason))


def command_months(args) -> int:
    states = publications.month_states(_engine_ready())
    if args.json:
        print(json.dumps([_state_record(state) for state in states], indent=1))
        return EXIT_OK
    if not states:
        print("There are no figures yet: run `python -m measures demo` or import a return.")
    for state in states:
        print(_state_line(state))
    return EXIT_OK


def command_import(args) -> int:
    from measures.cli.import_command import run_import

    return run_import(args)


def command_template(args) -> int:
    from measures.returns.template import default_teams, write_template
    from measures.views.national import neighbour_names

    engine = _engine_ready()
    period = args.period or reads.latest_period(engine)
    try:
        path = write_template(
            catalogue_records.read_catalogue(engine),
            args.out,
            period=period,
            teams=reads.template_teams(engine) or default_teams(),
            neighbours=neighbour_names(engine),
        )
    except OSError as error:
        return _cannot_write(args.out, error)
    print(f"Wrote the return template for {period or 'a month of your choice'} to {path}.", file=sys.stderr)
    return EXIT_OK


def command_backup(args) -> int:
    from measures.storage.backup import BackupError, backup, file_size, summary

    try:
        counts = backup(db.make_engine(), args.out)
    except BackupError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    except OSError as error:
        return _cannot_write(args.out, error)
    print(f"Backed up {summary(counts)} to {args.out} ({file_size(args.out)}).")
    try:
        audit.record_event(
            db.make_engine(),
            admin_cli.command_line_actor(),
            "database.backed_up",
            str(args.out),
            {"rows": sum(counts.values())},
        )
    except SQLAlchemyError as error:
        # The backup is whole and in place: a database that cannot be written (read-only, a full disk) is when an
        # operator most needs one, so the audit entry failing must not read as the backup failing.
        fault = describe(error)
        if fault is None:
            raise
        print(
            f"warning: the backup is complete, but it could not be recorded in the audit log: {fault.what} "
            f"(The database said: {first_line(error).rstrip('.')}.)",
            file=sys.stderr,
        )
    return EXIT_OK


def command_restore(args) -> int:
    from measures.storage.backup import BackupError, restore, summary

    try:
        counts = restore(db.make_engine(), args.file, replace=args.replace, actor=admin_cli.command_line_actor())
    except BackupError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}.") from None
    print(f"Restored {summary(counts)} from {args.file}.")
    print(
        "Every session has ended: everyone signs in again, as the restored database has them."
        if counts.get("users")
        else "The backup holds no users: add an admin with `python -m measures user first-admin`."
    )
    return EXIT_OK


COMMANDS = {
    "init": command_init,
    "demo": command_demo,
    "import": command_import,
    "export": command_export,
    "assess": command_assess,
    "history": command_history,
    "publish": command_publish,
    "unpublish": command_unpublish,
    "months": command_months,
    "template": command_template,
    "backup": command_backup,
    "restore": command_restore,
    "user": admin_cli.command_user,
    "audit": admin_cli.command_audit,
    "benchmarks": benchmarks_cli.command_benchmarks,
    "actions": actions_cli.command_actions,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit status (0 ok, 1 refused, 2 wrong arguments)."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (CatalogueError, CouncilError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except (SQLAlchemyError, SchemaTooNew, NotSetUp, CommandError) as error:
        fault = describe(error)
        if fault is None:
            raise  # not a fault of the database: a bug, whose traceback is wanted
        print(database_fault_message(fault, error), file=sys.stderr)
        return EXIT_REFUSED


def database_fault_message(fault: DatabaseFault, error: BaseException) -> str:
    """The one paragraph the command line prints for a database fault: what happened, where, that the change
    in progress was not saved, and what to do."""
    url = make_url(db.database_url()).render_as_string(hide_password=True)
    if isinstance(error, (SchemaTooNew, NotSetUp)):
        return f"error: {fault.what} Database: {url}. Nothing was changed. {fault.advice}"
    said = first_line(error).rstrip(".")
    return (
        f"error: {fault.what} (The database said: {said}.) Database: {url}. Nothing was changed by the step "
        f"that failed: each change is saved whole or not at all. {fault.advice}"
    )
