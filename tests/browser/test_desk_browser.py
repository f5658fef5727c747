"""The whole desk flow by keyboard only: card + Enter, copies + Enter, due dates, returns."""

from datetime import timedelta

from sqlalchemy import select

from tests.browser.conftest import STAFF_PASSWORD

TITLES = ("Đất rừng phương Nam", "Tuổi thơ dữ dội")


def _desk_fixtures(app, prefix="BROWSER", name="Hoàng Thị Mai") -> tuple[str, list[str], str]:
    """A reader, two lendable copies and a reading-room copy at TVLC, committed."""
    from libsys.catalog.models import Item, Record
    from libsys.core.clock import local_today
    from libsys.extensions import db
    from libsys.network.models import Library, Store
    from libsys.readers.services import register_reader

    with app.app_context():
        library = db.session.scalar(select(Library).where(Library.code == "TVLC"))
        stores = {s.code: s for s in library.stores}
        barcodes = []
        for number, (title, store) in enumerate(
            ((TITLES[0], "VN"), (TITLES[1], "VN"), ("Từ điển tiếng Việt", "VT"))
        ):
            record = Record(marc="{}", title=title, title_sort=title.lower())
            db.session.add(record)
            db.session.flush()
            barcode = f"{prefix}{number:04d}"
            db.session.add(
                Item(record_id=record.id, library_id=library.id, store_id=stores[store].id,
                     accession_number=f"{store}.{prefix}{number:05d}", barcode=barcode)
            )  # fmt: skip
            barcodes.append(barcode)
        reader = register_reader(
            {
                "full_name": name,
                "date_of_birth": "1995-03-08",
                "gender": "female",
                "ethnicity": "01",
                "category": "student",
                "home_library": "TVLC",
                "card_expires": (local_today() + timedelta(days=700)).isoformat(),
            }
        )
        card = reader.card_number
        db.session.commit()
        assert db.session.scalar(select(Store.id).where(Store.code == "VT"))
    return card, barcodes[:2], barcodes[2]


def _focused_is_scan(page) -> bool:
    return page.evaluate(
        "document.activeElement && document.activeElement.hasAttribute('data-scan')"
    )


def _sign_in(page, user_name):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill(user_name)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")


def _lent_last_week(app, card) -> None:
    from libsys.circulation.loans.models import Loan
    from libsys.extensions import db
    from libsys.readers.models import Reader

    with app.app_context():
        reader = db.session.scalar(select(Reader).where(Reader.card_number == card))
        for loan in db.session.scalars(select(Loan).where(Loan.reader_id == reader.id)):
            loan.checked_out_at -= timedelta(days=7)
        db.session.commit()


def _hold_for_another_reader(app, barcode) -> str:
    """Another reader queues for the title of a copy; returns their name."""
    from libsys.catalog.models import Item
    from libsys.circulation.holds.services import place_hold
    from libsys.core.clock import local_today
    from libsys.extensions import db
    from libsys.network.models import Library
    from libsys.readers.services import register_reader

    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.barcode == barcode))
        waiting = register_reader(
            {
                "full_name": "Vàng Thị Dua",
                "date_of_birth": "1990-01-02",
                "gender": "female",
                "ethnicity": "03",
                "category": "official",
                "home_library": "TVLC",
                "card_expires": (local_today() + timedelta(days=700)).isoformat(),
            }
        )
        library = db.session.scalar(select(Library).where(Library.code == "TVLC"))
        place_hold(waiting, record=item.record, pickup_library=library)
        db.session.commit()
        return waiting.full_name


