"""The briefing as a member receives it, from the app served on loopback: an admin publishes a month through the
real callback endpoint, the server prints the pack and sends the briefing to a real SMTP server on loopback; the
message has a plain-text part, an HTML part whose every link opens on the served app, and the PDF attached, the very
PDF `/pack.pdf` serves. The message is left in test-output/briefing/ for people to read, with the HTML drawn with
images off."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request

import pytest

from dashboard import ids
from measures.accounts import briefing_choices
from measures.storage import briefings, db, publications
from tests.auth_helpers import NAMES, http_opener
from tests.browser.conftest import _serve, _stop
from tests.smtp_server import LoopbackSmtp

pytestmark = pytest.mark.browser
PERIOD = "2023-01"


@pytest.fixture(scope="module")
def smtp():
    server = LoopbackSmtp()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def briefing_app(demo_database, tmp_path_factory, smtp):
    """(base URL, database URL): the demo with January 2023 withdrawn and the viewer choosing the briefing, served
    with its mail going to `smtp`."""
    folder = tmp_path_factory.mktemp("briefing")
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    url = f"sqlite:///{database}"
    with pytest.MonkeyPatch.context() as patch:
        for name in ("MEASURES_PACK_BASE_URL", "MEASURES_SITE_URL", "MEASURES_CHROMIUM", "MEASURES_OPEN_VIEWING"):
            patch.delenv(name, raising=False)
        patch.setenv("MEASURES_SMTP_HOST", "127.0.0.1")
        patch.setenv("MEASURES_SMTP_PORT", str(smtp.port))
        patch.setenv("MEASURES_SMTP_TLS", "none")
        patch.setenv("MEASURES_SMTP_SENDER", "briefing@example.gov.uk")
        process, base_url, log = _serve(url, folder / "app.log")
    engine = db.make_engine(url)
    briefing_choices.set_briefing_choice(engine, NAMES["viewer"], "vera@example.gov.uk", True, NAMES["viewer"])
    publications.withdraw(engine, PERIOD, NAMES["admin"], "figures to be checked")
    engine.dispose()
    yield base_url, url
    _stop(process, log)


def _publish(base_url: str, database_url: str) -> dict:
    """Press Publish on the publish page's check of PERIOD as the admin, as the browser does."""
    opener, jar = http_opener(base_url, "admin")
    with opener.open(base_url + "/_dash-dependencies", timeout=60) as response:
        dependencies = json.load(response)
    [output] = [d["output"] for d in dependencies if any(i["id"] == ids.PUBLISH_BUTTON for i in d["inputs"])]
    engine = db.make_engine(database_url)
    mark = publications.newest_upload_mark(engine)
    engine.dispose()
    outputs = []
    for part in output.strip(".").split("..."):
        identifier, _, prop = part.rpartition(".")
        outputs.append({"id": identifier, "property": prop.split("@")[0]})
    body = {
        "output": output,
        "outputs": outputs,
        "inputs": [{"id": ids.PUBLISH_BUTTON, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": ids.PUBLISH_CHOSEN, "property": "data", "value": PERIOD},
            {"id": ids.PUBLISH_CHECKED_MARK, "property": "data", "value": mark},
        ],
        "changedPropIds": [f"{ids.PUBLISH_BUTTON}.n_clicks"],
    }
    token = next(cookie.value for cookie in jar if cookie.name == "_csrf_token")
    request = urllib.request.Request(
        base_url + "/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    with opener.open(request, timeout=60) as response:
        return json.load(response)


def _pdf_text(data: bytes, folder) -> str:
    saved = folder / "attached.pdf"
    saved.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True, text=True).stdout


def test_publishing_sends_the_briefing_with_valid_links_and_the_pack_attached(
    briefing_app, smtp, output_dir, tmp_path, browser
):
    base_url, database_url = briefing_app
    answer = json.dumps(_publish(base_url, database_url))
    assert "January 2023 is published" in answer, answer[:500]

    [(recipients, message)] = smtp.wait_for(1, seconds=180)
    assert recipients == ("vera@example.gov.uk",)
    assert message["To"] == "Vera Viewer <vera@example.gov.uk>"
    assert message["Subject"] == "Measures that Matter: January 2023 is published (Herefordshire)"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "HEADLINE" in plain and "MEASURES OF CONCERN" in plain and "WHAT CHANGED SINCE DECEMBER 2022" in plain
    assert "The meeting pack is attached as a PDF." in plain
    assert "<img" not in html and "<script" not in html

    [attached] = list(message.iter_attachments())
    pdf = attached.get_content()
    assert attached.get_content_type() == "application/pdf" and pdf.startswith(b"%PDF")
    words = " ".join(_pdf_text(pdf, tmp_path).split())
    assert "as at January 2023" in words

    folder = output_dir / "briefing"
    folder.mkdir(exist_ok=True)
    (folder / "briefing-2023-01.eml").write_bytes(message.as_bytes())
    (folder / "briefing-2023-01.txt").write_text(plain, encoding="utf-8")
    (folder / "briefing-2023-01.html").write_text(html, encoding="utf-8")

    # Every link opens on the served app for a member signed in; the PDF link gives the PDF that was attached.
    links = sorted(set(re.findall(r'href="([^"]+)"', html)))
    assert set(links) == set(re.findall(r"https?://\S+", plain))
    assert f"{base_url}/pack?period={PERIOD}" in links and f"{base_url}/account/briefing" in links
    viewer, _ = http_opener(base_url, "viewer")
    for link in links:
        assert link.startswith(base_url + "/"), link
        with viewer.open(link.replace("&amp;", "&"), timeout=120) as response:
            assert response.status == 200 and "/sign-in" not in response.url, link
    with viewer.open(f"{base_url}/pack.pdf?period={PERIOD}", timeout=120) as response:
        assert response.read() == pdf

    engine = db.make_engine(database_url)
    [delivery] = briefings.deliveries(engine, PERIOD)
    engine.dispose()
    assert (delivery.state, delivery.attempts, delivery.kind) == (briefings.SENT, 1, briefings.PUBLICATION)

    # The HTML as a mail client with images off shows it: nothing is fetched, nothing is missing.
    context = browser.new_context(viewport={"width": 800, "height": 1000}, java_script_enabled=False)
    page = context.new_page()
    fetched: list[str] = []
    page.route("**/*", lambda route: (fetched.append(route.request.url), route.abort()))
    page.set_content(html)
    page.screenshot(path=str(folder / "briefing-2023-01.png"), full_page=True)
    assert fetched == []
    assert "Measures of concern" in page.inner_text("body")
    context.close()
