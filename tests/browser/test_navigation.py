"""Moving between views in a real browser: a page view is one request to the server (the page router), and the
pickers and filters that choose a view turn it into the address in the browser, building exactly the query the
server writes for the view it shows."""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

UPDATE = "/_dash-update-component"
ROUTER = ".._pages_content.children..._pages_store.data.."


def _callback_requests(page) -> list[str]:
    """Start recording the callback requests `page` sends; return the list the output of each is added to."""
    sent: list[str] = []

    def note(request) -> None:
        if urlsplit(request.url).path == UPDATE:
            sent.append(json.loads(request.post_data or "{}").get("output", "?"))

    page.on("request", note)
    return sent


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#_pages_content h1")
    page.wait_for_load_state("networkidle")


# Every page kind, as a reader opens it: plain and with a view chosen in the address.
PAGE_VIEWS = [
    "/",
    "/?period=2022-12&show=worse,off-target&area=3&columns=committee",
    "/measure/3.1",
    "/measure/3.1?period=2022-12",
    "/area/3",
    "/area/3?period=2022-12",
    "/teams/3.1",
    "/teams/3.1?period=2022-12",
    "/workers/2.2",
    "/workers/2.2?period=2022-12",
    "/compare/3.3",
    "/pack",
    "/pack?period=2022-12",
    "/plan",
    "/plan?period=2022-12&brag=red,amber&overdue=1&area=3",
    "/plan/3.3",
    "/ratings",
    "/how-to-read",
    "/accessibility",
    "/upload",
    "/admin/users",
    "/admin/publish",
    "/admin/targets",
    "/admin/national",
    "/admin/plan",
    "/admin/briefing",
]


@pytest.mark.parametrize("path", PAGE_VIEWS)
def test_a_page_view_is_one_request_to_the_server(page_as, served_app, path):
    # Before, every page with a month picker or filters sent a second request, its navigation callback, which
    # found the view chosen was the view shown and changed nothing.
    page = page_as("admin")
    sent = _callback_requests(page)
    _open(page, served_app + path)
    assert sent == [ROUTER]
    assert page.url == served_app + path  # the address is the one opened: nothing navigated


def _choose(page, picker: str, option: str) -> None:
    page.locator(f"#{picker}").click()
    page.get_by_role("option", name=option, exact=True).click()


def _navigates(page, action, url) -> None:
    """Do `action` and wait until the page router has answered for the view it chose, at `url` (text or pattern)."""
    with page.expect_response(lambda response: urlsplit(response.url).path == UPDATE) as answer:
        action()
    assert answer.value.ok
    page.wait_for_url(url)


@pytest.mark.parametrize(
    "path, picker",
    [
        ("/", "period-picker"),
        ("/measure/3.1", "measure-period-picker"),
        ("/area/3", "area-period-picker"),
        ("/teams/3.1", "teams-period-picker"),
        ("/workers/2.2", "workers-period-picker"),
        ("/pack", "pack-period-picker"),
        ("/plan", "plan-period-picker"),
    ],
)
def test_choosing_a_month_navigates_to_its_address_with_one_request(page_as, served_app, path, picker):
    page = page_as("admin")
    _open(page, served_app + path)
    sent = _callback_requests(page)
    _navigates(page, lambda: _choose(page, picker, "December 2022"), served_app + path + "?period=2022-12")
    page.wait_for_selector(f"#{picker}:has-text('December 2022')")
    assert sent == [ROUTER]
    page.go_back()  # the month chosen is a step in the history, as before
    page.wait_for_url(served_app + path)


def test_the_team_and_the_month_of_the_workers_page_navigate_together(page_as, served_app):
    page = page_as("admin")
    _open(page, served_app + "/workers/2.2?period=2022-12")
    sent = _callback_requests(page)
    page.locator("#workers-team-picker").click()
    options = page.get_by_role("option").all_inner_texts()
    chosen = next(option for option in options if option != "All teams")
    team = re.compile(r"/workers/2\.2\?team=[^&]+&period=2022-12$")
    _navigates(page, page.get_by_role("option", name=chosen, exact=True).click, team)
    page.wait_for_selector(f"#workers-team-picker:has-text('{chosen}')")
    _navigates(
        page, lambda: _choose(page, "workers-team-picker", "All teams"), served_app + "/workers/2.2?period=2022-12"
    )
    page.wait_for_selector("#workers-team-picker:has-text('All teams')")
    assert sent == [ROUTER] * 2


def test_the_plan_filters_navigate_in_the_order_the_address_names_them(page_as, served_app):
    page = page_as("viewer")
    _open(page, served_app + "/plan?period=2023-01")
    sent = _callback_requests(page)
    _navigates(page, page.locator("#plan-overdue-filter input").check, served_app + "/plan?period=2023-01&overdue=1")
    page.wait_for_selector("p.showing")
    _navigates(
        page,
        page.locator("#plan-brag-filter input[value=amber]").check,
        served_app + "/plan?period=2023-01&brag=amber&overdue=1",
    )
    page.wait_for_selector("#plan-brag-filter input[value=amber]:checked")
    _navigates(
        page,
        page.locator("#plan-brag-filter input[value=red]").check,
        served_app + "/plan?period=2023-01&brag=amber%2Cred&overdue=1",
    )
    page.wait_for_selector("#plan-brag-filter input[value=red]:checked")
    assert sent == [ROUTER] * 3


