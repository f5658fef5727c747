"""The circulation API: checkouts, checkins, renewals, holds, visits, the reader's loans."""

from sqlalchemy import func, select

from libsys.circulation.holds.models import Hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.visits.models import Visit
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, make_item, make_record
from tests.factories import api_headers


def test_checkout_and_checkin(client, network, today):
    headers = api_headers("circulation", "TVLC")
    reader, item = adult(), make_item()
    response = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= {"loan_id", "due_date"} and body["repeated"] is False
    again = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    ).json  # a retried request: the same loan, nothing renewed
    assert again["loan_id"] == body["loan_id"] and again["repeated"] is True
    assert (again["renewal"], again["renewals"]) == (False, 0)
    response = client.post("/api/v1/checkins", json={"item": item.barcode}, headers=headers)
    assert response.status_code == 200
    assert response.json == {
        "loan_id": body["loan_id"],
        "overdue_days": 0,
        "fine": 0,
        "hold": None,
        "route_to": None,
        "rotation_point": None,
    }


def test_refusals_carry_codes(client, network):
    headers = api_headers("circulation", "TVLC")
    reader, item = adult(), make_item()
    response = client.post(
        "/api/v1/checkouts", json={"item": "X", "reader": reader.card_number}, headers=headers
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "UNKNOWN_ITEM"
    response = client.post(
        "/api/v1/checkouts", json={"item": item.barcode, "reader": "X"}, headers=headers
    )
    assert response.json["error"]["code"] == "UNKNOWN_READER"
    client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    )
    other = adult(full_name="B")
    response = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": other.card_number},
        headers=headers,
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "ALREADY_ON_LOAN"
    assert db.session.scalar(select(func.count(Loan.id))) == 1


def test_failed_checkout_over_http_writes_nothing(client, network):
    headers = api_headers("circulation", "TVLC")
    reader, item = adult(), make_item(store_code="VT")
    before = db.session.scalar(select(func.count(Event.id)))
    response = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    )
    assert response.json["error"]["code"] == "NOT_FOR_LOAN"
    assert db.session.scalar(select(func.count(Event.id))) == before
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_override_through_the_api(client, network):
    headers = api_headers("manager", "TVLC")
    reader, item = adult(), make_item(store_code="VT")
    response = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number, "override_reason": "Nghiên cứu"},
        headers=headers,
    )
    assert response.status_code == 201
    assert db.session.scalar(select(Event).where(Event.kind == "override")).details["code"] == (
        "NOT_FOR_LOAN"
    )


def test_acting_library_is_needed(client, network):
    headers = api_headers("admin")  # a network account: no library of its own
    reader, item = adult(), make_item()
    body = {"item": item.barcode, "reader": reader.card_number}
    response = client.post("/api/v1/checkouts", json=body, headers=headers)
    assert response.status_code == 422 and response.json["error"]["code"] == "NO_LIBRARY"
    response = client.post("/api/v1/checkouts", json={**body, "library": "TVLC"}, headers=headers)
    assert response.status_code == 201


def test_renew_and_holds(client, network):
    headers = api_headers("circulation", "TVLC")
    record = make_record()
    item = make_item(record)
    reader = adult()
    loan_id = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    ).json["loan_id"]
    response = client.post(f"/api/v1/loans/{loan_id}/renew", headers=headers)
    assert response.status_code == 200 and response.json["renewals"] == 1
    other = adult(full_name="B")
    response = client.post(
        "/api/v1/holds",
        json={"record": record.id, "reader": other.card_number, "pickup_library": "TVLC"},
        headers=headers,
    )
    assert response.status_code == 201 and response.json["position"] == 1
    hold_id = response.json["hold_id"]
    response = client.post(f"/api/v1/loans/{loan_id}/renew", headers=headers)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "RENEWAL_BLOCKED_BY_HOLD"
    checkin = client.post("/api/v1/checkins", json={"item": item.barcode}, headers=headers).json
    assert checkin["hold"]["hold_id"] == hold_id and checkin["hold"]["status"] == "on_shelf"
    response = client.delete(f"/api/v1/holds/{hold_id}", headers=headers)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert db.session.get(Hold, hold_id).status == "cancelled"
    assert client.delete(f"/api/v1/holds/{hold_id}", headers=headers).status_code == 409


def test_visits_api(client, network):
    headers = api_headers("circulation", "TVLC")
    reader = adult()
    for _ in range(2):
        response = client.post(
            "/api/v1/visits", json={"reader": reader.card_number}, headers=headers
        )
        assert response.status_code == 201
    response = client.post(
        "/api/v1/visits", json={"count": 12, "category": "children"}, headers=headers
    )
    assert response.status_code == 201 and response.json["count"] == 12
    bad = client.post("/api/v1/visits", json={"count": 2, "category": "cats"}, headers=headers)
    assert bad.status_code == 422
    assert sorted(v.count for v in db.session.scalars(select(Visit))) == [1, 12]


def test_reader_api_lists_loans_and_holds(client, network, tvlc):
    headers = api_headers("circulation", "TVLC")
    reader, item = adult(), make_item(make_record("Truyện Kiều"))
    client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    )
    client.post(
        "/api/v1/holds",
        json={
            "record": make_record("Lục Vân Tiên").id,
            "reader": reader.card_number,
            "pickup_library": "TVLC",
        },
        headers=headers,
    )
    body = client.get(f"/api/v1/readers/{reader.card_number}", headers=headers).json
    (loan,) = body["loans"]
    assert loan["barcode"] == item.barcode and loan["title"] == "Truyện Kiều"
    assert set(loan) >= {"loan_id", "barcode", "title", "due_date"}
    assert body["holds"][0]["title"] == "Lục Vân Tiên"


def test_api_needs_a_token(client, network):
    assert client.post("/api/v1/checkouts", json={}).status_code == 401
