"""The area page and the drill-down from service to teams to workers, in a real browser: figures from the
store, charts drawn, selections in the address, and no console errors (the `page` fixture fails on any)."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest

from measures.domain.formatting import format_counts, format_value
from measures.storage import catalogue_records, reads

pytestmark = pytest.mark.browser


def _wait_for_cards(page):
    page.wait_for_selector("article.measure-card")


def _svg_texts(page, selector: str) -> list[str]:
    """The text of SVG elements (Playwright's inner_text reads HTML only)."""
    return page.locator(selector).evaluate_all("nodes => nodes.map(n => n.textContent)")


def test_area_3_shows_every_measure_as_a_card_with_the_stores_figures(page, served_app, demo_engine, output_dir):
    page.goto(served_app + "/area/3?period=2023-01")
    _wait_for_cards(page)
    assert page.locator("h1").inner_text() == "Area 3: Timeliness"
    assert page.locator("text=Expected outcomes").count() == 1
    catalogue = catalogue_records.read_catalogue(demo_engine)
    refs = [m.ref for m in catalogue.measures if m.area == 3]
    assert page.locator("article.measure-card").evaluate_all("cards => cards.map(c => c.dataset.ref)") == refs
    series = reads.service_series(demo_engine, refs=refs, since="2023-01", up_to="2023-01")
    for record in series.to_dict("records"):
        card = page.locator(f"#card-{record['ref'].replace('.', '-')}")
        figure = card.locator(".card-figure").inner_text()
        if record["status"] == "ok":
            measure = catalogue.measure(record["ref"])
            assert format_value(measure, record["value"]) in figure
            assert f"({format_counts(record['numerator'], record['denominator'])})" in figure
        else:
            assert figure == "TBC"
    card = page.locator("#card-3-1")
    assert card.locator(".card-figure").inner_text() == "77.6% (236/304)"
    assert card.locator(".card-change").inner_text().endswith("Up from 68.0% to 77.6% since December 2022: better.")
    # Three measures have a trend to draw; each chart has words for screen readers.
    page.wait_for_function("() => document.querySelectorAll('.card-chart .main-svg').length >= 3")
    assert page.locator(".card-chart[role=img]").count() == 3
    assert "236/304" not in card.locator(".card-chart").get_attribute("aria-label")  # words, not a copy of the card
    assert "77.6%" in card.locator(".card-chart").get_attribute("aria-label")
    assert page.locator("text=Demonstration data.").count() == 1
    page.screenshot(path=str(output_dir / "area-3.png"), full_page=True)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_area_10_in_january_2023_says_what_the_overview_says(page, served_app, output_dir):
    # 10.2-10.7 are TBC in January 2023 with a target of at least 90%: the cards said "No target" beside the
    # target while the overview said "Not rated: no figure", and read 10.2's SPC without saying it was December's.
    # Both now rate December's figure and say so; December on target (10.3) is not shown as a success now.
    december = {
        "10.2": "Off target, as at December 2022",
        "10.3": "Not rated: no figure (on target in December 2022)",
        "10.4": "Off target, as at December 2022",
        "10.5": "Off target, as at December 2022",
        "10.6": "Near target, as at December 2022",
        "10.7": "Off target, as at December 2022",
    }
    page.goto(served_app + "/area/10?period=2023-01")
    _wait_for_cards(page)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(output_dir / "area-10-2023-01.png"), full_page=True)
    cards = {}
    for ref in ("10.2", "10.3", "10.4", "10.5", "10.6", "10.7"):
        card = page.locator(f"#card-{ref.replace('.', '-')}")
        cards[ref] = [_words(card.locator(part).inner_text()) for part in (".card-rag", ".card-spc")]
        assert cards[ref][0].startswith(f"{december[ref]} Target: at least 90%"), (ref, cards[ref])
        assert "No target" not in card.inner_text(), ref
        if ref in ("10.2", "10.3"):  # year-to-date percentages published without counts: no SPC reading, and why
            assert cards[ref][1].startswith("No SPC reading A year-to-date figure"), (ref, cards[ref])
        else:
            assert "Reading up to December 2022" in cards[ref][1], (ref, cards[ref])
    page.goto(served_app + "/?period=2023-01")
    page.wait_for_selector("#measure-10-2")
    for ref, (rating, spc) in cards.items():
        row = page.locator(f"#measure-{ref.replace('.', '-')}")
        assert _words(row.locator("td.rag").inner_text()) == rating, ref
        assert _words(row.locator("td.spc").inner_text()) == spc, ref


def test_a_card_links_to_its_measure_for_the_same_month(page, served_app):
    page.goto(served_app + "/area/3?period=2023-01")
    _wait_for_cards(page)
    page.locator("#card-3-1 a.card-link").click()
    page.wait_for_url(re.compile(r"/measure/3\.1\?period=2023-01$"))


