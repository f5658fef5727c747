"""The exports pages name what was exported in words: a library by its code and name, a
level by its name ("Thư viện huyện", not "district"), a format by its name ("Bảng CSV", not
"csv"), in the list of recent exports and on an export's page; the spreadsheet names the
adults counted at the door ("adults" was their row's name), and the form's empty choices say
what they mean ("—" did)."""

import io
import re

from openpyxl import load_workbook

from libsys.stats.exports.models import ExportJob
from tests.factories import make_staff, sign_in


def _cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", page)]


def test_recent_exports_and_an_exports_page_say_names_not_codes(client, history):
    make_staff("viewer", None, "baocao")
    sign_in(client, "baocao")
    for data in (
        {"period": "2025-H1", "level": "district", "format": "csv"},
        {"period": "2025-03", "library": "TVTD", "format": "xlsx"},
    ):
        assert client.post("/staff/stats/exports", data=data).status_code == 302

    cells = _cells(client.get("/staff/stats/exports").get_data(as_text=True))
    assert "Thư viện huyện" in cells and "TVTD · Thư viện huyện Tam Đường" in cells
    assert "Bảng CSV" in cells and "Bảng tính Excel (xlsx)" in cells
    assert not {"district", "TVTD", "csv", "xlsx"} & set(cells)
    assert "6 tháng đầu năm 2025" in cells and "Tháng 03/2025" in cells
    assert not {"2025-H1", "2025-03"} & set(cells)

    job = ExportJob.query.filter_by(library_code="TVTD").one()
    page = client.get(f"/staff/stats/exports/{job.id}").get_data(as_text=True)
    assert "<dd>TVTD · Thư viện huyện Tam Đường</dd>" in page
    assert "<h1>Xuất số liệu thống kê · Tháng 03/2025</h1>" in page
    assert "<dd>Tháng 03/2025</dd>" in page


def test_the_door_counts_adults_are_named_in_the_reader_category_sheet(client, history):
    make_staff("viewer", None, "baocao")
    sign_in(client, "baocao")
    data = {"period": "2025-01-01..2025-06-30", "format": "xlsx"}
    page = client.post("/staff/stats/exports", data=data, follow_redirects=True)
    (link,) = re.findall(r'href="([^"]+/file)"', page.get_data(as_text=True))
    workbook = load_workbook(io.BytesIO(client.get(link).data))
    rows = list(workbook["Đối tượng bạn đọc"].iter_rows(min_row=4, values_only=True))
    names = {row[0]: row[1] for row in rows if row[0]}
    assert names["adults"] == "Người lớn (đếm lượt vào)"  # was "adults", the code
    assert names["children"] == "Thiếu nhi"


def test_the_forms_empty_choices_say_what_they_mean(client, history):
    make_staff("viewer", None, "baocao")
    sign_in(client, "baocao")
    form = client.get("/staff/stats/exports").get_data(as_text=True)
    assert '<option value="">Toàn mạng lưới</option>' in form  # was "—"
    assert '<option value="">Mọi cấp</option>' in form
    make_staff("viewer", "TVTD", "xem-td")
    sign_in(client, "xem-td")
    form = client.get("/staff/stats/exports").get_data(as_text=True)
    assert '<option value="">Thư viện của tôi</option>' in form
    assert 'name="level"' not in form
