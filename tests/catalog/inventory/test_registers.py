"""The general and individual registers, as xlsx and PDF, through the staff page."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from libsys.catalog.copies.services import add_item
from libsys.catalog.inventory.registers import general_register, individual_register
from libsys.catalog.inventory.withdrawal import withdraw_items
from libsys.catalog.models import AcquisitionBatch
from libsys.catalog.services import build_marc, save_record
from libsys.extensions import db as _db
from tests.catalog.helpers import BOOK
from tests.factories import make_staff, sign_in


def pdf_text(content: bytes) -> str:
    """The text of a PDF, as pdftotext reads it (the test is skipped without poppler)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def book(title: str, year: str = "2020", isbn: str = "") -> object:
    """A saved record with a title, an author and a publisher."""
    fields = dict(BOOK, title=title, year=year, isbn=isbn, subtitle="", series="")
    return save_record(build_marc(fields))


@pytest.fixture
def acquisitions(network):
    """Two incoming batches at TVLC (VN and TN stores), one copy of TVTD, one withdrawal."""
    tvlc = network["TVLC"]
    purchase = AcquisitionBatch(
        library=tvlc, received_on=date(2025, 3, 2), source="purchase",
        reference="HĐ-01/2025", supplier="Công ty Sách Việt",
    )  # fmt: skip
    gift = AcquisitionBatch(
        library=tvlc, received_on=date(2025, 5, 20), source="gift", reference="BB-07"
    )
    _db.session.add_all([purchase, gift])
    kieu, de_men = book("Truyện Kiều"), book("Dế Mèn phiêu lưu ký", "2019")
    copies = [
        add_item(kieu, library="TVLC", store="VN", price=120000, batch=purchase,
                 acquired_on=date(2025, 3, 2)),
        add_item(kieu, library="TVLC", store="VN", price=120000, batch=purchase,
                 acquired_on=date(2025, 3, 2)),
        add_item(de_men, library="TVLC", store="TN", price=45000, batch=purchase,
                 acquired_on=date(2025, 3, 2)),
        add_item(de_men, library="TVLC", store="TN", price=50000, batch=gift,
                 acquired_on=date(2025, 5, 20)),
        add_item(de_men, library="TVTD", store="VN", price=45000, acquired_on=date(2025, 3, 2)),
    ]  # fmt: skip
    withdraw_items(tvlc, [copies[1].barcode], reason="Rách nát", day=date(2025, 9, 1))
    return copies


