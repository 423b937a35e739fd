"""Page speed on a large generated dataset: 10 years, 100 measures, 30 teams, caseloads for 450 workers.

1. Server time of the pages' callbacks (the router callback that renders the overview, and the measure
   page) against the bare SQL that fetches the same rows, as ratios measured in one run (target <= 3x).
2. Browser time until the overview's charts have rendered against a Dash page holding a single empty
   graph (target <= 1.5x), in Debian's Chromium.

The machine is shared and noisy: read the ratios, not the seconds. Run: `.venv/bin/python bench/pages.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import add_bench_user, free_port, router_body, sign_in_http, sign_in_test_client  # noqa: E402 - bench/ is on the path as the script folder

from measures.domain.catalogue import parse_catalogue  # noqa: E402
from measures.domain.periods import period_range  # noqa: E402
from measures.storage import (  # noqa: E402
    catalogue_records,
    db,  # noqa: E402
    recording,
)
from measures.storage.recording import UploadInfo, ValueRow  # noqa: E402

MEASURES, YEARS, TEAMS, WORKERS = 100, 10, 30, 450
FIRST, LAST = "2013-01", "2022-12"
CASELOAD_REF = "2.1"

EMPTY_GRAPH_APP = """
import sys
from dash import Dash, dcc, html
app = Dash(__name__)
app.layout = html.Div([html.H1("One empty graph"), dcc.Graph(id="graph", figure={})])
app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
"""


def catalogue():
    areas = [{"number": n, "title": f"Area {n}"} for n in range(1, 11)]
    measures = []
    for index in range(MEASURES):
        area, number = index % 10 + 1, index // 10 + 1
        unit = "average" if f"{area}.{number}" == CASELOAD_REF else ("percent" if index % 2 == 0 else "count")
        measure = {
            "ref": f"{area}.{number}",
            "area": area,
            "title": f"Generated measure {area}.{number}",
            "unit": unit,
            "counts": unit == "percent",
            "polarity": "higher" if index % 3 else "lower",
        }
        if index % 4 == 0 and unit == "percent":
            measure["target"] = {"kind": "at_least", "low": 70, "tolerance": 5}
        measures.append(measure)
    return parse_catalogue({"area": areas, "measure": measures})


def generate(path: Path) -> int:
    """Fill a new database with the large dataset; returns the number of figures."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade_schema(engine)
    cat = catalogue()
    catalogue_records.sync_catalogue(engine, cat)
    rng = np.random.default_rng(2026)
    periods = period_range(FIRST, LAST)
    teams = [f"Team {number:02d}" for number in range(1, TEAMS + 1)]
    rows: list[ValueRow] = []
    for measure in cat.measures:
        if measure.ref == CASELOAD_REF:
            continue
        for period in periods:
            team_values = []
            for team in teams:
                if measure.unit == "percent":
                    denominator = float(rng.integers(20, 60))
                    numerator = float(rng.binomial(int(denominator), 0.7))
                    rows.append(
                        ValueRow(
                            measure.ref,
                            period,
                            team,
                            "",
                            numerator,
                            denominator,
                            100 * numerator / denominator,
                            synthetic=True,
                        )
                    )
                    team_values.append((numerator, denominator))
                else:
                    value = float(rng.poisson(12))
                    rows.append(ValueRow(measure.ref, period, team, "", value=value, synthetic=True))
                    team_values.append((value, 0.0))
            if measure.unit == "percent":
                numerator = sum(n for n, _ in team_values)
                denominator = sum(d for _, d in team_values)
                rows.append(
                    ValueRow(
                        measure.ref,
                        period,
                        "",
                        "",
                        numerator,
                        denominator,
                        100 * numerator / denominator,
                        synthetic=True,
                    )
                )
            else:
                rows.append(ValueRow(measure.ref, period, value=sum(v for v, _ in team_values), synthetic=True))
    for period in periods:
        caseloads = rng.normal(18, 4, WORKERS).round().clip(4, 32)
        for worker, caseload in enumerate(caseloads):
            team = teams[worker % TEAMS]
            rows.append(
                ValueRow(CASELOAD_REF, period, team, f"Worker {worker + 1:03d}", value=float(caseload), synthetic=True)
            )
        rows.append(ValueRow(CASELOAD_REF, period, value=round(float(caseloads.mean()), 1), synthetic=True))
    recording.record_values(engine, rows, UploadInfo(kind="demo", filename="bench", description="Generated"))
    engine.dispose()
    return len(rows)


