"""The desk's rules: checkout, every refusal code, renewal, checkin, holds, privacy."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import (
    cancel_hold,
    expire_holds,
    holds_on_shelf,
    place_hold,
    queue_position,
    reader_holds,
)
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.rules import reader_blocks
from libsys.circulation.loans.services import (
    checkout,
    overdue_loans,
    reader_loans,
    renew,
    renew_all,
)
from libsys.circulation.policies.models import CirculationPolicy
from libsys.circulation.visits.models import Visit
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.models import Event
from tests.circulation.conftest import adult, child, library, make_item, make_record
from tests.factories import make_staff


def events(kind):
    return list(db.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def refused(code, call, *args, **kwargs):
    with pytest.raises(DeskRefusal) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.code
    return info.value


def test_checkout_lends_and_logs(tvlc, today):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    assert loan.due_date == today + timedelta(days=14)
    assert item.status == "on_loan"
    (event,) = events("checkout")
    assert event.item_id == item.id and event.loan_id == loan.id
    assert event.reader_category == "official" and event.item_store == "VN"
    assert reader_loans(reader) == [loan]


def test_unknown_item_and_reader(tvlc):
    reader = adult()
    error = refused("UNKNOWN_ITEM", checkout, "NOPE", reader.card_number, library=tvlc)
    assert error.status == 422
    refused("UNKNOWN_READER", checkout, make_item().barcode, "NOPE", library=tvlc)


def test_already_on_loan_to_another(tvlc):
    item = make_item()
    checkout(item.barcode, adult().card_number, library=tvlc)
    error = refused(
        "ALREADY_ON_LOAN", checkout, item.barcode, adult(full_name="B").card_number, library=tvlc
    )
    assert error.status == 409


def test_a_barcode_typed_in_small_letters_finds_its_copy(tvlc):
    item = make_item(barcode="VN.TEST.0042")
    loan = checkout("vn.test.0042", adult().card_number, library=tvlc).loan
    assert loan.item_id == item.id
    assert checkin(" Vn.Test.0042 ", library=tvlc).loan is loan


def test_same_reader_scanning_again_renews(tvlc):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    loan.checked_out_at -= timedelta(days=3)
    again = checkout(item.barcode, reader.card_number, library=tvlc)
    assert again.loan.id == loan.id and again.loan.renewals == 1 and again.renewed
    assert len(events("renewal")) == 1


def test_a_second_scan_the_day_it_was_lent_renews_nothing(tvlc):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    due = loan.due_date
    again = checkout(item.barcode, reader.card_number, library=tvlc)
    assert again.loan.id == loan.id and again.repeated and not again.renewed
    assert (again.loan.renewals, again.loan.due_date) == (0, due)
    assert events("renewal") == [] and len(events("checkout")) == 1


def test_a_second_scan_of_a_copy_renewed_today_renews_nothing(tvlc):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    loan.checked_out_at -= timedelta(days=5)
    checkout(item.barcode, reader.card_number, library=tvlc)  # the renewal scan
    due = loan.due_date
    again = checkout(item.barcode, reader.card_number, library=tvlc)  # the scanner reads twice
    assert again.repeated and (again.loan.renewals, again.loan.due_date) == (1, due)
    assert len(events("renewal")) == 1


def test_renewing_at_the_desk_counts_the_visit(tvlc):
    reader = adult()
    loan = checkout(make_item().barcode, reader.card_number, library=tvlc).loan
    other = checkout(make_item().barcode, reader.card_number, library=tvlc).loan
    db.session.execute(db.delete(Visit))  # the loans were lent on another day
    loan.checked_out_at -= timedelta(days=7)
    other.checked_out_at -= timedelta(days=7)
    renew(loan, library=tvlc)  # online: the reader is not here
    assert db.session.scalar(select(func.count(Visit.id))) == 0
    renew(other, library=tvlc, in_person=True)  # at the desk
    renew(other, library=tvlc, in_person=True)
    assert db.session.scalar(select(func.count(Visit.id))) == 1


def test_a_second_scan_counts_the_local_day_not_utc(tvlc, monkeypatch):
    """Lent at 23:30 UTC, already the next morning in Hà Nội: the next scan that morning
    is the same local day (no renewal)."""
    from datetime import datetime

    from libsys.core import clock

    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    loan.checked_out_at = datetime(2026, 12, 2, 23, 30)  # 06:30 on 03/12 in Vietnam
    monkeypatch.setattr(clock, "local_now", lambda: datetime(2026, 12, 3, 9, 0))
    monkeypatch.setattr("libsys.circulation.loans.services.local_today",
                        lambda: datetime(2026, 12, 3, 9, 0).date())  # fmt: skip
    assert checkout(item.barcode, reader.card_number, library=tvlc).repeated


@pytest.mark.parametrize("status", ["lost", "withdrawn", "in_repair", "damaged"])
def test_not_for_loan_statuses(tvlc, status):
    item = make_item(status=status)
    error = refused("NOT_FOR_LOAN", checkout, item.barcode, adult().card_number, library=tvlc)
    assert not error.overridable


def test_reference_only_store_is_not_for_loan_but_overridable(tvlc):
    item = make_item(store_code="VT")
    error = refused("NOT_FOR_LOAN", checkout, item.barcode, adult().card_number, library=tvlc)
    assert error.overridable


def test_limit_reached(tvlc):
    db.session.add(CirculationPolicy(max_loans=2))
    reader = adult()
    for _ in range(2):
        checkout(make_item().barcode, reader.card_number, library=tvlc)
    refused("LIMIT_REACHED", checkout, make_item().barcode, reader.card_number, library=tvlc)


def test_limit_per_item_type(tvlc):
    db.session.add(CirculationPolicy(max_loans=10, max_loans_per_type=1))
    reader = adult()
    checkout(make_item(item_type="dvd").barcode, reader.card_number, library=tvlc)
    refused(
        "LIMIT_REACHED",
        checkout,
        make_item(item_type="dvd").barcode,
        reader.card_number,
        library=tvlc,
    )
    checkout(make_item().barcode, reader.card_number, library=tvlc)


def test_card_expired(tvlc, today):
    reader = adult(
        card_issued=(today - timedelta(days=400)).isoformat(),
        card_expires=(today - timedelta(days=1)).isoformat(),
    )
    refused("CARD_EXPIRED", checkout, make_item().barcode, reader.card_number, library=tvlc)


def test_reader_blocked(tvlc):
    from libsys.readers.services import block_reader

    reader = adult()
    block_reader(reader, "Mất sách chưa bồi thường")
    refused("READER_BLOCKED", checkout, make_item().barcode, reader.card_number, library=tvlc)


def test_guardian_required_for_children(tvlc):
    reader = child()
    reader.guardian_name = None
    refused(
        "GUARDIAN_REQUIRED",
        checkout,
        make_item(store_code="TN").barcode,
        reader.card_number,
        library=tvlc,
    )


def test_overdue_blocks_and_can_be_turned_off(tvlc, today):
    reader = adult()
    loan = checkout(make_item().barcode, reader.card_number, library=tvlc).loan
    loan.due_date = today - timedelta(days=3)
    refused("OVERDUE_BLOCKS", checkout, make_item().barcode, reader.card_number, library=tvlc)
    assert "OVERDUE_BLOCKS" in reader_blocks(reader, library=tvlc)
    db.session.add(CirculationPolicy(overdue_blocks=False))
    db.session.flush()
    assert "OVERDUE_BLOCKS" not in reader_blocks(reader, library=tvlc)  # the panel agrees
    checkout(make_item().barcode, reader.card_number, library=tvlc)
    assert overdue_loans(tvlc) == [loan]


def test_lending_a_copy_held_for_another_anyway_puts_their_hold_back_in_the_queue(tvlc):
    record = make_record()
    item = make_item(record)
    waiting = place_hold(adult(full_name="Người chờ"), record=record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    assert waiting.status == "on_shelf" and item.status == "on_hold_shelf"
    manager = make_staff("manager", "TVLC", username="ql-override")
    reader = adult()
    with pytest.raises(DeskRefusal) as refusal:
        checkout(item.barcode, reader.card_number, library=tvlc, user=manager)
    assert refusal.value.details["codes"] == ["HELD_FOR_ANOTHER"]
    checkout(item.barcode, reader.card_number, library=tvlc, user=manager,
             override_reason="Bạn đọc chờ đã nhận bản khác")  # fmt: skip
    assert waiting.status == "waiting" and waiting.item_id is None
    assert waiting.shelf_expires_on is None and queue_position(waiting) == 1
    assert holds_on_shelf(tvlc) == []


def test_an_override_keeps_the_queue_in_order(tvlc):
    """C is handed B's copy by mistake and lent it anyway: the copy C was waiting for now
    goes to B, the first in the queue, not to D."""
    record = make_record()
    x, y = make_item(record), make_item(record)
    b = place_hold(adult(full_name="B"), record=record, pickup_library=tvlc)
    c_reader = adult(full_name="C")
    c = place_hold(c_reader, record=record, pickup_library=tvlc)
    d = place_hold(adult(full_name="D"), record=record, pickup_library=tvlc)
    checkin(x.barcode, library=tvlc)  # X waits for B
    checkin(y.barcode, library=tvlc)  # Y waits for C
    manager = make_staff("manager", "TVLC", username="ql-queue")
    checkout(x.barcode, c_reader.card_number, library=tvlc, user=manager,
             override_reason="Đưa nhầm bản")  # fmt: skip
    assert c.status == "fulfilled"
    assert (b.status, b.item_id, d.status) == ("on_shelf", y.id, "waiting")


def test_a_rotation_point_is_no_pickup_library(tvlc):
    point = db.session.scalars(select(Library).where(Library.level == "point")).first()
    with pytest.raises(ValidationFailed) as error:
        place_hold(adult(), record=make_record(), pickup_library=point)
    assert "pickup_library" in error.value.fields
    assert db.session.scalar(select(func.count(Hold.id))) == 0


def test_held_for_another(tvlc):
    item = make_item()
    waiting = adult(full_name="Người chờ")
    place_hold(waiting, item=item, pickup_library=tvlc)
    refused("HELD_FOR_ANOTHER", checkout, item.barcode, adult().card_number, library=tvlc)
    # The reader who placed the hold may take it, which fills the hold.
    checkout(item.barcode, waiting.card_number, library=tvlc)
    assert reader_holds(waiting) == [] and len(events("hold_filled")) == 1


def test_no_renewals_left(tvlc):
    db.session.add(CirculationPolicy(renewals_allowed=1))
    loan = checkout(make_item().barcode, adult().card_number, library=tvlc).loan
    first_due = loan.due_date
    renew(loan, library=tvlc)
    assert loan.renewals == 1 and loan.due_date == first_due + timedelta(days=14)
    refused("NO_RENEWALS_LEFT", renew, loan, library=tvlc)
    assert loan.renewals == 1


def test_renewal_blocked_by_a_hold_on_the_title(tvlc):
    record = make_record()
    loan = checkout(make_item(record).barcode, adult().card_number, library=tvlc).loan
    place_hold(adult(full_name="B"), record=record, pickup_library=tvlc)
    refused("RENEWAL_BLOCKED_BY_HOLD", renew, loan, library=tvlc)
    assert loan.renewals == 0 and events("renewal") == []


def test_override_lifts_a_refusal_and_is_logged(tvlc):
    user = make_staff("manager", "TVLC")
    reader, item = adult(), make_item(store_code="VT")
    loan = checkout(
        item.barcode,
        reader.card_number,
        library=tvlc,
        user=user,
        override_reason="Bạn đọc cần photo gấp",
    ).loan
    assert loan.override_reason == "Bạn đọc cần photo gấp"
    (event,) = events("override")
    assert event.details == {"code": "NOT_FOR_LOAN", "reason": "Bạn đọc cần photo gấp"}
    assert event.user_id == user.id


def test_override_needs_the_permission(tvlc):
    clerk = make_staff("circulation", "TVLC")
    item = make_item(store_code="VT")
    refused(
        "NOT_FOR_LOAN",
        checkout,
        item.barcode,
        adult().card_number,
        library=tvlc,
        user=clerk,
        override_reason="xin",
    )
    assert events("override") == []


def test_override_renewal_with_hold(tvlc):
    user = make_staff("manager", "TVLC")
    record = make_record()
    loan = checkout(make_item(record).barcode, adult().card_number, library=tvlc).loan
    place_hold(adult(full_name="B"), record=record, pickup_library=tvlc)
    renew(loan, library=tvlc, user=user, override_reason="Đang làm luận văn")
    assert loan.renewals == 1
    assert [e.details["code"] for e in events("override")] == ["RENEWAL_BLOCKED_BY_HOLD"]


def test_failed_checkout_writes_nothing(tvlc):
    reader = adult()
    reference, item = make_item(store_code="VT"), make_item(status="lost")
    before = (count(Loan), count(Event), count(Visit))
    with pytest.raises(DeskRefusal), db.session.begin_nested():
        checkout(reference.barcode, reader.card_number, library=tvlc)
    with pytest.raises(DeskRefusal):
        checkout(item.barcode, reader.card_number, library=tvlc)
    assert (count(Loan), count(Event), count(Visit)) == before
    assert item.status == "lost" and reference.status == "available"


def test_checkout_records_one_visit_a_day(tvlc):
    reader = adult()
    checkout(make_item().barcode, reader.card_number, library=tvlc)
    checkout(make_item().barcode, reader.card_number, library=tvlc)
    assert count(Visit) == 1 and len(events("visit")) == 1
    # Borrowing at another library that day is another visit.
    checkout(make_item(library_code="TVTD").barcode, reader.card_number, library=library("TVTD"))
    assert count(Visit) == 2


def test_checkin_anonymises_the_loan(tvlc, today):
    reader, item = adult(), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    result = checkin(item.barcode, library=tvlc)
    assert result.loan is loan and loan.status == "returned" and loan.returned_at
    assert loan.reader_id is None and item.status == "available"
    (event,) = events("checkin")
    assert event.reader_category == "official"  # the snapshot was taken before forgetting


def test_the_event_log_does_not_tie_a_reader_to_what_they_read(tvlc):
    from libsys.stats.events import reader_key

    reader, item = adult(), make_item()
    checkout(item.barcode, reader.card_number, library=tvlc)
    place_hold(reader, record=make_record(), pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    logged = db.session.scalars(select(Event)).all()
    assert {e.kind for e in logged} >= {"checkout", "checkin", "visit", "hold_placed"}
    named = [e for e in logged if e.item_id is not None or e.record_id is not None]
    assert named and all(e.reader_key is None for e in named)
    assert all(e.reader_category == "official" for e in named)  # the snapshot stays
    (visit,) = [e for e in logged if e.kind == "visit"]  # distinct readers count from here
    assert visit.reader_key == reader_key(reader.id) and visit.record_id is None


def test_checkin_keeps_history_when_the_reader_asks(tvlc):
    reader, item = adult(keep_history="1"), make_item()
    loan = checkout(item.barcode, reader.card_number, library=tvlc).loan
    checkin(item.barcode, library=tvlc)
    assert loan.reader_id == reader.id


def test_checkin_counts_overdue_days(tvlc, today):
    item = make_item()
    loan = checkout(item.barcode, adult().card_number, library=tvlc).loan
    loan.due_date = today - timedelta(days=4)
    assert checkin(item.barcode, library=tvlc).overdue_days == 4


def test_checkin_routes_a_copy_home(tvlc):
    item = make_item(library_code="TVTD")
    checkout(item.barcode, adult().card_number, library=tvlc)
    result = checkin(item.barcode, library=tvlc)
    assert result.route_to == "TVTD" and result.route_reason == "home"
    assert item.status == "in_transit"


def test_checkin_of_a_copy_out_in_a_rotation_batch_leaves_it_with_the_batch(tvlc):
    point = db.session.scalars(select(Library).where(Library.level == "point")).first()
    record = make_record()
    item = make_item(record)
    item.status, item.location_library_id = "at_rotation_point", point.id
    db.session.flush()
    hold = place_hold(adult(full_name="Chờ"), record=record, pickup_library=tvlc)
    result = checkin(item.barcode, library=tvlc)
    assert result.route_reason == "rotation" and result.rotation_point is point
    assert (item.status, item.location_library_id) == ("at_rotation_point", point.id)
    assert result.hold is None and hold.status == "waiting"  # the batch's copy is not trapped


def test_a_reader_who_borrows_another_copy_frees_the_one_on_the_hold_shelf(tvlc):
    record = make_record()
    shelved, other = make_item(record), make_item(record)
    reader = adult(full_name="Người đặt")
    checkout(shelved.barcode, adult().card_number, library=tvlc)
    hold = place_hold(reader, record=record, pickup_library=tvlc)
    checkin(shelved.barcode, library=tvlc)
    assert shelved.status == "on_hold_shelf" and hold.item_id == shelved.id
    next_hold = place_hold(adult(full_name="Người sau"), record=record, pickup_library=tvlc)
    # The reader takes the other copy from the shelves: the hold is filled by it ...
    checkout(other.barcode, reader.card_number, library=tvlc)
    assert hold.status == "fulfilled" and hold.item_id == other.id
    # ... and the copy set aside goes to the next reader in the queue.
    assert next_hold.status == "on_shelf" and next_hold.item_id == shelved.id
    assert shelved.status == "on_hold_shelf"
    checkout(shelved.barcode, next_hold.reader.card_number, library=tvlc)
    assert next_hold.status == "fulfilled"


def test_a_freed_copy_of_another_library_travels_home_under_a_transfer(tvlc):
    from libsys.circulation.transfers.services import pull_list

    record = make_record()
    visiting, other = make_item(record, library_code="TVTD"), make_item(record)
    reader = adult()
    checkout(visiting.barcode, adult().card_number, library=tvlc)
    hold = place_hold(reader, record=record, pickup_library=tvlc)
    checkin(visiting.barcode, library=tvlc)  # trapped here for the hold
    assert visiting.status == "on_hold_shelf"
    checkout(other.barcode, reader.card_number, library=tvlc)
    assert hold.status == "fulfilled" and visiting.status == "in_transit"
    # Off the hold shelf and home: on this library's list of copies to send.
    assert [t.item for t in pull_list(tvlc.id)] == [visiting]


def test_checkin_traps_for_the_first_hold_in_queue(tvlc, today):
    record = make_record()
    item = make_item(record)
    checkout(item.barcode, adult().card_number, library=tvlc)
    first = place_hold(adult(full_name="Một"), record=record, pickup_library=tvlc)
    second = place_hold(adult(full_name="Hai"), record=record, pickup_library=tvlc)
    assert (queue_position(first), queue_position(second)) == (1, 2)
    result = checkin(item.barcode, library=tvlc)
    assert result.hold is first and first.status == "on_shelf"
    assert first.shelf_expires_on == today + timedelta(days=3)
    assert item.status == "on_hold_shelf" and result.route_to is None
    assert result.hold_slip()["card_number"] == first.reader.card_number
    assert queue_position(second) == 1
    # The copy waits for the first reader: the second cannot take it.
    refused("HELD_FOR_ANOTHER", checkout, item.barcode, second.reader.card_number, library=tvlc)


def test_hold_for_another_pickup_library_goes_in_transit(tvlc):
    record = make_record()
    item = make_item(record)
    checkout(item.barcode, adult().card_number, library=tvlc)
    hold = place_hold(adult(full_name="Xa"), record=record, pickup_library=library("TVTD"))
    result = checkin(item.barcode, library=tvlc)
    assert result.route_to == "TVTD" and result.route_reason == "hold"
    assert hold.status == "in_transit"
    # Scanned on arrival at the pickup library: on its shelf.
    arrived = checkin(item.barcode, library=library("TVTD"))
    assert arrived.hold is hold and hold.status == "on_shelf" and arrived.route_to is None


def test_expired_hold_passes_the_copy_to_the_next(tvlc, today):
    record = make_record()
    item = make_item(record)
    checkout(item.barcode, adult().card_number, library=tvlc)
    first = place_hold(adult(full_name="Một"), record=record, pickup_library=tvlc)
    second = place_hold(adult(full_name="Hai"), record=record, pickup_library=tvlc)
    checkin(item.barcode, library=tvlc)
    assert expire_holds(today) == 0
    assert expire_holds(first.shelf_expires_on + timedelta(days=1)) == 1
    assert first.status == "expired" and second.status == "on_shelf"
    assert second.item_id == item.id and item.status == "on_hold_shelf"
    cancel_hold(second)
    assert item.status == "available" and len(events("hold_cancelled")) == 1


def test_hold_rules(tvlc):
    db.session.add(CirculationPolicy(holds_allowed=1))
    reader = adult()
    record = make_record()
    place_hold(reader, record=record, pickup_library=tvlc)
    refused("ALREADY_HELD", place_hold, reader, record=record, pickup_library=tvlc)
    refused("LIMIT_REACHED", place_hold, reader, record=make_record("Khác"), pickup_library=tvlc)
    assert len(events("hold_placed")) == 1


def test_renew_all_reports_each_loan(tvlc):
    reader = adult()
    record = make_record()
    free = checkout(make_item().barcode, reader.card_number, library=tvlc).loan
    held = checkout(make_item(record).barcode, reader.card_number, library=tvlc).loan
    today = checkout(make_item().barcode, reader.card_number, library=tvlc).loan
    free.checked_out_at -= timedelta(days=7)
    held.checked_out_at -= timedelta(days=7)
    place_hold(adult(full_name="B"), record=record, pickup_library=tvlc)
    results = dict((loan.id, refusal) for loan, refusal in renew_all(reader, library=tvlc))
    assert results[free.id] is None and free.renewals == 1
    assert results[held.id].code == "RENEWAL_BLOCKED_BY_HOLD" and held.renewals == 0
    # Lent minutes ago: left alone, and listed with the reason.
    assert results[today.id].code == "RENEWED_TODAY" and today.renewals == 0
    again = dict((loan.id, refusal) for loan, refusal in renew_all(reader, library=tvlc))
    assert again[free.id].code == "RENEWED_TODAY" and free.renewals == 1


def test_hold_queue_order_is_by_time_placed(tvlc):
    record = make_record()
    holds = [
        place_hold(adult(full_name=f"R{i}"), record=record, pickup_library=tvlc) for i in range(3)
    ]
    assert [queue_position(h) for h in holds] == [1, 2, 3]
    cancel_hold(holds[0])
    assert [queue_position(h) for h in holds[1:]] == [1, 2]
    assert db.session.get(Hold, holds[0].id).status == "cancelled"


def test_checkout_tells_the_search_index(tvlc, db):
    from libsys.catalog.services import AVAILABILITY_KEY, CHANGED_RECORDS_KEY

    item = make_item()
    db.session.flush()
    db.session.info.pop(CHANGED_RECORDS_KEY, None)
    db.session.info.pop(AVAILABILITY_KEY, None)
    checkout(item.barcode, adult().card_number, library=tvlc)
    # Noted for the index, as a change of availability only (indexed off the request path).
    assert item.record_id in db.session.info[CHANGED_RECORDS_KEY]
    assert db.session.info[AVAILABILITY_KEY] is True
