"""Rotation's API and pages given what no form sends: each answer a clear 4xx, never a 500."""

import pytest
from sqlalchemy import select

from libsys.extensions import db
from libsys.rotation.models import RotationBatch
from tests.factories import sign_in
from tests.rotation.conftest import copies_of_one_title, in_months
from tests.rotation.test_api import headers, start_batch

HUGE = 2**63


@pytest.fixture
def officer_headers(officer):
    return headers(officer)


@pytest.mark.parametrize("point", [HUGE, -1, 0, str(HUGE), "²", "99999999999999999999"])
def test_a_point_number_no_column_holds_is_no_point(client, officer_headers, point):
    response = client.post(
        "/api/v1/rotation/batches",
        json={"point": point, "planned_return": in_months(4).isoformat()},
        headers=officer_headers,
    )
    assert response.status_code == 422, response.json
    assert "point" in response.json["error"]["fields"]


@pytest.mark.parametrize("planned_return", ["", " ", None])
def test_a_blank_planned_return_is_asked_for(client, officer_headers, planned_return):
    response = client.post(
        "/api/v1/rotation/batches",
        json={"point": "BDBG", "planned_return": planned_return},
        headers=officer_headers,
    )
    assert response.status_code == 422, response.json
    assert "planned_return" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/rotation/batches/{huge}"),
        ("POST", "/api/v1/rotation/batches/{huge}/pack"),
        ("POST", "/api/v1/rotation/batches/{huge}/items"),
        ("POST", "/api/v1/rotation/batches/{huge}/tallies"),
        ("GET", "/api/v1/rotation/batches/{huge}/minutes.pdf"),
        ("GET", "/api/v1/rotation/batches/{huge}/stops"),
        ("GET", "/api/v1/rotation/routes/{huge}"),
    ],
)
def test_a_batch_or_route_number_too_large_is_not_found(client, officer_headers, method, path):
    body = {"item": "X", "period": "2026-05"}
    response = client.open(
        path.format(huge=HUGE), method=method, json=body, headers=officer_headers
    )
    assert response.status_code == 404, response.get_data(as_text=True)[:500]
    assert response.json["error"]["code"] in ("UNKNOWN_BATCH", "UNKNOWN_ROUTE")


def test_the_pages_too_answer_not_found(client, officer):
    sign_in(client, officer.username)
    assert client.get(f"/staff/rotation/batches/{HUGE}").status_code == 404
    assert client.get(f"/staff/rotation/routes/{HUGE}").status_code == 404


def test_the_new_batch_page_asks_again_for_a_blank_return_date(client, officer):
    sign_in(client, officer.username)
    response = client.post(
        "/staff/rotation/batches/new",
        data={"library": "TVTD", "point": "BDBG", "planned_return": "   "},
    )
    assert response.status_code in (200, 422)
    assert "Nhập ngày dự kiến trả về." in response.get_data(as_text=True)


def test_a_sound_batch_still_starts(client, officer_headers):
    assert start_batch(client, officer_headers) > 0


def test_a_barcode_in_small_letters_is_scanned_and_a_second_scan_says_so(client, officer):
    copy = copies_of_one_title()[0]
    sign_in(client, officer.username)
    client.post(
        "/staff/rotation/batches/new",
        data={"library": "TVTD", "point": "BDBG", "planned_return": in_months(4).isoformat()},
    )
    batch = db.session.scalars(select(RotationBatch).order_by(RotationBatch.id.desc())).first()
    url = f"/staff/rotation/batches/{batch.id}"
    client.post(url + "/items", data={"barcode": copy.barcode.lower()})
    page = client.get(url).get_data(as_text=True)
    assert f"Đã thêm: {copy.barcode}" in page
    client.post(url + "/items", data={"barcode": copy.barcode})
    page = client.get(url).get_data(as_text=True)
    assert f"Đã có trong đợt này: {copy.barcode}" in page and "Đã thêm" not in page


def test_the_api_says_a_copy_was_in_the_batch_already(client, officer_headers):
    copy = copies_of_one_title()[0]
    batch_id = start_batch(client, officer_headers)
    url = f"/api/v1/rotation/batches/{batch_id}/items"
    first = client.post(url, json={"item": copy.barcode.lower()}, headers=officer_headers)
    assert first.status_code == 201 and first.json["already_in_batch"] is False
    again = client.post(url, json={"item": copy.barcode}, headers=officer_headers)
    assert again.json["already_in_batch"] is True and len(again.json["copies"]) == 1
