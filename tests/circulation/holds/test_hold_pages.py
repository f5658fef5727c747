"""Holds from the staff pages: place for a reader, a title's queue, cancel, the hold shelf,
and the copies a reader lost, through HTTP."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from libsys.catalog.models import Item
from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.returns import checkin
from libsys.extensions import db
from libsys.readers.services import block_reader
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.circulation.loans.test_desk_http import desk_client, scan
from tests.factories import make_staff, sign_in


def record_url(record) -> str:
    return f"/staff/catalog/records/{record.id}"


def place(client, record, **form):
    data = {"card_number": "", "pickup_library": "TVLC", "item": ""}
    data.update(form)
    return client.post(f"/staff/holds/records/{record.id}", data=data)


def holds_count() -> int:
    return db.session.scalar(select(func.count(Hold.id)))


def on_shelf(record, reader, pickup="TVLC", **item_args):
    """A hold of the reader whose copy waits on the pickup library's hold shelf."""
    hold = place_hold(reader, record=record, pickup_library=library(pickup))
    item = make_item(record, **item_args)
    checkin(item.barcode, library=library(pickup))
    assert hold.status == "on_shelf" and item.status == "on_hold_shelf"
    return hold, item


def queue_rows(page: str) -> list[tuple[str, str]]:
    """(hold id, status) of each row of the record page's queue, in page order."""
    return re.findall(r'class="hold-line[^"]*" data-hold="(\d+)" data-status="(\w+)"', page)


# --- Placing a hold from the record page --------------------------------------------------


def test_record_page_offers_the_hold_form_with_the_desk_library(client, network):
    desk_client(client)
    record = make_record("Tắt đèn")
    copy = make_item(record, barcode="TD-0001")
    page = client.get(record_url(record)).get_data(as_text=True)
    assert 'id="holds"' in page and 'name="card_number"' in page
    assert re.search(r'<option value="TVLC"\s+selected>', page)  # the desk's library
    assert 'value="BDBG"' not in page  # a rotation point is no pickup library
    assert f'<option value="{copy.barcode}"' in page


def test_place_a_title_hold_for_a_reader(client, network):
    desk_client(client)
    record = make_record("Tắt đèn")
    make_item(record)
    reader = adult(full_name="Trần Văn Bình")
    response = place(client, record, card_number=reader.card_number.lower(), pickup_library="TVTD")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(record_url(record))
    hold = db.session.scalar(select(Hold))
    assert (hold.reader_id, hold.record_id, hold.status) == (reader.id, record.id, "waiting")
    assert hold.pickup_library.code == "TVTD" and not hold.copy_level and hold.item_id is None
    event = db.session.scalar(select(Event).where(Event.kind == "hold_placed"))
    assert event is not None and event.details["hold_id"] == hold.id
    page = client.get(record_url(record)).get_data(as_text=True)
    assert queue_rows(page) == [(str(hold.id), "waiting")]
    assert "Trần Văn Bình" in page and reader.card_number in page


def test_place_a_copy_hold_for_a_reader(client, network):
    desk_client(client)
    record = make_record("Số đỏ")
    make_item(record)
    wanted = make_item(record, library_code="TVTD")
    reader = adult()
    response = place(client, record, card_number=reader.card_number, item=wanted.barcode)
    assert response.status_code == 303
    hold = db.session.scalar(select(Hold))
    assert hold.copy_level and hold.item_id == wanted.id and hold.pickup_library.code == "TVLC"
    page = client.get(record_url(record)).get_data(as_text=True)
    assert f"<code>{wanted.barcode}</code>" in page


def test_a_refused_hold_shows_its_message_and_writes_nothing(client, network):
    desk_client(client)
    record = make_record()
    reader = adult(full_name="Lê Thị Khóa")
    block_reader(reader, "Mất thẻ")
    response = place(client, record, card_number=reader.card_number, pickup_library="TVTD")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-code="READER_BLOCKED"' in page and "Thẻ bạn đọc đang bị khóa." in page
    # The form comes back as it was typed.
    assert f'value="{reader.card_number}"' in page
    assert re.search(r'<option value="TVTD"\s+selected>', page)
    assert holds_count() == 0
    assert db.session.scalar(select(func.count(Event.id)).where(Event.kind == "hold_placed")) == 0


