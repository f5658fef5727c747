"""Library scope: an account of one library changes only what belongs to it (issue 16).

Each case the probe found is refused with a Vietnamese 403 page and nothing written; the same
request on the account's own library still works, and a network account may do both.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from libsys.catalog.models import Item, Record
from libsys.circulation.policies.models import CirculationPolicy, ClosedWeekday, Holiday
from libsys.extensions import db
from tests.accounts.scoping import NETWORK_ONLY, library, make_copy, refused, signed_in
from tests.factories import api_headers, make_reader, sign_in

# -- copies: the cataloguer ---------------------------------------------------------------


def test_cataloguer_cannot_change_another_librarys_call_number(client, network):
    other, own = make_copy("TVTD"), make_copy("TVLC")
    signed_in(client, "cataloguer", "TVLC")
    assert refused(client.get(f"/staff/catalog/items/{other.barcode}"))
    response = client.post(f"/staff/catalog/items/{other.barcode}", data={"call_number": "X"})
    assert refused(response)
    db.session.expire_all()
    assert db.session.get(Item, other.id).call_number == "895.922 / H452"
    response = client.post(f"/staff/catalog/items/{own.barcode}", data={"call_number": "Y 1"})
    assert response.status_code == 302
    assert db.session.get(Item, own.id).call_number == "Y 1"


def test_cataloguer_cannot_add_copies_to_another_library(client, network):
    record = make_copy("TVLC").record
    signed_in(client, "cataloguer", "TVLC")

    def copies(code):
        return db.session.scalar(
            select(func.count(Item.id)).where(
                Item.record_id == record.id, Item.library_id == library(code).id
            )
        )

    response = client.post(
        f"/staff/catalog/records/{record.id}/items",
        data={"library": "TVTD", "store": "VN", "copies": "3"},
    )
    assert refused(response)
    assert copies("TVTD") == 0
    response = client.post(
        f"/staff/catalog/records/{record.id}/items",
        data={"library": "TVLC", "store": "VN", "copies": "2"},
    )
    assert response.status_code == 302
    assert copies("TVLC") == 3


def test_the_describe_form_adds_no_copies_to_another_library(client, network):
    signed_in(client, "cataloguer", "TVLC")
    response = client.post(
        "/staff/catalog/describe",
        data={"title": "Truyện Kiều", "author": "Nguyễn Du", "library": "TVTD", "copies": "1"},
    )
    assert refused(response)
    assert (
        db.session.scalar(select(func.count(Record.id)).where(Record.title == "Truyện Kiều")) == 0
    )


def test_network_cataloguer_edits_every_librarys_copies(client, network):
    other = make_copy("TVTD")
    signed_in(client, "cataloguer", None)
    response = client.post(f"/staff/catalog/items/{other.barcode}", data={"call_number": "Z 9"})
    assert response.status_code == 302
    assert db.session.get(Item, other.id).call_number == "Z 9"


# -- the desk: lost, damaged, a reader's password ----------------------------------------------


@pytest.mark.parametrize("action", ["lost", "damaged"])
def test_desk_cannot_mark_another_librarys_copy(client, network, action):
    other, own = make_copy("TVTD"), make_copy("TVLC")
    signed_in(client, "circulation", "TVLC")
    assert refused(client.post(f"/staff/copy-status/{other.barcode}/{action}"))
    db.session.expire_all()
    assert db.session.get(Item, other.id).status == "available"
    assert client.post(f"/staff/copy-status/{own.barcode}/{action}").status_code == 302
    assert db.session.get(Item, own.id).status == action


def test_desk_cannot_mark_found_another_librarys_lost_copy(client, network):
    other = make_copy("TVTD")
    other.status = "lost"
    db.session.flush()
    signed_in(client, "circulation", "TVLC")
    assert refused(client.post(f"/staff/copy-status/{other.barcode}/found"))
    db.session.expire_all()
    assert db.session.get(Item, other.id).status == "lost"


def test_desk_sets_only_its_own_readers_passwords(client, network):
    theirs = make_reader(home_library="TVTD", full_name="Lò Thị Mai")
    ours = make_reader(home_library="TVLC")
    signed_in(client, "circulation", "TVLC")
    response = client.post(
        f"/staff/readers/{theirs.card_number}/password", data={"password": "hacked-123"}
    )
    assert refused(response)
    db.session.expire_all()
    assert db.session.get(type(theirs), theirs.id).password_hash is None
    client.post("/logout")
    answer = client.post("/login", data={"username": theirs.card_number, "password": "hacked-123"})
    assert answer.status_code == 200  # the sign-in form again: no such password
    sign_in(client, "scope-circulation-TVLC")
    response = client.post(
        f"/staff/readers/{ours.card_number}/password", data={"password": "right-123"}
    )
    assert response.status_code == 302
    assert db.session.get(type(ours), ours.id).password_hash


@pytest.mark.parametrize(
    "path, data",
    [
        ("edit", {"full_name": "Tên khác"}),
        ("block", {"reason": "Mất thẻ"}),
        ("renew", {}),
    ],
)
def test_desk_changes_only_its_own_readers(client, network, path, data):
    theirs = make_reader(home_library="TVTD", full_name="Lò Thị Mai")
    expires = theirs.card_expires
    signed_in(client, "circulation", "TVLC")
    assert client.get(f"/staff/readers/{theirs.card_number}").status_code == 200  # may look
    if path == "edit":
        data = {**data, "home_library": "TVTD"}
    assert refused(client.post(f"/staff/readers/{theirs.card_number}/{path}", data=data))
    db.session.expire_all()
    reader = db.session.get(type(theirs), theirs.id)
    assert (reader.full_name, reader.status, reader.card_expires) == (
        "Lò Thị Mai",
        "active",
        expires,
    )


def test_api_refuses_a_change_to_another_librarys_reader(client, network):
    theirs = make_reader(home_library="TVTD")
    headers = api_headers("circulation", "TVLC")
    response = client.patch(
        f"/api/v1/readers/{theirs.card_number}", json={"phone": "0912345678"}, headers=headers
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "OUT_OF_SCOPE"
    db.session.expire_all()
    assert db.session.get(type(theirs), theirs.id).phone is None


# -- lending rules and calendars: the manager ---------------------------------------------


def test_library_manager_cannot_change_the_network_lending_rule(client, network):
    network_rule = CirculationPolicy(loan_days=14)
    db.session.add(network_rule)
    db.session.flush()
    signed_in(client, "manager", "TVLC")
    assert client.get("/staff/desk/policies").status_code == 200
    response = client.post(
        f"/staff/desk/policies/{network_rule.id}/edit", data={"library_id": "", "loan_days": "60"}
    )
    assert response.status_code == 403 and NETWORK_ONLY in response.get_data(as_text=True)
    response = client.post("/staff/desk/policies/new", data={"library_id": "", "loan_days": "60"})
    assert response.status_code == 403
    assert client.post(f"/staff/desk/policies/{network_rule.id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(CirculationPolicy, network_rule.id).loan_days == 14
    assert db.session.scalar(select(func.count(CirculationPolicy.id))) == 1


def test_library_manager_keeps_to_its_own_rules(client, network):
    signed_in(client, "manager", "TVLC")
    tvtd, tvlc = str(library("TVTD").id), str(library("TVLC").id)
    response = client.post("/staff/desk/policies/new", data={"library_id": tvtd, "loan_days": "7"})
    assert refused(response)
    assert db.session.scalar(select(func.count(CirculationPolicy.id))) == 0
    theirs = CirculationPolicy(library_id=library("TVTD").id, loan_days=10)
    db.session.add(theirs)
    db.session.flush()
    response = client.post(
        f"/staff/desk/policies/{theirs.id}/edit", data={"library_id": tvlc, "loan_days": "7"}
    )
    assert refused(response)  # taking another library's rule over is changing it
    response = client.post("/staff/desk/policies/new", data={"library_id": tvlc, "loan_days": "7"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(CirculationPolicy, theirs.id).library_id == library("TVTD").id


def test_library_manager_cannot_change_another_librarys_calendar(client, network):
    tvtd = library("TVTD")
    day = date(2027, 3, 1)
    theirs = Holiday(library_id=tvtd.id, name="Lễ hội", first_day=day, last_day=day)
    db.session.add(theirs)
    db.session.flush()
    signed_in(client, "manager", "TVLC")
    holiday = {"name": "Nghỉ bù", "first_day": "2027-05-03"}
    assert refused(client.post("/staff/desk/holidays", data={**holiday, "library_id": tvtd.id}))
    response = client.post("/staff/desk/holidays", data=holiday)  # the whole network's
    assert response.status_code == 403 and NETWORK_ONLY in response.get_data(as_text=True)
    assert refused(client.post(f"/staff/desk/holidays/{theirs.id}/delete"))
    response = client.post("/staff/desk/closed-days", data={"library_id": tvtd.id, "weekday": "0"})
    assert refused(response)
    assert db.session.scalar(select(func.count(Holiday.id))) == 1
    assert db.session.scalar(select(func.count(ClosedWeekday.library_id))) == 0
    own = library("TVLC").id
    assert (
        client.post("/staff/desk/holidays", data={**holiday, "library_id": own}).status_code == 303
    )
    response = client.post("/staff/desk/closed-days", data={"library_id": own, "weekday": "6"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(ClosedWeekday.library_id))) == 1


def test_network_manager_sets_the_network_rule_and_calendar(client, network):
    signed_in(client, "manager", None)
    response = client.post("/staff/desk/policies/new", data={"library_id": "", "loan_days": "21"})
    assert response.status_code == 303
    response = client.post("/staff/desk/holidays", data={"name": "Tết", "first_day": "2027-02-05"})
    assert response.status_code == 303
    assert db.session.scalar(select(Holiday.library_id)) is None
