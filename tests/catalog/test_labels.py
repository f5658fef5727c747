"""Spine and barcode labels: grid layout, start position, selections, the PDF sheets."""

import re
import shutil
import subprocess
from datetime import date

import pytest

from libsys.catalog.copies.services import add_item
from libsys.catalog.labels import SHEETS, SheetLayout, check_layout, paginate, spine_lines
from libsys.catalog.models import AcquisitionBatch
from libsys.catalog.services import build_marc, save_record
from libsys.errors import ValidationFailed
from libsys.extensions import db as _db
from tests.catalog.helpers import BOOK
from tests.catalog.inventory.test_registers import pdf_text
from tests.factories import make_staff, sign_in


def pdf_pages(content: bytes) -> int:
    """Number of pages, as pdfinfo reports it."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return int(re.search(rb"Pages:\s+(\d+)", info.stdout).group(1))


@pytest.fixture
def copies(network):
    """Five copies of Truyện Kiều in TVLC's VN store, from one batch."""
    record = save_record(build_marc(dict(BOOK, year="2015")))
    batch = AcquisitionBatch(
        library=network["TVLC"], received_on=date(2025, 4, 1), reference="HĐ-9"
    )
    _db.session.add(batch)
    return [
        add_item(record, library="TVLC", store="VN", batch=batch, acquired_on=date(2025, 4, 1))
        for _ in range(5)
    ]


def test_paginate_fills_pages_from_the_start_position():
    assert paginate(5, 24) == [[0, 1, 2, 3, 4]]
    assert paginate(3, 24, start=23) == [[22, 23], [0]]
    pages = paginate(50, 24)
    assert [len(p) for p in pages] == [24, 24, 2]
    assert paginate(0, 24) == []
    with pytest.raises(ValidationFailed):
        paginate(3, 24, start=25)
    with pytest.raises(ValidationFailed):
        paginate(3, 24, start=0)


def test_sheet_layouts_fit_a4_and_refuse_impossible_margins():
    three_by_eight = SHEETS["3x8"]
    assert three_by_eight.per_page == 24 and SHEETS["4x10"].per_page == 40
    x, y, width, height = three_by_eight.slot(0)
    assert round(width / 72 * 25.4) == 70 and round(height / 72 * 25.4) == 36
    last = three_by_eight.slot(23)
    assert last[0] == pytest.approx(2 * width) and last[1] == pytest.approx(4.5 / 25.4 * 72)
    with pytest.raises(ValidationFailed):
        check_layout(SheetLayout(3, 8, margin_top=140, margin_bottom=140))
    with pytest.raises(ValidationFailed):
        check_layout(SheetLayout(0, 8))


def test_spine_label_lines(copies):
    item = copies[0]
    assert item.call_number == "895.922 / NG-D / 2015"
    assert spine_lines(item) == ["895.922", "NG-D", "2015", "TVLC"]
    item.call_number = "398.2 TR-C"
    assert spine_lines(item) == ["398.2", "TR-C", "TVLC"]


def test_barcode_labels_for_a_typed_list(copies, staff_client):
    barcodes = "\n".join(c.barcode for c in copies[:3])
    response = staff_client.post(
        "/staff/labels/",
        data={"kind": "barcode", "selection": "barcodes", "barcodes": barcodes, "sheet": "3x8"},
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert all(c.accession_number in text for c in copies[:3])
    assert copies[3].accession_number not in text
    assert "Truyện Kiều" in text
    assert pdf_pages(response.data) == 1


def test_spine_labels_of_a_batch_start_at_a_position(copies, staff_client):
    response = staff_client.post(
        "/staff/labels/",
        data={"kind": "spine", "selection": "batch", "batch": str(copies[0].batch_id),
              "sheet": "4x10", "start": "38"},
    )  # fmt: skip
    assert response.status_code == 200
    # Positions 38-40 on the first sheet, the other two on a second one.
    assert pdf_pages(response.data) == 2
    text = pdf_text(response.data)
    assert text.count("895.922") == 5 and text.count("NG-D") == 5 and "TVLC" in text


def test_labels_of_the_copies_added_on_a_day(copies, staff_client):
    response = staff_client.post(
        "/staff/labels/",
        data={"kind": "spine", "selection": "day", "library": "TVLC", "day": "2025-04-01",
              "sheet": "custom", "columns": "2", "rows": "2", "margin_top": "10"},
    )  # fmt: skip
    assert pdf_pages(response.data) == 2  # 5 labels, 4 a sheet
    assert pdf_text(response.data).count("NG-D") == 5


def test_unknown_barcodes_and_bad_start_are_named(copies, staff_client):
    response = staff_client.post(
        "/staff/labels/",
        data={"kind": "barcode", "barcodes": f"{copies[0].barcode}\nXX-404", "start": "99"},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vị trí bắt đầu từ 1 đến 24." in text
    response = staff_client.post(
        "/staff/labels/", data={"kind": "barcode", "barcodes": f"{copies[0].barcode}\nXX-404"}
    )
    assert "Mã vạch không có trong kho: XX-404" in response.get_data(as_text=True)


def test_labels_need_catalog_edit(client, network):
    make_staff("circulation", "TVLC", "desk-labels")
    sign_in(client, "desk-labels")
    assert client.get("/staff/labels/").status_code == 403
    make_staff("cataloguer", "TVLC", "cat-labels")
    sign_in(client, "cat-labels")
    assert client.get("/staff/labels/").status_code == 200
