"""Every page on a phone (390 x 844) and at 200% zoom on a 1280-pixel screen (a 640-pixel viewport), WCAG 1.4.10
reflow: each page of `dash.page_registry` (with a real area, measure and action where its address needs one)
and the account page, signed in as an admin so that the admin pages count, photographed into
`test-output/phone/`. A page fails when it scrolls sideways, when anything but a scroll region the reader
chooses (focusable and labelled) is wider than the screen, or when a chart's legend squeezes its plot or its
month labels run into each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from measures.domain.catalogue import load_catalogue
from measures.storage import db, national, plan
from measures.storage.recording import SERVICE

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "zoom-200": {"width": 640, "height": 400}}
ROOT = Path(__file__).resolve().parents[2]

# Pages served by Flask rather than Dash's router: readers reach them from the header.
FLASK_PAGES = ["/account/password"]

# Every element wider than the screen, or reaching past its right edge, that is not inside a scroll region the
# reader chooses: a box that scrolls sideways, takes the keyboard focus and has a name (and any box whose content
# scrolls sideways must be such a region, or a keyboard cannot reach what it hides). Content clipped by a box
# that hides its overflow is that box's concern (a visually hidden label is 1 pixel wide). The outermost such
# element is reported, not each of its descendants. Something wholly left of the screen widens nothing.
OVERFLOW_SCRIPT = """() => {
    const width = window.innerWidth;
    const problems = [];
    if (document.documentElement.scrollWidth > width) {
        problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    const chosenRegion = box => box.tabIndex >= 0
        && (box.getAttribute('aria-label') || box.getAttribute('aria-labelledby'));
    const describe = element => {
        const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
            + (typeof element.className === 'string' && element.className.trim()
               ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
        const box = element.getBoundingClientRect();
        return `${name} (${Math.round(box.left)} to ${Math.round(box.right)} px): `
            + (element.innerText || element.textContent || '').trim().slice(0, 60);
    };
    for (const box of document.body.querySelectorAll('*')) {
        const overflow = getComputedStyle(box).overflowX;
        if ((overflow === 'auto' || overflow === 'scroll') && box.scrollWidth > box.clientWidth + 1
            && !chosenRegion(box)) {
            problems.push('scrolls sideways but is not focusable and labelled: ' + describe(box));
        }
    }
    const reported = [];
    for (const element of document.body.querySelectorAll('*')) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (box.right <= 0) continue;  // wholly left of the screen (plotly's text measurer): widens nothing
        if (box.right <= width + 0.5 && box.width <= width + 0.5) continue;
        if (getComputedStyle(element).visibility === 'hidden') continue;
        if (reported.some(outer => outer.contains(element))) continue;
        let clipper = element.parentElement;
        while (clipper && clipper !== document.body && getComputedStyle(clipper).overflowX === 'visible') {
            clipper = clipper.parentElement;
        }
        if (clipper && clipper !== document.body) {
            const overflow = getComputedStyle(clipper).overflowX;
            if (overflow === 'hidden' || overflow === 'clip') continue;
            if (chosenRegion(clipper)) continue;
            reported.push(element);
            problems.push('scrolls in a box that is not focusable and labelled: ' + describe(element));
            continue;
        }
        reported.push(element);
        problems.push('wider than the screen: ' + describe(element));
    }
    return problems;
}"""

# Each plotly chart: its legend must not sit beside the plot (it squeezes the plot to a sliver on a phone) nor run
# past the chart's edge, the plot must keep at least two fifths of the chart's width (the rest is its axis labels),
# and no two month labels may overlap.
CHART_SCRIPT = """() => {
    const problems = [];
    document.querySelectorAll('.js-plotly-plot').forEach((graph, index) => {
        const name = graph.id || `chart ${index + 1}`;
        const chart = graph.getBoundingClientRect();
        const plot = graph.querySelector('.draglayer .nsewdrag');
        if (!plot || chart.width === 0) return;
        const area = plot.getBoundingClientRect();
        if (area.width < 0.4 * chart.width) {
            const [plotWidth, chartWidth] = [Math.round(area.width), Math.round(chart.width)];
            problems.push(`${name}: the plot is ${plotWidth} px of the chart's ${chartWidth}`);
        }
        const legend = graph.querySelector('g.legend');
        if (legend) {
            const key = legend.getBoundingClientRect();
            const beside = key.top < area.bottom - 1 && key.bottom > area.top + 1 && key.left >= area.right - 1;
            if (beside) problems.push(`${name}: the legend is beside the plot`);
            const cut = [...legend.querySelectorAll('.legendtext')]
                .filter(text => text.getBoundingClientRect().right > chart.right + 1);
            if (cut.length) problems.push(`${name}: the key is cut off at "${cut[0].textContent.slice(0, 40)}"`);
        }
        // Each label as drawn (turned, when plotly turns them): the corners of its box on the screen.
        const corners = text => {
            const box = text.getBBox();
            const matrix = text.getScreenCTM();
            return [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height],
                    [box.x, box.y + box.height]].map(([x, y]) => {
                const point = new DOMPoint(x, y).matrixTransform(matrix);
                return [point.x, point.y];
            });
        };
        // Two convex shapes overlap unless some edge's normal separates them (by more than half a pixel).
        const overlap = (a, b) => {
            for (const shape of [a, b]) {
                for (let i = 0; i < shape.length; i++) {
                    const [x1, y1] = shape[i];
                    const [x2, y2] = shape[(i + 1) % shape.length];
                    const length = Math.hypot(x2 - x1, y2 - y1) || 1;
                    const normal = [(y1 - y2) / length, (x2 - x1) / length];
                    const project = s => s.map(([x, y]) => x * normal[0] + y * normal[1]);
                    const [pa, pb] = [project(a), project(b)];
                    const apart = Math.max(...pa) < Math.min(...pb) + 0.5 || Math.max(...pb) < Math.min(...pa) + 0.5;
                    if (apart) return false;
                }
            }
            return true;
        };
        const labels = [...graph.querySelectorAll('.xtick text')].filter(text => text.getBBox().width > 0)
            .map(corners);
        const crowded = labels.some((a, i) => labels.slice(i + 1).some(b => overlap(a, b)));
        if (crowded) problems.push(`${name}: month labels overlap`);
    });
    return problems;
}"""


def _registered_pages() -> list[dict]:
    """The pages Dash's router serves, as `create_app` registers them."""
    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder=str(ROOT / "dashboard" / "pages"))
    return list(dash.page_registry.values())