def test_checkout_and_return_by_keyboard(page, live_server):
    card, copies, reference = _desk_fixtures(live_server["app"])
    _sign_in(page, "thuthu")

    page.goto("/staff/desk/")
    assert _focused_is_scan(page)
    page.keyboard.type(card)
    page.keyboard.press("Enter")
    page.wait_for_selector(".reader-panel")
    assert "Hoàng Thị Mai" in page.inner_text(".reader-panel")
    assert _focused_is_scan(page)

    # desk.js swaps the page in place: a marker set now survives the scans (no reload).
    page.evaluate("window.deskMarker = 1")
    for barcode in copies:
        page.keyboard.type(barcode)
        page.keyboard.press("Enter")
        page.wait_for_selector(f".desk-line.ok:has-text('{barcode}')")
        assert _focused_is_scan(page)
    assert page.evaluate("window.deskMarker") == 1
    lines = page.inner_text(".desk-lines")
    assert "hạn trả" in lines and all(title in lines for title in TITLES)
    assert "/" in page.inner_text(".desk-line.ok .due")  # dd/mm/yyyy
    assert len(page.query_selector_all(".desk-loans tbody tr")) == 2

    # A reading-room copy is refused with its code and a Vietnamese reason.
    page.keyboard.type(reference)
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-line.refused")
    assert "NOT_FOR_LOAN" in page.inner_text(".desk-line.refused")
    assert "không cho mượn" in page.inner_text(".desk-line.refused")
    assert _focused_is_scan(page)

    page.goto("/staff/desk/returns")
    assert _focused_is_scan(page)
    for barcode in copies:
        page.keyboard.type(barcode)
        page.keyboard.press("Enter")
        page.wait_for_selector(f".desk-line.ok:has-text('{barcode}')")
        assert _focused_is_scan(page)
    assert page.inner_text(".desk-lines").count("đã trả") == 2


def test_override_renew_all_and_hold_on_return_by_keyboard(page, live_server):
    """A manager lends a reading-room copy anyway, renews all, and traps a hold on return."""
    app = live_server["app"]
    card, copies, reference = _desk_fixtures(app, prefix="KEYS", name="Lò Văn Pành")
    _sign_in(page, "quanly")
    page.goto("/staff/desk/")
    page.keyboard.type(card)
    page.keyboard.press("Enter")
    page.wait_for_selector(".reader-panel:has-text('Lò Văn Pành')")
    page.keyboard.type(copies[0])
    page.keyboard.press("Enter")
    page.wait_for_selector(f".desk-line.ok:has-text('{copies[0]}')")

    # Refused, then lent anyway: Alt+O reaches the reason, Enter lends, focus is back.
    page.keyboard.type(reference)
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-line.refused[data-code='NOT_FOR_LOAN']")
    assert _focused_is_scan(page)
    page.keyboard.press("Alt+O")
    assert page.evaluate("document.activeElement.id") == "override-reason"
    page.keyboard.type("Học sinh ôn thi, mượn qua đêm")
    page.keyboard.press("Enter")
    page.wait_for_selector(f".desk-line.ok:has-text('{reference}') .badge.warn")
    assert _focused_is_scan(page)
    assert len(page.query_selector_all(".desk-loans tbody tr")) == 2

    # Alt+W renews every loan (lent last week: today's would be left alone) in place.
    _lent_last_week(app, card)
    page.keyboard.press("Alt+W")
    page.wait_for_selector(".desk-loans tbody tr td:nth-child(4):text-is('1')")
    renewals = page.locator(".desk-loans tbody tr td:nth-child(4)").all_inner_texts()
    assert renewals == ["1", "1"]
    assert _focused_is_scan(page)

    # Another reader queues for the first title; Alt+R, scan: the screen says hold shelf.
    waiting = _hold_for_another_reader(app, copies[0])
    page.keyboard.press("Alt+R")
    page.wait_for_url("**/staff/desk/returns")
    assert _focused_is_scan(page)
    page.keyboard.type(copies[0])
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-notice.hold")
    notice = page.inner_text(".desk-notice.hold")
    assert waiting in notice and "giá sách đặt trước" in notice.lower()
    assert page.get_by_role("link", name="In phiếu giữ sách").is_visible()
    assert _focused_is_scan(page)

    # Back at the desk, Alt+N sends the reader on: the panel is gone.
    page.keyboard.press("Alt+U")
    page.wait_for_url("**/staff/desk/")
    page.keyboard.type(card)
    page.keyboard.press("Enter")
    page.wait_for_selector(".reader-panel")
    page.keyboard.press("Alt+N")
    page.wait_for_selector(".reader-panel", state="detached")  # a new page, with no reader
    page.wait_for_selector("label[for=scan]:has-text('Quét thẻ bạn đọc')")
    assert _focused_is_scan(page)

    # At the entrance, Alt+1 counts a child who walks in without a card.
    page.keyboard.press("Alt+V")
    page.wait_for_url("**/staff/desk/visits")
    children = int(page.inner_text("[data-count=children]"))
    page.keyboard.press("Alt+1")
    page.wait_for_selector(f"[data-count=children]:text-is('{children + 1}')")
    assert _focused_is_scan(page)


