"""The reader's OPAC account: loans and renewals, holds, reading history, password."""

from datetime import timedelta

from sqlalchemy import func, select

from libsys.circulation.holds.models import Hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout
from libsys.extensions import db
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import sign_in

PASSWORD = "bandoc-123"


def signed_in_reader(client, **overrides):
    reader = adult(password=PASSWORD, **overrides)
    sign_in(client, reader.card_number, PASSWORD)
    return reader


def test_account_lists_loans_with_due_dates_and_renews(client, tvlc, today):
    reader = signed_in_reader(client)
    item = make_item(make_record("Nhà giả kim"))
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    page = client.get("/account/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Nhà giả kim" in text and loan.due_date.strftime("%d/%m/%Y") in text
    assert "Sách tôi đang mượn" in text  # Vietnamese first
    assert f'action="/account/loans/{loan.id}/renew"' in text
    old_due = loan.due_date
    response = client.post(f"/account/loans/{loan.id}/renew")
    assert response.status_code == 302
    db.session.expire_all()
    assert loan.renewals == 1 and loan.due_date > old_due


def test_renewal_refused_when_another_reader_waits(client, tvlc):
    reader = signed_in_reader(client)
    item = make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    from libsys.circulation.holds.services import place_hold

    place_hold(adult(full_name="Bạn đọc khác"), record=item.record, pickup_library=tvlc)
    client.post(f"/account/loans/{loan.id}/renew")
    page = client.get("/account/").get_data(as_text=True)
    assert "không thể gia hạn" in page.lower() or "đang chờ" in page
    db.session.expire_all()
    assert loan.renewals == 0


def test_a_reader_cannot_touch_another_readers_loan(client, tvlc):
    signed_in_reader(client)
    other = adult(full_name="Người khác")
    loan = checkout(make_item().barcode, other.card_number, library=tvlc).loan
    assert client.post(f"/account/loans/{loan.id}/renew").status_code == 404


def test_place_and_cancel_a_hold(client, tvlc):
    reader = signed_in_reader(client)
    record = make_record("Đất rừng phương Nam")
    make_item(record)
    form = client.get(f"/account/holds/place?record_id={record.id}")
    assert form.status_code == 200 and 'for="f-pickup"' in form.get_data(as_text=True)
    response = client.post(
        "/account/holds/place", data={"record_id": record.id, "pickup_library": "TVTD"}
    )
    assert response.status_code == 302
    hold = db.session.scalar(select(Hold).where(Hold.reader_id == reader.id))
    assert hold.record_id == record.id and hold.pickup_library_id == library("TVTD").id
    page = client.get("/account/").get_data(as_text=True)
    assert "Đất rừng phương Nam" in page and "Thư viện huyện Tam Đường" in page
    # The record page links to the form; a second time it says the title is reserved.
    opac = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert f'href="/account/holds/place?record_id={record.id}&amp;next=' in opac
    for again in (
        client.get(f"/account/holds/place?record_id={record.id}"),
        client.post(
            "/account/holds/place", data={"record_id": record.id, "pickup_library": "TVTD"}
        ),
    ):
        assert again.status_code == 302 and again.headers["Location"].endswith(
            f"/account/#hold-{hold.id}"
        )
    assert db.session.scalar(select(func.count(Hold.id))) == 1
    assert client.post(f"/account/holds/{hold.id}/cancel").status_code == 302
    db.session.expire_all()
    assert hold.status == "cancelled"
    assert client.get("/account/holds/place?record_id=999999").status_code == 404


def test_reading_history_only_when_the_reader_opts_in(client, tvlc):
    reader = signed_in_reader(client)
    item = make_item(make_record("Bỉ vỏ"))
    checkout(item.barcode, reader.card_number, library=tvlc)
    checkin(item.barcode, library=tvlc)
    page = client.get("/account/").get_data(as_text=True)
    assert "Bỉ vỏ" not in page  # forgotten at the return: no history kept
    client.post("/account/history", data={"keep_history": "1"})
    db.session.expire_all()
    assert reader.keep_history
    second = make_item(make_record("Chiếc lược ngà"))
    checkout(second.barcode, reader.card_number, library=tvlc)
    checkin(second.barcode, library=tvlc)
    page = client.get("/account/").get_data(as_text=True)
    assert "Chiếc lược ngà" in page and "Lịch sử đọc" in page
    client.post("/account/history", data={"keep_history": "0"})
    db.session.expire_all()
    assert not reader.keep_history
    assert "Chiếc lược ngà" not in client.get("/account/").get_data(as_text=True)
    assert db.session.scalar(select(Loan).where(Loan.reader_id == reader.id)) is None


def test_change_password(client, tvlc):
    reader = signed_in_reader(client)
    assert client.get("/account/password").status_code == 200
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "nope",
            "new_password": "moi-123456",
            "confirm_password": "moi-123456",
        },
    )
    assert wrong.status_code == 422
    mismatch = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "moi-123456", "confirm_password": "x"},
    )
    assert mismatch.status_code == 422
    ok = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "moi-123456",
            "confirm_password": "moi-123456",
        },
    )
    assert ok.status_code == 302
    client.post("/logout")
    sign_in(client, reader.card_number, "moi-123456")


def test_staff_and_anonymous_are_kept_out(client, tvlc):
    assert client.get("/account/").status_code == 302
    from tests.factories import make_staff

    make_staff("circulation", "TVLC", "desk-acc")
    sign_in(client, "desk-acc")
    assert client.get("/account/").status_code in (302, 401, 403)


def test_overdue_loan_is_marked(client, tvlc, today):
    reader = signed_in_reader(client)
    loan = checkout(make_item().barcode, reader.card_number, library=tvlc).loan
    loan.due_date = today - timedelta(days=3)
    db.session.flush()
    page = client.get("/account/").get_data(as_text=True)
    assert 'class="overdue"' in page and "Quá hạn từ" in page