def test_a_second_hold_on_the_same_title_is_refused(client, network):
    desk_client(client)
    record, reader = make_record(), adult()
    assert place(client, record, card_number=reader.card_number).status_code == 303
    response = place(client, record, card_number=reader.card_number)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'data-code="ALREADY_HELD"' in page and "Bạn đọc đã đặt mượn tên sách này." in page
    assert holds_count() == 1


def test_wrong_fields_are_named_next_to_the_form(client, network):
    desk_client(client)
    record, other = make_record("Chí Phèo"), make_record("Vợ nhặt")
    stranger = make_item(other)
    reader = adult()
    unknown = place(client, record, card_number="BD999999")
    assert unknown.status_code == 422
    page = unknown.get_data(as_text=True)
    assert 'id="e-hold-card"' in page  # said once, beside the card field
    assert page.count("Không có bạn đọc nào mang số thẻ này.") == 1
    empty = place(client, record, card_number="  ", pickup_library="")
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422 and 'id="e-hold-card"' in page and 'id="e-hold-pickup"' in page
    point = place(client, record, card_number=reader.card_number, pickup_library="BDBG")
    assert point.status_code == 422 and 'id="e-hold-pickup"' in point.get_data(as_text=True)
    copy = place(client, record, card_number=reader.card_number, item=stranger.barcode)
    assert copy.status_code == 422 and 'id="e-hold-item"' in copy.get_data(as_text=True)
    lost = make_item(record, status="lost")
    gone = place(client, record, card_number=reader.card_number, item=lost.barcode)
    assert gone.status_code == 422 and 'id="e-hold-item"' in gone.get_data(as_text=True)
    too_long = place(client, record, card_number="9" * 5000)
    assert too_long.status_code == 422 and "9" * 100 not in too_long.get_data(as_text=True)
    assert client.post("/staff/holds/records/999999", data={}).status_code == 404
    assert holds_count() == 0


def test_placing_a_hold_needs_the_desk_permission(client, network):
    make_staff("cataloguer", "TVLC", username="cat-holds")
    sign_in(client, "cat-holds")
    record, reader = make_record(), adult()
    assert 'id="holds"' not in client.get(record_url(record)).get_data(as_text=True)
    assert place(client, record, card_number=reader.card_number).status_code == 403
    assert holds_count() == 0


# --- The title's queue ---------------------------------------------------------------------


def test_the_queue_lists_the_served_hold_first_then_the_waiting_ones_in_order(
    client, network, today
):
    desk_client(client)
    record = make_record("Nhật ký trong tù")
    served, _copy = on_shelf(record, adult(full_name="Người Thứ Nhất"))
    second = place_hold(
        adult(full_name="Người Thứ Hai"), record=record, pickup_library=library("TVLC")
    )
    third = place_hold(
        adult(full_name="Người Thứ Ba"), record=record, pickup_library=library("TVTD")
    )
    page = client.get(record_url(record)).get_data(as_text=True)
    assert queue_rows(page) == [
        (str(served.id), "on_shelf"),
        (str(second.id), "waiting"),
        (str(third.id), "waiting"),
    ]
    assert page.index("Người Thứ Nhất") < page.index("Người Thứ Hai") < page.index("Người Thứ Ba")
    assert served.shelf_expires_on.strftime("%d/%m/%Y") in page
    # Positions: 1 and 2 for the readers still waiting.
    rows = re.findall(r'data-status="waiting">\s*<td>(\d+)</td>', page)
    assert rows == ["1", "2"]


