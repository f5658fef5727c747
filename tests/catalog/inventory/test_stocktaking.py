"""Stocktaking by scanning or upload, its three lists, and withdrawal with its minutes."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from libsys.catalog.copies.services import add_item
from libsys.catalog.inventory.models import Stocktake
from libsys.catalog.inventory.registers import general_register
from libsys.catalog.inventory.stocktaking import (
    barcodes_from_text,
    scan_barcode,
    start_stocktake,
    stocktake_results,
)
from libsys.catalog.inventory.withdrawal import withdraw_items
from libsys.catalog.models import AcquisitionBatch
from libsys.catalog.services import build_marc, save_record
from libsys.errors import Conflict, ValidationFailed
from libsys.stats.models import Event
from tests.catalog.helpers import BOOK
from tests.catalog.inventory.test_registers import pdf_text
from tests.factories import make_staff, sign_in


@pytest.fixture
def shelf(network):
    """TVLC's VN store holds four copies; TN one; TVTD one; one VN copy is on loan."""
    record = save_record(build_marc(dict(BOOK, year="2015")))
    vn = [add_item(record, library="TVLC", store="VN", price=80000) for _ in range(4)]
    tn = add_item(record, library="TVLC", store="TN", price=80000)
    other = add_item(record, library="TVTD", store="VN", price=80000)
    on_loan = add_item(record, library="TVLC", store="VN", price=80000)
    on_loan.status = "on_loan"
    return {"vn": vn, "tn": tn, "other": other, "on_loan": on_loan}


def test_results_sort_scans_into_missing_misplaced_unexpected(shelf, network):
    library = network["TVLC"]
    stocktake = start_stocktake(library, _store(library, "VN"))
    verdicts = [
        scan_barcode(stocktake, code).verdict
        for code in (
            shelf["vn"][0].barcode,
            shelf["vn"][1].accession_number,  # an old label with the accession number
            shelf["tn"].barcode,
            shelf["other"].barcode,
            shelf["on_loan"].barcode,
            "NOPE-1",
            shelf["vn"][0].barcode,
        )
    ]
    assert verdicts == [
        "ok", "ok", "misplaced", "misplaced", "unexpected", "unexpected", "duplicate"
    ]  # fmt: skip
    results = stocktake_results(stocktake)
    assert results.scanned == 6
    assert {i.barcode for i in results.missing} == {shelf["vn"][2].barcode, shelf["vn"][3].barcode}
    assert {i.barcode for i in results.misplaced} == {shelf["tn"].barcode, shelf["other"].barcode}
    assert [(code, item.status if item else None) for code, item in results.unexpected] == [
        (shelf["on_loan"].barcode, "on_loan"),
        ("NOPE-1", None),
    ]
    # The whole library: the TN copy is in place, the VN ones not scanned are missing.
    whole = start_stocktake(library)
    scan_barcode(whole, shelf["tn"].barcode)
    results = stocktake_results(whole)
    assert results.misplaced == [] and len(results.found) == 1
    assert len(results.missing) == 4


def _store(library, code):
    return next(s for s in library.stores if s.code == code)


def test_file_of_barcodes_and_finished_stocktake(shelf, network):
    text = "Mã vạch;ghi chú\n" + "\n".join(f"{c.barcode};x" for c in shelf["vn"]) + "\n\n"
    assert barcodes_from_text(text) == [c.barcode for c in shelf["vn"]]
    assert barcodes_from_text("A1\tB\nA2\r\n") == ["A1", "A2"]
    stocktake = start_stocktake(network["TVLC"])
    stocktake.finished_at = stocktake.started_at
    with pytest.raises(Conflict):
        scan_barcode(stocktake, shelf["vn"][0].barcode)


