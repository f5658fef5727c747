"""The statistics dashboard: the home of the report viewer and the manager, the year against
the plans' targets, scoped to the account, and the same numbers as the API."""

import io
import re
from datetime import date
from html import unescape

import pytest
from openpyxl import load_workbook

from libsys.core.clock import local_today
from libsys.stats.charts import format_figure
from libsys.stats.dashboard import dashboard, judge, year_elapsed, year_so_far
from libsys.stats.demo import load_plans
from libsys.stats.events import record_event
from libsys.stats.scope import library_scope
from tests.factories import api_headers, make_staff, sign_in
from tests.stats.conftest import library

URL = "/staff/stats/"


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _rows(response) -> dict[str, list[str]]:
    """The table of every indicator: {code: [cells]} as the page writes them."""
    html = response.get_data(as_text=True)
    rows = {}
    for code, body in re.findall(r'<tr data-code="(\w+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        rows[code] = [
            unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))).strip() for cell in cells
        ]
    return rows


# The service's rules.


def test_a_total_is_judged_against_the_share_of_the_year_gone_by():
    # Half the year gone: 500 of 1,000 is on track, 420 behind, 300 far behind.
    assert judge(500, 1000, None, expected_share=0.5) == (0.5, "on_track")
    assert judge(420, 1000, None, expected_share=0.5) == (0.42, "behind")
    assert judge(300, 1000, None, expected_share=0.5) == (0.3, "far_behind")
    # A range: the low end is what must be reached.
    assert judge(9000, 8000, 9000, expected_share=1.0) == (1.125, "on_track")
    # A level (expected share 1): 0.35 copies per inhabitant against 0.4 is behind.
    assert judge(0.35, 0.4, None, expected_share=1.0) == (0.875, "behind")
    # A growth below zero against +10 % is far behind; no target or no value, no status.
    assert judge(-3.0, 10, None, expected_share=1.0)[1] == "far_behind"
    assert judge(5, None, None, expected_share=1.0) == (None, None)
    assert judge(None, 10, None, expected_share=1.0) == (None, None)
    # "At most": under the allowance is on track, well over it far behind.
    assert judge(10, None, 20, expected_share=1.0) == (0.5, "on_track")
    assert judge(40, None, 20, expected_share=1.0)[1] == "far_behind"


def test_the_year_so_far():
    today = date(2026, 7, 2)  # 183rd day of 365
    period = year_so_far(2026, today)
    assert (period.start, period.end) == (date(2026, 1, 1), today)
    assert year_elapsed(period) == pytest.approx(183 / 365)
    past = year_so_far(2025, today)
    assert (past.end, year_elapsed(past)) == (date(2025, 12, 31), 1.0)
    with pytest.raises(Exception) as refused:
        year_so_far(2027, today)
    assert refused.value.code == "INVALID_YEAR"


def test_figures_the_vietnamese_way():
    assert format_figure(35000) == "35.000"
    assert format_figure(0.4) == "0,4"
    assert format_figure(12.0) == "12"
    assert format_figure(1234.25) == "1.234,25"
    assert format_figure(None) == "–"


def test_the_dashboard_of_a_past_year_against_its_targets(history):
    board = dashboard(2025, library_scope("TVTD"), date(2026, 3, 1))
    visits = board.line("visits")
    # 12 visits against 10-20 for the whole of 2025; 10 on the same days of 2024.
    assert (visits.value, visits.target_min, visits.target_max) == (12, 10, 20)
    assert (visits.reached, visits.status, visits.last_year) == (1.2, "on_track", 10)
    assert board.elapsed == 1.0
    assert [visits.months[m] for m in (3, 4, 5, 7)] == [2, 6, 3, 1]  # 12 in all
    assert sum(visits.months.values()) == 12
    assert visits.last_months[6] == 10 and sum(visits.last_months.values()) == 10
    assert board.line("holdings_copies").months is None  # a level is not drawn by month
    # The district level's target for 2024 stays in force in 2025.
    assert [line.code for line in board.targeted] == ["visits", "acquired_copies"]


# The pages.


def test_the_viewer_lands_on_the_dashboard_with_the_seed_plans_targets(client, network):
    load_plans()
    make_staff("viewer", None, "baocao")
    sign_in(client, "baocao")
    home = client.get("/staff")
    assert home.status_code == 200
    page = _text(home)
    assert f"Thống kê năm {local_today().year} · Toàn mạng lưới" in page
    # The network's one target in the seed plans: visits up 10 % a year from 2026.
    assert "Tăng trưởng lượt bạn đọc" in page and "ít nhất 10" in page
    assert 'href="/staff/stats/"' in page and ">Thống kê<" in page  # the nav link
    assert "<svg" in page and "<title" in page and "Theo từng tháng" in page
    # A district library's own plan: 35,000 visits, 16,000 copies, 10 periodical titles.
    district = _text(client.get(f"{URL}?library=TVTD"))
    assert "ít nhất 35.000" in district and "ít nhất 16.000" in district
    # Today's numbers are still a click away.
    today = client.get("/staff/today")
    assert today.status_code == 200 and "Hôm nay" in _text(today)


