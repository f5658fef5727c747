"""In-library use: the reading-room scan and the API count uses; desk handling never does."""

from sqlalchemy import func, select

from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout
from libsys.circulation.transfers.services import receive_transfer, request_transfer, send_transfer
from libsys.circulation.visits.models import InHouseUse
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item
from tests.factories import api_headers, make_staff, sign_in


def _uses() -> int:
    return db.session.scalar(select(func.count(InHouseUse.id)))


def _use_events() -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.kind == "inhouse_use")))


def test_reading_room_scan_counts_a_use_with_the_copy_snapshot(client, tvlc):
    make_staff("circulation", "TVLC", "desk1")
    sign_in(client, "desk1")
    item = make_item(store_code="VT")
    page = client.get("/staff/reading-room/")
    assert page.status_code == 200 and b'name="barcode"' in page.data
    response = client.post("/staff/reading-room/", data={"barcode": item.barcode})
    assert response.status_code == 302
    assert _uses() == 1
    (event,) = _use_events()
    assert event.item_id == item.id and event.library_id == tvlc.id
    assert event.item_store == "VT" and event.item_library == "TVLC"
    assert event.record_id == item.record_id
    assert item.status == "available"
    page = client.get("/staff/reading-room/")
    assert item.barcode.encode() in page.data


def test_reading_room_refuses_a_copy_on_loan_and_writes_nothing(client, tvlc):
    make_staff("circulation", "TVLC", "desk2")
    sign_in(client, "desk2")
    item = make_item()
    checkout(item.barcode, adult().card_number, library=tvlc)
    response = client.post("/staff/reading-room/", data={"barcode": item.barcode})
    assert response.status_code == 409
    assert _uses() == 0 and _use_events() == []


def test_api_counts_a_use(client, tvlc):
    item = make_item()
    headers = api_headers("circulation", "TVLC")
    response = client.post("/api/v1/inhouse-uses", json={"item": item.barcode}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["item"] == item.barcode and response.json["library"] == "TVLC"
    assert _uses() == 1


def test_api_refusals(client, tvlc):
    headers = api_headers("circulation", "TVLC")
    unknown = client.post("/api/v1/inhouse-uses", json={"item": "NOPE"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json["error"]["code"] == "UNKNOWN_ITEM"
    missing = client.post("/api/v1/inhouse-uses", json={}, headers=headers)
    assert missing.status_code == 422
    item = make_item(status="in_transit")
    moving = client.post("/api/v1/inhouse-uses", json={"item": item.barcode}, headers=headers)
    assert moving.status_code == 409 and moving.json["error"]["code"] == "ITEM_IN_TRANSIT"
    assert _uses() == 0
    anonymous = client.post("/api/v1/inhouse-uses", json={"item": item.barcode})
    assert anonymous.status_code == 401


def test_checkins_of_holds_and_transfers_are_not_inhouse_uses(tvlc):
    """Koha counted these as local use; here only the reading-room scan counts."""
    tvtd = library("TVTD")
    first, second = adult(), adult(full_name="Trần Văn Bình")
    item = make_item()
    checkout(item.barcode, first.card_number, library=tvlc)
    place_hold(second, record=item.record, pickup_library=tvlc)
    result = checkin(item.barcode, library=tvlc)  # trapped for the hold
    assert result.hold is not None and item.status == "on_hold_shelf"
    other = make_item()
    transfer = request_transfer(other, tvtd)
    send_transfer(transfer)
    receive_transfer(transfer)
    # A copy away from home scanned at the returns desk is routed, not used.
    checkin(other.barcode, library=tvtd)
    assert _uses() == 0 and _use_events() == []