def _real_values(database: Path) -> dict[str, list[str]]:
    """For each part of an address a page needs, real values from the demo: the area with the most measures, a
    measure with its workers' figures (so its teams and workers pages have content), a measure with national
    figures, and an action of the plan."""
    engine = db.make_engine(f"sqlite:///{database}")
    try:
        catalogue = load_catalogue()
        sizes = {area.number: sum(1 for m in catalogue.measures if m.area == area.number) for area in catalogue.areas}
        widest_area = max(sizes, key=lambda number: sizes[number])
        o = db.observations.c
        with engine.connect() as connection:
            first_with_workers = select(o.ref).where(o.worker != SERVICE).order_by(o.ref).limit(1)
            with_workers = connection.execute(first_with_workers).scalar()
        items = set(national.national_figures(engine)["item"])
        compared = next(m.ref for m in catalogue.measures if m.national_item and m.national_item in items)
        action = plan.current_actions(engine)[0].number
    finally:
        engine.dispose()
    assert with_workers, "the demo has no worker figures"
    return {
        "/area/<number>": [f"/area/{widest_area}"],
        "/plan/<number>": [f"/plan/{action}"],
        "/measure/<ref>": [f"/measure/{with_workers}", f"/measure/{compared}"],
        "/compare/<ref>": [f"/compare/{compared}"],
        "/teams/<ref>": [f"/teams/{with_workers}"],
        "/workers/<ref>": [f"/workers/{with_workers}"],
    }


@pytest.fixture(scope="module")
def addresses(demo_database) -> list[str]:
    """Every page's address, those with a part filled in from the demo, and the pages Flask serves."""
    filled = _real_values(demo_database)
    found: list[str] = []
    for page in _registered_pages():
        template = page.get("path_template")
        if page["module"].endswith("not_found_404"):
            found.append("/no-such-page")
        elif template:
            assert template in filled, f"no real value given for {template}: add one to _real_values"
            found.extend(filled[template])
        else:
            found.append(page["path"])
    return found + FLASK_PAGES


def _open(page, url: str) -> None:
    """Go to `url`, wait for the page and its callbacks, and open every disclosure (a table behind "Show the
    chart's figures as a table" must reflow too)."""
    page.goto(url)
    page.locator("#main h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")


def _slug(address: str) -> str:
    return address.strip("/").replace("/", "-").replace(".", "-") or "overview"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_reflows_without_sideways_scrolling(page_as, served_app, output_dir, addresses, viewport):
    size = VIEWPORTS[viewport]
    folder = output_dir / "phone"
    folder.mkdir(exist_ok=True)
    page = page_as("admin")
    page.set_viewport_size(size)
    problems: dict[str, list[str]] = {}
    for address in addresses:
        _open(page, served_app + address)
        page.screenshot(path=str(folder / f"{viewport}-{_slug(address)}.png"), full_page=True)
        found = page.evaluate(OVERFLOW_SCRIPT) + page.evaluate(CHART_SCRIPT)
        if found:
            problems[address] = found
    assert not problems, "\n".join(f"{address}: {'; '.join(found)}" for address, found in problems.items())
