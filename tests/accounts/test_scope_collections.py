"""Library scope of transfers, stocktaking, withdrawals, periodicals and rotation batches.

The services refuse a library's account another library's things (a Vietnamese 403 page or
the API's OUT_OF_SCOPE error, nothing written); the same request on its own library's
things works, and the services refuse it too when called without the pages.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from libsys.accounts.models import User
from libsys.catalog.inventory.models import Stocktake, StocktakeScan
from libsys.catalog.inventory.stocktaking import scan_barcode, start_stocktake
from libsys.catalog.periodicals.models import IssueReceived, Periodical, Subscription
from libsys.catalog.periodicals.services import receive_issue, save_periodical, subscribe
from libsys.circulation.transfers.models import Transfer
from libsys.circulation.transfers.services import request_transfer, send_transfer
from libsys.errors import PermissionDenied
from libsys.extensions import db
from libsys.rotation.models import RotationBatch
from tests.accounts.scoping import library, make_copy, refused, signed_in
from tests.factories import api_headers, make_staff


def staff(role: str, code: str | None) -> User:
    """An account for calling the services directly, without the pages."""
    return make_staff(role, code, username=f"svc-{role}-{code or 'net'}")


# -- transfers ------------------------------------------------------------------------------


def test_a_desk_sends_and_cancels_only_its_own_librarys_transfers(client, network):
    theirs = request_transfer(make_copy("TVTD"), library("TVPT"))  # TVTD -> TVPT
    ours = request_transfer(make_copy("TVLC"), library("TVTD"))
    signed_in(client, "circulation", "TVLC")
    assert refused(client.post(f"/staff/transfers/{theirs.id}/send"))
    assert refused(client.post(f"/staff/transfers/{theirs.id}/cancel"))
    db.session.expire_all()
    assert db.session.get(Transfer, theirs.id).status == "requested"
    assert db.session.get(Transfer, theirs.id).item.status == "available"
    assert client.post(f"/staff/transfers/{ours.id}/send").status_code == 302
    assert db.session.get(Transfer, ours.id).status == "in_transit"


def test_a_desk_asks_only_for_copies_leaving_or_coming_to_its_library(client, network):
    copy = make_copy("TVTD")
    signed_in(client, "circulation", "TVLC")
    response = client.post(
        "/staff/transfers/start", data={"item": copy.barcode, "to_library": "TVPT"}
    )
    assert refused(response)
    assert db.session.scalar(select(func.count(Transfer.id))) == 0
    response = client.post(
        "/staff/transfers/start", data={"item": copy.barcode, "to_library": "TVLC"}
    )
    assert response.status_code == 302  # asked to come here: on TVTD's pull list
    (transfer,) = db.session.scalars(select(Transfer)).all()
    assert transfer.from_library_id == library("TVTD").id
    assert refused(client.post(f"/staff/transfers/{transfer.id}/send"))  # TVTD sends it


def test_the_transfer_services_refuse_without_the_pages(network):
    desk = staff("circulation", "TVLC")
    transfer = request_transfer(make_copy("TVTD"), library("TVPT"))
    with pytest.raises(PermissionDenied):
        send_transfer(transfer, user=desk)
    with pytest.raises(PermissionDenied):
        request_transfer(make_copy("TVTD"), library("TVPT"), user=desk)
    assert transfer.status == "requested"


# -- stocktaking and withdrawal -----------------------------------------------------------


def test_a_cataloguer_takes_stock_of_her_own_library_only(client, network):
    theirs = start_stocktake(library("TVTD"))
    copy = make_copy("TVTD")
    signed_in(client, "cataloguer", "TVLC")
    assert refused(client.post("/staff/stocktaking/start", data={"library": "TVTD"}))
    assert refused(client.get(f"/staff/stocktaking/{theirs.id}"))
    assert refused(client.post(f"/staff/stocktaking/{theirs.id}/scan", data={"barcode": "X"}))
    assert refused(client.post(f"/staff/stocktaking/{theirs.id}/finish"))
    form = {"library": "TVTD", "barcodes": copy.barcode, "reason": "Rách", "confirm": "1"}
    assert client.post("/staff/stocktaking/withdraw", data=form).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Stocktake.id))) == 1
    assert db.session.get(Stocktake, theirs.id).finished_at is None
    assert db.session.scalar(select(func.count(StocktakeScan.id))) == 0
    assert copy.status == "available"
    response = client.post("/staff/stocktaking/start", data={"library": "TVLC"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Stocktake.id))) == 2


def test_the_stocktaking_services_refuse_without_the_pages(network):
    cataloguer = staff("cataloguer", "TVLC")
    with pytest.raises(PermissionDenied):
        start_stocktake(library("TVTD"), user=cataloguer)
    theirs = start_stocktake(library("TVTD"))
    with pytest.raises(PermissionDenied):
        scan_barcode(theirs, make_copy("TVTD").barcode, user=cataloguer)
    assert start_stocktake(library("TVLC"), user=cataloguer).user_id == cataloguer.id


# -- periodicals --------------------------------------------------------------------------


def _periodical(code: str) -> tuple[Periodical, Subscription]:
    periodical = save_periodical(library(code), {"name": "Báo Lai Châu", "frequency": "daily"})
    return periodical, subscribe(periodical, library(code), date.today().year, 2)


def test_a_cataloguer_keeps_her_own_librarys_periodicals(client, network):
    theirs, subscription = _periodical("TVTD")
    signed_in(client, "cataloguer", "TVLC")
    assert refused(client.get(f"/staff/periodicals/{theirs.id}"))
    response = client.post(f"/staff/periodicals/{theirs.id}", data={"name": "Đổi tên"})
    assert refused(response)
    assert refused(client.post(f"/staff/periodicals/checkin/{subscription.id}"))
    db.session.expire_all()
    assert db.session.get(Periodical, theirs.id).name == "Báo Lai Châu"
    assert db.session.scalar(select(func.count(IssueReceived.id))) == 0
    ours, own_subscription = _periodical("TVLC")
    assert client.post(f"/staff/periodicals/checkin/{own_subscription.id}").status_code == 302
    assert db.session.scalar(select(func.count(IssueReceived.id))) == 1


def test_the_periodical_services_refuse_without_the_pages(network):
    cataloguer = staff("cataloguer", "TVLC")
    theirs, subscription = _periodical("TVTD")
    with pytest.raises(PermissionDenied):
        save_periodical(library("TVTD"), {"name": "Báo mới"}, user=cataloguer)
    with pytest.raises(PermissionDenied):
        subscribe(theirs, library("TVTD"), date.today().year, 5, user=cataloguer)
    with pytest.raises(PermissionDenied):
        receive_issue(subscription, user=cataloguer)
    assert subscription.copies == 2


# -- rotation batches ---------------------------------------------------------------------


def test_a_rotation_officer_starts_batches_of_her_own_library_only(client, network):
    headers = api_headers("rotation_officer", "TVLC")
    body = {"library": "TVTD", "point": "BDBG",
            "planned_return": (date.today() + timedelta(days=90)).isoformat()}  # fmt: skip
    response = client.post("/api/v1/rotation/batches", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "OUT_OF_SCOPE"
    assert "thư viện khác" in response.json["error"]["message"]
    assert db.session.scalar(select(func.count(RotationBatch.id))) == 0
    response = client.post(
        "/api/v1/rotation/batches", json={**body, "library": "TVLC"}, headers=headers
    )
    assert response.status_code == 201
