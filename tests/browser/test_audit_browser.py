"""The administrator in a real browser: a call number changed on a copy's page is in the audit
log with its old and new value; the log and a reader's data panel are axe-clean, and the log
does not widen a 360-pixel phone."""

import pytest
from sqlalchemy import select

from libsys.catalog.models import Item
from libsys.extensions import db
from libsys.readers.models import Reader
from tests.browser.conftest import STAFF_PASSWORD

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _sign_in(page, username="admin"):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(username)
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")


def _no_wcag_violations(page):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert not results.response["violations"], results.generate_report()


def _first(live_server, statement):
    with live_server["app"].app_context():
        return db.session.scalars(statement.limit(1)).one()


def test_a_call_number_change_is_in_the_audit_log(page, live_server):
    with live_server["app"].app_context():
        barcode, old = db.session.execute(
            select(Item.barcode, Item.call_number)
            .where(Item.status == "available")
            .order_by(Item.id)
            .limit(1)
        ).one()
    _sign_in(page)
    page.goto(f"/staff/catalog/items/{barcode}")
    page.get_by_label("Ký hiệu xếp giá").fill("895.922 KIỂM TRA")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/staff/catalog/records/*")

    page.goto("/staff/audit/")
    page.get_by_label("Loại dữ liệu được thay đổi").select_option("records")
    page.get_by_role("button", name="Tìm").click()
    row = page.locator("tbody tr", has_text=barcode).first
    assert "895.922 KIỂM TRA" in row.inner_text() and "admin" in row.inner_text()
    if old:
        assert old in row.inner_text()
    _no_wcag_violations(page)

    page.goto("/staff/audit/?since=31/02/2026")
    assert "dd/mm/yyyy" in page.inner_text("main")
    _no_wcag_violations(page)


def test_a_readers_data_panel_is_accessible(page, live_server):
    card = _first(live_server, select(Reader.card_number).order_by(Reader.id))
    _sign_in(page)
    page.goto(f"/staff/readers/{card}")
    panel = page.locator("section", has_text="Dữ liệu của bạn đọc")
    assert panel.get_by_role("link", name="Bảng tính (xlsx)").count() == 1
    _no_wcag_violations(page)


def test_the_audit_log_fits_a_phone(phone_page, live_server):
    _sign_in(phone_page)
    phone_page.goto("/staff/audit/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
