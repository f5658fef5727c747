"""The exports page in a real browser: the viewer asks for the year's report as PDF from
/staff/stats/exports, follows the job to its end and downloads the file; a wrong period is
explained beside its field. axe-core finds no WCAG 2 A/AA violation on either page."""

from pathlib import Path

from tests.browser.test_stats_browser import _no_wcag_violations, _sign_in


def test_the_viewer_exports_the_year_report_as_pdf(page, live_server):
    _sign_in(page, "baocao")
    page.goto("/staff/stats/exports")
    assert page.inner_text("h1") == "Xuất số liệu thống kê"
    _no_wcag_violations(page)

    page.locator("#f-period").fill("2026-Q3")
    with page.expect_navigation():
        page.get_by_role("button", name="Xuất", exact=True).click()
    assert "2026-H1" in page.locator("#e-period").inner_text()
    _no_wcag_violations(page)

    page.locator("#f-period").fill("2026")
    page.locator("#f-format").select_option("pdf")
    with page.expect_navigation():
        page.get_by_role("button", name="Xuất", exact=True).click()
    assert page.inner_text("#export-state").strip() == "Xong"
    _no_wcag_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về").click()
    assert download_info.value.suggested_filename == "baocao-network-2026.pdf"
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
