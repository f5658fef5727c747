"""Transfers between libraries: request, send, receive (hold shelf when trapped), cancel."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from libsys.circulation.holds.services import cancel_hold, place_hold
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout
from libsys.circulation.transfers.models import Transfer
from libsys.circulation.transfers.services import (
    cancel_transfer,
    incoming,
    pull_list,
    receive_by_barcode,
    receive_transfer,
    request_transfer,
    send_transfer,
)
from libsys.errors import Conflict, ValidationFailed
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import make_staff, sign_in


def events(kind: str) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.kind == kind)))


def test_request_send_receive(tvlc):
    tvtd = library("TVTD")
    item = make_item()
    transfer = request_transfer(item, tvtd, reason="Bạn đọc huyện cần")
    assert pull_list(tvlc.id) == [transfer] and pull_list(tvtd.id) == []
    assert item.status == "available"
    send_transfer(transfer)
    assert transfer.status == "in_transit" and transfer.sent_at is not None
    assert item.status == "in_transit" and item.location_library_id == tvtd.id
    assert pull_list(tvlc.id) == [] and incoming(tvtd.id) == [transfer]
    (sent,) = events("transfer_sent")
    assert sent.library_id == tvlc.id and sent.item_id == item.id and sent.item_store == "VN"
    with pytest.raises(Conflict) as info:
        cancel_transfer(transfer)
    assert info.value.code == "TRANSFER_UNDER_WAY"
    receive_transfer(transfer)
    assert transfer.status == "received" and item.status == "available"
    assert item.location_library_id == tvtd.id and item.library_id == tvlc.id
    (received,) = events("transfer_received")
    assert received.library_id == tvtd.id
    # Back home: the copy is at home again.
    back = request_transfer(item, tvlc)
    assert back.from_library_id == tvtd.id
    send_transfer(back)
    receive_by_barcode(item.barcode, tvlc.id)
    assert item.location_library_id is None and item.status == "available"


def test_cancel_only_before_sending(tvlc):
    item = make_item()
    transfer = request_transfer(item, library("TVPT"))
    cancel_transfer(transfer)
    assert transfer.status == "cancelled" and item.status == "available"
    with pytest.raises(Conflict):
        send_transfer(transfer)
    assert request_transfer(item, library("TVPT")).status == "requested"


def test_refusals(tvlc):
    item = make_item()
    with pytest.raises(ValidationFailed):
        request_transfer(item, tvlc)  # already there
    request_transfer(item, library("TVTD"))
    with pytest.raises(Conflict) as info:
        request_transfer(item, library("TVPT"))
    assert info.value.code == "TRANSFER_EXISTS"
    lent = make_item()
    checkout(lent.barcode, adult().card_number, library=tvlc)
    with pytest.raises(Conflict) as info:
        request_transfer(lent, library("TVTD"))
    assert info.value.code == "ITEM_NOT_TRANSFERABLE"
    with pytest.raises(Conflict) as info:
        receive_by_barcode(item.barcode, library("TVTD").id)
    assert info.value.code == "TRANSFER_NOT_SENT"


def test_database_allows_one_open_transfer_per_copy(tvlc):
    item = make_item()
    request_transfer(item, library("TVTD"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Transfer(item_id=item.id, from_library_id=tvlc.id, to_library_id=library("TVPT").id)
        )
        db.session.flush()


def test_copy_routed_for_a_hold_goes_on_the_hold_shelf_on_arrival(tvlc, today):
    tvtd = library("TVTD")
    borrower, waiting = adult(), adult(full_name="Lò Thị Hương", home_library="TVTD")
    item = make_item()
    checkout(item.barcode, borrower.card_number, library=tvlc)
    hold = place_hold(waiting, record=item.record, pickup_library=tvtd)
    result = checkin(item.barcode, library=tvlc)
    assert result.route_to == "TVTD" and hold.status == "in_transit"
    # The return routed the copy: it waits on TVLC's list to send, in transit to TVTD ...
    (transfer,) = pull_list(tvlc.id)
    assert (transfer.item, transfer.hold_id, transfer.to_library_id) == (item, hold.id, tvtd.id)
    assert transfer.status == "requested" and incoming(tvtd.id) == []
    assert (item.status, item.location_library_id) == ("in_transit", tvtd.id)
    # ... and is sent when the carrier takes it: then TVTD sees it coming.
    send_transfer(transfer)
    assert incoming(tvtd.id) == [transfer] and transfer.sent_at is not None
    receive_by_barcode(item.barcode, tvtd.id)
    assert item.status == "on_hold_shelf" and transfer.status == "received"
    assert hold.status == "on_shelf" and hold.shelf_expires_on > today


def _returned_away_from_home(tvlc):
    """A copy of TVTD lent and returned at TVLC: the desk sends it home."""
    item = make_item(library_code="TVTD")
    checkout(item.barcode, adult().card_number, library=tvlc)
    checkin(item.barcode, library=tvlc)
    return item


def test_a_copy_returned_at_another_library_travels_home_under_a_transfer(tvlc):
    tvtd, item = library("TVTD"), _returned_away_from_home(tvlc)
    (transfer,) = pull_list(tvlc.id)
    assert (transfer.item, transfer.to_library_id, transfer.hold_id) == (item, tvtd.id, None)
    assert events("transfer_sent") == []  # not sent until it leaves
    send_transfer(transfer)
    assert incoming(tvtd.id) == [transfer]
    sent = db.session.scalars(select(Event).where(Event.kind == "transfer_sent")).all()
    assert [e.library_id for e in sent] == [tvlc.id]
    # Scanned at its home library's returns desk: received, back on the shelf.
    result = checkin(item.barcode, library=tvtd)
    assert transfer.status == "received" and result.route_to is None
    assert (item.status, item.location_library_id) == ("available", None)
    assert incoming(tvtd.id) == []


def test_waiting_hold_at_destination_traps_the_arriving_copy(tvlc):
    tvtd = library("TVTD")
    item = make_item()
    hold = place_hold(adult(home_library="TVTD"), record=item.record, pickup_library=tvtd)
    transfer = request_transfer(item, tvtd)
    send_transfer(transfer)
    receive_transfer(transfer)
    assert hold.status == "on_shelf" and hold.item_id == item.id
    assert item.status == "on_hold_shelf"


def test_scanned_at_the_returns_desk_of_the_destination_is_received(tvlc):
    tvtd = library("TVTD")
    item = make_item()
    transfer = request_transfer(item, tvtd)
    send_transfer(transfer)
    result = checkin(item.barcode, library=tvtd)
    assert transfer.status == "received"
    assert result.route_to is None and item.status == "available"
    assert item.location_library_id == tvtd.id


def test_pages_pull_list_send_and_receive(client, tvlc):
    make_staff("circulation", "TVLC", "desk-lc")
    make_staff("circulation", "TVTD", "desk-td")
    item = make_item()
    sign_in(client, "desk-lc")
    form = client.get(f"/staff/transfers/start?item={item.barcode}&to=TVTD")
    assert form.status_code == 200 and item.barcode.encode() in form.data
    response = client.post(
        "/staff/transfers/start", data={"item": item.barcode, "to_library": "TVTD"}
    )
    assert response.status_code == 302
    pull = client.get("/staff/transfers/")
    assert item.barcode.encode() in pull.data and b"send-all" in pull.data
    (transfer,) = pull_list(tvlc.id)
    assert client.post(f"/staff/transfers/{transfer.id}/send").status_code == 302
    db.session.expire_all()
    assert transfer.status == "in_transit"
    refused = client.post(f"/staff/transfers/{transfer.id}/cancel")
    assert refused.status_code == 302
    db.session.expire_all()
    assert transfer.status == "in_transit"
    client.post("/logout")
    sign_in(client, "desk-td")
    assert item.barcode.encode() in client.get("/staff/transfers/").data
    assert (
        client.post("/staff/transfers/receive", data={"barcode": item.barcode}).status_code == 302
    )
    db.session.expire_all()
    assert transfer.status == "received" and item.status == "available"
    bad = client.post("/staff/transfers/start", data={"item": "NOPE", "to_library": "TVLC"})
    assert bad.status_code == 422


# --- A copy's transfer follows where the desk sends it --------------------------------------


def test_a_copy_whose_hold_ends_on_the_road_goes_home_from_the_pickup_library(tvlc):
    tvtd = library("TVTD")
    item = make_item()  # TVLC's
    hold = place_hold(adult(), record=item.record, pickup_library=tvtd)
    checkin(item.barcode, library=tvlc)  # on its way to TVTD for the hold
    cancel_hold(hold)
    result = checkin(item.barcode, library=tvtd)  # it arrives all the same
    assert result.route_to == "TVLC" and item.status == "in_transit"
    (home,) = pull_list(tvtd.id)  # the trip to TVTD is over; home from there
    assert home.item == item and home.to_library_id == tvlc.id and incoming(tvtd.id) == []
    assert pull_list(tvlc.id) == []


def test_a_copy_on_the_road_for_a_reader_who_took_another_copy_goes_home(tvlc):
    tvtd = library("TVTD")
    record = make_record()
    travelling, other = make_item(record), make_item(record, library_code="TVTD")
    reader = adult()
    hold = place_hold(reader, record=record, pickup_library=tvtd)
    checkin(travelling.barcode, library=tvlc)
    checkout(other.barcode, reader.card_number, library=tvtd)
    assert hold.status == "fulfilled"
    assert checkin(travelling.barcode, library=tvtd).route_to == "TVLC"
    assert [t.item for t in pull_list(tvtd.id)] == [travelling]


def test_a_copy_kept_for_a_hold_before_it_leaves_closes_its_transfer(tvlc):
    item = _returned_away_from_home(tvlc)
    (transfer,) = pull_list(tvlc.id)
    hold = place_hold(adult(), record=item.record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)  # scanned again before the van: a reader here waits
    assert hold.status == "on_shelf" and item.status == "on_hold_shelf"
    assert transfer.status == "cancelled" and pull_list(tvlc.id) == []
    assert incoming(library("TVTD").id) == []
    with pytest.raises(Conflict):  # TVTD can no longer "receive" a copy that stayed here
        receive_transfer(transfer)


def test_a_copy_lost_on_the_road_is_no_longer_expected(tvlc):
    from libsys.circulation.losses.services import declare_lost

    tvtd, item = library("TVTD"), _returned_away_from_home(tvlc)
    declare_lost(item, library=tvtd)
    assert incoming(tvtd.id) == [] and item.status == "lost"


def test_a_requested_transfer_stays_on_the_pull_list_when_the_copy_is_scanned(tvlc):
    item = make_item()
    transfer = request_transfer(item, library("TVTD"))
    checkin(item.barcode, library=tvlc)  # a stray scan at the returns desk
    assert transfer.status == "requested" and pull_list(tvlc.id) == [transfer]
