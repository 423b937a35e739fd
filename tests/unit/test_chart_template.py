"""Every chart the dashboard draws carries the one plotly template built from the palette, and every chart with a
target band shades it with the one target-band fill. Figures are built from the demo database (built in code)."""

from __future__ import annotations

import importlib
import re
from urllib.parse import unquote

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.components import palette
from dashboard.components.charts import template
from dashboard.components.charts.sparkline import sparkline, sparkline_svg
from dashboard.components.charts.spc_chart import spc_figure
from measures.storage import catalogue_records, db, reads
from measures.views.area import build_area
from measures.views.drilldown import team_breakdown, worker_caseloads
from measures.views.measure import build_measure_detail


@pytest.fixture(scope="module")
def pages():
    """The page modules that draw charts, registered on a pages app that imports no other page."""
    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")
    return {name: importlib.import_module(f"dashboard.pages.{name}") for name in ("area", "teams", "workers")}


@pytest.fixture(scope="module")
def demo(demo_database):
    """The demo database, only read here."""
    engine = db.make_engine(f"sqlite:///{demo_database}")
    yield engine, catalogue_records.read_catalogue(engine), reads.latest_period(engine)
    engine.dispose()


def _every_figure(demo, pages) -> dict[str, go.Figure]:
    """Every kind of chart the app draws, for every measure, team breakdown and area of the demo."""
    engine, catalogue, latest = demo
    figures: dict[str, go.Figure] = {}
    for measure in catalogue.measures:
        for period in (latest, "2022-06"):
            # The SPC chart is plain figure data: read here as plotly reads it.
            detail = build_measure_detail(engine, measure.ref, period)
            figures[f"SPC chart {measure.ref} {period}"] = go.Figure(spc_figure(detail))
        breakdown = team_breakdown(engine, measure.ref, latest, catalogue=catalogue)
        if breakdown.teams:
            figures[f"teams chart {measure.ref}"] = go.Figure(pages["teams"].teams_figure(breakdown))
        caseloads = worker_caseloads(engine, measure.ref, latest, viewer_may_see_workers=True, catalogue=catalogue)
        if caseloads.workers:
            figures[f"caseload chart {measure.ref}"] = go.Figure(pages["workers"].caseload_figure(caseloads))
    for area in catalogue.areas:
        view = build_area(engine, area.number, latest, catalogue=catalogue)
        for card in view.cards:
            if len(card.series) >= 2:
                figures[f"area trend {card.measure.ref}"] = go.Figure(
                    pages["area"].trend_figure(card.measure, card.series, latest)
                )
        if view.grades:
            figures[f"audit grades, area {area.number}"] = go.Figure(pages["area"].grades_figure(view.grades))
    return figures


def test_the_template_is_built_from_the_palette():
    built = pio.templates[template.TEMPLATE]
    layout = built.layout
    assert layout.font.family == palette.FONT_FAMILY
    assert layout.font.color == palette.TEXT_COLOUR
    assert layout.paper_bgcolor == layout.plot_bgcolor == palette.BACKGROUND_COLOUR
    assert list(layout.colorway) == list(palette.SERIES_COLOURS)
    assert layout.hoverlabel.bgcolor == palette.BACKGROUND_COLOUR
    assert layout.hoverlabel.font.family == palette.FONT_FAMILY
    assert layout.hoverlabel.font.color == palette.TEXT_COLOUR
    assert layout.legend.bgcolor == palette.BACKGROUND_COLOUR
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.gridcolor == palette.GRID_COLOUR
        assert axis.linecolor == axis.tickcolor == axis.zerolinecolor == palette.AXIS_LINE_COLOUR


def test_the_font_is_the_pages_own_font_stack():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "assets" / "style.css").read_text(encoding="utf-8")
    page_font = re.search(r":root\s*{[^}]*?font-family:\s*([^;]+);", css, re.DOTALL)
    assert page_font is not None
    assert page_font.group(1).strip() == palette.FONT_FAMILY


def test_importing_the_template_again_registers_nothing_new():
    registered = pio.templates[template.TEMPLATE]
    importlib.reload(template)
    assert pio.templates[template.TEMPLATE] is registered


def test_every_chart_the_app_draws_carries_the_template(demo, pages):
    figures = _every_figure(demo, pages)
    kinds = {name.split(" ")[0] for name in figures}
    assert kinds == {"SPC", "teams", "caseload", "area", "audit"}, kinds
    measures = pio.templates[template.TEMPLATE]
    for name, figure in figures.items():
        assert figure.layout.template == measures, f"{name} is not drawn with the '{template.TEMPLATE}' template"
        # What the template says is not said again by the chart.
        assert figure.layout.paper_bgcolor is None and figure.layout.plot_bgcolor is None, name
        assert figure.layout.font.family is None and figure.layout.font.color is None, name
        assert figure.layout.xaxis.gridcolor is None and figure.layout.yaxis.gridcolor is None, name


