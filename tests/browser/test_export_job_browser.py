"""An export's page on a 360-pixel phone: its facts in the two-column list the other pages
use, the download a button like every other action (its class was one no stylesheet knows,
so it showed as a plain link), nothing wider than the phone; axe-clean."""

from tests.browser.test_stats_browser import _no_wcag_violations, _sign_in


def test_the_export_page_offers_its_file_as_a_button_on_a_phone(phone_page):
    _sign_in(phone_page, "baocao")
    phone_page.goto("/staff/stats/exports")
    phone_page.locator("#f-period").fill("2026-H1")
    phone_page.locator("#f-level").select_option("district")
    phone_page.locator("#f-format").select_option("csv")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Xuất", exact=True).click()
    assert phone_page.inner_text("#export-state").strip() == "Xong"
    assert phone_page.locator("main dl").evaluate("e => getComputedStyle(e).display") == "grid"
    download = phone_page.get_by_role("link", name="Tải về")
    background = download.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    _no_wcag_violations(phone_page)
