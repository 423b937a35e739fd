"""Where signing in sends you: a path on this site, whatever a link put in `next`; never another site, and never an
error page for an address no browser could follow (a line break would end the redirect's header)."""

from __future__ import annotations

import pytest

from dashboard.server.sign_in import safe_next
from tests.auth_helpers import NAMES, PASSWORDS, client_as, form_token


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, "/"),
        ("", "/"),
        ("/measure/3.1?period=2023-01", "/measure/3.1?period=2023-01"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("https:evil.example", "/"),
        ("/\r\nSet-Cookie: mtm_session=stolen", "/"),
        ("/pack\x00", "/"),
        ("/pack\x7f", "/"),
    ],
)
def test_only_a_path_on_this_site_is_followed(given, expected):
    assert safe_next(given) == expected


def test_a_next_address_with_a_line_break_signs_you_in_and_sends_you_home(app):
    visitor = client_as(app, None)
    token = form_token(visitor.get("/sign-in").get_data(as_text=True))
    hostile = "/\r\nX-Injected: 1"
    form = {"name": NAMES["viewer"], "password": PASSWORDS["viewer"], "csrf_token": token, "next": hostile}
    response = visitor.post("/sign-in", data=form)
    assert (response.status_code, response.headers.get("Location")) == (302, "/")
    assert "X-Injected" not in response.headers
    again = visitor.get("/sign-in", query_string={"next": hostile})  # signed in already: sent on at once
    assert (again.status_code, again.headers.get("Location")) == (302, "/")
