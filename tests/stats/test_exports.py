"""Statistics exports: the files hold what the API says, for every period and format."""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from libsys.errors import PermissionDenied, ValidationFailed
from libsys.stats.exports.models import ExportJob
from libsys.stats.exports.services import export_file
from libsys.stats.indicators import INDICATORS
from tests.factories import api_headers, make_staff, sign_in

API = "/api/v1/stats/indicators"


@pytest.fixture
def headers(network):
    """Bearer headers of a network viewer, for the API."""
    return api_headers("viewer")


def _api(client, query: str, headers: dict) -> dict:
    response = client.get(f"{API}?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return {row["code"]: row for row in response.json}


def _vietnamese_labels() -> dict[str, str]:
    return {code: indicator.labels()["vi"] for code, indicator in INDICATORS.items()}


def _sheet_rows(sheet) -> list[tuple]:
    """The table of a sheet: the rows under the heading (title, subtitle, column names)."""
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_the_month_as_xlsx_holds_the_api_figures(client, history, headers):
    exported = export_file("2025-03", "TVTD", "xlsx")
    assert exported.filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(exported.content))
    summary = _sheet_rows(workbook.worksheets[0])
    assert summary[0][:4] == ("Mã", "Chỉ tiêu", "Đơn vị", "Giá trị")
    in_file = {row[0]: row for row in summary[1:]}
    api = _api(client, "period=2025-03&library=TVTD", headers)
    assert set(in_file) == set(api) == set(INDICATORS)
    for code, row in api.items():
        assert in_file[code][3] == row["value"], code
        assert (in_file[code][4], in_file[code][5]) == (row["target_min"], row["target_max"])
        assert in_file[code][1] == _vietnamese_labels()[code]
    assert in_file["visits"][3] == 2 and in_file["loans"][3] == 1  # not all zeros
    assert "=" not in "".join(str(cell.value) for row in workbook.worksheets[0] for cell in row)


def test_a_viewer_exports_from_the_page_and_downloads_the_file(client, history, headers):
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
    api = _api(client, "period=2025-03&library=TVTD", headers)
    assert in_file == {code: row["value"] for code, row in api.items()}


def test_a_breakdown_sheet_has_the_groups_as_rows_and_the_indicators_as_columns(
    client, history, headers
):
    workbook = load_workbook(
        io.BytesIO(export_file("2025-01-01..2025-06-30", None, "xlsx").content)
    )
    assert workbook.sheetnames[0] == "Tổng hợp chỉ tiêu"
    assert len(workbook.sheetnames) == 11  # the summary and the ten breakdowns
    api = _api(client, "period=2025-01-01..2025-06-30&breakdown=reader_category", headers)
    sheet = workbook["Đối tượng bạn đọc"]
    rows = _sheet_rows(sheet)
    headings, groups, total = rows[0], rows[1:-1], rows[-1]
    assert headings[:2] == ("Mã", "Đối tượng bạn đọc")
    labels = _vietnamese_labels()
    split = [code for code, row in api.items() if row["breakdown"] is not None]
    assert list(headings[2:]) == [labels[code] for code in split]
    assert "visits" in split and "inhouse_uses" not in split  # only those that allow it
    by_group = {row[0]: row for row in groups}
    names = {row[0]: row[1] for row in groups}
    assert names["children"] == "Thiếu nhi"  # the category's name, not its code
    for position, code in enumerate(split, start=2):
        for group, value in api[code]["breakdown"].items():
            assert by_group[group][position] == value, (code, group)
        assert total[position] == api[code]["value"]
    assert api["visits"]["breakdown"]["children"] == 6  # a child's card, 5 children tallied


