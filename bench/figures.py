"""Figures as plain data, and the measure page's components, against the previous release, from one run.

1. Each kind of figure built and encoded as Dash sends it (plotly's JSON encoder), by the previous release's
   `go.Figure` builders (kept as the tests' reference, tests/figures_before.py) and by this release's plain-data
   builders, over the demo database: the SPC chart of every demo measure, an SPC chart with a recalculation, a
   fixed baseline and events, national annual charts, the area page's trend and audit grade charts, the teams chart
   of every measure and the caseload chart. Prints the median
   milliseconds per figure each way and the ratio old/new.
2. The demo measure pages as a signed-in board member (a viewer) receives them from the page router: components in
   the response, its bytes and the median CPU milliseconds of a warm render, for the previous release (its code taken
   from git with `git archive`, rendered in its own process over its own demo database) and for this checkout;
   and the components sent when the reader opens this release's on-demand tables; then measure 3.1 given ten years
   of published monthly figures before the demo's (120 months), as a large council's history would be.

Times are CPU time of this process (the renders' own process for the pages), so other work on the shared machine
adds little; still, read the ratios. Run: `.venv/bin/python bench/figures.py`
(`--before COMMIT` names the previous release, default 767bfa5; `--repeat N` the timed calls per figure).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Rendered in the checkout named on its command line (this one, or the previous release's), which has `bench/common.py`:
# builds the demo database there with its own command line, signs in as a viewer, renders every demo measure's page
# through the page router and prints one JSON line per page. With "on-demand", also opens the measure page's tables.
PAGE_SCRIPT = r"""
import json, os, statistics, subprocess, sys, time
root, folder, repeat, on_demand = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "on-demand"
sys.path[:0] = [root, os.path.join(root, "bench")]
url = f"sqlite:///{folder}/measures.db"
os.environ["MEASURES_DB_URL"] = url
subprocess.run([sys.executable, "-m", "measures", "demo"], cwd=root, check=True, stdout=subprocess.DEVNULL)
from common import add_bench_user, router_body, sign_in_test_client
from dashboard import create_app
from measures.domain.catalogue import load_catalogue
# One measure given ten years of monthly figures, each month published, as the issue's large dataset has: its two
# tables of every month are what the page's components grow with.
from measures.domain.periods import period_range, shift_period
from measures.storage import db, publications, reads, recording
engine = db.make_engine(url)
series = reads.service_series(engine, refs=["3.1"])
first = min(series["period"])
added = period_range(shift_period(first, -(120 - len(series))), shift_period(first, -1))
rows = [recording.ValueRow("3.1", period, numerator=150 + index % 40, denominator=240, value=(150 + index % 40) / 2.4)
        for index, period in enumerate(added)]
recording.record_values(engine, rows, recording.UploadInfo(kind="import", filename="history.xlsx", user_name="bench"))
with engine.begin() as connection:
    publications.publish_months(connection, added, "bench", "ten years of history for the benchmark")
engine.dispose()
password = add_bench_user(url)
app = create_app()
client = app.server.test_client()
headers = sign_in_test_client(client, password)

def count(tree):
    if isinstance(tree, list):
        return sum(count(item) for item in tree)
    if isinstance(tree, dict):
        own = 1 if "namespace" in tree and "props" in tree else 0
        return own + sum(count(value) for value in tree.values())
    return 0

