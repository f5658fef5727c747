"""On a 360-pixel phone a table wider than the screen scrolls in its own region (named in
the template, or by app.js from its caption or heading); when the
table has no link or button to tab to, the region itself takes the focus (tabindex="0", a
name), so a keyboard can scroll it: the activities, the administrative units as a manager
sees them (no edit links) and the audit log. axe-core finds no WCAG 2 A/AA violation
(scrollable-region-focusable was one on each page)."""

import pytest

from libsys.accounts.services import create_user
from libsys.extensions import db
from tests.browser.conftest import STAFF_PASSWORD
from tests.browser.test_stats_browser import _no_wcag_violations, _sign_in


def _region_scrolls_and_takes_focus(page, name):
    region = page.get_by_role("region", name=name)
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits: nothing to test"
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    region.press("ArrowRight")
    region.press("End")
    page.wait_for_function("e => e.scrollLeft > 0", arg=region.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize(
    ("path", "name"),
    [("/staff/activities/", "Hoạt động"), ("/staff/network/units", "Đơn vị hành chính")],
)
def test_the_managers_wide_tables_scroll_by_keyboard_on_a_phone(phone_page, path, name):
    _sign_in(phone_page, "quanly")
    phone_page.goto(path)
    _region_scrolls_and_takes_focus(phone_page, name)
    _no_wcag_violations(phone_page)


def test_the_audit_log_scrolls_by_keyboard_on_a_phone(phone_page, live_server):
    with live_server["app"].app_context():  # an entry to list: an account created
        create_user("kiemtra.nhatky", STAFF_PASSWORD, "viewer", None, full_name="Kiểm tra")
        db.session.commit()
    _sign_in(phone_page, "admin")
    phone_page.goto("/staff/audit/")
    assert "kiemtra.nhatky" in phone_page.inner_text("main")
    _region_scrolls_and_takes_focus(phone_page, "Các thay đổi, mới nhất trước")
    _no_wcag_violations(phone_page)


@pytest.mark.parametrize(
    "path",
    ["/staff/users/", "/staff/stats/plans/", "/staff/network/",
     "/staff/desk/policies", "/staff/rotation/"],
)  # fmt: skip
def test_every_wide_table_on_a_phone_is_a_named_region_a_keyboard_can_scroll(phone_page, path):
    _sign_in(phone_page, "admin")
    answer = phone_page.goto(path)
    assert answer.status == 200, path
    wide = phone_page.eval_on_selector_all(
        ".table-wrap",
        """frames => frames.filter(f => f.scrollWidth > f.clientWidth).map(f => [
            f.getAttribute('tabindex'), f.getAttribute('role'),
            f.getAttribute('aria-label') || f.getAttribute('aria-labelledby')])""",
    )
    assert wide, f"{path}: no table wider than the phone, nothing to test"
    for tabindex, role, name in wide:
        assert (tabindex, role) == ("0", "region") and name, (path, tabindex, role, name)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    _no_wcag_violations(phone_page)
