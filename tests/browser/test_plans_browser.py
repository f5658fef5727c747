"""Plans and targets in a real browser: the provincial library's manager enters a plan,
a target that is refused and explained, then a range; corrects nothing else's; deletes the
plan (years far ahead, so the other browser tests' dashboard is untouched). axe-core finds
no WCAG 2 A/AA violation on the list, the forms, a refused form and the plan's page."""

from tests.browser.test_stats_browser import _no_wcag_violations, _sign_in


def test_a_manager_enters_a_plan_and_its_targets(page, live_server):
    _sign_in(page, "quanly")
    page.goto("/staff/stats/plans/")
    assert page.inner_text("h1") == "Kế hoạch và chỉ tiêu"
    _no_wcag_violations(page)
    page.get_by_role("link", name="Nhập kế hoạch").click()
    _no_wcag_violations(page)
    page.get_by_label("Số hiệu").fill("12/KH-TV")
    page.get_by_label("Cơ quan ban hành").fill("Thư viện tỉnh Lai Châu")
    page.get_by_label("Ngày ban hành").fill("02/01/2040")
    page.get_by_label("Năm đầu của kế hoạch").fill("2040")
    page.get_by_label("Năm cuối của kế hoạch").fill("2041")
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch thử trong trình duyệt")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()
    assert page.inner_text("h1") == "Kế hoạch thử trong trình duyệt"
    assert "Kế hoạch chưa có chỉ tiêu nào." in page.inner_text("main")

    page.locator("#f-indicator").select_option("visits")
    page.locator("#f-year").fill("2040")
    page.locator("#f-value").fill("9.000-8.000")
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm", exact=True).click()
    assert "Khoảng đi từ số nhỏ đến số lớn." in page.locator("#e-value").inner_text()
    _no_wcag_violations(page)

    page.locator("#f-value").fill("8.000-9.000")
    page.locator("#f-last_year").fill("2041")
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm", exact=True).click()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "8.000–9.000" in rows.nth(0).inner_text() and "TVLC" in rows.nth(0).inner_text()
    _no_wcag_violations(page)

    page.get_by_role("link", name="Xóa kế hoạch").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa", exact=True).click()
    assert "Đã xóa kế hoạch: Kế hoạch thử trong trình duyệt." in page.inner_text("main")
    assert "Kế hoạch thử trong trình duyệt" not in page.locator("table").inner_text()
    _no_wcag_violations(page)
