"""A library's manager looks up another library's reader: her page offers no change (edit,
renew, block, password, sign out everywhere, delete on request), which the services refuse
with a 403 anyway, only the card to print; her own library's reader keeps every action.
axe-clean on both."""

from sqlalchemy import select

from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from tests.browser.test_stats_browser import _no_wcag_violations, _sign_in

CHANGES = ("Sửa", "Gia hạn thẻ", "Khóa thẻ", "Đặt mật khẩu", "Đăng xuất ở mọi nơi")


def _a_reader_of(live_server, code):
    with live_server["app"].app_context():
        return db.session.scalar(
            select(Reader.card_number)
            .join(Library, Library.id == Reader.home_library_id)
            .where(Library.code == code, Reader.status == "active")
            .order_by(Reader.id)
            .limit(1)
        )


def _actions(page):
    actions = page.locator("main section.card.no-print").last
    return actions.locator("a, button").all_inner_texts()


def test_another_librarys_reader_is_looked_up_not_changed(page, live_server):
    _sign_in(page, "quanly")  # Thư viện tỉnh Lai Châu (TVLC)
    page.goto(f"/staff/readers/{_a_reader_of(live_server, 'TVTD')}")
    shown = _actions(page)
    assert "In thẻ" in shown and not set(CHANGES) & set(shown), shown
    assert page.get_by_role("button", name="Xóa theo yêu cầu").count() == 0
    _no_wcag_violations(page)

    page.goto(f"/staff/readers/{_a_reader_of(live_server, 'TVLC')}")
    shown = _actions(page)
    assert set(CHANGES) <= set(shown), shown
    _no_wcag_violations(page)
