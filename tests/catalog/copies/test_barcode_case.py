"""Barcodes are matched without regard to case everywhere (issue 15): the copy page and its
API, stocktaking, labels, the desk, and the duplicate check when a copy is added."""

import pytest
from sqlalchemy import func, select

from libsys.catalog.copies.services import add_item
from libsys.catalog.inventory.models import StocktakeScan
from libsys.catalog.inventory.stocktaking import start_stocktake
from libsys.catalog.models import Item
from libsys.extensions import db
from tests.factories import make_reader


@pytest.fixture
def small_letters(book_record):
    """A copy whose barcode was saved in small letters (an import, an old system)."""
    return add_item(book_record, library="TVLC", store="VN", barcode="lc-ab12")


def test_copy_page_finds_a_barcode_in_any_case(staff_client, small_letters):
    for typed in ("LC-AB12", "lc-ab12", "Lc-Ab12"):
        page = staff_client.get(f"/staff/catalog/items/{typed}")
        assert page.status_code == 200 and small_letters.accession_number in page.get_data(
            as_text=True
        )
    assert staff_client.get("/staff/catalog/items/LC-AB13").status_code == 404


def test_stocktaking_matches_a_barcode_in_any_case_and_counts_it_once(
    staff_client, small_letters, network
):
    stocktake = start_stocktake(network["TVLC"])
    db.session.commit()
    for typed in ("LC-AB12", "lc-ab12"):
        staff_client.post(f"/staff/stocktaking/{stocktake.id}/scan", data={"barcode": typed})
    scans = db.session.scalars(
        select(StocktakeScan).where(StocktakeScan.stocktake_id == stocktake.id)
    ).all()
    assert [(scan.barcode, scan.item_id) for scan in scans] == [("lc-ab12", small_letters.id)]
    # An accession number typed in small letters finds its copy too.
    staff_client.post(
        f"/staff/stocktaking/{stocktake.id}/scan",
        data={"barcode": small_letters.accession_number.lower()},
    )
    assert db.session.scalar(
        select(func.count(StocktakeScan.id)).where(StocktakeScan.stocktake_id == stocktake.id)
    ) == 1  # fmt: skip


def test_adding_a_copy_refuses_a_barcode_used_in_another_case(staff_client, book_record):
    add_item(book_record, library="TVLC", store="VN", barcode="TVLC-0042")
    response = staff_client.post(
        f"/staff/catalog/records/{book_record.id}/items",
        data={"copies": "1", "library": "TVLC", "store": "VN", "barcode": "tvlc-0042"},
        follow_redirects=True,
    )
    assert "Đã dùng cho bản có mã vạch TVLC-0042" in response.get_data(as_text=True)
    barcodes = db.session.scalars(select(Item.barcode).where(Item.record_id == book_record.id))
    assert list(barcodes) == ["TVLC-0042"]


def test_labels_take_barcodes_in_any_case(staff_client, small_letters):
    response = staff_client.post(
        "/staff/labels/", data={"kind": "barcode", "barcodes": "LC-AB12\nlc-ab12"}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_the_desk_lends_a_copy_saved_in_small_letters_scanned_in_capitals(
    staff_client, small_letters
):
    reader = make_reader(card_expires="2030-01-01")
    staff_client.post("/staff/desk/", data={"scan": reader.card_number})
    page = staff_client.post("/staff/desk/", data={"scan": "LC-AB12"}, follow_redirects=True)
    assert "desk-line ok" in page.get_data(as_text=True)
    assert db.session.get(Item, small_letters.id).status == "on_loan"
