"""A copy the returns desk sends on: named by its destination, on the sending library's list
of copies to send until the carrier takes it, and kept on the returns list with its hold."""

from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout
from libsys.circulation.transfers.services import incoming, pull_list
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import make_staff, sign_in


def desk_client(client, code: str):
    """A client signed in as a circulation librarian of the library `code`."""
    own = client.application.test_client()
    make_staff("circulation", code, username=f"desk-{code.lower()}")
    sign_in(own, f"desk-{code.lower()}")
    return own


def test_a_copy_sent_home_from_returns_is_in_transit_to_its_home(client, network):
    tvlc, tvtd = library("TVLC"), library("TVTD")
    item = make_item(make_record("Nỗi buồn chiến tranh"), library_code="TVTD")
    checkout(item.barcode, adult().card_number, library=tvlc)
    desk = desk_client(client, "TVLC")
    desk.post("/staff/desk/returns", data={"scan": item.barcode})
    assert (item.status, item.location_library_id) == ("in_transit", tvtd.id)
    record_page = client.get(f"/records/{item.record_id}").get_data(as_text=True)
    assert f"Đang chuyển tới {tvtd.name}" in record_page
    assert f"Đang chuyển tới {tvlc.name}" not in record_page
    # On TVLC's list of copies to send, without a Cancel: it must travel.
    (transfer,) = pull_list(tvlc.id)
    page = desk.get("/staff/transfers/").get_data(as_text=True)
    assert item.barcode in page
    assert f"/staff/transfers/{transfer.id}/cancel" not in page
    refused = desk.post(f"/staff/transfers/{transfer.id}/cancel", follow_redirects=True)
    assert transfer.status == "requested" and "phải được chuyển đi" in refused.get_data(True)
    assert incoming(tvtd.id) == []
    # The carrier takes it: sent, on TVTD's list of copies coming.
    desk.post(f"/staff/transfers/{transfer.id}/send")
    assert transfer.status == "in_transit" and incoming(tvtd.id) == [transfer]
    assert pull_list(tvlc.id) == []
    assert (item.status, item.location_library_id) == ("in_transit", tvtd.id)


def test_scanned_at_its_destination_before_it_was_marked_sent_it_is_received(network):
    tvlc, tvtd = library("TVLC"), library("TVTD")
    item = make_item(library_code="TVTD")
    checkout(item.barcode, adult().card_number, library=tvlc)
    checkin(item.barcode, library=tvlc)
    (transfer,) = pull_list(tvlc.id)
    checkin(item.barcode, library=tvtd)  # nobody pressed "Sent"; it arrived all the same
    assert transfer.status == "received" and transfer.sent_at is not None
    assert (item.status, item.location_library_id) == ("available", None)


def test_the_returns_list_keeps_the_hold_on_its_line(client, network):
    tvtd = library("TVTD")
    record = make_record("Dế Mèn phiêu lưu ký")
    held = make_item(record)
    other = make_item(make_record("Tắt đèn"))
    reader = adult(full_name="Lò Thị Hương", home_library="TVTD")
    hold = place_hold(reader, record=record, pickup_library=tvtd)
    desk = desk_client(client, "TVLC")
    desk.post("/staff/desk/returns", data={"scan": held.barcode})
    desk.post("/staff/desk/returns", data={"scan": other.barcode})  # the banner is gone now
    page = desk.get("/staff/desk/returns").get_data(as_text=True)
    line = page[page.index(f"<code>{held.barcode}</code>") :]
    line = line[: line.index("</li>")]
    assert "Lò Thị Hương" in line and reader.card_number in line and tvtd.name in line
    assert f"/staff/desk/holds/{hold.id}/slip" in line
    assert hold.status == "in_transit" and held.location_library_id == tvtd.id