def test_the_month_as_csv_is_one_long_table(client, history, headers):
    exported = export_file("2025-04", "TVTD", "csv")
    assert exported.filename.endswith(".csv") and exported.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["breakdown", "group", "group_name", "code", "indicator", "unit",
                             "value"]  # fmt: skip
    totals = {row["code"]: row["value"] for row in rows if row["breakdown"] == ""}
    api = _api(client, "period=2025-04&library=TVTD", headers)
    assert totals == {code: "" if row["value"] is None else str(row["value"])
                      for code, row in api.items()}  # fmt: skip
    genders = _api(client, "period=2025-04&library=TVTD&breakdown=gender", headers)
    in_file = {(row["code"], row["group"]): row for row in rows if row["breakdown"] == "gender"}
    expected = {(code, group): value for code, row in genders.items()
                for group, value in (row["breakdown"] or {}).items()}  # fmt: skip
    assert expected and {key: int(row["value"]) for key, row in in_file.items()} == expected
    assert in_file[("visits", "female")]["group_name"] == "Nữ"


def test_a_year_as_csv_is_the_long_table_too(history):
    text = export_file("2025", None, "csv").content.decode("utf-8-sig")
    assert text.startswith("breakdown,group,group_name,code")
    assert "\nlevel,district,Thư viện huyện,visits," in text.replace("\r\n", "\n")


def test_a_csv_cell_never_starts_like_a_formula(history, network):
    from tests.stats.conftest import library

    library("TVTD").name = "=HYPERLINK(1)"
    text = export_file("2025", None, "csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_the_annual_report_has_a_row_per_level_and_the_targets(client, history, headers):
    exported = export_file("2025", None, "xlsx")
    assert exported.filename == "baocao-network-2025.xlsx"
    workbook = load_workbook(io.BytesIO(exported.content))
    report, targets = workbook.worksheets
    assert report["A1"].value == "BÁO CÁO HOẠT ĐỘNG THƯ VIỆN NĂM"
    rows = _sheet_rows(report)
    headings = rows[0]
    assert headings[:2] == ("Cấp thư viện", "Số thư viện")
    end = next(position for position, row in enumerate(rows) if row[0] == "Tổng cộng")
    lines = {row[0]: row for row in rows[1:end]}
    total = rows[end]
    assert list(lines)[:2] == ["Thư viện tỉnh", "Thư viện huyện"]
    codes = ["holdings_copies", "acquired_copies", "periodical_titles", "new_cards", "visits",
             "document_uses", "copies_per_inhabitant"]  # fmt: skip
    network = _api(client, "period=2025", headers)
    district = _api(client, "period=2025&level=district", headers)
    for position, code in enumerate(codes, start=2):
        assert total[position] == network[code]["value"], code
        assert lines["Thư viện huyện"][position] == district[code]["value"], code
    assert lines["Thư viện huyện"][6] == 12 and lines["Thư viện tỉnh"][6] == 100
    assert total[1] == sum(row[1] for row in lines.values())
    assert any(row[0] == "Người lập biểu" and "Thủ trưởng đơn vị" in row for row in rows)
    comparison = {row[0]: row for row in _sheet_rows(targets)[1:]}
    assert comparison["visits"][3:] == (100, None, 112, 112.0)  # target, value, % of target


def test_the_six_month_report_as_pdf_names_the_library_and_the_signers(history):
    exported = export_file("2025-H1", "TVTD", "pdf")
    assert exported.content.startswith(b"%PDF") and exported.content_type == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(exported.content)).pages)
    assert "THƯ VIỆN HUYỆN TAM ĐƯỜNG" in text.upper()
    assert "6 tháng đầu năm 2025" in text
    assert "Người lập biểu" in text and "Thủ trưởng đơn vị" in text


def test_a_month_as_pdf_is_the_summary_table(history):
    content = export_file("2025-04", "TVTD", "pdf").content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Tháng 04/2025" in text and "Lượt bạn đọc" in text


