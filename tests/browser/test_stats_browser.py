"""The report viewer in a real browser: she signs in and lands on the dashboard, sees the
year against the seed plans' targets, on a desk screen, a 360-pixel phone and paper, and
downloads the month's statistics as xlsx from it. axe-core finds no WCAG 2 A/AA violation."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import STAFF_PASSWORD

SHOTS = Path("/tmp/shots")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _sign_in(page, username):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(username)
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")


def _no_wcag_violations(page):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


def test_the_viewer_sees_the_year_against_the_targets_and_downloads_the_month(page, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, "baocao")
    heading = page.inner_text("h1")
    assert heading.startswith("Thống kê năm") and "Toàn mạng lưới" in heading
    # The network's target in the seed plans: visits up 10 % on last year (Bắc Kạn's plan).
    growth = page.locator(".target", has_text="Tăng trưởng lượt bạn đọc")
    assert "ít nhất 10" in growth.inner_text()
    assert page.locator("main svg.chart[role=img]").count() >= 2
    page.screenshot(path=str(SHOTS / "dashboard-network.png"), full_page=True)
    _no_wcag_violations(page)

    # Tam Đường's own plan: 35,000 visits and 16,000 copies a year, each with its bar.
    page.get_by_label("Thư viện", exact=True).select_option("TVTD")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem").click()
    assert "TVTD" in page.inner_text("h1")
    visits = page.locator(".target", has_text="Lượt bạn đọc").first
    assert "ít nhất 35.000" in visits.inner_text()
    assert visits.locator("svg.progress").count() == 1
    assert "chỉ tiêu" in visits.locator(".target-status").inner_text()
    assert (
        "ít nhất 16.000"
        in page.locator(".target", has_text="Vốn tài liệu (bản)").first.inner_text()
    )
    page.screenshot(path=str(SHOTS / "dashboard-tvtd.png"), full_page=True)
    _no_wcag_violations(page)

    # On paper: no menu, no forms, nothing wider than an A4 page (794 px at 96 dpi).
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    page.screenshot(path=str(SHOTS / "dashboard-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 720})

    # The month's statistics as xlsx, from the dashboard.
    page.get_by_label("Kỳ", exact=True).select_option(index=0)  # this month
    page.get_by_label("Định dạng", exact=True).select_option("xlsx")
    with page.expect_navigation():
        page.get_by_role("button", name="Xuất tệp").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về").click()
    path = download_info.value.path()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(path).read_bytes()))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert any(row and row[0] == "visits" for row in rows)


def test_the_dashboard_fits_a_phone(phone_page):
    phone = phone_page
    _sign_in(phone, "baocao")
    assert phone.inner_text("h1").startswith("Thống kê năm")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(SHOTS / "dashboard-phone.png"), full_page=True)
    _no_wcag_violations(phone)