def _band_fills(figure: go.Figure) -> list[str]:
    traces = [trace.fillcolor for trace in figure.data if getattr(trace, "fill", None) == "toself"]
    shapes = [shape.fillcolor for shape in figure.layout.shapes if shape.type == "rect"]
    return traces + shapes


def test_every_chart_with_a_target_band_shades_it_with_the_one_fill(demo, pages):
    engine, catalogue, latest = demo
    banded = [measure for measure in catalogue.measures if measure.target and measure.target.kind == "band"]
    assert banded, "the demo catalogue has a measure with a target band"
    fills: dict[str, list[str]] = {}
    for measure in banded:
        fills[f"SPC chart {measure.ref}"] = _band_fills(
            go.Figure(spc_figure(build_measure_detail(engine, measure.ref)))
        )
        breakdown = team_breakdown(engine, measure.ref, latest, catalogue=catalogue)
        if breakdown.teams:
            fills[f"teams chart {measure.ref}"] = _band_fills(go.Figure(pages["teams"].teams_figure(breakdown)))
        caseloads = worker_caseloads(engine, measure.ref, latest, viewer_may_see_workers=True, catalogue=catalogue)
        if caseloads.workers:
            fills[f"caseload chart {measure.ref}"] = _band_fills(go.Figure(pages["workers"].caseload_figure(caseloads)))
        view = build_area(engine, measure.area, latest, catalogue=catalogue)
        card = next(card for card in view.cards if card.measure.ref == measure.ref)
        fills[f"area trend {measure.ref}"] = _band_fills(
            go.Figure(pages["area"].trend_figure(measure, card.series, latest))
        )
        trend = tuple((point.period, point.value) for point in card.series)
        image = unquote(sparkline(measure, trend, latest).src)
        fills[f"sparkline {measure.ref}"] = re.findall(r'<rect [^>]*fill="([^"]+)"', image)
    assert {"SPC", "teams", "caseload", "area", "sparkline"} <= {name.split(" ")[0] for name in fills}
    for name, found in fills.items():
        assert found == [palette.TARGET_BAND_FILL], f"{name} shades its target band with {found}"


def test_the_sparkline_draws_with_the_palette():
    svg = sparkline_svg([50.0, 60.0, 55.0], (52.0, 58.0))
    colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg)) - {"none"}
    assert colours == {palette.TREND_LINE_COLOUR, palette.TARGET_BAND_FILL}


def _rgb(colour: str, under: tuple[float, float, float] = (255.0, 255.0, 255.0)) -> tuple[float, float, float]:
    """The colour as drawn over `under`: #rrggbb, or rgba() blended over it."""
    if colour.startswith("#"):
        return tuple(float(int(colour[i : i + 2], 16)) for i in (1, 3, 5))  # type: ignore[return-value]
    red, green, blue, alpha = (float(part) for part in re.findall(r"[\d.]+", colour))
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip((red, green, blue), under, strict=True))  # type: ignore[return-value]


def _contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    def luminance(rgb: tuple[float, float, float]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_palette_keeps_its_contrast():
    white = _rgb(palette.BACKGROUND_COLOUR)
    assert _contrast(_rgb(palette.TEXT_COLOUR), white) >= 4.5
    assert _contrast(_rgb(palette.SECONDARY_TEXT_COLOUR), white) >= 4.5
    marks = [
        palette.AXIS_LINE_COLOUR,
        palette.TREND_LINE_COLOUR,
        palette.TARGET_COLOUR,
        palette.OVER_LIMIT_COLOUR,
        palette.WHOLE_SERVICE_COLOUR,
        palette.SPC_COMMON_CAUSE_COLOUR,
        palette.SPC_IMPROVEMENT_COLOUR,
        palette.SPC_CONCERN_COLOUR,
        palette.SPC_NEITHER_COLOUR,
        palette.SPC_UNASSESSED_COLOUR,
        palette.SPC_MEAN_COLOUR,
        palette.SPC_LIMIT_COLOUR,
        *palette.BENCHMARK_COLOURS.values(),
        *palette.SERIES_COLOURS,
    ]
    band = _rgb(palette.TARGET_BAND_FILL)
    for mark in marks:
        assert _contrast(_rgb(mark), white) >= 3, mark
        assert _contrast(_rgb(mark), band) >= 3, f"{mark} on the target band"
    # Written inside a bar: the figure's colour against the bar's.
    for grade, fill in palette.AUDIT_GRADE_COLOURS.items():
        assert _contrast(_rgb(palette.AUDIT_GRADE_TEXT_COLOURS[grade]), _rgb(fill)) >= 4.5, grade
    assert _contrast(_rgb(palette.TEXT_ON_DARK_COLOUR), _rgb(palette.BAR_COLOUR)) >= 4.5


def test_the_one_band_fill_looks_like_the_old_opaque_fill_on_white():
    assert [round(c) for c in _rgb(palette.TARGET_BAND_FILL)] == [0xD9, 0xEA, 0xD3]