def _hold_with_pickup(app, barcode, pickup_code) -> str:
    """A reader queues for the title of a copy, to collect at another library; their name."""
    from libsys.catalog.models import Item
    from libsys.circulation.holds.services import place_hold
    from libsys.core.clock import local_today
    from libsys.extensions import db
    from libsys.network.models import Library
    from libsys.readers.services import register_reader

    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.barcode == barcode))
        waiting = register_reader(
            {
                "full_name": "Giàng Thị Súa",
                "date_of_birth": "1992-04-05",
                "gender": "female",
                "ethnicity": "05",
                "category": "official",
                "home_library": "TVTD",
                "card_expires": (local_today() + timedelta(days=700)).isoformat(),
            }
        )
        pickup = db.session.scalar(select(Library).where(Library.code == pickup_code))
        place_hold(waiting, record=item.record, pickup_library=pickup)
        db.session.commit()
        return waiting.full_name


def _no_wcag_violations(page):
    import pytest

    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert not results.response["violations"], results.generate_report()


def test_a_hold_met_at_returns_stays_on_its_line_by_keyboard(page, live_server):
    """A copy on the shelf that a reader elsewhere waits for is on the holds-to-pull list;
    scanned at returns it is sent on, and its line keeps the reader, the pickup library and
    the slip once the banner has gone; it waits on the list of copies to send."""
    app = live_server["app"]
    _card, copies, _reference = _desk_fixtures(app, prefix="PULL", name="Đèo Văn Khang")
    waiting = _hold_with_pickup(app, copies[0], "TVTD")
    _sign_in(page, "thuthu")

    page.goto("/staff/holds/to-pull")
    row = page.locator(f".pull-line:has-text('{copies[0]}')")
    assert "Thư viện huyện Tam Đường" in row.inner_text()
    _no_wcag_violations(page)

    page.goto("/staff/desk/returns")
    assert _focused_is_scan(page)
    page.keyboard.type(copies[0])
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-notice.hold")
    assert "Thư viện huyện Tam Đường" in page.inner_text(".desk-notice.hold")
    page.keyboard.type(copies[1])
    page.keyboard.press("Enter")
    page.wait_for_selector(f".desk-line.ok:has-text('{copies[1]}')")
    assert page.query_selector(".desk-notice.hold") is None  # the banner went at this scan
    held = page.locator(f".desk-line.ok:has-text('{copies[0]}')")
    assert waiting in held.inner_text() and "Thư viện huyện Tam Đường" in held.inner_text()
    slip = held.get_by_role("link", name="Phiếu giữ sách")
    assert slip.is_visible()
    # The slip link is reached from the keyboard.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Phiếu giữ sách":
            break
    assert "/slip" in page.evaluate("document.activeElement.getAttribute('href') || ''")
    _no_wcag_violations(page)

    page.goto("/staff/transfers/")
    assert copies[0] in page.inner_text("#pull-h + .table-wrap")
    assert copies[0] not in page.inner_text("section[aria-labelledby=incoming-h]")


def _another_reader(app, name) -> str:
    """A second reader at TVLC, committed; returns the card number."""
    from libsys.core.clock import local_today
    from libsys.extensions import db
    from libsys.readers.services import register_reader

    with app.app_context():
        reader = register_reader(
            {
                "full_name": name,
                "date_of_birth": "1988-07-09",
                "gender": "male",
                "ethnicity": "01",
                "category": "official",
                "home_library": "TVLC",
                "card_expires": (local_today() + timedelta(days=700)).isoformat(),
            }
        )
        db.session.commit()
        return reader.card_number


