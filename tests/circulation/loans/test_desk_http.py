"""The desk pages through HTTP: scan a card, scan copies, override, renew, returns, visits."""

from datetime import timedelta

from sqlalchemy import func, select

from libsys.catalog.models import Item
from libsys.circulation.holds.services import cancel_hold, place_hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.policies.models import CirculationPolicy, Holiday
from libsys.circulation.visits.models import Visit
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import make_staff, sign_in


def desk_client(client, role="circulation"):
    make_staff(role, "TVLC", username=f"desk-{role}")
    sign_in(client, f"desk-{role}")
    return client


def scan(client, value, url="/staff/desk/"):
    return client.post(url, data={"scan": value}, follow_redirects=True)


def test_desk_needs_the_permission(client, network):
    make_staff("cataloguer", "TVLC", username="cat")
    sign_in(client, "cat")
    assert client.get("/staff/desk/").status_code == 403
    assert client.post("/staff/desk/", data={"scan": "x"}).status_code == 403


def test_card_then_copies_show_due_dates(client, network, today):
    desk_client(client)
    reader, item = adult(full_name="Trần Văn Bình"), make_item(make_record("Tắt đèn"))
    page = scan(client, reader.card_number).get_data(as_text=True)
    assert "Trần Văn Bình" in page and "data-scan" in page and "autofocus" in page
    page = scan(client, item.barcode).get_data(as_text=True)
    due = (today + timedelta(days=14)).strftime("%d/%m/%Y")
    assert "Tắt đèn" in page and due in page
    assert db.session.scalar(select(func.count(Loan.id))) == 1


def test_refusal_shows_code_and_vietnamese_message(client, network):
    desk_client(client)
    reader = adult()
    scan(client, reader.card_number)
    page = scan(client, "KHONG-CO").get_data(as_text=True)
    assert "UNKNOWN_ITEM" in page and "Không" in page  # Vietnamese message
    reference = make_item(store_code="VT")
    page = scan(client, reference.barcode).get_data(as_text=True)
    assert "NOT_FOR_LOAN" in page
    assert "override-form" not in page  # a circulation clerk may not override


def test_an_unknown_card_is_named_as_such(client, network):
    desk_client(client)
    page = scan(client, "BD999999").get_data(as_text=True)  # no reader at the desk yet
    assert "BD999999" in page and "Không có bạn đọc nào mang số thẻ này" in page
    copy = make_item()
    page = scan(client, copy.barcode).get_data(as_text=True)
    assert "Hãy quét thẻ bạn đọc trước" in page
    scan(client, adult().card_number)
    page = scan(client, "bd888888").get_data(as_text=True)  # a card's form, at a reader's desk
    assert 'data-code="UNKNOWN_READER"' in page
    assert db.session.scalar(select(func.count(Loan.id))) == 0


def test_a_scan_too_long_for_a_barcode_is_refused_and_not_kept(client, network):
    desk_client(client)
    scan(client, adult().card_number)
    for url in ("/staff/desk/", "/staff/desk/returns"):
        page = scan(client, "9" * 5000, url).get_data(as_text=True)
        assert "desk-line ok" not in page and "desk-line refused" not in page
        assert "9" * 100 not in page
    assert len(client.get_cookie("session").value) < 2000


def test_scanning_a_copy_twice_at_once_renews_nothing(client, network):
    desk_client(client)
    item = make_item()
    scan(client, adult().card_number)
    scan(client, item.barcode)
    page = scan(client, item.barcode).get_data(as_text=True)
    assert page.count("desk-line ok") == 2 and "renewals" not in page
    assert db.session.scalar(select(Loan.renewals)) == 0