def _timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def server_ratios(path: Path, repeat: int) -> None:
    os.environ["MEASURES_DB_URL"] = f"sqlite:///{path}"
    from dashboard import create_app

    password = add_bench_user(f"sqlite:///{path}")
    app = create_app()
    client = app.server.test_client()
    headers = sign_in_test_client(client, password)  # signing in also registers the pages router
    period = LAST
    ref = "1.1"

    def render(pathname: str, search: str):
        def call():
            response = client.post(
                "/_dash-update-component",
                data=router_body(pathname, search),
                content_type="application/json",
                headers=headers,
            )
            assert response.status_code == 200, response.status_code

        return call

    def bare_overview_sql():
        with sqlite3.connect(path) as connection:
            connection.execute(
                "SELECT ref, period, numerator, denominator, value, status, note, synthetic FROM observations "
                "WHERE team = '' AND worker = '' AND period <= ?",
                (period,),
            ).fetchall()

    def bare_measure_sql():
        with sqlite3.connect(path) as connection:
            connection.execute(
                "SELECT period, numerator, denominator, value, status, note, synthetic FROM observations "
                "WHERE ref = ? AND team = '' AND worker = '' AND period <= ?",
                (ref, period),
            ).fetchall()
            connection.execute("SELECT year, comparator, value FROM benchmarks WHERE ref = ?", (ref,)).fetchall()
            connection.execute("SELECT period, text FROM commentary WHERE ref = ?", (ref,)).fetchall()
            connection.execute(
                "SELECT version, value FROM observation_revisions WHERE ref = ? AND period = ?", (ref, period)
            ).fetchall()

    def report(label: str, pathname: str, bare) -> None:
        call = render(pathname, f"?period={period}")
        started = time.perf_counter()
        call()  # the first render after a write computes everything
        cold = time.perf_counter() - started
        warm = _timed(call, repeat)  # later renders of the same data version reuse the computed view
        sql = _timed(bare, repeat)
        response = client.post(
            "/_dash-update-component",
            data=router_body(pathname, f"?period={period}"),
            content_type="application/json",
            headers=headers,
        )
        payload = json.loads(response.data)
        encode = _timed(lambda: json.dumps(payload), repeat)
        print(
            f"{label:<16} first {cold * 1000:6.1f} ms ({cold / sql:5.1f}x)   again {warm * 1000:6.1f} ms "
            f"({warm / sql:5.1f}x)   bare SQL {sql * 1000:5.1f} ms   target <= 3x"
        )
        print(
            f"{'':<16} floor: json.dumps of the {len(response.data) / 1024:.0f} KB response alone "
            f"{encode * 1000:.1f} ms ({encode / sql:.1f}x the bare SQL)"
        )

    report("overview render", "/", bare_overview_sql)
    report("measure render", f"/measure/{ref}", bare_measure_sql)


def _wait(url: str, process) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not start") from None
            time.sleep(0.2)


def browser_ratio(path: Path, repeat: int, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    app_port, empty_port = free_port(), free_port()
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{path}", "PORT": str(app_port)}
    app = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    script = folder / "empty_graph_app.py"
    script.write_text(EMPTY_GRAPH_APP)
    empty = subprocess.Popen(
        [sys.executable, str(script), str(empty_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(f"http://127.0.0.1:{app_port}/sign-in", app)
        session = sign_in_http(f"http://127.0.0.1:{app_port}", add_bench_user(f"sqlite:///{path}"))
        cookies = [
            {"name": name, "value": value, "url": f"http://127.0.0.1:{app_port}/"}
            for name, value in (part.split("=", 1) for part in session["Cookie"].split("; "))
        ]
        _wait(f"http://127.0.0.1:{empty_port}/", empty)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )

            def load(url: str, ready: str) -> float:
                context = browser.new_context()
                context.add_cookies(cookies)
                page = context.new_page()
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_function(ready, timeout=60_000)
                elapsed = time.perf_counter() - started
                context.close()
                return elapsed

            # Functions, not expressions: the app's Content-Security-Policy forbids the eval an expression needs.
            overview_ready = (
                "() => document.querySelectorAll('tr.measure-row').length === 100 && "
                "[...document.querySelectorAll('img.sparkline')].every(i => i.complete)"
            )
            empty_ready = "() => document.querySelector('.js-plotly-plot .main-svg') !== null"
            load(f"http://127.0.0.1:{app_port}/?period={LAST}", overview_ready)  # warm caches
            load(f"http://127.0.0.1:{empty_port}/", empty_ready)
            overview, baseline = [], []
            for _ in range(repeat):
                baseline.append(load(f"http://127.0.0.1:{empty_port}/", empty_ready))
                overview.append(load(f"http://127.0.0.1:{app_port}/?period={LAST}", overview_ready))
            browser.close()
        o, b = statistics.median(overview), statistics.median(baseline)
        print(
            f"browser: overview charts rendered {o * 1000:7.1f} ms; one empty graph {b * 1000:6.1f} ms; "
            f"ratio {o / b:4.2f}x (target <= 1.5x)"
        )
    finally:
        app.terminate()
        empty.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / "large.db"
        started = time.perf_counter()
        figures = generate(path)
        print(
            f"Generated {figures:,} figures ({MEASURES} measures x {YEARS} years x {TEAMS} teams + "
            f"{WORKERS} workers) in {time.perf_counter() - started:.1f} s; "
            f"{path.stat().st_size / 1_048_576:.0f} MB"
        )
        server_ratios(path, args.repeat)
        if not args.skip_browser:
            browser_ratio(path, args.repeat, folder)


if __name__ == "__main__":
    main()