def test_area_4_shows_the_stacked_audit_grade_chart(page, served_app, output_dir):
    page.goto(served_app + "/area/4?period=2023-01")
    page.wait_for_selector("#area-grades .main-svg")
    legend = _svg_texts(page, "#area-grades .legendtext")
    assert legend == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    label = page.locator("#area-grades [role=img]").get_attribute("aria-label")
    assert "In January 2023: 0 outstanding, 5 good, 10 requires improvement, 16 inadequate of 31 audits." in label
    # Four stacked bar traces, one per grade.
    assert page.locator("#area-grades .barlayer .trace").count() == 4
    assert [card for card in page.locator("article.measure-card").evaluate_all("c => c.map(x => x.dataset.ref)")] == [
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
    ]
    page.screenshot(path=str(output_dir / "area-4.png"), full_page=True)


def test_teams_of_3_1_add_up_to_the_service_figure(page, served_app, output_dir):
    page.goto(served_app + "/teams/3.1?period=2023-01")
    page.wait_for_selector("#teams-table tr.team-row")
    rows = page.locator("#teams-table tr.team-row")
    assert rows.count() == 4
    numerators = [int(text.replace(",", "")) for text in rows.locator("td.numerator").all_inner_texts()]
    denominators = [int(text.replace(",", "")) for text in rows.locator("td.denominator").all_inner_texts()]
    assert (sum(numerators), sum(denominators)) == (236, 304)
    assert "236/304 77.6%" in page.locator("#service-figure").inner_text()
    assert "The teams add up to the whole-service figure." in page.locator("tr.totals-row").inner_text()
    page.wait_for_selector("#teams-chart .main-svg")
    assert page.locator("#teams-chart .barlayer .point").count() == 4
    assert "Whole service 77.6%" in _svg_texts(page, "#teams-chart .legendtext")
    # No worker figures for 3.1: no worker links.
    assert page.locator("a.workers-link").count() == 0
    page.screenshot(path=str(output_dir / "teams-3-1.png"), full_page=True)


def test_a_measure_without_team_figures_says_so(page, served_app):
    page.goto(served_app + "/teams/4.1?period=2023-01")
    page.wait_for_selector("text=there are no team figures")
    assert page.locator("a[href^='/measure/4.1']").count() >= 1


def test_a_teams_worker_link_lands_on_that_teams_caseloads(page, served_app):
    page.goto(served_app + "/teams/2.2?period=2023-01")
    page.wait_for_selector("#teams-table tr.team-row")
    page.locator("tr.team-row[data-team='Assessment Team 1'] a.workers-link").click()
    page.wait_for_url(re.compile(r"/workers/2\.2\?team=Assessment\+Team\+1&period=2023-01$"))
    page.wait_for_selector("#workers-table tr.worker-row")
    teams = page.locator("#workers-table tr.worker-row td:nth-child(2)").all_inner_texts()
    assert teams and set(teams) == {"Assessment Team 1"}


def test_worker_caseloads_of_december_2022(page, served_app, output_dir):
    page.goto(served_app + "/workers/2.2?period=2022-12")
    page.wait_for_selector("#workers-summary")
    summary = page.locator("#workers-summary").inner_text()
    assert "62 social workers of all teams had 17.0 children each on average" in summary
    assert "10 had more than 24 children" in summary
    assert page.locator("#workers-average strong").inner_text() == "17.0"
    assert page.locator("#workers-above strong").inner_text() == "10"
    assert page.locator("#workers-table tr.worker-row").count() == 62
    assert page.locator("text=never by name").count() == 1
    assert "synthetic" in page.locator(".privacy-note").inner_text()
    page.wait_for_selector("#workers-chart .main-svg")
    assert "more than 24 children →" in _svg_texts(page, "#workers-chart .annotation-text")
    page.screenshot(path=str(output_dir / "workers-2-2.png"), full_page=True)


def test_the_address_holds_and_restores_the_month_on_the_area_page(page, served_app):
    page.goto(served_app + "/area/3")
    _wait_for_cards(page)
    page.locator("#area-period-picker").click()
    page.get_by_role("option", name="December 2022").click()
    page.wait_for_url(re.compile(r"/area/3\?period=2022-12$"))
    page.wait_for_selector("text=Measures as at December 2022")
    assert page.locator("#card-3-1 .card-figure").inner_text() == "68.0% (198/291)"
    page.goto(served_app + "/area/3?period=2022-12")
    _wait_for_cards(page)
    assert page.locator("#card-3-1 .card-figure").inner_text() == "68.0% (198/291)"


def test_the_address_holds_and_restores_team_and_month_on_the_workers_page(page, served_app):
    page.goto(served_app + "/workers/2.2?period=2022-12")
    page.wait_for_selector("#workers-table tr.worker-row")
    page.locator("#workers-team-picker").click()
    page.get_by_role("option", name="Care Leavers").click()
    expected = re.compile(r"/workers/2\.2\?team=" + re.escape(quote_plus("Care Leavers")) + r"&period=2022-12$")
    page.wait_for_url(expected)
    page.wait_for_selector("text=Caseloads per worker, Care Leavers, December 2022")
    restored = page.url
    page.goto(restored)
    page.wait_for_selector("#workers-table tr.worker-row")
    assert set(page.locator("#workers-table tr.worker-row td:nth-child(2)").all_inner_texts()) == {"Care Leavers"}
    assert "Care Leavers" in page.locator("#workers-team-picker").inner_text()
    assert "December 2022" in page.locator("#workers-period-picker").inner_text()