def test_the_manager_lands_on_the_dashboard_and_the_desk_keeps_todays_numbers(client, network):
    make_staff("manager", "TVTD", "ql.td")
    sign_in(client, "ql.td")
    assert "Thống kê năm" in _text(client.get("/staff"))
    client.post("/logout")
    make_staff("circulation", "TVTD", "tt.td")
    sign_in(client, "tt.td")
    page = _text(client.get("/staff"))
    assert "Hôm nay" in page and "Thống kê năm" not in page
    assert client.get(URL).status_code == 403  # no stats.view


def test_todays_numbers_are_scoped_to_the_library_and_its_points(client, network):
    record_event("visit", library=network["TVTD"], quantity=5, reader_category="adults")
    record_event("visit", library=library("BDBG"), quantity=2, reader_category="adults")
    record_event("visit", library=network["TVLC"], quantity=100, reader_category="adults")
    make_staff("circulation", "TVTD", "tt.td2")
    sign_in(client, "tt.td2")
    page = client.get("/staff").get_data(as_text=True)
    assert re.search(r"Lượt bạn đọc</span><strong>7</strong>", page)
    client.post("/logout")
    make_staff("viewer", None, "bc2")
    sign_in(client, "bc2")
    network_page = client.get("/staff/today").get_data(as_text=True)
    assert re.search(r"Lượt bạn đọc</span><strong>107</strong>", network_page)


def test_a_library_manager_sees_only_her_library(client, history):
    make_staff("manager", "TVTD", "ql.td3")
    sign_in(client, "ql.td3")
    own = client.get(f"{URL}?year=2025")
    assert own.status_code == 200
    assert _rows(own)["visits"][1] == "12"
    point = client.get(f"{URL}?year=2025&library=BDBG")  # a point under her library
    assert point.status_code == 200 and _rows(point)["point_uses"][1] == "5"
    other = client.get(f"{URL}?year=2025&library=TVLC")
    assert other.status_code == 403
    assert "Tài khoản của bạn chỉ xem được thư viện của mình." in _text(other)
    assert 'data-code="visits"' not in other.get_data(as_text=True)
    assert client.get(f"{URL}?year=2025&level=district").status_code == 403
    # The library list offers her library and its points, not the province's.
    options = re.findall(r'<option value="(\w+)"', own.get_data(as_text=True))
    assert "TVTD" in options and "BDBG" in options and "TVLC" not in options


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("year=abcd", 422, "Chọn một năm từ 2000 đến"),
        ("year=1999", 422, "Chọn một năm từ 2000 đến"),
        ("year=9999", 422, "Chọn một năm từ 2000 đến"),
        ("library=NOPE", 404, "Không có thư viện mang mã này."),
        ("level=galaxy", 422, "Chọn một trong"),
        ("library=TVTD&level=district", 422, "Chọn một thư viện hoặc một cấp"),
    ],
)
def test_a_wrong_filter_is_explained(client, network, query, status, message):
    make_staff("viewer", None, "bc3")
    sign_in(client, "bc3")
    response = client.get(f"{URL}?{query}")
    assert response.status_code == status
    page = _text(response)
    assert message in page
    assert 'name="year"' in page  # the filters are there to try again


def test_the_numbers_on_the_page_equal_the_api(client, history):
    make_staff("viewer", None, "bc4")
    sign_in(client, "bc4")
    rows = _rows(client.get(f"{URL}?year=2025&library=TVTD"))
    headers = api_headers("viewer")
    api = client.get("/api/v1/stats/indicators?period=2025&library=TVTD", headers=headers).json
    assert set(rows) == {item["code"] for item in api}
    for item in api:
        assert rows[item["code"]][1] == format_figure(item["value"]), item["code"]
    last = client.get("/api/v1/stats/indicators?period=2024&library=TVTD&code=visits",
                      headers=headers).json  # fmt: skip
    assert rows["visits"][5] == format_figure(last[0]["value"]) == "10"
    assert rows["visits"][3] == "10–20" and rows["visits"][4] == "120% (Đúng tiến độ)"


def test_the_dashboard_exports_the_month_it_offers(client, history):
    make_staff("manager", "TVTD", "ql.td5")
    sign_in(client, "ql.td5")
    html = client.get(f"{URL}?year=2025").get_data(as_text=True)
    form = html[html.index('action="/staff/stats/exports"') :]
    form = form[: form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    periods = re.findall(r'<option value="([^"]+)"', form[: form.index('name="format"')])
    assert fields["library"] == "TVTD" and periods == ["2025", "2025-H1"]
    data = {**fields, "period": "2025-H1", "format": "xlsx"}
    done = client.post("/staff/stats/exports", data=data, follow_redirects=True)
    assert done.status_code == 200
    link = re.search(r'href="(/staff/stats/exports/\d+/file)"', done.get_data(as_text=True))
    workbook = load_workbook(io.BytesIO(client.get(link[1]).data))
    assert workbook.worksheets[0].max_row > 3
