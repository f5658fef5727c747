"""The whole desk flow by keyboard only: card + Enter, copies + Enter, due dates, returns."""

from datetime import timedelta

from sqlalchemy import select

from tests.browser.conftest import STAFF_PASSWORD

TITLES = ("Đất rừng phương Nam", "Tuổi thơ dữ dội")


def _desk_fixtures(app) -> tuple[str, list[str], str]:
    """A reader, two lendable copies and a reading-room copy at TVLC, committed."""
    from libsys.catalog.models import Item, Record
    from libsys.extensions import db
    from libsys.network.models import Library, Store
    from libsys.readers.services import register_reader
    from libsys.stats.events import local_today

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
            barcode = f"BROWSER{number:04d}"
            db.session.add(
                Item(record_id=record.id, library_id=library.id, store_id=stores[store].id,
                     accession_number=f"{store}.9{number:05d}", barcode=barcode)
            )  # fmt: skip
            barcodes.append(barcode)
        reader = register_reader(
            {
                "full_name": "Hoàng Thị Mai",
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


def test_checkout_and_return_by_keyboard(page, live_server):
    card, copies, reference = _desk_fixtures(live_server["app"])
    page.goto("/login")
    page.get_by_label("Tên đăng nhập hoặc số thẻ").fill("thuthu")
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff")

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
