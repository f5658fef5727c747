"""Overdue lists, letters, e-mail notices through a real local SMTP server, the daily job."""

import email
import email.policy
import shutil
import socket
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout, reader_loans
from libsys.circulation.notices.models import NoticeLog
from libsys.circulation.notices.services import notice_level, overdues_by_reader, run_daily
from libsys.extensions import db
from tests.circulation.conftest import adult, child, make_item
from tests.factories import make_staff, sign_in


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp(app):
    """A real SMTP server on localhost, and the app configured to use it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (aiosmtpd checks readiness on its port)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config.get(key) for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_SENDER")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SENDER="thuvien@laichau.vn")
    yield inbox
    app.config.update(saved)
    controller.stop()


def overdue_loan(tvlc, reader, days_late: int, title: str = "Truyện Kiều"):
    """A loan of a new copy, due `days_late` days ago (lent before the reader's other ones
    fell due, so the overdue block does not apply)."""
    from libsys.core.clock import local_today
    from tests.circulation.conftest import make_record

    item = make_item(make_record(title))
    parked = list(reader_loans(reader))
    saved = {loan.id: loan.due_date for loan in parked}
    for loan in parked:
        loan.due_date = local_today() + timedelta(days=1)
    db.session.flush()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    for other in parked:
        other.due_date = saved[other.id]
    loan.due_date = local_today() - timedelta(days=days_late)
    db.session.flush()
    return loan


def logs() -> int:
    return db.session.scalar(select(func.count(NoticeLog.id)))


def test_notice_levels(tvlc, today):
    loan = overdue_loan(tvlc, adult(), 0)
    assert notice_level(loan, today) == 0
    loan.due_date = today - timedelta(days=1)
    assert notice_level(loan, today) == 1
    loan.due_date = today - timedelta(days=14)
    assert notice_level(loan, today) == 2


def test_overdue_list_page_shows_contacts_and_days(client, tvlc):
    make_staff("circulation", "TVLC", "desk-od")
    sign_in(client, "desk-od")
    reader = adult(full_name="Hoàng Văn Nam", phone="0912 345 678")
    overdue_loan(tvlc, reader, 9, "Số đỏ")
    young = child(guardian_phone="0987654321")
    overdue_loan(tvlc, young, 3, "Dế Mèn phiêu lưu ký")
    page = client.get("/staff/notices/overdues")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("Hoàng Văn Nam", "0912 345 678", "Số đỏ", "Lò Văn Páo", "0987654321"):
        assert expected in text
    assert ">9<" in text and ">3<" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_letters_one_page_per_reader_in_vietnamese(client, tvlc, tmp_path):
    make_staff("circulation", "TVLC", "desk-letter")
    sign_in(client, "desk-letter")
    first = adult(full_name="Nguyễn Thị Thu", address="Số 5 đường Trần Phú")
    overdue_loan(tvlc, first, 5, "Nhật ký trong tù")
    overdue_loan(tvlc, first, 2, "Tắt đèn")
    overdue_loan(tvlc, adult(full_name="Quàng Văn Dũng"), 1, "Vợ nhặt")
    response = client.get("/staff/notices/overdues/letters.pdf?new=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "letters.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "Nguyễn Thị Thu" in pages[0] and "Tắt đèn" in pages[0] and "Nhật ký trong tù" in pages[0]
    assert "Quàng Văn Dũng" in pages[1] and "Vợ nhặt" in pages[1]
    assert "GIẤY BÁO QUÁ HẠN" in pages[0] and "Thư viện tỉnh Lai Châu".upper() in pages[0]
    assert "Số 5 đường Trần Phú" in pages[0]
    # Recording the letters as sent takes them off the "new" list.
    client.post("/staff/notices/overdues/letters-sent")
    assert logs() == 3
    assert all(not group.needs_notice for group in overdues_by_reader(tvlc))


def test_daily_emails_overdue_and_hold_notices_once(app, smtp, tvlc, today):
    reader = adult(full_name="Vũ Thị Lan", email="lan@example.vn")
    overdue_loan(tvlc, reader, 4, "Chí Phèo")
    overdue_loan(tvlc, reader, 20, "Lão Hạc")
    no_email = adult(full_name="Giàng A Páo")
    overdue_loan(tvlc, no_email, 6, "Vang bóng một thời")
    # A reserved copy comes back and waits on the shelf.
    item = make_item()
    checkout(item.barcode, adult(full_name="Sùng Thị Mai").card_number, library=tvlc)
    hold = place_hold(reader, record=item.record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    assert hold.status == "on_shelf"

    lines = run_daily()
    assert "overdue notices e-mailed: 1 readers (2 loans)" in lines
    assert "overdue notices to print (no e-mail address): 1" in lines
    assert "hold notices e-mailed: 1" in lines
    assert len(smtp.messages) == 2
    recipients = sorted(to for tos, _m in smtp.messages for to in tos)
    assert recipients == ["lan@example.vn", "lan@example.vn"]
    bodies = {m["Subject"]: m.get_content() for _tos, m in smtp.messages}
    overdue_body = next(
        b for s, b in bodies.items() if "Thư viện tỉnh Lai Châu" in s and "Chí Phèo" in b
    )
    assert "Lão Hạc" in overdue_body and "Vũ Thị Lan" in overdue_body
    assert any(hold.record.title in body for body in bodies.values())
    assert all(m["From"] == "thuvien@laichau.vn" for _t, m in smtp.messages)
    assert hold.notified_at is not None

    # Nothing is sent twice.
    again = run_daily()
    assert "overdue notices e-mailed: 0 readers (0 loans)" in again
    assert len(smtp.messages) == 2


def test_daily_expires_holds_and_needs_no_smtp(app, tvlc, today):
    item = make_item()
    reader = adult()
    checkout(item.barcode, adult(full_name="Lý Thị Sen").card_number, library=tvlc)
    hold = place_hold(reader, record=item.record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    hold.shelf_expires_on = today - timedelta(days=1)
    db.session.flush()
    assert not app.config.get("SMTP_HOST")
    lines = run_daily()
    assert lines[0] == "holds expired: 1"
    assert hold.status == "expired"
    assert any("SMTP_HOST not set" in line for line in lines)


def test_failed_email_is_not_recorded(app, tvlc):
    reader = adult(email="nobody@example.vn")
    overdue_loan(tvlc, reader, 3)
    saved = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens there
    try:
        lines = run_daily()
    finally:
        app.config["SMTP_HOST"], app.config["SMTP_PORT"] = saved
    assert any(line.startswith("e-mail failed: nobody@example.vn") for line in lines)
    assert logs() == 0


def test_cli_daily_prints_what_it_did(app, tvlc):
    result = app.test_cli_runner().invoke(args=["circulation", "daily"])
    assert result.exit_code == 0, result.output
    assert "holds expired: 0" in result.output


def test_hold_call_list_and_told_button(client, tvlc):
    make_staff("circulation", "TVLC", "desk-call")
    sign_in(client, "desk-call")
    item = make_item()
    checkout(item.barcode, adult(full_name="Lý Thị Sen").card_number, library=tvlc)
    waiting = adult(full_name="Tòng Văn Hải", phone="0203 123 456")
    hold = place_hold(waiting, record=item.record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    page = client.get("/staff/notices/holds")
    assert "Tòng Văn Hải" in page.get_data(as_text=True) and b"0203 123 456" in page.data
    assert client.post(f"/staff/notices/holds/{hold.id}/called").status_code == 302
    after = client.get("/staff/notices/holds").get_data(as_text=True)
    assert "<td>Tòng Văn Hải" not in after and "Không cần gọi ai." in after
    assert logs() == 1
