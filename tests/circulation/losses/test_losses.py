"""Lost, damaged and found copies: services and the copy-status page."""

import pytest
from sqlalchemy import select

from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout, reader_loans
from libsys.circulation.losses.services import declare_damaged, declare_found, declare_lost
from libsys.errors import Conflict, ValidationFailed
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, make_item
from tests.factories import make_staff, sign_in


def kinds() -> list[str]:
    return list(db.session.scalars(select(Event.kind).order_by(Event.id)))


def test_lost_on_loan_closes_the_loan(tvlc):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    closed = declare_lost(item, library=tvlc, note="Bạn đọc báo mất")
    assert closed is loan
    assert loan.status == "lost" and loan.returned_at is not None
    assert item.status == "lost"
    assert reader_loans(reader) == []  # no longer counts against the limit
    assert loan.reader_id == reader.id  # kept: the library may ask for a replacement
    event = db.session.scalar(select(Event).where(Event.kind == "item_lost"))
    assert event.loan_id == loan.id and event.item_id == item.id
    assert event.reader_category == "official"
    with pytest.raises(Conflict):
        declare_lost(item)


def test_a_lost_copy_scanned_at_returns_is_found(tvlc):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    declare_lost(item, library=tvlc)
    waiting = place_hold(adult(full_name="Đang chờ"), record=item.record, pickup_library=tvlc)
    result = checkin(item.barcode, library=tvlc)
    assert result.found and result.loan is None
    assert loan.reader_id is None  # the reader keeps no history: forgotten, as on a return
    found = db.session.scalar(select(Event).where(Event.kind == "item_found"))
    assert found.item_id == item.id and found.library_id == tvlc.id
    assert result.hold is waiting and item.status == "on_hold_shelf"


def test_found_makes_it_available_and_forgets_the_reader(tvlc):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    declare_lost(item, library=tvlc)
    declare_found(item, library=tvlc)
    assert item.status == "available"
    assert loan.reader_id is None  # privacy: the reader keeps no history
    assert kinds()[-1] == "item_found"
    with pytest.raises(Conflict):
        declare_found(item)
    # The copy lends again.
    assert checkout(item.barcode, adult(full_name="Vàng A Sử").card_number, library=tvlc).loan


def test_lost_from_the_shelf_and_a_trapped_copy_frees_the_hold(tvlc):
    shelf_copy = make_item()
    assert declare_lost(shelf_copy) is None
    assert shelf_copy.status == "lost"
    first, second = adult(), adult(full_name="Trần Văn Bình")
    item = make_item()
    checkout(item.barcode, first.card_number, library=tvlc)
    hold = place_hold(second, record=item.record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    assert hold.status == "on_shelf"
    declare_lost(item, library=tvlc)
    assert hold.status == "waiting" and hold.item_id is None


def test_damaged_and_in_repair(tvlc):
    item = make_item()
    declare_damaged(item, status="in_repair", note="Rách gáy")
    assert item.status == "in_repair"
    event = db.session.scalar(select(Event).where(Event.kind == "item_damaged"))
    assert event.details["status"] == "in_repair" and event.item_id == item.id
    declare_damaged(item, status="damaged")
    assert item.status == "damaged"
    declare_found(item)
    assert item.status == "available"
    with pytest.raises(ValidationFailed):
        declare_damaged(item, status="burnt")
    on_loan = make_item()
    checkout(on_loan.barcode, adult().card_number, library=tvlc)
    with pytest.raises(Conflict) as info:
        declare_damaged(on_loan)
    assert info.value.code == "ITEM_ON_LOAN"


def test_copy_status_page_buttons(client, tvlc):
    make_staff("circulation", "TVLC", "desk-lost")
    sign_in(client, "desk-lost")
    reader, item = adult(), make_item()
    checkout(item.barcode, reader.card_number, library=tvlc)
    page = client.get("/staff/copy-status/", query_string={"barcode": item.barcode})
    assert page.status_code == 200
    assert reader.full_name.encode() in page.data
    assert f"/staff/copy-status/{item.barcode}/lost".encode() in page.data
    response = client.post(f"/staff/copy-status/{item.barcode}/lost", data={"note": "mất"})
    assert response.status_code == 302
    db.session.expire_all()
    assert item.status == "lost"
    page = client.get("/staff/copy-status/", query_string={"barcode": item.barcode})
    assert f"/staff/copy-status/{item.barcode}/found".encode() in page.data
    client.post(f"/staff/copy-status/{item.barcode}/found")
    db.session.expire_all()
    assert item.status == "available"
    client.post(f"/staff/copy-status/{item.barcode}/damaged", data={"status": "damaged"})
    db.session.expire_all()
    assert item.status == "damaged"
    assert client.get("/staff/copy-status/?barcode=NOPE").status_code == 404
    # An unknown barcode in a POST is a message, not a crash.
    assert client.post("/staff/copy-status/NOPE/lost").status_code == 302


def test_holds_on_the_lost_copy_itself_are_cancelled(tvlc):
    item = make_item()
    hold = place_hold(adult(), item=item, pickup_library=tvlc)
    declare_lost(item)
    assert db.session.get(Hold, hold.id).status == "cancelled"