def test_manager_overrides_with_a_reason(client, network):
    desk_client(client, "manager")
    reader, reference = adult(), make_item(store_code="VT")
    scan(client, reader.card_number)
    page = scan(client, reference.barcode).get_data(as_text=True)
    assert "override-form" in page
    page = client.post(
        "/staff/desk/override",
        data={"barcode": reference.barcode, "reason": "Photo tài liệu"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        reference.status == "on_loan"
        or db.session.get(type(reference), reference.id).status == "on_loan"
    )
    event = db.session.scalar(select(Event).where(Event.kind == "override"))
    assert event.details["reason"] == "Photo tài liệu"


def test_scan_a_copy_before_a_card(client, network):
    desk_client(client)
    page = scan(client, make_item().barcode).get_data(as_text=True)
    assert "flash-error" in page
    assert db.session.scalar(select(func.count(Loan.id))) == 0


def test_panel_shows_overdue_in_red_and_holds(client, network, today, tvlc):
    desk_client(client)
    reader = adult()
    item = make_item(make_record("Số đỏ"))
    scan(client, reader.card_number)
    scan(client, item.barcode)
    db.session.scalar(select(Loan)).due_date = today - timedelta(days=2)
    place_hold(reader, record=make_record("Chí Phèo"), pickup_library=tvlc)
    page = client.get("/staff/desk/").get_data(as_text=True)
    assert 'class="overdue"' in page and "OVERDUE_BLOCKS" in page and "Chí Phèo" in page


def test_renew_one_and_all(client, network, today):
    desk_client(client)
    reader = adult()
    scan(client, reader.card_number)
    scan(client, make_item().barcode)
    scan(client, make_item().barcode)
    loans = db.session.scalars(select(Loan).order_by(Loan.id)).all()
    client.post(f"/staff/desk/renew/{loans[0].id}", follow_redirects=True)
    assert db.session.get(Loan, loans[0].id).renewals == 1
    # Renew all leaves what was lent or renewed today; a loan lent last week is renewed.
    loans[1].checked_out_at -= timedelta(days=7)
    db.session.commit()
    client.post("/staff/desk/renew-all", follow_redirects=True)
    assert [loan.renewals for loan in db.session.scalars(select(Loan).order_by(Loan.id))] == [1, 1]


def test_returns_screen_announces_a_hold_and_prints_a_slip(client, network, tvlc):
    desk_client(client)
    record = make_record("Nhật ký trong tù")
    item = make_item(record)
    scan(client, adult().card_number)
    scan(client, item.barcode)
    hold = place_hold(adult(full_name="Người đặt"), record=record, pickup_library=tvlc)
    page = scan(client, item.barcode, "/staff/desk/returns").get_data(as_text=True)
    assert "desk-notice hold" in page and "Người đặt" in page
    slip = client.get(f"/staff/desk/holds/{hold.id}/slip").get_data(as_text=True)
    assert "Nhật ký trong tù" in slip and hold.reader.card_number in slip
    cancel_hold(hold)
    db.session.commit()
    closed = client.get(f"/staff/desk/holds/{hold.id}/slip")
    assert closed.status_code == 409  # no slip for a hold that is over


def test_returns_screen_routes_a_copy_home(client, network):
    desk_client(client)
    item = make_item(library_code="TVTD")
    scan(client, adult().card_number)
    scan(client, item.barcode)
    page = scan(client, item.barcode, "/staff/desk/returns").get_data(as_text=True)
    assert "desk-notice transfer" in page and "Thư viện huyện Tam Đường" in page


def test_returns_screen_says_a_copy_belongs_to_a_rotation_batch(client, network):
    desk_client(client)
    point = db.session.scalars(select(Library).where(Library.level == "point")).first()
    item = make_item()
    item.status, item.location_library_id = "at_rotation_point", point.id
    db.session.commit()
    page = scan(client, item.barcode, "/staff/desk/returns").get_data(as_text=True)
    assert "desk-notice rotation" in page and point.name in page and "LUÂN CHUYỂN" in page
    assert db.session.get(Item, item.id).status == "at_rotation_point"


def test_returns_screen_says_a_lost_copy_was_found(client, network):
    from libsys.circulation.losses.services import declare_lost

    desk_client(client)
    item = make_item()
    scan(client, adult().card_number)
    scan(client, item.barcode)
    declare_lost(item)
    db.session.commit()
    page = scan(client, item.barcode, "/staff/desk/returns").get_data(as_text=True)
    assert "đã tìm thấy: bản sách này từng được báo mất" in page
    assert db.session.get(Item, item.id).status == "available"


def test_visits_page_counts_once_and_tallies(client, network):
    desk_client(client)
    reader = adult()
    scan(client, reader.card_number, "/staff/desk/visits")
    scan(client, reader.card_number, "/staff/desk/visits")
    client.post("/staff/desk/visits", data={"category": "children", "count": "1"})
    page = client.post(
        "/staff/desk/visits", data={"category": "adults", "count": "5"}, follow_redirects=True
    ).get_data(as_text=True)
    visits = db.session.scalars(select(Visit)).all()
    assert sorted(v.count for v in visits) == [1, 1, 5]
    assert "7" in page


def test_policies_page_adds_a_rule_and_a_holiday(client, network):
    desk_client(client, "manager")
    assert client.get("/staff/desk/policies").status_code == 200
    response = client.post(
        "/staff/desk/policies/new",
        data={"library_id": str(library("TVLC").id), "loan_days": "21", "overdue_blocks": "0"},
    )
    assert response.status_code == 303
    rule = db.session.scalar(select(CirculationPolicy))
    assert rule.loan_days == 21 and rule.overdue_blocks is False and rule.max_loans is None
    bad = client.post("/staff/desk/policies/new", data={"loan_days": "mười"})
    assert bad.status_code == 422
    client.post(
        "/staff/desk/holidays",
        data={
            "name": "Tết Đinh Mùi",
            "first_day": "2027-02-05",
            "last_day": "2027-02-11",
            "library_id": str(library("TVLC").id),
        },
    )
    assert db.session.scalar(select(Holiday)).last_day.day == 11
    client.post(
        "/staff/desk/closed-days", data={"library_id": library("TVLC").id, "weekday": ["6"]}
    )
    assert "Chủ nhật" in client.get("/staff/desk/policies").get_data(as_text=True)


def test_policies_need_their_permission(client, network):
    desk_client(client)
    assert client.get("/staff/desk/policies").status_code == 403


def test_reader_page_shows_the_loans_panel(client, network):
    desk_client(client)
    reader = adult()
    scan(client, reader.card_number)
    scan(client, make_item(make_record("Vợ nhặt")).barcode)
    page = client.get(f"/staff/readers/{reader.card_number}").get_data(as_text=True)
    assert "Vợ nhặt" in page and "reader-panel" in page


def test_library_lists_put_the_provincial_library_first_then_in_vietnamese_order(client, network):
    from libsys.circulation.acting import library_options
    from libsys.text import sort_key

    desk_client(client)
    with client.application.test_request_context():
        names = [name for _code, name in library_options()]
    assert names[0] == "Thư viện tỉnh Lai Châu"
    districts = [n for n in names if n.startswith("Thư viện huyện")]
    assert districts == sorted(districts, key=sort_key)
    assert names.index(districts[-1]) < min(
        (i for i, n in enumerate(names) if n.startswith("Trường")), default=len(names)
    )
