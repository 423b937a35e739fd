"""Addresses a reader can type or be sent that the pages' own links never make: a parameter given twice, a month
that no calendar has. Each is answered with a page, never the server's fault page."""

from __future__ import annotations

import pytest

from tests.auth_helpers import client_as
from tests.rendered import rendered, text


@pytest.mark.parametrize(
    ("path", "search"),
    [
        ("/compare/3.3", "?sort=name&sort=rank"),
        ("/compare/3.3", "?order=desc&order=asc&year=2024&year=2025"),
        ("/", "?columns=national&columns=committee"),
        ("/", "?show=worse&show=better"),
        ("/", "?area=1&area=2"),
        ("/pack", "?period=2023-01&period=2022-12"),
        ("/measure/3.3", "?period=2023-01&period=2022-12"),
        ("/area/3", "?period=2023-01&period=2022-12"),
    ],
)
def test_a_parameter_given_twice_is_read_as_its_first_value(app, path, search):
    client = client_as(app, "viewer")
    first_of_each: dict[str, str] = {}
    for part in search.removeprefix("?").split("&"):
        first_of_each.setdefault(part.split("=")[0], part)
    twice = text(rendered(client, path, search))
    assert "Something went wrong" not in twice
    assert twice == text(rendered(client, path, "?" + "&".join(first_of_each.values())))


@pytest.mark.parametrize("path", ["/", "/pack", "/area/3", "/measure/3.3"])
@pytest.mark.parametrize("month", ["0000-01", "0000-12", "10000-01"])
def test_a_month_no_calendar_has_gets_a_page_not_a_fault(app, path, month):
    page = text(rendered(client_as(app, "viewer"), path, f"?period={month}"))
    assert page and "Something went wrong" not in page
