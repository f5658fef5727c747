"""The rotation pages as the officer and the point keepers use them, over HTTP."""

import pytest
from sqlalchemy import select

from libsys.extensions import db
from libsys.rotation.models import RotationBatch
from libsys.stats.models import Event
from tests.factories import sign_in
from tests.rotation.conftest import copies_of_one_title, in_months, make_copy


def _page(response) -> str:
    return response.get_data(as_text=True)


def new_batch(client, point="BDBG") -> RotationBatch:
    response = client.post(
        "/staff/rotation/batches/new",
        data={
            "library": "TVTD",
            "point": point,
            "planned_return": in_months(4).strftime("%d/%m/%Y"),
            "priority_groups": ["children"],
        },
    )
    assert response.status_code == 302, _page(response)[:2000]
    batch = db.session.scalars(select(RotationBatch).order_by(RotationBatch.id.desc())).first()
    assert response.headers["Location"].endswith(f"/staff/rotation/batches/{batch.id}")
    return batch


def scan(client, batch, barcode):
    client.post(f"/staff/rotation/batches/{batch.id}/items", data={"barcode": barcode})
    return _page(client.get(f"/staff/rotation/batches/{batch.id}"))


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer.username)
    return client


def test_staff_home_shows_rotation_to_the_officer(officer_client):
    page = _page(officer_client.get("/staff"))
    assert "/staff/rotation/" in page and "/staff/rotation/batches/new" in page
    page = _page(officer_client.get("/staff/rotation/"))
    assert "BDBG" in page and "BDNT" in page


def test_officer_builds_a_batch_by_scanning_and_dispatches_it(officer_client):
    copies = copies_of_one_title(3)
    batch = new_batch(officer_client)
    assert batch.state == "draft" and batch.priority_groups == ["children"]
    for item in copies:
        page = scan(officer_client, batch, item.barcode)
        assert "Đã thêm" in page or "Added" in page
    assert len(batch.lines) == 3
    for move in ("pack", "dispatch"):
        response = officer_client.post(f"/staff/rotation/batches/{batch.id}/move/{move}")
        assert response.status_code == 302
    db.session.refresh(batch)
    assert batch.state == "in_transit"
    assert all(item.status == "at_rotation_point" for item in copies)
    page = _page(officer_client.get(f"/staff/rotation/batches/{batch.id}"))
    assert f"/staff/rotation/batches/{batch.id}/minutes.pdf?kind=dispatch" in page
    pdf = officer_client.get(f"/staff/rotation/batches/{batch.id}/minutes.pdf?kind=dispatch")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_refusals_are_explained_on_the_batch_page(officer_client):
    lent = make_copy(status="on_loan")
    single = make_copy()  # the only copy of its title: added, with a warning
    batch = new_batch(officer_client)
    page = scan(officer_client, batch, lent.barcode)
    assert lent.barcode in page and "flash-error" in page
    assert len(batch.lines) == 0
    page = scan(officer_client, batch, single.barcode)
    assert "flash-warning" in page and single.barcode in page
    page = scan(officer_client, batch, "NO-SUCH-COPY")
    assert "flash-error" in page


def test_a_stay_too_long_is_a_field_message(officer_client):
    response = officer_client.post(
        "/staff/rotation/batches/new",
        data={"library": "TVTD", "point": "BDBG", "planned_return": in_months(9).isoformat()},
    )
    assert response.status_code == 200
    page = _page(response)
    assert 'id="e-planned_return"' in page
    response = officer_client.post(
        "/staff/rotation/batches/new",
        data={"library": "TVTD", "point": "BDBG", "planned_return": "31/02/2026"},
    )
    assert 'id="e-planned_return"' in _page(response)


def test_closing_counts_what_came_back(officer_client, keeper):
    copies = copies_of_one_title(3)
    batch = new_batch(officer_client)
    for item in copies:
        scan(officer_client, batch, item.barcode)
    for move in ("pack", "dispatch", "receive", "start_return"):
        officer_client.post(f"/staff/rotation/batches/{batch.id}/move/{move}")
    response = officer_client.post(
        f"/staff/rotation/batches/{batch.id}/close",
        data={"returned_scans": copies[0].barcode, "damaged": [copies[1].barcode]},
    )
    assert response.status_code == 302
    db.session.refresh(batch)
    assert batch.state == "closed"
    assert sorted(line.outcome for line in batch.lines) == ["damaged", "missing", "returned"]
    history = _page(officer_client.get(f"/staff/rotation/copies?barcode={copies[0].barcode}"))
    assert batch.reference in history


def _dispatched(client, count=2):
    copies = copies_of_one_title(max(count, 3))[:count]
    batch = new_batch(client)
    for item in copies:
        scan(client, batch, item.barcode)
    for move in ("pack", "dispatch"):
        client.post(f"/staff/rotation/batches/{batch.id}/move/{move}")
    return batch, copies


def test_keeper_sees_only_their_point(app, officer, keeper, other_keeper):
    officer_client = app.test_client()
    sign_in(officer_client, officer.username)
    batch, _copies = _dispatched(officer_client)
    other = app.test_client()
    sign_in(other, other_keeper.username)
    assert other.get(f"/staff/point/batches/{batch.id}").status_code == 404
    assert other.post(f"/staff/point/batches/{batch.id}/receive",
                      data={"everything": "1"}).status_code == 404  # fmt: skip
    assert batch.reference not in _page(other.get("/staff/point/"))
    assert other.get(f"/staff/rotation/batches/{batch.id}").status_code == 403
    mine = app.test_client()
    sign_in(mine, keeper.username)
    assert batch.reference in _page(mine.get("/staff/point/"))
    assert mine.get(f"/staff/point/batches/{batch.id}").status_code == 200


def test_keeper_receives_by_scanning_and_records_a_tally(app, officer, keeper):
    officer_client = app.test_client()
    sign_in(officer_client, officer.username)
    batch, copies = _dispatched(officer_client)
    client = app.test_client()
    sign_in(client, keeper.username)
    response = client.post(
        f"/staff/point/batches/{batch.id}/receive", data={"scans": copies[0].barcode}
    )
    assert response.status_code == 302
    db.session.refresh(batch)
    assert batch.state == "at_point"
    assert [line.received for line in batch.lines] == [True, False]
    response = client.post(
        f"/staff/point/batches/{batch.id}/tallies",
        data={
            "period": "2026-05",
            "visits": "40",
            "uses": "75",
            "children_visits": "12",
            "children_uses": "20",
            "requests": "Truyện Kiều\nSổ tay nhà nông",
        },
    )
    assert response.status_code == 302, _page(response)[:3000]
    event = db.session.scalars(
        select(Event).where(Event.kind == "point_tally").order_by(Event.id.desc())
    ).first()
    assert event is not None and event.library_id == batch.point_id
    assert event.quantity == 75
    # Children cannot outnumber everyone: a field message, nothing written.
    response = client.post(
        f"/staff/point/batches/{batch.id}/tallies",
        data={"period": "2026-06", "visits": "3", "children_visits": "5"},
    )
    assert response.status_code == 422 and 'id="e-children_visits"' in _page(response)
    response = client.post(
        f"/staff/point/batches/{batch.id}/loans",
        data={"barcode": copies[0].barcode, "reader": "Lò Văn A"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Event).where(Event.kind == "point_loan")) is not None
    response = client.post(f"/staff/point/batches/{batch.id}/loans", data={"barcode": "X"})
    assert response.status_code == 422
