"""The pack's small SPC charts: one server-drawn SVG image per measure, against one plotly figure per measure of the
same points and lines (what a `dcc.Graph` per measure would send), over the demo month's measures.

Prints, from one run, the milliseconds to make all of them each way, the bytes sent each way, and the ratios. The
machine is shared and noisy: read the ratios. Run: `.venv/bin/python bench/pack_charts.py`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from dashboard.components.charts.spc_chart import POINT_STYLE  # noqa: E402
from dashboard.components.charts.spc_mini import spc_mini  # noqa: E402
from measures.cli.demo import load_demo  # noqa: E402
from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.storage import catalogue_records, db  # noqa: E402
from measures.views.measure_model import point_kind  # noqa: E402
from measures.views.overview import build_overview  # noqa: E402

MONTH = "2023-01"


def _plotly_figure(row) -> go.Figure:
    """The same chart as a plotly figure: the points by kind, the line, the mean and limits."""
    assessment, measure = row.assessment, row.measure
    periods, points = assessment.spc_periods, assessment.spc.points
    insufficient = assessment.variation in ("insufficient", "no-reading")
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=list(periods), y=[p.value for p in points], mode="lines"))
    for kind, style in POINT_STYLE.items():
        chosen = [
            (m, p.value)
            for m, p in zip(periods, points, strict=True)
            if point_kind(p, measure.polarity, insufficient) == kind
        ]
        if chosen:
            figure.add_trace(
                go.Scatter(
                    x=[m for m, _ in chosen],
                    y=[v for _, v in chosen],
                    mode="markers",
                    marker={"symbol": style["symbol"]},
                )
            )
    result = assessment.spc
    for level in (result.mean, result.lower_limit, result.upper_limit):
        if level is not None:
            figure.add_hline(y=level)
    figure.update_layout(width=240, height=92, margin={"l": 4, "r": 60, "t": 6, "b": 16}, showlegend=False)
    return figure


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-pack-charts-") as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'demo.db'}")
        db.upgrade_schema(engine)
        catalogue = load_catalogue()
        catalogue_records.sync_catalogue(engine, catalogue)
        load_demo(engine, catalogue)
        rows = [row for row in build_overview(engine, period=MONTH).rows if len(row.assessment.spc.points) >= 2]

        started = time.perf_counter()
        images = [spc_mini(row.measure, row.assessment, MONTH) for row in rows]
        svg_seconds = time.perf_counter() - started
        svg_bytes = sum(len(image.src) + len(image.alt) for image in images)

        started = time.perf_counter()
        figures = [_plotly_figure(row).to_json() for row in rows]
        plotly_seconds = time.perf_counter() - started
        plotly_bytes = sum(len(figure) for figure in figures)
        engine.dispose()

    print(f"{len(rows)} charts of the {MONTH} pack")
    print(f"  server-drawn SVG images: {svg_seconds * 1000:8.1f} ms, {svg_bytes / 1024:8.1f} KiB")
    print(f"  plotly figures:          {plotly_seconds * 1000:8.1f} ms, {plotly_bytes / 1024:8.1f} KiB")
    print(f"  plotly / SVG: time x{plotly_seconds / svg_seconds:.1f}, bytes x{plotly_bytes / svg_bytes:.1f}")
    print("  (each plotly figure also needs a browser to draw it, plotly.js of several MB, before the pack can print)")


if __name__ == "__main__":
    main()
