"""The MARC view and editor draw Vietnamese marks with the bundled monospace font."""

from sqlalchemy import select

from tests.browser.conftest import STAFF_PASSWORD

CHECK_FONT = """async (selector) => {
  await document.fonts.ready;
  const cell = document.querySelector(selector);
  return {
    family: getComputedStyle(cell).fontFamily,
    loaded: document.fonts.check('16px "Libsys Mono"', 'Nguyễn'),
  };
}"""


def _vietnamese_record(live_server) -> int:
    from libsys.catalog.models import Record
    from libsys.extensions import db

    with live_server["app"].app_context():
        return db.session.scalar(
            select(Record.id).where(Record.authors.like("%Nguyễn%")).order_by(Record.id)
        )


def test_marc_view_and_editor_use_the_bundled_font(page, live_server):
    record_id = _vietnamese_record(live_server)
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill("biensoan")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")

    page.goto(f"/staff/catalog/records/{record_id}")
    view = page.evaluate(CHECK_FONT, "table.marc td")
    assert view["family"].startswith('"Libsys Mono"'), view
    assert view["loaded"], view

    page.goto(f"/staff/cataloguing/records/{record_id}/marc")
    editor = page.evaluate(CHECK_FONT, ".marc-rows input[name=value]")
    assert editor["family"].startswith('"Libsys Mono"'), editor
    assert editor["loaded"], editor
