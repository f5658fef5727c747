"""The exports pages name what was exported in words: a library by its code and name, a
level by its name ("Thư viện huyện", not "district"), a format by its name ("Bảng CSV", not
"csv"), in the list of recent exports and on an export's page."""

import re

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

    job = ExportJob.query.filter_by(library_code="TVTD").one()
    page = client.get(f"/staff/stats/exports/{job.id}").get_data(as_text=True)
    assert "<dd>TVTD · Thư viện huyện Tam Đường</dd>" in page
