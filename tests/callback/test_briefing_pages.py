"""The briefing's pages through the real HTTP endpoints: each user's choice on their account page (CSRF like the
password form), the admin's page (who receives it, a test, sending again what was not sent; admins only), and
publishing a month while the mail server is down: the publication succeeds, the failed sends are recorded, and the
admin sends them once the server is back."""

from __future__ import annotations

import time

import pytest

from dashboard import ids
from measures.accounts import briefing_choices
from measures.storage import audit, briefings, publications
from tests.auth_helpers import NAMES, callback, client_as, form_token
from tests.callback.test_publish_page import _output_for, _press
from tests.rendered import components, rendered, route, text
from tests.smtp_server import LoopbackSmtp, free_port


@pytest.fixture
def smtp():
    server = LoopbackSmtp()
    yield server
    server.stop()


def _mail_to(monkeypatch, port: int) -> None:
    monkeypatch.setenv("MEASURES_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MEASURES_SMTP_PORT", str(port))
    monkeypatch.setenv("MEASURES_SMTP_TLS", "none")
    monkeypatch.setenv("MEASURES_SMTP_SENDER", "briefing@example.gov.uk")
    monkeypatch.setenv("MEASURES_SMTP_RETRY_SECONDS", "0.05,0.05")
    monkeypatch.setenv("MEASURES_SITE_URL", "https://measures.example.gov.uk")


def _wait(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _choose(client, email: str, wanted: str, token: str | None = None):
    if token is None:
        token = form_token(client.get("/account/briefing").get_data(as_text=True))
    return client.post("/account/briefing", data={"email": email, "wants_briefing": wanted, "csrf_token": token})


def test_a_member_chooses_the_briefing_on_their_account_page(app):
    from dashboard.server import data

    client = client_as(app, "viewer")
    page = client.get("/account/briefing")
    assert page.status_code == 200 and 'name="email"' in page.get_data(as_text=True)
    saved = _choose(client, "vera@example.gov.uk", "yes")
    assert saved.status_code == 200
    assert "will be sent to vera@example.gov.uk" in saved.get_data(as_text=True)
    assert briefing_choices.briefing_choice(data.engine(), NAMES["viewer"]) == briefing_choices.BriefingChoice(
        "vera@example.gov.uk", True
    )
    assert audit.audit_frame(data.engine(), action="user.briefing_changed")["subject"].tolist() == [NAMES["viewer"]]
    assert [r.name for r in briefings.recipients(data.engine())] == [NAMES["viewer"]]
    stopped = _choose(client, "vera@example.gov.uk", "no")
    assert stopped.status_code == 200 and briefings.recipients(data.engine()) == []


def test_the_account_page_refuses_a_bad_address_a_missing_token_and_a_visitor(app):
    from dashboard.server import data

    client = client_as(app, "viewer")
    refused = _choose(client, "vera@example.gov.uk>\r\nBcc: all@example.gov.uk", "yes")
    assert refused.status_code == 400 and "one address" in refused.get_data(as_text=True)
    forged = _choose(client, "vera@example.gov.uk", "yes", token="forged")  # refused as every form is: sign in again
    assert forged.status_code == 302 and "/sign-in" in forged.headers["Location"]
    assert briefing_choices.briefing_choice(data.engine(), NAMES["viewer"]).wanted is False
    visitor = client_as(app, None).get("/account/briefing")
    assert visitor.status_code == 302 and "/sign-in" in visitor.headers["Location"]


def test_the_header_links_to_the_briefing_choice(app):
    layout = client_as(app, "viewer").get("/_dash-layout").get_json()
    links = [c["props"] for c in components(layout) if c.get("type") == "A"]
    assert {"children": "Email briefing", "className": "account-link", "href": "/account/briefing"} in links


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("viewer", 403), ("officer", 403)])
def test_only_admins_see_the_briefing_page_or_send(app, role, status):
    from dashboard.server import data

    briefing_choices.set_briefing_choice(data.engine(), NAMES["viewer"], "vera@example.gov.uk", True, "test")
    client = client_as(app, role)
    response = route(client, "/admin/briefing", "")
    assert response.status_code == status and "vera@example.gov.uk" not in response.get_data(as_text=True)
    for button in (ids.BRIEFING_RESEND_BUTTON, ids.BRIEFING_TEST_BUTTON):
        pressed = callback(client, _output_for(app, button), [{"id": button, "property": "n_clicks", "value": 1}])
        assert pressed.status_code == status


