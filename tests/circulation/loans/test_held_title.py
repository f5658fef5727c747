"""Lending a copy of a title another reader waits for: refused with HELD_FOR_ANOTHER (their
place in the queue and pickup library said), lifted with an override and a reason; the
reader whose turn it is borrows freely, which fills the hold."""

from libsys.circulation.holds.services import place_hold, queue_position
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import api_headers


def lend(client, headers, item, reader, **extra):
    body = {"item": item.barcode, "reader": reader.card_number, **extra}
    return client.post("/api/v1/checkouts", json=body, headers=headers)


def test_a_copy_another_reader_waits_for_is_refused_then_overridden(client, network):
    tvtd = library("TVTD")
    record = make_record()
    item = make_item(record)
    waiting = place_hold(adult(full_name="Người chờ"), record=record, pickup_library=tvtd)
    borrower = adult(full_name="Người mượn")
    refused = lend(client, api_headers("circulation", "TVLC"), item, borrower)
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "HELD_FOR_ANOTHER"
    assert "số 1 trong hàng chờ" in error["message"] and tvtd.name in error["message"]
    assert "Người chờ" not in error["message"]  # the other reader's name is not said
    assert item.status == "available"
    manager = api_headers("manager", "TVLC")
    assert lend(client, manager, item, borrower).status_code == 409  # a reason is needed
    lent = lend(client, manager, item, borrower, override_reason="Bạn đọc ở xa, sẽ có bản khác")
    assert lent.status_code == 201, lent.json
    assert item.status == "on_loan" and waiting.status == "waiting"


def test_the_reader_first_in_the_queue_borrows_and_fills_the_hold(client, network):
    tvlc = library("TVLC")
    record = make_record()
    first_copy, second_copy = make_item(record), make_item(record)
    first = place_hold(adult(full_name="Một"), record=record, pickup_library=tvlc)
    second = place_hold(adult(full_name="Hai"), record=record, pickup_library=tvlc)
    headers = api_headers("circulation", "TVLC")
    # The second in the queue is refused while the first waits: number 1 is ahead.
    refused = lend(client, headers, first_copy, second.reader)
    assert refused.json["error"]["code"] == "HELD_FOR_ANOTHER"
    assert "số 1 trong hàng chờ" in refused.json["error"]["message"]
    assert lend(client, headers, first_copy, first.reader).status_code == 201
    assert first.status == "fulfilled" and first.item_id == first_copy.id
    # Now the second is first: they borrow the other copy freely.
    assert queue_position(second) == 1
    assert lend(client, headers, second_copy, second.reader).status_code == 201
    assert second.status == "fulfilled"


def test_a_hold_on_this_very_copy_comes_first_and_its_place_is_named(client, network):
    tvlc, tvtd = library("TVLC"), library("TVTD")
    record = make_record()
    item = make_item(record)
    place_hold(adult(full_name="Một"), record=record, pickup_library=tvlc)
    place_hold(adult(full_name="Hai"), record=record, pickup_library=tvlc)
    place_hold(adult(full_name="Ba"), item=item, pickup_library=tvtd)
    refused = lend(client, api_headers("circulation", "TVLC"), item, adult(full_name="Bốn"))
    message = refused.json["error"]["message"]
    assert "số 3 trong hàng chờ" in message and tvtd.name in message


def test_a_copy_level_hold_on_another_copy_does_not_hold_this_one(client, network):
    record = make_record()
    asked_for, free = make_item(record), make_item(record)
    place_hold(adult(full_name="Chờ bản riêng"), item=asked_for, pickup_library=library("TVLC"))
    lent = lend(client, api_headers("circulation", "TVLC"), free, adult())
    assert lent.status_code == 201, lent.json
