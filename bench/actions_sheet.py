"""What the Actions sheet costs an import: a return with the plan's 60-odd actions rated, and a hostile one with
10,000 rows of ratings, against the same return without the sheet, each read in the separate reading process as in
production and checked (dry run), then the rated return imported.

Prints, from one run (the machine is shared and noisy, so read the ratios). Run: `.venv/bin/python
bench/actions_sheet.py`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.returns import import_return  # noqa: E402
from measures.storage import catalogue_records, db  # noqa: E402
from measures.storage.plan import add_action  # noqa: E402
from tests.returns.builders import action_row, add_actions_sheet, template_row, template_workbook  # noqa: E402

MONTH = "2023-02"
TODAY = date(2023, 2, 28)
ACTIONS = [f"{area}.{number}" for area in range(1, 11) for number in range(1, 7)]  # 60, as the plan has about


def _engine(folder: Path):
    engine = db.make_engine(f"sqlite:///{folder / 'bench.db'}")
    db.upgrade_schema(engine)
    catalogue_records.sync_catalogue(engine, load_catalogue())
    for number in ACTIONS:
        add_action(
            engine,
            number=number,
            area=int(number.split(".")[0]),
            text=f"Action {number}",
            lead="Lead",
            deadline="2023-03",
            deadline_text="",
            measures=(),
            actor="bench",
            reason="Bench",
        )
    return engine


def _timed(engine, path: Path, dry_run: bool = True) -> tuple[float, str]:
    started = time.perf_counter()
    report = import_return(engine, path, user="bench", dry_run=dry_run, today=TODAY)
    return time.perf_counter() - started, f"{report.status}, {len(report.issues):,} issues"


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        engine = _engine(folder)
        figures = [template_row(m.ref, MONTH, value=5) for m in load_catalogue().measures if m.unit != "percent"]
        plain = template_workbook(folder / "plain.xlsx", figures)
        rated = add_actions_sheet(
            template_workbook(folder / "rated.xlsx", figures),
            [action_row(number, "Amber", f"Progress of {number} this month") for number in ACTIONS],
        )
        hostile = add_actions_sheet(
            template_workbook(folder / "hostile.xlsx", figures),
            [action_row("9.9" if index % 2 else ACTIONS[0], "Green", "x" * 200) for index in range(10_000)],
        )
        _timed(engine, plain)  # the first reading starts the reading server: not counted
        base, base_outcome = _timed(engine, plain)
        print(f"return without the Actions sheet, checked: {base:.2f} s ({base_outcome})")
        for label, path in (("with 60 actions rated", rated), ("with 10,000 rows of ratings (hostile)", hostile)):
            seconds, outcome = _timed(engine, path)
            print(f"return {label}, checked: {seconds:.2f} s, {seconds / base:.1f} x ({outcome})")
        seconds, outcome = _timed(engine, rated, dry_run=False)
        print(f"return with 60 actions rated, imported: {seconds:.2f} s, {seconds / base:.1f} x ({outcome})")
        engine.dispose()


if __name__ == "__main__":
    main()