def test_scanning_and_upload_through_the_pages(shelf, staff_client, db):
    response = staff_client.post(
        "/staff/stocktaking/start", data={"library": "TVLC", "store": "VN"}
    )
    assert response.status_code == 302
    page_url = response.headers["Location"]
    stocktake = db.session.scalar(select(Stocktake))
    assert stocktake.store.code == "VN"
    page = staff_client.get(page_url).get_data(as_text=True)
    assert 'name="barcode"' in page and "data-scan" in page
    response = staff_client.post(
        f"{page_url}/scan", data={"barcode": shelf["tn"].barcode}, follow_redirects=True
    )
    assert f"{shelf['tn'].barcode}: thuộc kho hoặc thư viện khác." in response.get_data(
        as_text=True
    )
    upload = io.BytesIO(("\n".join(c.barcode for c in shelf["vn"][:3]) + "\nXYZ\n").encode())
    response = staff_client.post(
        f"{page_url}/upload",
        data={"file": (upload, "scanner.txt")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "3 đúng chỗ, 0 sai chỗ, 1 không mong đợi, 0 đã quét." in response.get_data(as_text=True)
    response = staff_client.post(f"{page_url}/finish", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Thiếu (1)" in text and "Sai chỗ (1)" in text and "Không mong đợi (1)" in text
    assert shelf["vn"][3].barcode in text


def test_withdrawal_marks_copies_writes_the_register_and_events(shelf, network, db):
    library = network["TVLC"]
    codes = [shelf["vn"][2].barcode, shelf["vn"][3].barcode]
    batch = withdraw_items(library, codes, reason="Hư hỏng", day=date(2025, 10, 2))
    assert batch.kind == "removal" and batch.reference == "TL-2025-001"
    assert [shelf["vn"][2].status, shelf["vn"][2].withdrawn_on] == ["withdrawn", date(2025, 10, 2)]
    assert shelf["vn"][3].withdrawal_reason == "Hư hỏng"
    events = db.session.scalars(select(Event).where(Event.kind == "item_withdrawn")).all()
    assert sorted(e.item_id for e in events) == sorted(c.id for c in shelf["vn"][2:])
    assert {(e.library_id, e.item_store, e.day) for e in events} == {
        (library.id, "VN", date(2025, 10, 2))
    }
    # The removal's line (the copies themselves came in without a voucher: lines of their own).
    [line] = [x for x in general_register(library) if x.copies_out]
    assert (line.reference, line.copies_out, line.value_out) == ("TL-2025-001", 2, 160000)
    nxt = withdraw_items(library, [shelf["vn"][1].barcode], reason="Mất", day=date(2025, 10, 3))
    assert nxt.reference == "TL-2025-002"


def test_withdrawal_refuses_and_writes_nothing(shelf, network, db):
    library = network["TVLC"]
    before = db.session.scalars(select(AcquisitionBatch)).all()
    with pytest.raises(ValidationFailed) as caught:
        withdraw_items(
            library,
            [shelf["vn"][0].barcode, shelf["on_loan"].barcode, shelf["other"].barcode, "ZZ"],
            reason="",
        )
    fields = caught.value.fields
    assert "reason" in fields
    assert shelf["on_loan"].barcode in str(fields["barcodes"])
    assert "ZZ" in str(fields["barcodes"]) and shelf["other"].barcode in str(fields["barcodes"])
    assert shelf["vn"][0].status == "available"
    assert db.session.scalars(select(AcquisitionBatch)).all() == before


def test_withdraw_page_and_printed_minutes(shelf, staff_client, db):
    codes = f"{shelf['vn'][0].barcode}\n{shelf['vn'][1].barcode}"
    response = staff_client.post(
        "/staff/stocktaking/withdraw",
        data={"confirm": "1", "library": "TVLC", "barcodes": codes, "reason": "Rách nát",
              "day": "2025-11-05", "reference": "BB-TL-05"},
    )  # fmt: skip
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "BB-TL-05" in page and "160.000" in page
    batch = db.session.scalar(select(AcquisitionBatch).where(AcquisitionBatch.kind == "removal"))
    pdf = staff_client.get(f"/staff/stocktaking/withdrawals/{batch.id}/minutes.pdf")
    assert pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    assert "BIÊN BẢN THANH LÝ TÀI LIỆU" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert shelf["vn"][0].accession_number in text and "160.000" in text
    assert "Rách nát" in text and "Người lập" in text
    response = staff_client.post(
        "/staff/stocktaking/withdraw",
        data={"confirm": "1", "library": "TVLC", "barcodes": codes, "reason": "x"},
    )
    assert response.status_code == 422
    assert "đã thanh lý" in response.get_data(as_text=True)


def test_stocktaking_needs_catalog_edit_and_own_library(shelf, client, network, db):
    make_staff("circulation", "TVLC", "desk-stock")
    sign_in(client, "desk-stock")
    assert client.get("/staff/stocktaking/").status_code == 403
    make_staff("cataloguer", "TVTD", "cat-stock")
    sign_in(client, "cat-stock")
    assert client.get("/staff/stocktaking/").status_code == 200
    stocktake = start_stocktake(network["TVLC"])
    assert client.get(f"/staff/stocktaking/{stocktake.id}").status_code == 403
    response = client.post("/staff/stocktaking/start", data={"library": "TVLC"})
    assert response.status_code == 403
