"""The staff home and the desk at a desk, a tablet and a phone (issue 15): no tool card alone
on a row, and the desk with a reader's loans fits a 360 px phone (its table scrolls inside)."""

import pytest

from tests.browser.conftest import STAFF_PASSWORD
from tests.browser.test_desk_browser import _desk_fixtures
from tests.browser.test_opac_browser import _no_wcag_violations

# Cards alone on a row: starting at the left edge with no card beside them over their height.
LONE_CARDS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].map(c => c.getBoundingClientRect());
  const left = Math.min(...boxes.map(b => b.left));
  return boxes.filter((a, i) => Math.abs(a.left - left) < 2
    && !boxes.some((b, j) => j !== i && b.top < a.bottom - 1 && a.top < b.bottom - 1)).length;
}"""
COLUMNS = """(selector) => new Set([...document.querySelectorAll(selector)]
  .map(c => Math.round(c.getBoundingClientRect().left))).size"""
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _sign_in(page, user_name):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(user_name)
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")


@pytest.mark.parametrize("user_name", ["admin", "thuthu", "biensoan"])
def test_no_card_is_left_alone_on_a_row_of_the_staff_home(browser, live_server, user_name):
    context = browser.new_context(base_url=live_server["url"], locale="vi-VN")
    page = context.new_page()
    _sign_in(page, user_name)
    for width in (1280, 768, 360):
        page.set_viewport_size({"width": width, "height": 740})
        assert page.evaluate(PAGE_WIDTH) <= width
        cards = page.locator("section.numbers + .grid > .card").count()
        assert cards >= 2
        if width > 360:  # a phone has one column: every card is its own row by design
            assert page.evaluate(COLUMNS, "section.numbers + .grid > .card") >= 2, width
            assert page.evaluate(LONE_CARDS, "section.numbers + .grid > .card") == 0, width
        assert page.evaluate(LONE_CARDS, "section.numbers > .number") == 0, width
    _no_wcag_violations(page)
    context.close()


def test_the_desk_with_a_readers_loans_fits_a_phone(phone_page, live_server):
    card, copies, _reference = _desk_fixtures(live_server["app"], prefix="PHONE",
                                               name="Lò Thị Xuân")  # fmt: skip
    _sign_in(phone_page, "thuthu")
    phone_page.goto("/staff/desk/")
    phone_page.keyboard.type(card)
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_selector(".reader-panel")
    for barcode in copies:
        phone_page.keyboard.type(barcode)
        phone_page.keyboard.press("Enter")
        phone_page.wait_for_selector(f".desk-line.ok:has-text('{barcode}')")
    assert phone_page.locator(".desk-loans tbody tr").count() == 2
    assert phone_page.evaluate(PAGE_WIDTH) <= 360
    # The loans table keeps its columns and scrolls inside its own wrapper if it must.
    wrap = phone_page.locator(".reader-panel .table-wrap").first.bounding_box()
    assert wrap["x"] + wrap["width"] <= 360
    _no_wcag_violations(phone_page)
