"""Signing in from tests, as a browser would: fetch the sign-in form for its CSRF token, post the name and
password, then send the `_csrf_token` cookie back as the X-CSRFToken header on callbacks (as Dash does)."""

from __future__ import annotations

import re

from measures.accounts import users

PASSWORDS = {"viewer": "viewer-password-1234", "officer": "officer-password-1234", "admin": "admin-password-1234"}
NAMES = {"viewer": "Vera Viewer", "officer": "Olu Officer", "admin": "Ada Admin"}


def add_test_users(engine) -> None:
    """Add one user of each role (NAMES, PASSWORDS) unless they exist."""
    for role, name in NAMES.items():
        if users.find_user(engine, name) is None:
            users.add_user(engine, name, role, PASSWORDS[role], "test setup")


def form_token(html: str) -> str:
    """Return the CSRF token of the first form in `html`."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, role: str) -> None:
    """Sign the Flask test client in as the test user of `role` (see `add_test_users`)."""
    token = form_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"name": NAMES[role], "password": PASSWORDS[role], "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def client_as(app, role: str | None):
    """Return a Flask test client of `app` signed in as the test user of `role`; for None, a visitor who has
    opened the sign-in page (so has a session and a CSRF cookie, as a browser would) but not signed in."""
    client = app.server.test_client()
    if role:
        sign_in(client, role)
    else:
        client.get("/sign-in")
    return client


def callback(client, output: str, inputs: list[dict], state: list[dict] | None = None, outputs=None):
    """POST one Dash callback request the way the renderer does (with the CSRF header when there is a cookie)."""
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/_dash-update-component", json=callback_body(output, inputs, state, outputs), headers=headers)


def callback_body(output: str, inputs: list[dict], state: list[dict] | None = None, outputs=None) -> dict:
    """The JSON body of a Dash callback request, as the renderer builds it."""
    return {
        "output": output,
        "outputs": outputs or callback_outputs(output),
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else [],
    }


def callback_outputs(output: str):
    """The `outputs` part of a callback request, as the renderer builds it from the callback's output key."""
    parts = [p for p in output.strip(".").split("...") if p]
    specs = []
    for part in parts:
        identifier, _, prop = part.rpartition(".")
        specs.append({"id": identifier, "property": prop.split("@")[0]})
    return specs[0] if len(specs) == 1 and not output.startswith("..") else specs


def http_opener(base_url: str, role: str | None):
    """Return a urllib opener with its own cookie jar, signed in to the served app as the test user of `role`
    (anonymous when `role` is None), and the jar."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if role is not None:
        with opener.open(base_url + "/sign-in", timeout=30) as response:
            token = form_token(response.read().decode())
        data = urllib.parse.urlencode({"name": NAMES[role], "password": PASSWORDS[role], "csrf_token": token})
        with opener.open(base_url + "/sign-in", data.encode(), timeout=60) as response:
            assert "/sign-in" not in response.url, f"signing in as {role} failed"
    return opener, jar


def browser_cookies(base_url: str, role: str | None) -> list[dict]:
    """Return the cookies of a fresh session signed in as `role`, in Playwright's `add_cookies` form."""
    _, jar = http_opener(base_url, role)
    return [
        {
            "name": c.name,
            "value": c.value,
            "url": base_url + "/",
            "httpOnly": c.name != "_csrf_token",
            "sameSite": "Strict" if c.name == "_csrf_token" else "Lax",
        }
        for c in jar
    ]
