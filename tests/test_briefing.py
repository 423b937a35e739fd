"""The monthly briefing: what it says (from the demo data, worked by hand), the email it makes (plain text and HTML,
everything typed escaped, the PDF attached or its link), and sending it to a real SMTP server on loopback: received,
retried after a temporary refusal, recorded when the server is down, never retried after a permanent refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from measures.accounts import briefing_choices, users
from measures.mail.sending import deliver
from measures.mail.settings import SmtpSettings
from measures.storage import audit, briefings, publications
from measures.views.briefing import BriefingError, ChangeLine, ConcernLine, MonthBriefing, build_briefing
from measures.views.briefing_message import (
    Attachment,
    BriefingLinks,
    attachment_for,
    compose,
    html_text,
    plain_text,
)
from tests.smtp_server import LoopbackSmtp, free_port

SITE = "https://measures.example.gov.uk"
PDF = b"%PDF-1.7\n% the pack\n"


@pytest.fixture
def smtp():
    server = LoopbackSmtp()
    yield server
    server.stop()


def _settings(port: int, waits: tuple[float, ...] = (0.05, 0.05)) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        tls="none",
        sender="briefing@example.gov.uk",
        user="",
        password="",
        timeout=5,
        pdf_limit_bytes=1024 * 1024,
        retry_waits=waits,
    )


def test_the_briefing_says_the_headline_the_measures_of_concern_and_what_changed(demo_engine):
    briefing = build_briefing(demo_engine, "2023-01")
    assert briefing.month == "January 2023" and briefing.previous_month == "December 2022"
    assert briefing.headline[0].startswith("Of the 38 measures: ")
    assert briefing.headline[-1].startswith("Compared with last month only: ")
    # 3.1 was 68.0% in December 2022 and 77.6% in January 2023 (the published table's own figures): better.
    [assessments] = [line for line in briefing.better if line.ref == "3.1"]
    assert (assessments.previous, assessments.current) == ("68.0%", "77.6%")
    assert all(line.ref != "3.1" for line in briefing.worse)
    # 2.3, social workers with more than 24 children, is 12 against a target of none above 24: off target.
    [caseloads] = [line for line in briefing.concerns if line.ref == "2.3"]
    assert caseloads.figure == "12" and "off target" in caseloads.reasons
    assert "27 of 38 measures have a figure for January 2023" in briefing.completeness
    # The demo's history before the committee paper is synthetic, and the briefing says its words read some of it.
    assert briefing.shows_synthetic
    assert "synthetic demonstration figures" in plain_text(briefing, BriefingLinks(SITE, "2023-01"), Attachment(PDF))


def test_a_month_that_is_not_published_has_no_briefing(demo_engine):
    publications.withdraw(demo_engine, "2023-01", "Ada Admin", "figures to be checked")
    with pytest.raises(BriefingError, match="January 2023 is not published"):
        build_briefing(demo_engine, "2023-01")


def _hostile_briefing() -> MonthBriefing:
    return MonthBriefing(
        period="2023-01",
        council="Hereford & <b>Worcester</b>",
        headline=("Of the 2 measures: 1 show significant concern and 1 within normal variation.",),
        concerns=(ConcernLine("2.2", "<script>alert('x')</script>", "2. Caseloads", "17.2", ("off target",)),),
        better=(),
        worse=(ChangeLine("3.1", '"><img src=x onerror=alert(1)>', "68.0%", "60.0%", "worse", "worse"),),
        published_at=datetime(2023, 2, 14, 10, 0, tzinfo=UTC),
        published_by="Ada <Admin>",
        completeness="2 of 2 measures have a figure for January 2023.",
    )


def test_everything_typed_is_escaped_in_the_html_and_said_in_the_plain_text():
    briefing, links = _hostile_briefing(), BriefingLinks(SITE, "2023-01")
    page = html_text(briefing, links, Attachment(PDF))
    assert "<script>" not in page and "<img" not in page and "<b>" not in page and "<Admin>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Hereford &amp; &lt;b&gt;Worcester&lt;/b&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    text = plain_text(briefing, links, Attachment(PDF))
    assert "2.2 <script>alert('x')</script>: 17.2. Off target." in text
    assert (
        '3.1 "><img src=x onerror=alert(1)>: 60.0%, from 68.0% in December 2022 (a significant change for the '
        "worse)." in text
    )
    assert "published on 14 February 2023 by Ada <Admin>" in text


def test_a_pdf_over_the_limit_is_not_attached_and_the_email_says_so_with_its_link():
    briefing, links = _hostile_briefing(), BriefingLinks(SITE, "2023-01")
    pdf = b"%PDF" + bytes(3 * 1024 * 1024 - 4)  # 3 MB
    assert attachment_for(pdf, 3 * 1024 * 1024) == Attachment(pdf)
    too_large = attachment_for(pdf, 3 * 1024 * 1024 - 1)
    reason = "The meeting pack's PDF (3.0 MB) is too large to attach."
    assert too_large == Attachment(None, reason)
    message = compose(briefing, links, "briefing@example.gov.uk", "Vera", "vera@example.gov.uk", too_large)
    assert not list(message.iter_attachments())
    plain = message.get_body(("plain",)).get_content()
    assert f"{reason} The meeting pack's PDF is at {SITE}/pack.pdf?period=2023-01" in plain
    assert f'href="{SITE}/pack.pdf?period=2023-01"' in message.get_body(("html",)).get_content()


def _queue(engine, name: str = "Vera Viewer", address: str = "vera@example.gov.uk") -> int:
    [delivery_id] = briefings.queue(
        engine, "2023-01", briefings.TEST, "Ada Admin", [briefings.Recipient(name, address)]
    )
    return delivery_id


def _message(engine, address: str = "vera@example.gov.uk"):
    briefing = build_briefing(engine, "2023-01")
    return compose(
        briefing, BriefingLinks(SITE, "2023-01"), "briefing@example.gov.uk", "Vera Viewer", address, Attachment(PDF)
    )


def test_the_briefing_is_received_with_a_plain_part_an_html_part_and_the_pdf(demo_engine, smtp):
    delivery_id = _queue(demo_engine)
    assert deliver(demo_engine, delivery_id, _message(demo_engine), _settings(smtp.port))
    [(recipients, received)] = smtp.wait_for(1)
    assert recipients == ("vera@example.gov.uk",)
    assert received["Subject"] == "Measures that Matter: January 2023 is published (Herefordshire)"
    plain = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "HEADLINE" in plain and f"{SITE}/pack?period=2023-01" in plain
    assert f'href="{SITE}/pack?period=2023-01"' in html and "<img" not in html
    [attached] = list(received.iter_attachments())
    assert attached.get_content_type() == "application/pdf" and attached.get_content() == PDF
    assert attached.get_filename() == "measures-that-matter-2023-01.pdf"
    [delivery] = briefings.deliveries(demo_engine, ids=[delivery_id])
    assert (delivery.state, delivery.attempts) == (briefings.SENT, 1)
    assert audit.audit_frame(demo_engine, action="briefing.sent")["subject"].tolist() == ["2023-01"]


def test_a_temporary_refusal_is_tried_again_and_every_attempt_recorded(demo_engine, smtp):
    smtp.refusals = ["451 4.3.0 Try again later", "421 4.7.0 Too busy"]
    delivery_id = _queue(demo_engine)
    slept: list[float] = []
    assert deliver(
        demo_engine, delivery_id, _message(demo_engine), _settings(smtp.port, (0.05, 0.1)), sleep=slept.append
    )
    assert smtp.tries == 3 and len(smtp.wait_for(1)) == 1
    assert slept == [0.05, 0.1]
    [delivery] = briefings.deliveries(demo_engine, ids=[delivery_id])
    assert (delivery.state, delivery.attempts) == (briefings.SENT, 3)
    failed = audit.audit_frame(demo_engine, action="briefing.attempt_failed")
    assert sorted(detail["detail"] for detail in failed["detail"]) == [
        "421 4.7.0 Too busy",
        "451 4.3.0 Try again later",
    ]


def test_a_server_that_is_down_is_tried_each_time_then_recorded_as_not_sent(demo_engine):
    delivery_id = _queue(demo_engine)
    assert not deliver(demo_engine, delivery_id, _message(demo_engine), _settings(free_port()))
    [delivery] = briefings.deliveries(demo_engine, ids=[delivery_id])
    assert (delivery.state, delivery.attempts) == (briefings.FAILED, 3)
    assert "ConnectionRefusedError" in delivery.last_detail
    assert [d.id for d in briefings.unsent(demo_engine)] == [delivery_id]
    assert len(audit.audit_frame(demo_engine, action="briefing.attempt_failed")) == 3


def test_a_permanent_refusal_is_not_tried_again(demo_engine, smtp):
    smtp.refusals = ["550 5.1.1 No such mailbox"]
    delivery_id = _queue(demo_engine)
    assert not deliver(demo_engine, delivery_id, _message(demo_engine), _settings(smtp.port))
    [delivery] = briefings.deliveries(demo_engine, ids=[delivery_id])
    assert (delivery.state, delivery.attempts, delivery.last_detail) == (
        briefings.FAILED,
        1,
        "550 5.1.1 No such mailbox",
    )


def test_publishing_queues_the_briefing_to_those_who_chose_it_with_the_publication(demo_engine):
    users.add_user(demo_engine, "Vera Viewer", "viewer", "viewer-password-1234", "test")
    users.add_user(demo_engine, "Carl Councillor", "viewer", "viewer-password-5678", "test")
    users.add_user(demo_engine, "Nora Noemail", "viewer", "viewer-password-9012", "test")
    briefing_choices.set_briefing_choice(demo_engine, "Vera Viewer", "vera@example.gov.uk", True, "Vera Viewer")
    briefing_choices.set_briefing_choice(
        demo_engine, "Carl Councillor", "carl@example.gov.uk", False, "Carl Councillor"
    )
    publications.withdraw(demo_engine, "2023-01", "Ada Admin", "figures to be checked")
    assert briefings.deliveries(demo_engine, "2023-01") == []
    publications.publish(demo_engine, "2023-01", "Ada Admin")
    [delivery] = briefings.deliveries(demo_engine, "2023-01")
    assert (delivery.user_name, delivery.address, delivery.kind, delivery.state) == (
        "Vera Viewer",
        "vera@example.gov.uk",
        briefings.PUBLICATION,
        briefings.WAITING,
    )
    users.set_active(demo_engine, "Vera Viewer", False, "Ada Admin")
    assert briefings.recipients(demo_engine) == []


@pytest.mark.parametrize(
    "address",
    ["vera", "vera@example", "vera @example.gov.uk", "vera@example.gov.uk\nBcc: x@y.uk", "<v@example.gov.uk>"],
)
def test_an_address_that_is_not_one_plain_address_is_refused(demo_engine, address):
    users.add_user(demo_engine, "Vera Viewer", "viewer", "viewer-password-1234", "test")
    with pytest.raises(briefing_choices.BriefingChoiceError, match="one address"):
        briefing_choices.set_briefing_choice(demo_engine, "Vera Viewer", address, True, "Vera Viewer")
    assert briefing_choices.briefing_choice(demo_engine, "Vera Viewer") == briefing_choices.BriefingChoice("", False)


def test_the_send_log_and_the_queue_on_publication_work_on_both_databases(any_engine):
    from measures.storage import recording

    recording.record_values(
        any_engine,
        [recording.ValueRow("2.2", "2023-02", value=18.5)],
        recording.UploadInfo(kind="import", filename="return-2023-02.xlsx", user_name="Olu Officer"),
    )
    users.add_user(any_engine, "Vera Viewer", "viewer", "viewer-password-1234", "test")
    briefing_choices.set_briefing_choice(any_engine, "Vera Viewer", "vera@example.gov.uk", True, "Vera Viewer")
    publications.publish(any_engine, "2023-02", "Ada Admin")
    [delivery] = briefings.deliveries(any_engine, "2023-02")
    assert (delivery.state, delivery.attempts) == (briefings.WAITING, 0)
    briefings.record_attempt(any_engine, delivery.id, False, "451 4.3.0 Try again later")
    assert briefings.deliveries(any_engine, "2023-02")[0].state == briefings.FAILED
    briefings.record_attempt(any_engine, delivery.id, True, "accepted")
    [sent] = briefings.deliveries(any_engine, "2023-02")
    assert (sent.state, sent.attempts, sent.last_detail) == (briefings.SENT, 2, "accepted")
    assert briefings.unsent(any_engine) == []


def test_a_briefing_that_cannot_be_queued_never_undoes_the_publication(demo_engine):
    users.add_user(demo_engine, "Vera Viewer", "viewer", "viewer-password-1234", "test")
    briefing_choices.set_briefing_choice(demo_engine, "Vera Viewer", "vera@example.gov.uk", True, "Vera Viewer")
    publications.withdraw(demo_engine, "2023-01", "Ada Admin", "figures to be checked")
    with demo_engine.begin() as connection:  # the send log is gone: queuing the briefing fails
        connection.exec_driver_sql("DROP TABLE briefing_attempts")
        connection.exec_driver_sql("DROP TABLE briefing_deliveries")
    publications.publish(demo_engine, "2023-01", "Ada Admin")
    assert publications.month_state(demo_engine, "2023-01").published
    assert audit.audit_frame(demo_engine, action="month.published", limit=1)["subject"].tolist() == ["2023-01"]


def test_a_month_queued_for_a_member_who_has_since_opted_out_is_not_sent(demo_engine):
    users.add_user(demo_engine, "Vera Viewer", "viewer", "viewer-password-1234", "test")
    briefing_choices.set_briefing_choice(demo_engine, "Vera Viewer", "vera@example.gov.uk", True, "Vera Viewer")
    with demo_engine.begin() as connection:
        [queued] = briefings.queue_for_publication_in(connection, "2023-01", "Ada Admin")
    test_id = _queue(demo_engine, "Ada Admin", "ada@example.gov.uk")
    owed = briefings.deliveries(demo_engine, ids=[queued, test_id])
    send, dropped = briefings.still_wanted(demo_engine, owed)
    assert {d.id for d in send} == {queued, test_id} and dropped == []
    # A new address is used; opting out (or being disabled) drops the month's briefing; a test still goes.
    briefing_choices.set_briefing_choice(demo_engine, "Vera Viewer", "vera.new@example.gov.uk", True, "Vera Viewer")
    send, _ = briefings.still_wanted(demo_engine, owed)
    assert {d.address for d in send} == {"vera.new@example.gov.uk", "ada@example.gov.uk"}
    briefing_choices.set_briefing_choice(demo_engine, "Vera Viewer", "", False, "Vera Viewer")
    send, dropped = briefings.still_wanted(demo_engine, owed)
    assert [d.id for d in send] == [test_id] and [d.id for d in dropped] == [queued]
