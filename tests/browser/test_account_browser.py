"""A reader signs in on her phone with card number and password and sees her loans."""

import pytest
from sqlalchemy import select

from tests.browser.conftest import READER_PASSWORD

pytestmark = pytest.mark.browser
TITLES = ["Những ngôi sao xa xôi", "Mùa lá rụng trong vườn", "Bến không chồng"]
USED = []


@pytest.fixture
def reader_with_loan(live_server):
    """A demo reader with a password, lent one copy (committed in the live server's database)."""
    from libsys.catalog.models import Item, Record
    from libsys.circulation.loans.services import checkout
    from libsys.extensions import db
    from libsys.readers.models import Reader

    app = live_server["app"]
    with app.app_context():
        reader = db.session.scalar(
            select(Reader).where(Reader.password_hash.is_not(None), Reader.status == "active")
            .order_by(Reader.id).offset(len(USED))
        )  # fmt: skip
        title = TITLES[len(USED)]  # each test its own reader and copy, in the session's database
        USED.append(title)
        record = Record(marc="{}", title=title, title_sort=title.lower())
        db.session.add(record)
        db.session.flush()
        number = db.session.query(Item).count()
        item = Item(
            record_id=record.id,
            library_id=reader.home_library_id,
            accession_number=f"VN.99{number:04d}",
            barcode=f"BROWSER-ACC-{number}",
        )
        db.session.add(item)
        db.session.flush()
        loan = checkout(item.barcode, reader.card_number, library=reader.home_library).loan
        facts = {
            "card": reader.card_number,
            "title": record.title,
            "barcode": item.barcode,
            "due": loan.due_date.strftime("%d/%m/%Y"),
        }
        db.session.commit()
    return facts


def test_reader_signs_in_and_sees_her_loans(phone_page, reader_with_loan):
    page = phone_page
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(reader_with_loan["card"])
    page.get_by_label("Mật khẩu").fill(READER_PASSWORD)
    page.keyboard.press("Enter")
    # Wait for the sign-in to land (it redirects away from /login) before opening the account.
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/account/")
    loans = page.locator("#loans")
    assert reader_with_loan["title"] in loans.inner_text()
    assert reader_with_loan["due"] in loans.inner_text()
    assert "Sách tôi đang mượn" in loans.inner_text()
    # Keyboard: the renew button is reachable with Tab and works with Enter.
    renew = page.get_by_role("button", name=f"Gia hạn {reader_with_loan['title']}")
    renew.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/#loan-*")
    # The answer is on the loan's line, on screen where the reader pressed the button.
    answer = page.locator("#loans .flash-success")
    assert "Đã gia hạn" in answer.inner_text()
    assert answer.is_visible()
    box = answer.bounding_box()
    assert 0 <= box["y"] < 740, box
    page.screenshot(path="/tmp/shots/account-phone-renewed.png")
    # Fits a 360 px phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


def test_a_renewal_that_cannot_work_is_disabled_with_its_reason_on_a_phone(
    phone_page, live_server, reader_with_loan
):
    """Another reader queues for the title: the button is disabled, the reason beside it."""
    from tests.browser.test_desk_browser import _hold_for_another_reader
    from tests.browser.test_opac_browser import _no_wcag_violations

    _hold_for_another_reader(live_server["app"], reader_with_loan["barcode"])
    page = phone_page
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(reader_with_loan["card"])
    page.get_by_label("Mật khẩu").fill(READER_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/account/")
    renew = page.get_by_role("button", name=f"Gia hạn {reader_with_loan['title']}")
    assert renew.is_disabled()
    reason = page.locator(f"#{renew.get_attribute('aria-describedby')}")
    assert "Có bạn đọc khác đang đặt mượn" in reason.inner_text() and reason.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _no_wcag_violations(page)
