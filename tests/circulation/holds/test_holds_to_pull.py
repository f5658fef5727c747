"""Holds to pull: the copies on a library's shelves that can fill waiting holds, through the
API and the printable page, and what scanning a pulled copy at returns does."""

from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.services import checkout
from libsys.circulation.transfers.services import pull_list
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import api_headers, make_staff, sign_in


def to_pull(client, headers, code=None):
    url = "/api/v1/holds/to-pull" + (f"?library={code}" if code else "")
    return client.get(url, headers=headers)


def test_copies_elsewhere_are_listed_for_a_hold_each_once_oldest_first(client, network):
    tvlc, tvtd = library("TVLC"), library("TVTD")
    record = make_record("Mắt biếc")
    # Four copies on the shelf at the district library, none at the provincial one.
    copies = [make_item(record, library_code="TVTD") for _ in range(4)]
    copies[0].call_number = "895.922 / NG-A"
    first = place_hold(adult(full_name="Người thứ nhất"), record=record, pickup_library=tvlc)
    second = place_hold(adult(full_name="Người thứ hai"), record=record, pickup_library=tvlc)
    headers = api_headers("circulation", "TVTD")
    response = to_pull(client, headers)
    assert response.status_code == 200, response.json
    lines = response.json
    assert [line["hold_id"] for line in lines] == [first.id, second.id]
    assert len({line["barcode"] for line in lines}) == 2  # each copy once
    assert set(lines[0]) == {"hold_id", "record_id", "title", "barcode", "call_number",
                             "pickup_library"}  # fmt: skip
    assert lines[0]["title"] == "Mắt biếc" and lines[0]["pickup_library"] == "TVLC"
    assert lines[0]["record_id"] == record.id
    assert lines[0]["barcode"] == copies[0].barcode
    assert lines[0]["call_number"] == "895.922 / NG-A"
    # The provincial library has no copy to pull for them.
    assert to_pull(client, api_headers("circulation", "TVLC")).json == []
    assert tvtd.code == "TVTD"


def test_a_hold_its_pickup_library_can_fill_is_not_pulled_elsewhere(client, network):
    tvlc = library("TVLC")
    record = make_record()
    local = make_item(record, library_code="TVLC")
    make_item(record, library_code="TVTD")
    hold = place_hold(adult(), record=record, pickup_library=tvlc)
    admin = api_headers("admin")
    here = to_pull(client, admin, "TVLC").json
    assert [(line["hold_id"], line["barcode"]) for line in here] == [(hold.id, local.barcode)]
    assert to_pull(client, admin, "TVTD").json == []


def test_copies_that_cannot_fill_a_hold_are_left_out(client, network):
    tvlc = library("TVLC")
    record = make_record()
    make_item(record, library_code="TVLC", store_code="VT")  # reading room only
    make_item(record, library_code="TVLC", status="damaged")
    lent = make_item(record, library_code="TVLC")
    checkout(lent.barcode, adult(full_name="Đang mượn").card_number, library=tvlc)
    place_hold(adult(), record=record, pickup_library=library("TVTD"))
    admin = api_headers("admin")
    assert to_pull(client, admin, "TVLC").json == []
    # Nobody waits for this one: nothing to pull.
    make_item(make_record("Không ai chờ"), library_code="TVLC")
    assert to_pull(client, admin, "TVLC").json == []


def test_scope_and_unknown_library(client, network):
    headers = api_headers("circulation", "TVTD")
    refused = to_pull(client, headers, "TVLC")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "OUT_OF_SCOPE"
    assert to_pull(client, headers, "TVTD").status_code == 200
    admin = api_headers("admin")
    unknown = to_pull(client, admin, "KHONGCO")
    assert unknown.status_code == 404
    assert "KHONGCO" in unknown.json["error"]["message"]
    missing = to_pull(client, admin)
    assert missing.status_code == 422 and "library" in missing.json["error"]["fields"]
    spec = client.get("/api/v1/openapi.json").json
    assert "get" in spec["paths"]["/api/v1/holds/to-pull"]
    assert "HoldToPull" in spec["components"]["schemas"]


def test_scanning_a_pulled_copy_at_returns_traps_it_and_sends_it(client, network):
    tvlc = library("TVLC")
    record = make_record("Truyện Kiều")
    copy = make_item(record, library_code="TVTD")
    hold = place_hold(adult(), record=record, pickup_library=tvlc)
    make_staff("circulation", "TVTD", username="thu-thu-td")
    sign_in(client, "thu-thu-td")
    page = client.get("/staff/holds/to-pull")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert copy.barcode in html and "Truyện Kiều" in html and tvlc.name in html
    assert "/staff/holds/to-pull" in client.get("/staff").get_data(as_text=True)
    # The copy was on the shelf, not on loan: scanned at returns, it goes to the hold.
    client.post("/staff/desk/returns", data={"scan": copy.barcode})
    assert hold.status == "in_transit" and hold.item_id == copy.id
    assert copy.status == "in_transit"
    assert copy.barcode not in client.get("/staff/holds/to-pull").get_data(as_text=True)
    # It waits on the district library's list of copies to send until the carrier takes it.
    (transfer,) = pull_list(library("TVTD").id)
    assert transfer.item_id == copy.id and transfer.to_library_id == tvlc.id
    assert transfer.hold_id == hold.id