def test_the_command_writes_the_file(app, history, tmp_path):
    target = tmp_path / "thang.xlsx"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "export", "--period", "2025-03", "--library", "TVTD",
                                 "--format", "xlsx", "-o", str(target)])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = {row[0]: row[3] for row in _sheet_rows(load_workbook(target).worksheets[0])[1:]}
    assert summary["visits"] == 2
    pdf = tmp_path / "nam.pdf"
    result = runner.invoke(args=["stats", "export", "--period", "2025", "--level", "district",
                                 "--format", "pdf", "-o", str(pdf)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_command_refuses_a_wrong_period(app, history, tmp_path):
    target = tmp_path / "x.xlsx"
    result = app.test_cli_runner().invoke(
        args=["stats", "export", "--period", "2025-Q1", "-o", str(target)]
    )
    assert result.exit_code == 2
    assert "2026-H1" in result.output and not target.exists()


def test_a_library_account_exports_only_its_library(client, history):
    with pytest.raises(PermissionDenied):
        export_file("2025", "TVLC", "xlsx", user=make_staff("viewer", "TVTD", "xem-td"))
    sign_in(client, "xem-td")
    before = ExportJob.query.count()
    data = {"period": "2025-03", "library": "TVLC", "format": "xlsx"}
    refused = client.post("/staff/stats/exports", data=data)
    assert refused.status_code == 403
    assert "thư viện của mình" in refused.get_data(as_text=True)
    assert ExportJob.query.count() == before
    own = client.post("/staff/stats/exports", data={**data, "library": ""})
    assert own.status_code == 302
    job = ExportJob.query.order_by(ExportJob.id.desc()).first()
    assert (job.state, job.library_code, job.filename) == ("done", None,
                                                           "thongke-TVTD-2025-03.xlsx")  # fmt: skip


def test_a_wrong_period_shows_the_form_again_with_the_message(client, history):
    make_staff("viewer", None, "baocao")
    sign_in(client, "baocao")
    response = client.post("/staff/stats/exports", data={"period": "2025-Q1", "format": "xlsx"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="2025-Q1"' in page and "2026-H1" in page
    assert ExportJob.query.count() == 0
    bad_format = client.post("/staff/stats/exports", data={"period": "2025", "format": "doc"})
    assert bad_format.status_code == 422 and ExportJob.query.count() == 0


def test_only_the_asker_or_an_administrator_sees_an_export(client, history):
    make_staff("viewer", None, "baocao")
    make_staff("viewer", None, "khac")
    sign_in(client, "baocao")
    client.post("/staff/stats/exports", data={"period": "2025", "format": "pdf"})
    job = ExportJob.query.one()
    assert client.get(f"/staff/stats/exports/{job.id}/file").data.startswith(b"%PDF")
    sign_in(client, "khac")
    assert client.get(f"/staff/stats/exports/{job.id}").status_code == 404
    assert client.get(f"/staff/stats/exports/{job.id}/file").status_code == 404
    make_staff("admin", None, "quantri")
    sign_in(client, "quantri")
    assert client.get(f"/staff/stats/exports/{job.id}/file").status_code == 200


def test_export_file_refuses_a_wrong_format_or_period(history):
    with pytest.raises(ValidationFailed):
        export_file("2025", None, "docx")
    with pytest.raises(ValidationFailed):
        export_file("2025-13", None, "xlsx")


def test_a_running_export_page_refreshes_itself_without_script(client, history):
    from libsys.accounts.models import User
    from libsys.extensions import db

    make_staff("viewer", None, "baocao")
    user = User.query.filter_by(username="baocao").one()
    job = ExportJob(user_id=user.id, period="2025", format="xlsx", state="running", done=1,
                    total=3)  # fmt: skip
    db.session.add(job)
    db.session.flush()
    sign_in(client, "baocao")
    page = client.get(f"/staff/stats/exports/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page and "<script>" not in page.split("<main")[-1]
    assert 'value="1"' in page and "/file" not in page
    assert client.get(f"/staff/stats/exports/{job.id}/file").status_code == 404