def test_the_overview_filters_navigate_and_leave_the_default_columns_out(page_as, served_app):
    page = page_as("viewer")
    _open(page, served_app + "/?period=2023-01")
    sent = _callback_requests(page)
    national = page.get_by_label("Show the national comparison (latest year)")
    _navigates(page, page.get_by_label("Getting worse").check, served_app + "/?period=2023-01&show=worse")
    page.wait_for_selector("p.showing")
    _navigates(page, national.uncheck, served_app + "/?period=2023-01&show=worse&columns=none")
    page.wait_for_selector("#overview-columns input[value=national]:not(:checked)")
    _navigates(page, national.check, served_app + "/?period=2023-01&show=worse")
    page.wait_for_selector("#overview-columns input[value=national]:checked")
    assert sent == [ROUTER] * 3


@pytest.fixture(scope="module")
def query_builders():
    """The server's own builders of the query of the view a page shows, from the page modules (registered on a
    pages app that imports no other page)."""
    import importlib

    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")
    return {name: importlib.import_module(f"dashboard.pages.{name}") for name in ("overview", "plan", "workers")}


def _specs_served(page) -> list[dict]:
    """The query specifications of the navigation callbacks the served app sends the browser, each once (the
    month pickers' callbacks share one)."""
    scripts = page.locator("script").evaluate_all("nodes => nodes.map(n => n.textContent)")
    found = {match for text in scripts for match in re.findall(r"navigation\.chooseView\((.*), arguments\)", text)}
    return [json.loads(match) for match in sorted(found)]


def _spec_naming(specs: list[dict], names: list[str]) -> dict:
    [spec] = [spec for spec in specs if [part["name"] for part in spec["parts"]] == names]
    return spec


PERIODS = [None, "", "2023-01", "2023-13", "yesterday", " 2023-01", "0999-12", "9000-01", "8999-12", 202301]


def _agree(page, spec: dict, cases: list[tuple], expected) -> None:
    """Assert that the browser builds, for each case of control values, the query `expected(*case)` gives (None:
    nothing to navigate to)."""
    built = page.evaluate(
        "([spec, cases]) => cases.map(values => window.dash_clientside.navigation.viewQuery(spec, values))",
        [spec, [list(case) for case in cases]],
    )
    wrong = [(case, got, expected(*case)) for case, got in zip(cases, built, strict=True) if got != expected(*case)]
    assert wrong == []


def test_the_browser_builds_the_query_each_page_shows_for_every_kind_of_value(page_as, served_app, query_builders):
    from dashboard.components.navigation import view_search
    from measures.domain.periods import is_period

    overview, plan, workers = (query_builders[name] for name in ("overview", "plan", "workers"))
    page = page_as("viewer")
    _open(page, served_app + "/")
    specs = _specs_served(page)
    assert len(specs) == 4  # the month pickers' one, the overview's, the plan's and the workers'

    _agree(
        page,
        _spec_naming(specs, ["period", "show", "area", "columns"]),
        list(
            itertools.product(
                PERIODS,
                [None, [], ["worse"], ["special-cause", "worse", "off-target"], ["bogus"], "worse"],
                [None, 3, "3", "03", "12", "x", -1, True, 3.5, "", "3 "],
                [None, [], ["national"], ["committee"], ["national", "committee"], ["<script>"], "national"],
            )
        ),
        overview.overview_query,
    )
    _agree(
        page,
        _spec_naming(specs, ["period", "brag", "lead", "overdue", "area"]),
        list(
            itertools.product(
                PERIODS,
                [None, [], ["red", "amber"], ["not_recorded", "green"], ["nope"]],
                [None, "", "  ", "Jane Smith", "Ann & Bob=1?+%/~*!'()", "Zoë Ó'Brien", "x" * 250, "😀" * 201, 7],
                [None, [], ["overdue"], "overdue"],
                [None, 3, "3", "007", "1000", "x", True],
            )
        ),
        plan.plan_query,
    )

    def workers_query(team, period):
        if not is_period(period):
            return None
        return view_search(team=team if team != workers.ALL_TEAMS else None, period=period)

    _agree(
        page,
        _spec_naming(specs, ["team", "period"]),
        list(
            itertools.product(
                [None, workers.ALL_TEAMS, "", " ", "North Team", "North & South (East)", "Équipe ~*!'", "a/b?c#d"],
                PERIODS,
            )
        ),
        workers_query,
    )
    _agree(
        page,
        _spec_naming(specs, ["period"]),
        [(period,) for period in PERIODS],
        lambda period: view_search(period=period) if is_period(period) else None,
    )


def test_the_view_shown_or_no_month_navigates_nowhere(page_as, served_app):
    page = page_as("viewer")
    _open(page, served_app + "/")  # every page has every navigation script
    month, workers = (_spec_naming(_specs_served(page), names) for names in (["period"], ["team", "period"]))
    chosen = page.evaluate(
        """([month, workers]) => {
            const choose = window.dash_clientside.navigation.chooseView;
            const nowhere = window.dash_clientside.no_update;
            return [
                choose(month, ["2022-12", "?period=2022-12"]) === nowhere,
                choose(month, ["2022-11", "?period=2022-12"]),
                choose(month, [null, "?period=2022-12"]) === nowhere,
                choose(month, ["2022-13", "?period=2022-12"]) === nowhere,
                choose(workers, ["North & South", "2022-12", "?period=2022-12"]),
                choose(workers, ["__all__", "2022-12", "?team=North&period=2022-12"]),
                choose(workers, ["North", "", "?period=2022-12"]) === nowhere,
            ];
        }""",
        [month, workers],
    )
    assert chosen == [
        True,
        "?period=2022-11",
        True,
        True,
        "?team=North+%26+South&period=2022-12",
        "?period=2022-12",
        True,
    ]
