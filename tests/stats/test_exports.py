"""Statistics exports: the files hold what the API says, for every period and format."""

import io

from openpyxl import load_workbook

from libsys.stats.exports.services import export_file
from libsys.stats.indicators import INDICATORS
from tests.factories import api_headers, make_staff, sign_in

API = "/api/v1/stats/indicators"


def _api(client, query: str) -> dict:
    response = client.get(f"{API}?{query}", headers=api_headers("viewer"))
    assert response.status_code == 200, response.json
    return {row["code"]: row for row in response.json}


def _vietnamese_labels() -> dict[str, str]:
    return {code: indicator.labels()["vi"] for code, indicator in INDICATORS.items()}


def _sheet_rows(sheet) -> list[tuple]:
    """The table of a sheet: the rows under the heading (title, subtitle, column names)."""
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_the_month_as_xlsx_holds_the_api_figures(client, history):
    exported = export_file("2025-03", "TVTD", "xlsx")
    assert exported.filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(exported.content))
    summary = _sheet_rows(workbook.worksheets[0])
    assert summary[0][:4] == ("Mã", "Chỉ tiêu", "Đơn vị", "Giá trị")
    in_file = {row[0]: row for row in summary[1:]}
    api = _api(client, "period=2025-03&library=TVTD")
    assert set(in_file) == set(api) == set(INDICATORS)
    for code, row in api.items():
        assert in_file[code][3] == row["value"], code
        assert (in_file[code][4], in_file[code][5]) == (row["target_min"], row["target_max"])
        assert in_file[code][1] == _vietnamese_labels()[code]
    assert in_file["visits"][3] == 2 and in_file["loans"][3] == 1  # not all zeros
    assert "=" not in "".join(str(cell.value) for row in workbook.worksheets[0] for cell in row)


def test_a_viewer_exports_from_the_page_and_downloads_the_file(client, history):
    make_staff("viewer", None, "baocao")
    sign_in(client, "baocao")
    form = client.get("/staff/stats/exports")
    assert form.status_code == 200
    assert 'name="period"' in form.get_data(as_text=True)
    data = {"period": "2025-03", "library": "TVTD", "level": "", "format": "xlsx"}
    response = client.post("/staff/stats/exports", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page  # done: the page stops refreshing
    (link,) = [part.split('"')[0] for part in page.split('href="')[1:] if "/file" in part]
    download = client.get(link)
    assert download.status_code == 200
    assert download.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in download.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(download.data))
    in_file = {row[0]: row[3] for row in _sheet_rows(workbook.worksheets[0])[1:]}
    api = _api(client, "period=2025-03&library=TVTD")
    assert in_file == {code: row["value"] for code, row in api.items()}