def test_cancel_from_the_queue_goes_back_to_the_record(client, network):
    desk_client(client)
    record = make_record()
    first = place_hold(adult(full_name="Người Hủy"), record=record, pickup_library=library("TVLC"))
    second = place_hold(adult(), record=record, pickup_library=library("TVLC"))
    page = client.get(record_url(record)).get_data(as_text=True)
    assert f'action="/staff/holds/{first.id}/cancel"' in page
    assert f'name="next" value="{record_url(record)}"' in page
    response = client.post(f"/staff/holds/{first.id}/cancel", data={"next": record_url(record)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(record_url(record))
    assert db.session.get(Hold, first.id).status == "cancelled"
    event = db.session.scalar(select(Event).where(Event.kind == "hold_cancelled"))
    assert event is not None and event.details["hold_id"] == first.id
    page = client.get(record_url(record)).get_data(as_text=True)
    queue = page[
        page.index('class="hold-queue"') : page.index("</table>", page.index('id="holds"'))
    ]
    assert queue_rows(page) == [(str(second.id), "waiting")] and "Người Hủy" not in queue
    # Twice: a message, not an error page.
    again = client.post(f"/staff/holds/{first.id}/cancel", follow_redirects=True)
    assert again.status_code == 200
    assert "Đặt mượn này không còn hiệu lực." in again.get_data(as_text=True)
    assert client.post("/staff/holds/999999/cancel").status_code == 404


# --- Cancel from the reader panel --------------------------------------------------------


def test_cancel_from_the_desk_panel_returns_to_the_desk(client, network):
    desk_client(client)
    reader = adult()
    hold = place_hold(reader, record=make_record("Vợ chồng A Phủ"), pickup_library=library("TVLC"))
    page = scan(client, reader.card_number).get_data(as_text=True)
    assert f'action="/staff/holds/{hold.id}/cancel"' in page
    assert 'name="next" value="/staff/desk/"' in page
    response = client.post(f"/staff/holds/{hold.id}/cancel", data={"next": "/staff/desk/"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/desk/")
    assert db.session.get(Hold, hold.id).status == "cancelled"
    page = client.get("/staff/desk/").get_data(as_text=True)
    assert f'data-hold="{hold.id}"' not in page and 'class="desk-holds"' not in page


def test_cancel_from_the_reader_page(client, network):
    desk_client(client)
    reader = adult()
    hold = place_hold(reader, record=make_record(), pickup_library=library("TVLC"))
    reader_page = f"/staff/readers/{reader.card_number}"
    page = client.get(reader_page).get_data(as_text=True)
    assert f'action="/staff/holds/{hold.id}/cancel"' in page
    response = client.post(f"/staff/holds/{hold.id}/cancel", data={"next": reader_page})
    assert response.headers["Location"].endswith(reader_page)
    assert db.session.get(Hold, hold.id).status == "cancelled"


def test_cancel_goes_back_only_to_a_page_of_this_site(client, network):
    desk_client(client)
    record = make_record()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        hold = place_hold(adult(), record=record, pickup_library=library("TVLC"))
        response = client.post(f"/staff/holds/{hold.id}/cancel", data={"next": target})
        location = response.headers["Location"]
        assert "evil.example" not in location and location.endswith(record_url(record))


def test_cancelling_a_hold_on_the_shelf_says_the_copy_goes_back_to_the_shelf(client, network):
    desk_client(client)
    record = make_record()
    hold, copy = on_shelf(record, adult(), barcode="KE-0001")
    page = client.post(
        f"/staff/holds/{hold.id}/cancel", data={"next": "/staff/desk/"}, follow_redirects=True
    ).get_data(as_text=True)
    assert db.session.get(Item, copy.id).status == "available"
    assert "flash-warning" in page and "KE-0001" in page


def test_cancelling_a_hold_on_the_shelf_passes_the_copy_to_the_next_reader(client, network):
    desk_client(client)
    record = make_record()
    hold, copy = on_shelf(record, adult(), barcode="KE-0002")
    following = place_hold(adult(full_name="Người Kế Tiếp"), record=record,
                           pickup_library=library("TVLC"))  # fmt: skip
    page = client.post(
        f"/staff/holds/{hold.id}/cancel", data={"next": "/staff/desk/"}, follow_redirects=True
    ).get_data(as_text=True)
    assert db.session.get(Hold, following.id).status == "on_shelf"
    assert db.session.get(Item, copy.id).status == "on_hold_shelf"
    assert "KE-0002" in page and "Người Kế Tiếp" in page


def test_cancelling_a_hold_on_the_shelf_sends_a_visiting_copy_home(client, network):
    desk_client(client)
    record = make_record()
    hold, copy = on_shelf(record, adult(), library_code="TVTD", barcode="KE-0003")
    page = client.post(
        f"/staff/holds/{hold.id}/cancel", data={"next": "/staff/desk/"}, follow_redirects=True
    ).get_data(as_text=True)
    assert db.session.get(Item, copy.id).status == "in_transit"
    assert "KE-0003" in page and "Thư viện huyện Tam Đường" in page


# --- The hold shelf ------------------------------------------------------------------------


def test_hold_shelf_lists_an_expired_hold_first_and_marks_it(client, network, today):
    desk_client(client)
    fresh, fresh_copy = on_shelf(make_record("Sách mới đến"), adult(full_name="Chờ Còn Hạn"))
    old, old_copy = on_shelf(make_record("Sách quá hạn giữ"), adult(full_name="Quên Đến Lấy"))
    old.shelf_expires_on = today - timedelta(days=1)
    fresh.shelf_expires_on = today + timedelta(days=3)
    old_copy.call_number = "895.922 QU"
    elsewhere, _ = on_shelf(
        make_record("Sách ở huyện"), adult(), pickup="TVTD", library_code="TVTD"
    )
    db.session.commit()
    response = client.get("/staff/holds/shelf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r'<tr class="shelf-line([^"]*)" data-hold="(\d+)"', page)
    assert rows == [(" overdue take-off", str(old.id)), ("", str(fresh.id))]
    assert page.index(old_copy.barcode) < page.index(fresh_copy.barcode)
    assert "895.922 QU" in page and "Quên Đến Lấy" in page and old.reader.card_number in page
    assert old.shelf_expires_on.strftime("%d/%m/%Y") in page
    assert "Sách ở huyện" not in page  # another library's shelf
    assert f'data-hold="{elsewhere.id}"' not in page


def test_hold_shelf_library_filter_for_a_network_account(client, network):
    make_staff("admin", None, "net-admin")
    sign_in(client, "net-admin")
    here, _ = on_shelf(make_record("Ở tỉnh"), adult())
    there, _ = on_shelf(make_record("Ở huyện"), adult(), pickup="TVTD", library_code="TVTD")
    db.session.commit()
    everything = client.get("/staff/holds/shelf").get_data(as_text=True)
    assert 'name="library"' in everything
    assert f'data-hold="{here.id}"' in everything and f'data-hold="{there.id}"' in everything
    district = client.get("/staff/holds/shelf?library=TVTD").get_data(as_text=True)
    assert f'data-hold="{there.id}"' in district and f'data-hold="{here.id}"' not in district


def test_hold_shelf_is_linked_from_the_call_list_and_the_staff_home(client, network):
    desk_client(client)
    assert 'href="/staff/holds/shelf"' in client.get("/staff/notices/holds").get_data(as_text=True)
    assert 'href="/staff/holds/shelf"' in client.get("/staff").get_data(as_text=True)


# --- Lost copies on the panel ---------------------------------------------------------------


def test_a_copy_reported_lost_stays_on_the_readers_panel(client, network, today):
    desk_client(client)
    reader = adult()
    copy = make_item(make_record("Truyện Kiều"), barcode="MAT-0001")
    scan(client, reader.card_number)
    scan(client, copy.barcode)
    assert 'class="desk-lost"' not in client.get("/staff/desk/").get_data(as_text=True)
    client.post(f"/staff/copy-status/{copy.barcode}/lost", data={"note": "Bạn đọc báo mất"})
    assert db.session.get(Item, copy.id).status == "lost"
    for url in ("/staff/desk/", f"/staff/readers/{reader.card_number}"):
        page = client.get(url).get_data(as_text=True)
        lost = page[page.index('class="desk-lost"') :]
        lost = lost[: lost.index("</ul>")]
        assert "MAT-0001" in lost and "Truyện Kiều" in lost
        assert today.strftime("%d/%m/%Y") in lost
    # Found again: off the list.
    client.post(f"/staff/copy-status/{copy.barcode}/found")
    assert 'class="desk-lost"' not in client.get("/staff/desk/").get_data(as_text=True)


def test_staff_of_another_library_may_not_cancel_a_hold_here(client, network):
    make_staff("circulation", "TVPT", username="desk-pt")
    sign_in(client, "desk-pt")
    record = make_record()
    hold, _item = on_shelf(record, adult())  # TVLC's shelf, a TVLC reader
    db.session.commit()
    page = client.get(record_url(record)).get_data(as_text=True)
    assert f"/staff/holds/{hold.id}/cancel" not in page  # no button to press
    response = client.post(f"/staff/holds/{hold.id}/cancel", data={"next": "/staff/desk/"})
    assert response.status_code == 303
    assert db.session.get(Hold, hold.id).status == "on_shelf"


def test_a_cancel_whose_next_holds_a_line_break_goes_back_safely(client, network):
    desk_client(client)
    hold = place_hold(adult(), record=make_record(), pickup_library=library("TVLC"))
    db.session.commit()
    response = client.post(
        f"/staff/holds/{hold.id}/cancel", data={"next": "/staff/desk/\r\nX-Evil: 1"}
    )
    assert response.status_code == 303 and "X-Evil" not in response.headers
    assert response.headers["Location"].endswith(f"/staff/catalog/records/{hold.record_id}")
    assert db.session.get(Hold, hold.id).status == "cancelled"