def test_the_admin_sees_who_receives_it_and_sends_a_test_to_themselves(app, smtp, monkeypatch):
    from dashboard.server import data

    _mail_to(monkeypatch, smtp.port)
    briefing_choices.set_briefing_choice(data.engine(), NAMES["viewer"], "vera@example.gov.uk", True, "test")
    admin = client_as(app, "admin")
    page = text(rendered(admin, "/admin/briefing"))
    assert "Vera Viewer" in page and "vera@example.gov.uk" in page and "127.0.0.1" in page
    press = [{"id": ids.BRIEFING_TEST_BUTTON, "property": "n_clicks", "value": 1}]
    unsigned = admin.post(  # a press without the CSRF header, as a page on another site would send it
        "/_dash-update-component",
        json={"output": _output_for(app, ids.BRIEFING_TEST_BUTTON), "outputs": [], "inputs": press, "state": []},
    )
    assert unsigned.status_code == 400 and smtp.tries == 0
    no_address = callback(admin, _output_for(app, ids.BRIEFING_TEST_BUTTON), press)
    assert "Give your email address" in no_address.get_data(as_text=True)
    briefing_choices.set_briefing_choice(data.engine(), NAMES["admin"], "ada@example.gov.uk", False, "test")
    sent = callback(admin, _output_for(app, ids.BRIEFING_TEST_BUTTON), press)
    assert sent.status_code == 200 and "is being sent to ada@example.gov.uk" in sent.get_data(as_text=True)
    [(recipients, message)] = smtp.wait_for(1)
    assert recipients == ("ada@example.gov.uk",)
    assert message["Subject"].startswith("TEST: Measures that Matter: January 2023 is published")
    assert "https://measures.example.gov.uk/pack?period=2023-01" in message.get_body(("plain",)).get_content()


def test_publishing_succeeds_while_the_mail_server_is_down_and_the_admin_sends_it_once_it_is_back(app, monkeypatch):
    from dashboard.server import data

    engine = data.engine()
    _mail_to(monkeypatch, free_port())  # nothing listens there
    briefing_choices.set_briefing_choice(engine, NAMES["viewer"], "vera@example.gov.uk", True, "test")
    publications.withdraw(engine, "2023-01", "Ada Admin", "figures to be checked")
    admin = client_as(app, "admin")
    published = _press(admin, app, ids.PUBLISH_BUTTON, "2023-01")
    assert published.status_code == 200 and "is published" in published.get_data(as_text=True)
    assert publications.month_state(engine, "2023-01").published
    [delivery] = briefings.deliveries(engine, "2023-01")
    _wait(lambda: briefings.deliveries(engine, "2023-01")[0].attempts == 3, "three attempts")
    [delivery] = briefings.deliveries(engine, "2023-01")
    assert delivery.state == briefings.FAILED and "ConnectionRefusedError" in delivery.last_detail
    assert len(audit.audit_frame(engine, action="briefing.attempt_failed")) == 3

    server = LoopbackSmtp()
    try:
        _mail_to(monkeypatch, server.port)
        press = [{"id": ids.BRIEFING_RESEND_BUTTON, "property": "n_clicks", "value": 1}]
        again = callback(admin, _output_for(app, ids.BRIEFING_RESEND_BUTTON), press)
        assert "1 briefing is being sent again" in again.get_data(as_text=True)
        [(recipients, message)] = server.wait_for(1)
    finally:
        server.stop()
    assert recipients == ("vera@example.gov.uk",)
    assert message["Subject"] == "Measures that Matter: January 2023 is published (Herefordshire)"
    _wait(lambda: briefings.deliveries(engine, "2023-01")[0].state == briefings.SENT, "the send recorded")
    assert briefings.deliveries(engine, "2023-01")[0].attempts == 4
    assert audit.audit_frame(engine, action="briefing.resend_requested")["actor"].tolist() == [NAMES["admin"]]


def test_without_a_mail_server_the_buttons_say_nothing_is_sent_and_queue_nothing(app, monkeypatch):
    from dashboard.server import data

    monkeypatch.delenv("MEASURES_SMTP_HOST", raising=False)
    briefing_choices.set_briefing_choice(data.engine(), NAMES["admin"], "ada@example.gov.uk", False, "test")
    admin = client_as(app, "admin")
    for button in (ids.BRIEFING_TEST_BUTTON, ids.BRIEFING_RESEND_BUTTON):
        press = [{"id": button, "property": "n_clicks", "value": 1}]
        said = callback(admin, _output_for(app, button), press).get_data(as_text=True)
        assert "No mail server is set" in said and "being sent" not in said
    assert briefings.deliveries(data.engine()) == []