def test_general_register_has_one_line_per_batch_and_the_removal(acquisitions, network):
    lines = general_register(network["TVLC"], start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert [(x.reference, x.copies_in, x.value_in) for x in lines[:2]] == [
        ("HĐ-01/2025", 3, 285000),
        ("BB-07", 1, 50000),
    ]
    removal = lines[2]
    assert (removal.copies_out, removal.value_out, removal.notes) == (1, 120000, "Rách nát")
    assert removal.reference.startswith("TL-2025-")
    # One store: only what came into it; a period: only its batches.
    by_store = {s.code: general_register(network["TVLC"], store=s) for s in network["TVLC"].stores}
    assert [(x.reference, x.copies_in) for x in by_store["TN"]] == [("HĐ-01/2025", 1), ("BB-07", 1)]
    assert len(general_register(network["TVLC"], start=date(2025, 4, 1), end=date(2025, 6, 1))) == 1


def test_individual_register_lists_copies_in_accession_order(acquisitions, network):
    lines = individual_register(network["TVLC"])
    assert [line.accession_number for line in lines] == sorted(
        c.accession_number for c in acquisitions if c.library.code == "TVLC"
    )
    withdrawn = next(x for x in lines if x.accession_number == acquisitions[1].accession_number)
    assert "01/09/2025" in withdrawn.notes and "Rách nát" in withdrawn.notes
    kieu = next(x for x in lines if x.accession_number == "VN.000001")
    assert kieu.title_author.startswith("Truyện Kiều / Nguyễn Du")
    assert kieu.publisher_year == "Văn học, 2020"
    assert kieu.batch_reference == "HĐ-01/2025"


def test_general_register_xlsx_download(acquisitions, staff_client):
    response = staff_client.get(
        "/staff/registers/",
        query_string={"register": "general", "library": "TVLC", "start": "2025-01-01",
                      "end": "2025-12-31", "format": "xlsx"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Sổ đăng ký tổng quát"
    assert "Thư viện tỉnh Lai Châu" in rows[1][0] and "01/01/2025" in rows[1][0]
    assert rows[2][:6] == (
        "STT",
        "Ngày",
        "Số chứng từ",
        "Nguồn",
        "Số bản nhập",
        "Giá trị nhập (đồng)",
    )
    assert rows[3][2:6] == ("HĐ-01/2025", "Mua: Công ty Sách Việt", 3, 285000)
    assert rows[3][1].date() == date(2025, 3, 2)
    assert rows[5][6:8] == (1, 120000)
    assert rows[6][4:8] == (4, 335000, 1, 120000)  # totals
    assert sheet.column_dimensions["D"].width == 28


def test_individual_register_xlsx_and_pdf_for_one_store(acquisitions, staff_client):
    query = {"register": "individual", "library": "TVLC", "store": "TN", "start": "", "end": ""}
    response = staff_client.get("/staff/registers/", query_string=dict(query, format="xlsx"))
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Sổ đăng ký cá biệt"
    assert [row[1] for row in rows[3:]] == ["TN.000001", "TN.000002"]
    assert rows[3][3].startswith("Dế Mèn phiêu lưu ký / ")
    response = staff_client.get("/staff/registers/", query_string=dict(query, format="pdf"))
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "SỔ ĐĂNG KÝ CÁ BIỆT".lower() in text.lower()
    assert "TN.000001" in text and "Dế Mèn phiêu lưu ký" in text and "50.000" in text
    assert "TN.000001" in text and "VN.000001" not in text


def test_general_register_pdf_has_vietnamese_text(acquisitions, staff_client):
    response = staff_client.get(
        "/staff/registers/",
        query_string={"register": "general", "library": "TVLC", "format": "pdf"},
    )
    text = pdf_text(response.data)
    assert "Sổ đăng ký tổng quát" in text
    assert "HĐ-01/2025" in text and "285.000" in text and "Rách nát" in text


def test_register_form_says_what_is_wrong(staff_client):
    response = staff_client.get(
        "/staff/registers/",
        query_string={"register": "general", "library": "TVLC", "store": "DPX",
                      "start": "2025-13-01", "format": "xlsx"},
    )  # fmt: skip
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Thư viện này không có kho DPX." in text
    assert staff_client.get("/staff/registers/").status_code == 200


def test_registers_need_a_permission_and_the_staff_library(client, network, acquisitions):
    make_staff("viewer", None, "viewer-reg")
    sign_in(client, "viewer-reg")
    assert client.get("/staff/registers/").status_code == 403
    make_staff("cataloguer", "TVTD", "cat-tvtd")
    sign_in(client, "cat-tvtd")
    assert client.get("/staff/registers/").status_code == 200
    response = client.get(
        "/staff/registers/", query_string={"register": "general", "library": "TVLC"}
    )
    assert response.status_code == 403


def test_a_title_that_looks_like_a_formula_stays_text_in_the_xlsx(network, staff_client):
    """A title such as "=1+1" (typed or imported) must not run when the register is opened."""
    add_item(book("=1+1"), library="TVLC", store="VN", price=1000, acquired_on=date(2025, 3, 2))
    response = staff_client.get(
        "/staff/registers/",
        query_string={"register": "individual", "library": "TVLC", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    cell = sheet.cell(row=4, column=4)
    assert cell.value.startswith("=1+1 / ")
    assert cell.data_type == "s"
