"""Sign-in delays per address behind a reverse proxy (MEASURES_BEHIND_PROXY=1), against the app served on loopback:
the proxy's X-Forwarded-For names the client, and an IPv6 client, which holds a whole /64 network of addresses, is
counted by that network, so a new address for every guess does not escape the delay."""

from __future__ import annotations

import http.cookiejar
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest

from measures.accounts.sign_in_delays import FREE_FAILURES_PER_ADDRESS
from tests.auth_helpers import NAMES, PASSWORDS, form_token
from tests.browser.conftest import _serve, _stop


@pytest.fixture(scope="module")
def served(demo_database, tmp_path_factory):
    """The app on loopback behind a (pretend) proxy over a copy of the demo database; yields its base URL."""
    folder = tmp_path_factory.mktemp("behind-proxy")
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEASURES_BEHIND_PROXY", "1")
        process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    yield base_url
    _stop(process, log)


def _sign_in(base_url: str, name: str, password: str, client: str) -> int:
    """Post the sign-in form from a fresh browser, as the proxy forwards it for `client`; return the status."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
    forwarded = {"X-Forwarded-For": client}
    with opener.open(urllib.request.Request(base_url + "/sign-in", headers=forwarded), timeout=30) as response:
        token = form_token(response.read().decode())
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token}).encode()
    try:
        with opener.open(urllib.request.Request(base_url + "/sign-in", form, headers=forwarded), timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as answer:
        return answer.code


def test_guesses_from_new_ipv6_addresses_of_one_network_are_counted_together(served):
    # Every guess a different name (no name's own delay starts) from a different address of one /64.
    for guess in range(FREE_FAILURES_PER_ADDRESS):
        assert _sign_in(served, f"someone {guess}", "a wrong password", f"2001:db8:7:9::{guess + 1:x}") == 401
    # The next attempt from yet another address of that network waits, even with the right password ...
    assert _sign_in(served, NAMES["viewer"], PASSWORDS["viewer"], "2001:db8:7:9:ffff:1234:5678:9abc") == 429
    # ... while a client on another network, and one on IPv4, are not held up by it.
    assert _sign_in(served, NAMES["viewer"], PASSWORDS["viewer"], "2001:db8:7:a::1") == 302
    assert _sign_in(served, NAMES["officer"], PASSWORDS["officer"], "192.0.2.10") == 302


def test_an_ipv4_address_written_as_ipv6_is_the_same_address(served):
    for guess in range(FREE_FAILURES_PER_ADDRESS):
        client = "::ffff:198.51.100.200" if guess % 2 else "198.51.100.200"
        assert _sign_in(served, f"another {guess}", "a wrong password", client) == 401
    assert _sign_in(served, NAMES["admin"], PASSWORDS["admin"], "198.51.100.200") == 429
