"""The pages that show national comparators, rendered through the page router for the council in force: switching
the council file's DfE code to another authority makes every page compare that authority, with its own region and
neighbours, and each page that shows national figures credits the source."""

from __future__ import annotations

import re
import shutil

import pytest

from measures.domain.council import DEFAULT_COUNCIL_PATH
from measures.storage import db
from tests.auth_helpers import add_test_users, client_as
from tests.national_data import record_extract
from tests.rendered import components, rendered, text

CREDIT = "Source: Department for Education, Local Authority Interactive Tool"


def _app(demo_database, tmp_path, monkeypatch, la_code: int):
    path = tmp_path / "demo.db"
    shutil.copy(demo_database, path)
    engine = db.make_engine(f"sqlite:///{path}")
    record_extract(engine)
    engine.dispose()
    council_file = tmp_path / "council.toml"
    council_file.write_text(
        DEFAULT_COUNCIL_PATH.read_text(encoding="utf-8").replace("la_code = 884", f"la_code = {la_code}"),
        encoding="utf-8",
    )
    monkeypatch.setenv("MEASURES_DB_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MEASURES_COUNCIL_FILE", str(council_file))
    monkeypatch.delenv("MEASURES_OPEN_VIEWING", raising=False)
    from dashboard import create_app
    from dashboard.server import data

    data.engine.cache_clear()
    add_test_users(data.engine())
    made = create_app()
    return made, data


@pytest.fixture(params=[(884, "Herefordshire", "West Midlands"), (909, "Cumbria", "North West")], ids=["884", "909"])
def council_app(request, demo_database, tmp_path, monkeypatch):
    """The demo app with national figures, for Herefordshire and for another council by its DfE code."""
    made, data = _app(demo_database, tmp_path, monkeypatch, request.param[0])
    yield made, request.param
    data.engine().dispose()
    data.engine.cache_clear()


def _words(tree) -> str:
    return " ".join(text(tree).split())


def test_the_measure_page_compares_the_council_in_force_naming_the_year(council_app):
    app, (_, name, region) = council_app
    page = _words(rendered(client_as(app, "viewer"), "/measure/3.3"))
    assert re.search(
        rf"In \d{{4}}-\d{{2}} {name}'s figure was [\d.]+%, against England [\d.]+%, {region} [\d.]+%", page
    )
    if name == "Cumbria":  # abolished in 2023: later national figures have none for it, and the page says so
        assert "Latest national figures for Cumbria are for 2022-23." in page
        assert "National figures for 2024-25 are out, but Cumbria's figure is not available." in page
    else:
        assert "Latest national figures are for 2024-25." in page
    assert CREDIT in page


def test_every_council_marks_the_council_in_force_and_its_neighbours(council_app):
    app, (la_code, name, _) = council_app
    tree = rendered(client_as(app, "viewer"), "/compare/3.3")
    rows = [c for c in components(tree) if c["type"] == "Tr" and c["props"].get("className") == "council-self"]
    assert len(rows) == 1 and f"{name} (This council)" in _words(rows[0])
    neighbours = [c for c in components(tree) if c["props"].get("className") == "council-neighbour"]
    assert len(neighbours) == 10
    assert CREDIT in _words(tree)


def test_the_overview_and_pack_read_the_latest_year_for_the_council_in_force(council_app):
    app, _ = council_app
    client = client_as(app, "viewer")
    overview = rendered(client, "/")
    cells = [c for c in components(overview) if c["props"].get("className") == "national small"]
    assert len(cells) == 38  # one per measure, none blank
    assert all(_words(cell) for cell in cells)
    assert CREDIT in _words(overview)
    pack = rendered(client, "/pack")
    lines = [_words(c) for c in components(pack) if c["props"].get("className") == "pack-national-row"]
    assert lines and all(
        re.match(r"[\d.]+ nationally \(annual figures\): (\d{4}(-\d{2})?|September \d{4})", line) for line in lines
    )
    assert CREDIT in _words(pack)


def test_a_year_with_no_figures_says_so_and_shows_the_latest(council_app):
    app, _ = council_app
    page = _words(rendered(client_as(app, "viewer"), "/compare/3.3", "?year=1999&sort=nonsense&order=sideways"))
    assert "There are no national figures for 1999 : the latest year is shown." in page  # 1999 in quotation marks
    assert "Rank" in page


def test_a_measure_that_is_not_there_is_named_as_text(council_app):
    app, _ = council_app
    tree = rendered(client_as(app, "viewer"), "/compare/<b>3.3</b>")
    assert "There is no measure <b>3.3</b> in the catalogue." in _words(tree)
    assert not [c for c in components(tree) if c["type"] == "B"]


def test_a_measure_without_a_comparator_says_why_on_every_council(council_app):
    app, _ = council_app
    page = _words(rendered(client_as(app, "viewer"), "/compare/3.1"))
    assert "No national comparator in the shipped figures" in page


def test_the_national_column_shows_unless_the_address_leaves_it_out(council_app):
    app, _ = council_app
    client = client_as(app, "viewer")

    def headings(search: str) -> list[str]:
        tree = rendered(client, "/", search)
        return [_words(c) for c in components(tree) if c["type"] == "Th" and c["props"].get("scope") == "col"]

    assert "National comparison, latest year" in headings("")
    assert "National comparison, latest year" not in headings("?columns=committee")
    both = headings("?columns=committee,national")
    assert "National comparison, latest year" in both and "Best practice" in both
    assert "National comparison, latest year" not in headings("?columns=none")
    from dashboard.pages.overview import overview_query

    assert overview_query("2023-01", [], None, ["national"]) == "?period=2023-01"
    assert (
        overview_query("2023-01", [], None, ["national", "committee"]) == "?period=2023-01&columns=committee,national"
    )
    assert overview_query("2023-01", [], None, []) == "?period=2023-01&columns=none"
    assert overview_query("2023-01", [], None, ["<script>"]) == "?period=2023-01&columns=none"
