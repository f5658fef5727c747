"""Every counted action leaves its event: acquisitions, withdrawals, periodicals, online use."""

import io

from pymarc import Field, Indicators, Subfield
from sqlalchemy import select

from libsys.catalog.copies.services import add_copies
from libsys.catalog.inventory.withdrawal import withdraw_items
from libsys.catalog.marc import write_marcxml
from libsys.catalog.marc.importer import import_marc
from libsys.catalog.periodicals.services import receive_issue, save_periodical, subscribe
from libsys.catalog.services import build_marc
from libsys.circulation.loans.services import checkout
from libsys.core.clock import local_today
from libsys.extensions import db
from libsys.stats.events import reader_key
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import api_headers, sign_in

PASSWORD = "bandoc-123"


def _events(kind: str) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_copies_added_by_a_form_are_acquisitions_one_event_each(network):
    record = make_record("Đất rừng phương Nam")
    items = add_copies(
        record, {"copies": "3", "library": "TVTD", "store": "VN", "source": "purchase"}
    )
    events = _events("item_acquired")
    assert [e.item_id for e in events] == [item.id for item in items]
    assert {(e.library_id, e.record_id, e.item_store, e.quantity) for e in events} == {
        (library("TVTD").id, record.id, "VN", 1)
    }
    assert events[0].details["source"] == "purchase"


def test_copies_imported_from_marc_holdings_are_acquisitions_marked_imported(network):
    marc = build_marc({"title": "Sách nhập", "authors": ["Tô Hoài"], "year": "2001"})
    marc.add_field(
        Field("952", Indicators(" ", " "), [Subfield("p", "IMP-1"), Subfield("d", "2019-03-04")]),
        Field("952", Indicators(" ", " "), [Subfield("p", "IMP-2")]),
    )
    buffer = io.BytesIO()
    write_marcxml([marc], buffer)
    buffer.seek(0)
    import_marc(buffer, library="TVLC")
    events = _events("item_acquired")
    assert len(events) == 2 and all(e.details["imported"] for e in events)
    assert all(e.item_id and e.record_id and e.reader_key is None for e in events)
    acquired = sorted(e.details["acquired_on"] for e in events)
    assert acquired[0] == "2019-03-04" or local_today().isoformat() in acquired


def test_a_withdrawal_leaves_one_event_per_copy(network):
    items = [make_item(library_code="TVLC"), make_item(library_code="TVLC")]
    batch = withdraw_items(library("TVLC"), [i.barcode for i in items], reason="Rách nát")
    events = _events("item_withdrawn")
    assert sorted(e.item_id for e in events) == sorted(i.id for i in items)
    assert {e.details["batch"] for e in events} == {batch.reference}


def test_a_subscription_and_each_issue_received_leave_events(network):
    tvlc = library("TVLC")
    periodical = save_periodical(tvlc, {"name": "Nhân Dân", "frequency": "daily"})
    year = local_today().year
    subscription = subscribe(periodical, tvlc, year, 2)
    subscribe(periodical, tvlc, year, 3)  # a change of copies is not a second title
    (subscribed,) = _events("periodical_subscribed")
    assert (
        subscribed.details["year"] == year and subscribed.details["periodical_id"] == periodical.id
    )
    receive_issue(subscription, issue="Số 1")
    (received,) = _events("periodical_received")
    assert received.quantity == 3 and received.library_id == tvlc.id


def test_an_opac_renewal_counts_the_reader_online_without_naming_the_book(client, network):
    reader = adult(password=PASSWORD)
    item = make_item(make_record("Nhà giả kim"))
    loan = checkout(item.barcode, reader.card_number, library=library("TVLC")).loan
    sign_in(client, reader.card_number, PASSWORD)
    assert client.post(f"/account/loans/{loan.id}/renew").status_code == 302
    (renewal,) = _events("renewal")
    assert renewal.item_id == item.id and renewal.reader_key is None
    (online,) = _events("online_activity")
    assert online.reader_key == reader_key(reader.id)
    assert online.item_id is None and online.record_id is None and online.loan_id is None
    assert online.details == {"action": "renewal", "channel": "opac"}
    assert online.reader_category == reader.category.code
    assert online.library_id == library("TVLC").id


def test_an_opac_hold_counts_the_reader_online(client, network):
    reader = adult(password=PASSWORD)
    record = make_item(make_record("Số đỏ")).record
    checkout(make_item(record).barcode, adult(full_name="Người mượn").card_number,
             library=library("TVLC"))  # fmt: skip
    sign_in(client, reader.card_number, PASSWORD)
    response = client.post(
        "/account/holds/place", data={"record_id": record.id, "pickup_library": "TVTD"}
    )
    assert response.status_code == 302
    (online,) = _events("online_activity")
    assert online.reader_key == reader_key(reader.id) and online.record_id is None
    assert online.details == {"action": "hold", "channel": "opac"}
    assert online.library_id == library("TVTD").id


def test_api_renewals_and_holds_count_the_reader_online(client, network):
    headers = api_headers("circulation", "TVLC")
    reader = adult()
    item = make_item(make_record("Tắt đèn"))
    loan = checkout(item.barcode, reader.card_number, library=library("TVLC")).loan
    assert client.post(f"/api/v1/loans/{loan.id}/renew", headers=headers).status_code == 200
    other = make_item(make_record("Vợ nhặt"))
    response = client.post(
        "/api/v1/holds",
        json={"reader": reader.card_number, "record": other.record_id, "pickup_library": "TVLC"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    online = _events("online_activity")
    assert [e.details for e in online] == [
        {"action": "renewal", "channel": "api"},
        {"action": "hold", "channel": "api"},
    ]
    assert {e.reader_key for e in online} == {reader_key(reader.id)}
    assert all(e.item_id is None and e.record_id is None for e in online)


def test_a_failed_opac_renewal_leaves_no_online_event(client, network):
    reader = adult(password=PASSWORD)
    other = adult(full_name="Người khác")
    loan = checkout(make_item().barcode, other.card_number, library=library("TVLC")).loan
    sign_in(client, reader.card_number, PASSWORD)
    assert client.post(f"/account/loans/{loan.id}/renew").status_code == 404
    assert _events("online_activity") == []
