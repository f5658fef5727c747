"""The rotation API as the officer and the point keepers use it, over HTTP."""

import shutil
import subprocess

import pytest
from sqlalchemy import select

from libsys.accounts.services import create_token
from libsys.extensions import db
from libsys.stats.models import Event
from tests.rotation.conftest import copies_of_one_title, in_months, library


def headers(user):
    return {"Authorization": f"Bearer {create_token(user.username)}"}


@pytest.fixture
def officer_headers(officer):
    return headers(officer)


def start_batch(client, officer_headers, point="BDBG"):
    response = client.post(
        "/api/v1/rotation/batches",
        json={"point": point, "planned_return": in_months(4).isoformat()},
        headers=officer_headers,
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def sent_batch(client, officer_headers, copies):
    batch_id = start_batch(client, officer_headers)
    for item in copies:
        response = client.post(
            f"/api/v1/rotation/batches/{batch_id}/items",
            json={"item": item.barcode},
            headers=officer_headers,
        )
        assert response.status_code == 201, response.json
    for move in ("pack", "dispatch"):
        url = f"/api/v1/rotation/batches/{batch_id}/{move}"
        response = client.post(url, headers=officer_headers)
        assert response.status_code == 200, response.json
    return batch_id


def test_points_as_the_officer_and_as_a_keeper(client, officer_headers, keeper):
    response = client.get("/api/v1/rotation/points", headers=officer_headers)
    codes = {p["code"] for p in response.json["points"]}
    assert codes == {"BDBG", "BDNT"}  # Mường So is Phong Thổ's
    bg = next(p for p in response.json["points"] if p["code"] == "BDBG")
    assert set(bg) >= {"id", "code", "name", "kind", "library"} and bg["library"] == "TVTD"
    mine = client.get("/api/v1/rotation/points", headers=headers(keeper)).json["points"]
    assert [p["code"] for p in mine] == ["BDBG"]


def test_adding_a_point(client, officer_headers):
    body = {"code": "TSBL", "name": "Tủ sách bản Lùng", "kind": "bookcase", "library": "TVTD",
            "contact_name": "Lò Thị Mai", "phone": "0912 345 678",
            "population_served": 640}  # fmt: skip
    response = client.post("/api/v1/rotation/points", json=body, headers=officer_headers)
    assert response.status_code == 201, response.json
    assert response.json["code"] == "TSBL" and response.json["kind"] == "bookcase"
    assert response.json["contact_name"] == "Lò Thị Mai"
    assert response.json["population_served"] == 640
    body["code"], body["library"] = "TSXX", "TVPT"  # not this officer's library
    response = client.post("/api/v1/rotation/points", json=body, headers=officer_headers)
    assert response.status_code == 403


def test_the_whole_cycle_over_http(client, officer_headers, keeper):
    copies = copies_of_one_title(3)
    batch_id = sent_batch(client, officer_headers, copies)
    keeper_headers = headers(keeper)
    url = f"/api/v1/rotation/batches/{batch_id}"
    shown = client.get(url, headers=keeper_headers).json
    assert shown["state"] == "in_transit"
    assert {c["status"] for c in shown["copies"]} == {"at_rotation_point"}
    assert client.post(f"{url}/receive", headers=keeper_headers).json["state"] == "at_point"
    tally = {"period": "2026-05", "visits": 30, "uses": 52, "children_visits": 12,
             "children_uses": 20, "requests": ["Truyện Kiều"]}  # fmt: skip
    assert client.post(f"{url}/tallies", json=tally, headers=keeper_headers).status_code == 201
    response = client.post(f"{url}/loans", json={"item": copies[0].barcode}, headers=keeper_headers)
    assert response.status_code == 201
    assert client.post(f"{url}/start_return", headers=keeper_headers).status_code == 200
    # The keeper cannot close: only the owning library checks the batch in.
    body = {"returned": [copies[0].barcode, copies[1].barcode], "damaged": [copies[2].barcode]}
    assert client.post(f"{url}/close", json=body, headers=keeper_headers).status_code == 403
    closed = client.post(f"{url}/close", json=body, headers=officer_headers)
    assert closed.status_code == 200, closed.json
    assert closed.json["state"] == "closed"
    assert closed.json["counts"] == {"dispatched": 3, "returned": 2, "damaged": 1, "missing": 0}
    kinds = set(db.session.scalars(select(Event.kind)))
    assert {"batch_dispatched", "batch_received", "point_tally", "point_loan",
            "batch_returned", "batch_closed"} <= kinds  # fmt: skip


def test_refusals_over_http(client, officer_headers):
    copies = copies_of_one_title(3)
    copies[0].status = "on_loan"
    batch_id = start_batch(client, officer_headers)
    url = f"/api/v1/rotation/batches/{batch_id}"
    refused = client.post(f"{url}/items", json={"item": copies[0].barcode}, headers=officer_headers)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "ON_LOAN"
    assert client.post(f"{url}/close", json={}, headers=officer_headers).status_code == 409
    too_long = client.post(
        "/api/v1/rotation/batches",
        json={"point": library("BDBG").id, "planned_return": in_months(8).isoformat()},
        headers=officer_headers,
    )
    assert too_long.status_code == 422 and "planned_return" in too_long.json["error"]["fields"]
    wrong = client.post(
        f"{url}/tallies", json={"period": "May", "visits": True}, headers=officer_headers
    )
    assert wrong.status_code == 422


def test_a_keeper_cannot_see_or_change_another_points_batch(
    client, officer_headers, keeper, other_keeper
):
    batch_id = sent_batch(client, officer_headers, copies_of_one_title(3))
    url = f"/api/v1/rotation/batches/{batch_id}"
    other = headers(other_keeper)
    assert client.get(url, headers=other).status_code == 404
    assert client.post(f"{url}/receive", headers=other).status_code == 404
    assert client.get(f"{url}/minutes.pdf", headers=other).status_code == 404
    assert client.get("/api/v1/rotation/batches", headers=other).json["batches"] == []
    mine = client.get("/api/v1/rotation/batches", headers=headers(keeper)).json["batches"]
    assert [b["id"] for b in mine] == [batch_id]
    # A keeper builds nothing, even for their own point.
    response = client.post(f"{url}/items", json={"item": "X"}, headers=headers(keeper))
    assert response.status_code == 403
    assert client.post(f"{url}/receive", headers=headers(keeper)).status_code == 200
    assert client.post(f"{url}/fly", headers=headers(keeper)).status_code == 404
    history = client.get("/api/v1/rotation/points/BDBG/history", headers=headers(keeper))
    assert [b["id"] for b in history.json["batches"]] == [batch_id]
    assert client.get("/api/v1/rotation/points/BDBG/history", headers=other).status_code == 404


def pdf_text(content: bytes, tmp_path) -> str:
    """The text of a PDF, as pdftotext reads it (skipped without poppler)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_handover_minutes(client, officer_headers, tmp_path):
    copies = copies_of_one_title(3)
    batch_id = sent_batch(client, officer_headers, copies)
    url = f"/api/v1/rotation/batches/{batch_id}/minutes.pdf"
    response = client.get(url, headers=officer_headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Thư viện huyện Tam Đường" in text and "Bản Giang" in text
    for item in copies:
        assert item.accession_number in text


def test_overdue_batches_in_the_cli(app, client, officer_headers):
    from datetime import timedelta

    from libsys.rotation.models import RotationBatch

    batch_id = sent_batch(client, officer_headers, copies_of_one_title(3))
    batch = db.session.get(RotationBatch, batch_id)
    batch.planned_return = batch.dispatched_on - timedelta(days=1)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["rotation", "due"])
    assert result.exit_code == 0, result.output
    assert batch.reference in result.output and "BDBG" in result.output