def test_the_teams_month_picker_navigates(page, served_app):
    page.goto(served_app + "/teams/3.1?period=2023-01")
    page.wait_for_selector("#teams-table tr.team-row")
    page.locator("#teams-period-picker").click()
    page.get_by_role("option", name="December 2022").click()
    page.wait_for_url(re.compile(r"/teams/3\.1\?period=2022-12$"))
    page.wait_for_selector("text=Teams, December 2022")
    assert "198/291 68.0%" in page.locator("#service-figure").inner_text()


def test_an_unknown_area_is_explained(page, served_app):
    page.goto(served_app + "/area/12")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Improvement area not found"
    assert page.locator(".area-list a").count() == 10


@pytest.fixture
def page_modules():
    """The three page modules, registered on a pages app that imports no other page (so a broken page elsewhere
    in the tree cannot hide a failure here)."""
    import importlib

    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")
    return {name: importlib.import_module(f"dashboard.pages.{name}") for name in ("area", "teams", "workers")}


def test_the_drilldown_pages_stay_out_of_the_navigation(page_modules):
    import dash

    for module in page_modules.values():
        assert dash.page_registry[module.__name__]["nav"] is False


def test_a_suppressed_audit_grade_is_marked_on_the_chart_and_in_the_table_never_left_to_look_like_zero(
    page, writable_app, tmp_path
):
    from measures.returns.importer import import_return
    from measures.storage import db
    from tests.browser.conftest import writable_database
    from tests.returns.builders import template_row, template_workbook

    path = template_workbook(
        tmp_path / "february.xlsx",
        [
            template_row("4.1", "2023-02", value=31),
            template_row("4.2", "2023-02", numerator=17, denominator=31),
            template_row("4.3", "2023-02", numerator=10, denominator=31),
            template_row("4.4", "2023-02", numerator=2, denominator=31),
            template_row("4.5", "2023-02", value="*"),
        ],
    )
    engine = db.make_engine(writable_database(writable_app))
    assert import_return(engine, path, user="test").status == "imported"
    engine.dispose()
    page.goto(writable_app + "/area/4?period=2023-02")
    page.wait_for_selector("#area-grades .main-svg")
    legend = _svg_texts(page, "#area-grades .legendtext")
    assert legend[:4] == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert any("no figure" in entry for entry in legend[4:]), legend
    # One mark, above February's bar only.
    assert page.locator("#area-grades .scatterlayer .trace .points path").count() == 1
    label = page.locator("#area-grades [role=img]").get_attribute("aria-label")
    assert "In February 2023: outstanding suppressed (small number), 2 good, 10 requires improvement" in label
    page.locator("details.grades-details summary").click()
    february = page.locator(".grades-table tbody tr").first
    assert february.locator("td").first.inner_text() == "Suppressed (small number)"
    page.set_viewport_size({"width": 390, "height": 844})  # the key entry is read whole on a phone too
    page.reload()
    page.wait_for_selector("#area-grades .main-svg")
    entry = page.locator("#area-grades .legendtext", has_text="no figure").bounding_box()
    chart = page.locator("#area-grades .main-svg").first.bounding_box()
    assert entry["x"] + entry["width"] <= chart["x"] + chart["width"], (entry, chart)


def test_a_suppressed_team_keeps_its_line_in_the_teams_chart_with_the_word_not_a_gap(page, writable_app, tmp_path):
    from measures.returns.importer import import_return
    from measures.storage import db
    from tests.browser.conftest import writable_database
    from tests.returns.builders import template_row, template_workbook

    path = template_workbook(
        tmp_path / "teams.xlsx",
        [
            template_row("3.3", "2023-02", numerator=25, denominator=37),
            template_row("3.3", "2023-02", team="Assessment Team 1", numerator=8, denominator=11),
            template_row("3.3", "2023-02", team="Assessment Team 2", value="*"),
            template_row("3.3", "2023-02", team="Assessment Team 3", numerator=7, denominator=8),
        ],
    )
    engine = db.make_engine(writable_database(writable_app))
    assert import_return(engine, path, user="test").status == "imported"
    engine.dispose()
    page.goto(writable_app + "/teams/3.3?period=2023-02")
    page.wait_for_selector("#teams-chart .main-svg")
    # A team left out of the chart says nothing; the reader should see the team and why it has no bar.
    ticks = _svg_texts(page, "#teams-chart .ytick text")
    assert {"Assessment Team 1", "Assessment Team 2", "Assessment Team 3"} <= set(ticks), ticks
    assert "Suppressed (small number)" in _svg_texts(page, "#teams-chart .scatterlayer .textpoint text")
