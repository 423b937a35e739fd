"""The cold path of every page kind: what the first render after a write costs, in SQL statements, time spent in
the database and assessments made, and what a second worker's first render of another page costs once one page
has been rendered (the per-process copies of the views emptied, the database as it is).

Each checkout measured runs in its own process with its own database built by its own code, so one run compares
the previous release with this one: `.venv/bin/python bench/cold.py --app-root /path/to/old/checkout`. Without
`--app-root` only this checkout is measured. `--large` measures the large generated dataset of `bench/large_dataset.py`
(100 measures, 10 years, 30 teams, 450 workers) instead of the demo.

Each render is repeated (`--repeat`, after a write each time) and the median printed: the server's CPU time for the
render (this process's, so it holds on a busy machine), the wall time spent in the database's execute calls, the SQL
statements issued and the assessments made. The machine is shared: read the counts and the ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Every page kind a reader opens, as (label, path, query). The period is left to each page's default month.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "/", ""),
    ("area", "/area/1", ""),
    ("measure", "/measure/1.1", ""),
    ("compare", "/compare/1.1", ""),
    ("teams", "/teams/1.1", ""),
    ("workers", "/workers/{caseload}", ""),
    ("plan", "/plan", ""),
    ("action", "/plan/{action}", ""),
    ("pack", "/pack", ""),
    ("ratings", "/ratings", ""),
)


def _build_database(root: Path, folder: Path, large: bool) -> str:
    """Build the database `root`'s code reads, in `folder`; return its URL."""
    url = f"sqlite:///{folder / 'measures.db'}"
    env = {**os.environ, "MEASURES_DB_URL": url, "PYTHONPATH": str(root)}
    if large:
        script = (
            f"import sys; sys.path[:0] = [{str(root)!r}, {str(HERE)!r}]; import measures, dashboard; "
            "import large_dataset; from pathlib import Path; "
            f"large_dataset.generate(Path({str(folder / 'measures.db')!r}))"
        )
        subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
    else:
        subprocess.run(
            [sys.executable, "-m", "measures", "demo"], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL
        )
    return url


def _measure(root: Path, large: bool, repeat: int) -> dict:
    """Measure the cold renders of the checkout at `root` in this process; return the figures by page kind."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    folder = Path(tempfile.mkdtemp(prefix="cold-bench-"))
    url = _build_database(root, folder, large)
    os.environ["MEASURES_DB_URL"] = url
    sys.path.insert(1, str(HERE))
    from common import add_bench_user, router_body, sign_in_test_client  # bench/ helpers
    from sqlalchemy import Engine, event, select

    import measures.assessment.assess as assess_module
    from dashboard import create_app
    from measures.storage import db, versioning

    password = add_bench_user(url, role="admin")
    app = create_app()
    client = app.server.test_client()
    headers = sign_in_test_client(client, password)

    engine = db.make_engine(url)
    with engine.connect() as connection:
        caseload = connection.execute(
            select(db.observations.c.ref).where(db.observations.c.worker != "").limit(1)
        ).scalar()
        action = connection.execute(select(db.plan_actions.c.number).limit(1)).scalar()

    tally = {"statements": 0, "sql_seconds": 0.0, "assessments": 0}

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(_conn, _cursor, _statement, _parameters, context, _many):
        context._bench_started = time.perf_counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(_conn, _cursor, _statement, _parameters, context, _many):
        tally["statements"] += 1
        tally["sql_seconds"] += time.perf_counter() - context._bench_started

    original_assess = assess_module._assess

    def counted_assess(*args, **kwargs):
        tally["assessments"] += 1
        return original_assess(*args, **kwargs)

    assess_module._assess = counted_assess

    def forget_worker_copies() -> None:
        """Empty every per-process copy of a view, as a worker that has rendered nothing yet holds none."""
        for module_name, function_name in (
            ("measures.views.overview", "_overview_for_version"),
            ("measures.views.measure", "_detail_for_version"),
            ("measures.views.plan", "_plan_for_version"),
            ("measures.views.national_for_pages", "_for_version"),
        ):
            module = sys.modules.get(module_name)
            cached = getattr(module, function_name, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()

    def render(path: str, query: str) -> dict:
        for key in tally:
            tally[key] = 0
        gc.collect()
        started = time.process_time()
        response = client.post(
            "/_dash-update-component",
            data=router_body(path, query),
            content_type="application/json",
            headers=headers,
        )
        elapsed = time.process_time() - started
        if response.status_code != 200:
            raise RuntimeError(f"{path}{query}: HTTP {response.status_code}")
        return {"ms": elapsed * 1000, "sql_ms": tally["sql_seconds"] * 1000, **tally}

    def median(runs: list[dict]) -> dict:
        return {key: statistics.median(run[key] for run in runs) for key in runs[0]}

    def write() -> None:
        with db.write_transaction(engine) as connection:
            versioning.advance(connection)

    figures: dict[str, dict] = {}
    for label, template, query in PAGES:
        path = template.format(caseload=caseload, action=action)
        colds, seconds = [], []
        for _ in range(repeat):
            write()  # the first render after a write: nothing of this data version is computed anywhere
            forget_worker_copies()
            colds.append(render(path, query))
            # Another worker's first render of this page once the overview was rendered for this data version.
            write()
            forget_worker_copies()
            render("/", "")
            forget_worker_copies()
            seconds.append(render(path, query))
        figures[label] = {"path": path, "cold": median(colds), "second": median(seconds)}
    return figures


def _run(root: Path, large: bool, repeat: int) -> dict:
    """Measure the checkout at `root` in a process of its own; return its figures."""
    command = [sys.executable, str(Path(__file__).resolve()), "--measure-only", str(root), "--repeat", str(repeat)]
    if large:
        command.append("--large")
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _line(label: str, figures: dict) -> str:
    return (
        f"{figures['statements']:5.0f} SQL {figures['sql_ms']:7.1f} ms in SQL {figures['assessments']:5.0f} assessed "
        f"{figures['ms']:8.1f} ms CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app-root", type=Path, help="a checkout of the previous release to measure beside this one")
    parser.add_argument("--large", action="store_true", help="the large generated dataset instead of the demo")
    parser.add_argument("--repeat", type=int, default=5, help="renders of each page kind; the median is printed")
    parser.add_argument("--measure-only", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure_only:
        figures = _measure(arguments.measure_only.resolve(), arguments.large, arguments.repeat)
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    roots = {"this checkout": ROOT}
    if arguments.app_root:
        roots = {"before": arguments.app_root.resolve(), "after": ROOT}
    results = {name: _run(root, arguments.large, arguments.repeat) for name, root in roots.items()}
    print(
        f"Cold renders on the {'large generated dataset' if arguments.large else 'demo data'}, as an admin; "
        f"medians of {arguments.repeat}."
    )
    for scenario, heading in (
        ("cold", "First render after a write (no worker has computed anything of this data version):"),
        ("second", "Another worker's first render, once the overview has been rendered for the data version:"),
    ):
        print(f"\n{heading}")
        for label, _, _ in PAGES:
            for name, figures in results.items():
                print(f"  {label:<9} {name:<13} {_line(label, figures[label][scenario])}")
            if len(results) == 2:
                before, after = (results[name][label][scenario] for name in ("before", "after"))
                print(
                    f"  {'':<9} {'before/after':<13} SQL statements "
                    f"{before['statements'] / max(after['statements'], 1):.2f}, SQL time "
                    f"{before['sql_ms'] / max(after['sql_ms'], 0.001):.2f}, "
                    f"CPU {before['ms'] / max(after['ms'], 0.001):.2f}"
                )


if __name__ == "__main__":
    main()
