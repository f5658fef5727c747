"""Loans at a rotation point through the loans API (POST /api/v1/checkouts, the point's code
as `library`, by its keeper): a point loan, back in the batch at its return."""

from sqlalchemy import select

from libsys.accounts.services import create_token
from libsys.extensions import db
from libsys.rotation import at_point, batches
from libsys.stats.models import Event
from tests.factories import make_reader, make_staff, sign_in
from tests.rotation.conftest import copies_of_one_title, in_months, library


def _headers(user):
    return {"Authorization": f"Bearer {create_token(user.username)}"}


def _batch_at_point(officer, keeper, copies):
    batch = batches.create_batch(
        officer, library=library("TVTD"), point=library("BDBG"), planned_return=in_months(3)
    )
    for item in copies:
        batches.add_copy(officer, batch.id, item.barcode)
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    at_point.receive(keeper, batch.id)
    return batch


def test_a_keeper_lends_at_the_point_and_takes_back(client, officer, keeper):
    copies = copies_of_one_title(3)
    batch = _batch_at_point(officer, keeper, copies)
    local = make_reader(full_name="Lò Thị Điểm", home_library="BDBG")
    headers = _headers(keeper)
    body = {"item": copies[0].barcode, "reader": local.card_number, "library": "BDBG"}
    response = client.post("/api/v1/checkouts", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert copies[0].status == "on_loan" and copies[0].location_library_id == library("BDBG").id
    loans = db.session.scalars(select(Event).where(Event.kind == "point_loan")).all()
    assert [(e.item_id, e.library_id) for e in loans] == [(copies[0].id, library("BDBG").id)]
    # Back at the point: the batch's again, not on a shelf.
    response = client.post(
        "/api/v1/checkins", json={"item": copies[0].barcode, "library": "BDBG"}, headers=headers
    )
    assert response.status_code == 200, response.json
    assert response.json["rotation_point"] == "BDBG"
    assert copies[0].status == "at_rotation_point"
    assert copies[0].location_library_id == library("BDBG").id
    # The batch still counts it and comes home whole.
    batches.start_return(officer, batch.id)
    batches.close(officer, batch.id, returned=[c.barcode for c in copies])
    assert batches.batch_counts(batch)["returned"] == 3
    assert {c.status for c in copies} == {"available"}


def test_what_a_keeper_may_not_lend(client, officer, keeper):
    copies = copies_of_one_title(3)
    _batch_at_point(officer, keeper, copies[:2])
    local = make_reader(full_name="Lò Thị Điểm", home_library="BDBG")
    townsman = make_reader(full_name="Nguyễn Văn Phố", home_library="TVTD")
    headers = _headers(keeper)
    # A reader of the parent library is unknown to the keeper.
    body = {"item": copies[0].barcode, "reader": townsman.card_number, "library": "BDBG"}
    assert client.post("/api/v1/checkouts", json=body, headers=headers).status_code == 404
    # A copy on the library's shelf is not at the point.
    body = {"item": copies[2].barcode, "reader": local.card_number, "library": "BDBG"}
    response = client.post("/api/v1/checkouts", json=body, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_AT_POINT"
    assert copies[2].status == "available"
    # Nor may the keeper act for the library.
    body = {"item": copies[0].barcode, "reader": local.card_number, "library": "TVTD"}
    assert client.post("/api/v1/checkouts", json=body, headers=headers).status_code == 422
    # The library's own desk still refuses a copy out at the point.
    desk = make_staff("circulation", "TVTD", username="quay-td")
    body = {"item": copies[0].barcode, "reader": townsman.card_number, "library": "TVTD"}
    response = client.post("/api/v1/checkouts", json=body, headers=_headers(desk))
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_FOR_LOAN"
    assert copies[0].status == "at_rotation_point"
    # A desk acting for the point lends only what the point holds.
    admin = make_staff("admin", None, username="mang-luoi")
    body = {"item": copies[2].barcode, "reader": local.card_number, "library": "BDBG"}
    response = client.post("/api/v1/checkouts", json=body, headers=_headers(admin))
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_FOR_LOAN"


def test_the_home_desk_says_where_a_copy_out_in_a_batch_is(client, officer, keeper):
    copies = copies_of_one_title(3)
    _batch_at_point(officer, keeper, copies)
    townsman = make_reader(full_name="Nguyễn Văn Phố", home_library="TVTD")
    desk = make_staff("circulation", "TVTD", username="quay-td")
    body = {"item": copies[0].barcode, "reader": townsman.card_number, "library": "TVTD"}
    response = client.post("/api/v1/checkouts", json=body, headers=_headers(desk))
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_FOR_LOAN"
    assert library("BDBG").name in response.json["error"]["message"]
    # The checkout screen shows the same words, not "reading room only, lost or in repair".
    sign_in(client, desk.username)
    client.post("/staff/desk/", data={"scan": townsman.card_number})
    client.post("/staff/desk/", data={"scan": copies[0].barcode})
    page = client.get("/staff/desk/").get_data(as_text=True)
    assert f"Bản này đang ở điểm luân chuyển {library('BDBG').name}" in page
    assert copies[0].status == "at_rotation_point"
