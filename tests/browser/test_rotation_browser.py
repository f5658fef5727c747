"""Rotation in a real browser: the officer builds a batch by scanning, dispatches it and
prints the minutes; the point keeper, on a 360-pixel phone, confirms receipt and records
a month's tally. axe-core finds no WCAG 2 A/AA violation on either page."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from libsys.catalog.models import Item
from libsys.core.clock import local_today
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation.demo import _free_copies
from tests.browser.conftest import STAFF_PASSWORD

SHOTS = Path("/tmp/rotation-shots")
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


def _copies(live_server, count):
    """Barcodes of copies on Tam Đường's shelves, in no batch; and one on loan there."""
    with live_server["app"].app_context():
        library = db.session.scalar(select(Library).where(Library.code == "TVTD"))
        free = [item.barcode for item in _free_copies(library.id)[-count:]]
        lent = db.session.scalar(
            select(Item.barcode).where(Item.library_id == library.id, Item.status == "on_loan")
        )
        today = local_today()
        db.session.remove()
    return free, lent, today


def test_officer_builds_and_dispatches_then_the_keeper_receives(page, phone_page, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    barcodes, lent, today = _copies(live_server, 3)
    assert len(barcodes) == 3

    _sign_in(page, "luanchuyen")
    page.get_by_role("link", name="Tạo đợt mới").first.click()
    page.wait_for_url("**/staff/rotation/batches/new")
    page.get_by_label("Điểm luân chuyển").select_option("BDBG")
    back = today + timedelta(days=90)
    page.get_by_label("Dự kiến trả về (dd/mm/yyyy)").fill(back.strftime("%d/%m/%Y"))
    page.get_by_label("Thiếu nhi").check()
    page.get_by_role("button", name="Tạo đợt").click()
    page.wait_for_url("**/staff/rotation/batches/*")
    assert "Đã tạo đợt" in page.inner_text(".flashes")

    # Keyboard only: the scan field has the focus after every scan.
    for barcode in barcodes:
        page.keyboard.type(barcode)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert f"Đã thêm: {barcode}" in page.inner_text(".flashes")
    if lent:
        page.keyboard.type(lent)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        refusal = page.inner_text(".flashes")
        assert f"Từ chối: {lent}" in refusal and len(refusal) > len(f"Từ chối: {lent}.") + 5
    _no_wcag_violations(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Đã đóng gói").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đến điểm").click()
    assert "Đợt đang được chuyển đến điểm." in page.inner_text(".flashes")
    page.screenshot(path=str(SHOTS / "batch.png"), full_page=True)
    _no_wcag_violations(page)

    minutes = page.get_by_role("link", name="Biên bản giao nhận (PDF)")
    response = page.request.get(minutes.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
    batch_url = page.url

    # The keeper of Bản Giang, on a cheap phone.
    phone = phone_page
    _sign_in(phone, "diem.bangiang")
    phone.get_by_role("link", name="Điểm luân chuyển của tôi").click()
    phone.wait_for_url("**/staff/point/")
    reference = page.inner_text("h1").split()[1]
    phone.get_by_role("link", name=reference).click()
    phone.wait_for_url("**/staff/point/batches/*")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Đã nhận đủ (3 bản)").click()
    assert "nhận 3 bản, thiếu 0 bản" in phone.inner_text(".flashes")

    month = today.strftime("%Y-%m")
    phone.get_by_label("Tháng (yyyy-mm)").fill(month)
    phone.get_by_label("Lượt bạn đọc", exact=True).fill("30")
    phone.get_by_label("Lượt bạn đọc thiếu nhi").fill("12")
    phone.get_by_label("Lượt sử dụng tài liệu").fill("54")
    phone.get_by_label("Lượt sử dụng của thiếu nhi").fill("20")
    phone.get_by_label("Tên tài liệu bạn đọc yêu cầu (mỗi dòng một tên)").fill("Truyện Kiều")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Ghi thống kê").click()
    assert f"Đã ghi thống kê kỳ {month}." in phone.inner_text(".flashes")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(SHOTS / "keeper-phone.png"), full_page=True)
    _no_wcag_violations(phone)

    # Another point's keeper would see nothing; the officer's page shows the batch at the point.
    page.goto(batch_url)
    assert "Tại điểm" in page.inner_text("h1")
    page.goto("/staff/rotation/")
    assert "LC-TVTD-" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "index.png"), full_page=True)
    _no_wcag_violations(page)


def test_a_refused_tally_takes_the_keeper_to_the_wrong_number(phone_page):
    """On a phone the tally is far below the top: after a refusal the wrong field has the
    focus (and so is scrolled to), and the month field keeps a keyboard with a "-"."""
    phone = phone_page
    _sign_in(phone, "diem.bangiang")
    phone.get_by_role("link", name="Điểm luân chuyển của tôi").click()
    phone.wait_for_url("**/staff/point/")
    phone.locator("main a[href*='/staff/point/batches/']").first.click()
    phone.wait_for_url("**/staff/point/batches/*")
    period = phone.get_by_label("Tháng (yyyy-mm)")
    assert period.get_attribute("inputmode") in (None, "text")
    # What an old phone without number fields would send.
    phone.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    phone.get_by_label("Lượt bạn đọc", exact=True).fill("-3")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Ghi thống kê").click()
    assert phone.evaluate("document.activeElement.id") == "f-visits"
    error = phone.locator("#e-visits")
    assert "Nhập một số nguyên từ 0 trở lên." in error.inner_text()
    box = error.bounding_box()
    assert box is not None and 0 <= box["y"] < 740
    phone.screenshot(path=str(SHOTS / "keeper-tally-refused.png"))
    _no_wcag_violations(phone)
