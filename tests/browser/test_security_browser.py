"""In Chromium, with the Content-Security-Policy on: the lockout page after wrong passwords,
a saved cookie replayed after sign-out, and the pages whose scripts moved to /static."""

import pytest

from tests.browser.conftest import READER_PASSWORD, STAFF_PASSWORD

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _no_wcag_violations(page):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert not results.response["violations"], results.generate_report()


def _sign_in(page, name, password):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_wrong_passwords_end_on_a_lockout_page_saying_until_when(page):
    for n in range(11):
        _sign_in(page, "khong-co-tai-khoan", f"sai-{n}")
    message = page.locator(".flash-error").inner_text()
    assert "Đăng nhập sai quá nhiều lần" in message
    assert "Hãy thử lại sau" in message
    _no_wcag_violations(page)


def test_a_cookie_saved_before_sign_out_opens_nothing(browser, live_server, page):
    from sqlalchemy import select

    from libsys.extensions import db
    from libsys.readers.models import Reader

    with live_server["app"].app_context():
        card = db.session.scalar(
            select(Reader.card_number)
            .where(Reader.password_hash.is_not(None), Reader.status == "active")
            .order_by(Reader.id.desc())
        )
    _sign_in(page, card, READER_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    saved = page.context.cookies()
    page.goto("/account/")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    other = browser.new_context(base_url=live_server["url"], locale="vi-VN")
    try:
        other.add_cookies(saved)
        replay = other.new_page()
        replay.goto("/account/")
        assert "/login" in replay.url
    finally:
        other.close()


def test_the_marc_editor_adds_a_row_under_the_policy(page, live_server):
    from sqlalchemy import select

    from libsys.catalog.models import Record
    from libsys.extensions import db

    with live_server["app"].app_context():
        record_id = db.session.scalar(select(Record.id).order_by(Record.id))
    _sign_in(page, "biensoan", STAFF_PASSWORD)
    page.wait_for_url("**/staff")
    page.goto(f"/staff/cataloguing/records/{record_id}/marc")
    rows = page.locator("#marc-body tr.marc-row")
    before = rows.count()
    page.locator("#marc-add").click()  # shown and wired by /static/js/marc-editor.js
    assert rows.count() == before + 1