def _overdue(app, barcode, days=5) -> None:
    from libsys.catalog.models import Item
    from libsys.circulation.loans.models import Loan
    from libsys.core.clock import local_today
    from libsys.extensions import db

    with app.app_context():
        loan = db.session.scalar(
            select(Loan).join(Item).where(Item.barcode == barcode, Loan.returned_at.is_(None))
        )
        loan.due_date = local_today() - timedelta(days=days)
        db.session.commit()


def test_renew_all_lists_what_it_did_not_renew_and_return_then_lend_by_keyboard(page, live_server):
    """Alt+W with an overdue loan renews nothing (the default rule) and lists each loan with
    its reason; a copy on loan to the last reader is taken back and lent with Alt+T."""
    from pathlib import Path

    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    app = live_server["app"]
    card, copies, _reference = _desk_fixtures(app, prefix="RLND", name="Lường Thị Xuân")
    other = _another_reader(app, "Quàng Văn Nhất")
    _sign_in(page, "thuthu")
    page.goto("/staff/desk/")
    page.keyboard.type(card)
    page.keyboard.press("Enter")
    page.wait_for_selector(".reader-panel:has-text('Lường Thị Xuân')")
    for barcode in copies:
        page.keyboard.type(barcode)
        page.keyboard.press("Enter")
        page.wait_for_selector(f".desk-line.ok:has-text('{barcode}')")
    _lent_last_week(app, card)
    _overdue(app, copies[0])

    page.keyboard.press("Alt+W")
    page.wait_for_selector(".desk-not-renewed")
    listed = page.inner_text(".desk-not-renewed")
    assert "Không gia hạn được (2)" in listed
    overdue_line = page.inner_text(".desk-not-renewed li[data-code=LOAN_OVERDUE]")
    assert TITLES[0] in overdue_line and "đã quá hạn" in overdue_line
    blocked_line = page.inner_text(".desk-not-renewed li[data-code=OVERDUES_BLOCK_RENEWAL]")
    assert TITLES[1] in blocked_line and "Bạn đọc có sách quá hạn" in blocked_line
    renewals = page.locator(".desk-loans tbody tr td:nth-child(4)").all_inner_texts()
    assert renewals == ["0", "0"]
    assert _focused_is_scan(page)
    page.screenshot(path=str(shots / "desk-not-renewed.png"), full_page=True)
    _no_wcag_violations(page)

    # The next reader asks for the copy the first still has: refused, title and reason
    # first; Alt+T takes it back and lends it here.
    page.keyboard.type(other)
    page.keyboard.press("Enter")
    page.wait_for_selector(".reader-panel:has-text('Quàng Văn Nhất')")
    page.keyboard.type(copies[1].lower())
    page.keyboard.press("Enter")
    refused = page.wait_for_selector(".desk-line.refused[data-code=ALREADY_ON_LOAN]")
    text = refused.inner_text()
    assert (
        text.index(TITLES[1])
        < text.index("đang được bạn đọc khác mượn")
        < text.index("ALREADY_ON_LOAN")
    )
    assert "Alt+T" in page.inner_text(".desk-keys")
    assert _focused_is_scan(page)
    page.screenshot(path=str(shots / "desk-return-then-lend-offer.png"), full_page=True)
    _no_wcag_violations(page)
    page.keyboard.press("Alt+T")
    page.wait_for_selector(f".desk-line.ok:has-text('{copies[1]}')")
    assert "đã nhận trả từ bạn đọc trước" in page.inner_text(".desk-line.ok")
    assert page.query_selector(".desk-line.refused[data-code=ALREADY_ON_LOAN]") is None
    assert len(page.query_selector_all(".desk-loans tbody tr")) == 1
    assert _focused_is_scan(page)
    page.screenshot(path=str(shots / "desk-return-then-lend-done.png"), full_page=True)

    # The visits page: its key line names Alt+1 and Alt+2, the buttons' keys are legible.
    page.keyboard.press("Alt+V")
    page.wait_for_url("**/staff/desk/visits")
    keys = page.inner_text(".desk-keys")
    assert "Alt+1" in keys and "Alt+2" in keys
    page.screenshot(path=str(shots / "desk-visits.png"), full_page=True)
    _no_wcag_violations(page)
