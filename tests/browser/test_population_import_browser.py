"""A library's manager imports the population from a spreadsheet on a 360-pixel phone: the
rows refused are listed in the first screen, under the count of rows imported, not below the
table of every unit and year (about 7,000 pixels down on a phone); axe-core finds no WCAG 2
A/AA violation."""

from openpyxl import Workbook

from tests.browser.test_stats_browser import _no_wcag_violations, _sign_in


def test_the_rows_refused_are_in_the_first_screen_of_a_phone(phone_page, tmp_path):
    sheet = Workbook()
    rows = sheet.active
    rows.append(["code", "year", "population", "children", "students"])
    rows.append(["03390", 2027, 9900, 2800, None])  # Phường Tân Phong
    rows.append(["XXXX", 2027, 1, 1, None])  # no such unit
    path = tmp_path / "dan-so.xlsx"
    sheet.save(path)

    _sign_in(phone_page, "quanly")
    phone_page.goto("/staff/network/population")
    phone_page.set_input_files("#f-file", str(path))
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Nhập", exact=True).click()
    assert phone_page.locator(".flash").inner_text().strip() == "Đã nhập 1 dòng."
    refused = phone_page.get_by_role("alert").filter(has_text="Các dòng không được nhập")
    assert "Dòng 3" in refused.inner_text()
    box = refused.bounding_box()
    assert box["y"] + box["height"] <= 740, box  # seen without scrolling
    assert box["y"] < phone_page.locator("main table").bounding_box()["y"]
    _no_wcag_violations(phone_page)