def post(body):
    response = client.post("/_dash-update-component", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data()

for measure in load_catalogue().measures:
    ref = measure.ref
    body = router_body(f"/measure/{ref}", "?period=2023-01")
    sent = post(body)
    times = []
    for _ in range(repeat):
        started = time.process_time()
        post(body)
        times.append(time.process_time() - started)
    page = json.loads(sent)
    line = {"ref": ref, "components": count(page), "bytes": len(sent)}
    line["ms"] = 1000 * statistics.median(times)
    if on_demand:
        extra = 0
        for table in ("chart", "months"):
            key = {"table": table, "ref": ref, "period": "2023-01"}
            summary = {"type": "measure-on-demand", **key}
            output = json.dumps({"period": ["MATCH"], "ref": ["MATCH"], "table": ["MATCH"],
                                 "type": "measure-on-demand-body"}, separators=(",", ":")) + ".children"
            request = {
                "output": output,
                "outputs": {"id": {"type": "measure-on-demand-body", **key}, "property": "children"},
                "inputs": [{"id": summary, "property": "n_clicks", "value": 1}],
                "state": [],
                "changedPropIds": [json.dumps(summary, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
            }
            extra += count(json.loads(post(json.dumps(request).encode())))
        line["on_demand"] = extra
    print(json.dumps(line), flush=True)
"""


def _median_ms(function: Callable[[], object], repeat: int) -> float:
    """The median CPU milliseconds of `repeat` calls: CPU time, so that other work on the machine does not count."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return 1000 * statistics.median(times)


def _mean_ms(builder: Callable, inputs: list, repeat: int, encoded: bool) -> float:
    """The mean over `inputs` of the median milliseconds of building each (and encoding it, if `encoded`)."""
    import plotly.io.json as plotly_json

    def one(given: object) -> Callable[[], object]:
        return (lambda: plotly_json.to_json_plotly(builder(given))) if encoded else (lambda: builder(given))

    return sum(_median_ms(one(given), repeat) for given in inputs) / len(inputs)


def figure_ratios(repeat: int, folder: Path) -> None:
    """Time each kind of figure built and encoded, the previous release's way and this release's."""
    import plotly.io.json as plotly_json

    from dashboard.components.charts.spc_chart import spc_figure
    from dashboard.components.national import national_figure
    from measures.cli.demo import load_demo
    from measures.domain.catalogue import load_catalogue
    from measures.storage import catalogue_records, chart_changes, db
    from measures.views.measure import build_measure_detail
    from tests import figures_before
    from tests.national_examples import comparators, year

    catalogue = load_catalogue()
    engine = db.make_engine(f"sqlite:///{folder / 'figures.db'}")
    db.upgrade_schema(engine)
    catalogue_records.sync_catalogue(engine, catalogue)
    load_demo(engine, catalogue)
    details = [build_measure_detail(engine, measure.ref, "2023-01") for measure in catalogue.measures]
    periods = build_measure_detail(engine, "3.1", "2023-01").spc_periods
    chart_changes.add_process_change(engine, "3.1", periods[10], reason="MASH co-located", actor="bench")
    for month in ("2022-03", "2022-08", "2022-11"):
        chart_changes.add_event(engine, "3.1", month, f"Event in {month}", actor="bench")
    chart_changes.set_baseline(engine, "2.1", "2021-04", "2022-03", reason="The year before", actor="bench")
    changed = [build_measure_detail(engine, ref, "2023-01") for ref in ("3.1", "2.1")]
    many_years = [year(f"{start}-{(start + 1) % 100:02d}", council=50.0 + start % 7) for start in range(2014, 2024)]
    national = [comparators(year()), comparators(*many_years)]

    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")  # the pages' chart builders are imported with an app
    from dashboard.pages.area import grades_figure, trend_figure
    from dashboard.pages.teams import teams_figure
    from dashboard.pages.workers import caseload_figure
    from measures.views.area import build_area
    from measures.views.drilldown import team_breakdown, worker_caseloads

    areas = [build_area(engine, area.number, "2023-01", catalogue=catalogue) for area in catalogue.areas]
    trends = [(card.measure, card.series, "2023-01") for view in areas for card in view.cards if len(card.series) > 1]
    grades = [view.grades for view in areas if view.grades]
    teams = [team_breakdown(engine, measure.ref, "2023-01", catalogue=catalogue) for measure in catalogue.measures]
    caseloads = [
        worker_caseloads(engine, measure.ref, "2023-01", viewer_may_see_workers=True, catalogue=catalogue)
        for measure in catalogue.measures
    ]
    kinds: list[tuple[str, list, Callable, Callable]] = [
        ("SPC chart, every demo measure", details, figures_before.spc_figure, spc_figure),
        ("SPC chart, recalculated, baseline, events", changed, figures_before.spc_figure, spc_figure),
        ("National annual chart", national, figures_before.national_figure, national_figure),
        (
            "Area trend chart, every card",
            trends,
            lambda given: figures_before.trend_figure(*given),
            lambda given: trend_figure(*given),
        ),
        ("Audit grades chart", grades, figures_before.grades_figure, grades_figure),
        ("Teams chart, every measure", [b for b in teams if b.teams], figures_before.teams_figure, teams_figure),
        ("Caseload chart", [c for c in caseloads if c.workers], figures_before.caseload_figure, caseload_figure),
    ]
    print(f"\n1. Figures built and encoded as Dash sends them: median CPU ms per figure ({repeat} runs of each input)")
    print(f"{'figure':44} {'inputs':>6} {'old ms':>9} {'new ms':>9} {'old/new':>8}   (build only: old, new, ratio)")
    for name, inputs, old, new in kinds:
        for given in inputs:
            sent_old = json.loads(plotly_json.to_json_plotly(old(given)))
            sent_new = json.loads(plotly_json.to_json_plotly(new(given)))
            if sent_old != sent_new:
                raise SystemExit(f"{name}: the new figure's JSON differs from the previous release's")
        old_both, new_both = _mean_ms(old, inputs, repeat, True), _mean_ms(new, inputs, repeat, True)
        old_build, new_build = _mean_ms(old, inputs, repeat, False), _mean_ms(new, inputs, repeat, False)
        print(
            f"{name:44} {len(inputs):>6} {old_both:>9.2f} {new_both:>9.2f} {old_both / new_both:>7.1f}x"
            f"   ({old_build:.2f}, {new_build:.2f}, {old_build / new_build:.1f}x)"
        )
    engine.dispose()


def _pages(root: Path, folder: Path, repeat: int, on_demand: bool) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEASURES_")}
    result = subprocess.run(
        [sys.executable, "-c", PAGE_SCRIPT, str(root), str(folder), str(repeat), "on-demand" if on_demand else "-"],
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def page_components(before: str, repeat: int, folder: Path) -> None:
    """Count the components of every demo measure page, the previous release's and this checkout's."""
    old_root = folder / "before"
    old_root.mkdir()
    archive = subprocess.run(["git", "archive", before], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive, check=True)
    shutil.copytree(ROOT / "data", old_root / "data", dirs_exist_ok=True)  # the demo's sources, as in this checkout
    print(
        f"\n2. The demo measure pages as a viewer receives them (January 2023), {before} against this checkout; 3.1 is"
        " given ten years of published figures (120 months), the rest have the demo's two years"
    )
    old = {line["ref"]: line for line in _pages(old_root, folder / "old-db", repeat, on_demand=False)}
    new = {line["ref"]: line for line in _pages(ROOT, folder / "new-db", repeat, on_demand=True)}
    print(
        f"{'measure':>8} {'components old':>15} {'new':>6} {'old/new':>8} {'KB old':>8} {'new':>6} "
        f"{'ms old':>7} {'new':>6} {'old/new':>8} {'on demand':>10}"
    )
    for ref in new:
        o, n = old[ref], new[ref]
        print(
            f"{ref:>8} {o['components']:>15} {n['components']:>6} {o['components'] / n['components']:>7.1f}x "
            f"{o['bytes'] / 1024:>8.0f} {n['bytes'] / 1024:>6.0f} {o['ms']:>7.1f} {n['ms']:>6.1f} "
            f"{o['ms'] / n['ms']:>7.1f}x {n['on_demand']:>10}"
        )
    long_old, long_new = old["3.1"], new["3.1"]
    total = {
        side: sum(line[key] for line in lines.values())
        for side, lines in (("old", old), ("new", new))
        for key in ("components",)
    }
    old_ms = statistics.median(line["ms"] for line in old.values())
    new_ms = statistics.median(line["ms"] for line in new.values())
    print(
        f"{'all':>8} {total['old']:>15} {total['new']:>6} {total['old'] / total['new']:>7.1f}x   "
        f"median warm render {old_ms:.1f} ms -> {new_ms:.1f} ms ({old_ms / new_ms:.1f}x)"
    )
    print(
        f"3.1 given 120 months: components {long_old['components']} -> {long_new['components']} "
        f"({long_old['components'] / long_new['components']:.1f}x, {long_new['on_demand']} more on demand), "
        f"{long_old['bytes'] / 1024:.0f} KB -> {long_new['bytes'] / 1024:.0f} KB, "
        f"warm render {long_old['ms']:.1f} ms -> {long_new['ms']:.1f} ms ({long_old['ms'] / long_new['ms']:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="767bfa5", help="the previous release's commit (default 767bfa5)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of each figure and page (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as name:
        folder = Path(name)
        figure_ratios(args.repeat, folder)
        page_components(args.before, max(3, args.repeat // 4), folder)


if __name__ == "__main__":
    main()
