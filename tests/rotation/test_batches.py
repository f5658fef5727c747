"""Batches as services: every move and every refused one, copies following their batch."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from libsys.core.clock import local_today
from libsys.core.states import InvalidTransition
from libsys.errors import Conflict, ValidationFailed
from libsys.extensions import db
from libsys.rotation import at_point, batches
from libsys.rotation.batches import add_months
from libsys.rotation.overview import copy_history, overdue_batches, point_history
from libsys.stats.models import Event
from tests.rotation.conftest import copies_of_one_title, in_months, library, make_copy


def new_batch(user, point="BDBG", **kwargs):
    kwargs.setdefault("planned_return", in_months(4))
    return batches.create_batch(user, library=library("TVTD"), point=library(point), **kwargs)


def filled_batch(user, copies):
    batch = new_batch(user)
    for item in copies:
        batches.add_copy(user, batch.id, item.barcode)
    return batch


def events(kind):
    return list(db.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_a_batch_goes_out_and_comes_back(officer, keeper):
    copies = copies_of_one_title(3)
    batch = filled_batch(officer, copies)
    assert batch.state == "draft"
    batches.pack(officer, batch.id)
    assert batch.state == "packed"
    batches.dispatch(officer, batch.id)
    assert batch.state == "in_transit" and batch.dispatched_on == local_today()
    point = library("BDBG")
    for item in copies:
        assert item.status == "at_rotation_point" and item.location_library_id == point.id
    assert [e.item_id for e in events("batch_dispatched")] == [c.id for c in copies]

    at_point.receive(keeper, batch.id)
    assert batch.state == "at_point" and all(line.received for line in batch.lines)
    (received,) = events("batch_received")
    assert received.library_id == point.id and received.quantity == 3

    batches.start_return(keeper, batch.id)
    assert batch.state == "returning"
    a, b, c = copies
    batches.close(officer, batch.id, returned=[a.barcode], damaged=[b.barcode])
    assert batch.state == "closed"
    assert (a.status, b.status, c.status) == ("available", "damaged", "lost")
    assert {a.location_library_id, b.location_library_id, c.location_library_id} == {None}
    counts = batches.batch_counts(batch)
    assert counts == {"dispatched": 3, "returned": 1, "damaged": 1, "missing": 1}
    assert counts["returned"] + counts["damaged"] + counts["missing"] == counts["dispatched"]
    (closed,) = events("batch_closed")
    assert closed.details["counts"] == counts
    assert [e.item_id for e in events("batch_returned")] == [a.id, b.id]
    (lost,) = events("item_lost")
    assert lost.item_id == c.id and batch.reference in lost.details["note"]
    assert [e.item_id for e in events("item_damaged")] == [b.id]
    # Closed: the copies are free for the next batch, and the history remembers the point.
    assert batches.open_line_of(a) is None
    assert [line.batch.point.code for line in copy_history(a)] == ["BDBG"]
    assert point_history(point) == [batch]


def test_closing_a_batch_still_in_transit_is_refused(officer):
    batch = filled_batch(officer, copies_of_one_title(3))
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    with pytest.raises(InvalidTransition):
        batches.close(officer, batch.id, returned=[])
    assert batch.state == "in_transit"


@pytest.mark.parametrize(
    ("state_moves", "trigger"),
    [
        ([], "dispatch"),
        ([], "receive"),
        ([], "start_return"),
        (["pack"], "receive"),
        (["pack", "dispatch"], "pack"),
        (["pack", "dispatch"], "cancel"),
        (["pack", "dispatch"], "start_return"),
    ],
)
def test_moves_the_table_does_not_allow(officer, keeper, state_moves, trigger):
    batch = filled_batch(officer, copies_of_one_title(3))
    for move in state_moves:
        getattr(batches, move)(officer, batch.id)
    before = batch.state
    service = at_point.receive if trigger == "receive" else getattr(batches, trigger)
    with pytest.raises(InvalidTransition):
        service(officer, batch.id)
    assert batch.state == before


def test_an_empty_batch_cannot_be_packed(officer):
    batch = new_batch(officer)
    with pytest.raises(Conflict) as refused:
        batches.pack(officer, batch.id)
    assert refused.value.code == "BATCH_EMPTY"


def test_a_copy_on_loan_is_refused(officer):
    item = copies_of_one_title(3)[0]
    item.status = "on_loan"
    batch = new_batch(officer)
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, batch.id, item.barcode)
    assert refused.value.code == "ON_LOAN"
    assert batch.lines == []


def test_a_copy_in_two_batches_is_refused(officer):
    item = copies_of_one_title(3)[0]
    first, second = new_batch(officer), new_batch(officer, point="BDNT")
    batches.add_copy(officer, first.id, item.barcode)
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, second.id, item.barcode)
    assert refused.value.code == "IN_OTHER_BATCH"
    assert first.reference in str(refused.value.message)
    # Once the first batch is cancelled the copy is free again.
    batches.cancel(officer, first.id)
    assert first.state == "cancelled"
    batches.add_copy(officer, second.id, item.barcode)
    assert [line.item_id for line in second.lines] == [item.id]


def test_a_second_scan_of_the_same_copy_changes_nothing(officer):
    item = copies_of_one_title(3)[0]
    batch = new_batch(officer)
    batches.add_copy(officer, batch.id, item.barcode)
    batches.add_copy(officer, batch.id, item.barcode)
    assert len(batch.lines) == 1


def test_checks_are_explained_and_configurable(app, officer):
    batch = new_batch(officer)
    reference = make_copy(store_code="DC")
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, batch.id, reference.barcode)
    assert refused.value.code == "REFERENCE_ONLY"
    rare = make_copy(item_type="rare")
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, batch.id, rare.barcode)
    codes = [reason["code"] for reason in refused.value.details["reasons"]]
    assert codes == ["RARE"]
    in_repair = make_copy(status="in_repair")
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, batch.id, in_repair.barcode)
    assert refused.value.code == "NOT_AVAILABLE"
    # A single copy of its title: allowed, with a warning.
    added = batches.add_copy(officer, batch.id, make_copy().barcode)
    assert [w["code"] for w in added.warnings] == ["FEW_COPIES"]
    # Switched off, the reference-only check lets the copy in.
    checks = app.config["ROTATION_CHECKS"]
    app.config["ROTATION_CHECKS"] = {**checks, "reference_only": False}
    try:
        batches.add_copy(officer, batch.id, reference.barcode)
    finally:
        app.config["ROTATION_CHECKS"] = checks
    assert len(batch.lines) == 2


def test_a_copy_of_another_library_is_refused(officer):
    item = make_copy(library_code="TVLC", store_code="VN")
    batch = new_batch(officer)
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, batch.id, item.barcode)
    assert refused.value.code == "NOT_OWNED"


def test_copies_are_added_only_to_a_draft(officer):
    copies = copies_of_one_title(3)
    batch = filled_batch(officer, copies[:2])
    batches.pack(officer, batch.id)
    with pytest.raises(Conflict) as refused:
        batches.add_copy(officer, batch.id, copies[2].barcode)
    assert refused.value.code == "BATCH_NOT_DRAFT"
    batches.unpack(officer, batch.id)
    batches.remove_copy(officer, batch.id, copies[0].barcode)
    assert [line.item_id for line in batch.lines] == [copies[1].id]


def test_a_copy_lent_after_it_was_added_stops_the_dispatch(officer):
    copies = copies_of_one_title(3)
    batch = filled_batch(officer, copies)
    batches.pack(officer, batch.id)
    copies[1].status = "on_loan"
    with pytest.raises(Conflict) as refused:
        batches.dispatch(officer, batch.id)
    assert refused.value.details["barcodes"] == [copies[1].barcode]
    assert batch.state == "packed" and copies[0].status == "available"


def test_six_months_at_most_unless_a_manager_approves(officer, manager):
    too_long = add_months(local_today(), 6) + timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        new_batch(officer, planned_return=too_long, approve_long_stay=True)
    assert "planned_return" in refused.value.fields
    with pytest.raises(ValidationFailed):
        new_batch(manager, planned_return=too_long)
    approved = new_batch(manager, planned_return=too_long, approve_long_stay=True)
    assert approved.approved_by_id == manager.id
    assert new_batch(officer, planned_return=add_months(local_today(), 6)).approved_by_id is None


def test_the_limit_is_configurable(app, officer):
    app.config["ROTATION_MAX_MONTHS"] = 3
    try:
        with pytest.raises(ValidationFailed):
            new_batch(officer, planned_return=in_months(4))
    finally:
        app.config["ROTATION_MAX_MONTHS"] = 6


def test_receipt_by_scanning_records_what_is_missing(officer, keeper):
    copies = copies_of_one_title(3)
    batch = filled_batch(officer, copies)
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    at_point.receive(keeper, batch.id, [copies[0].barcode, copies[2].barcode.lower()])
    assert [line.received for line in batch.lines] == [True, False, True]
    assert batches.batch_counts(batch)["missing"] == 1
    (received,) = events("batch_received")
    assert received.details["missing"] == 1 and received.quantity == 2


def test_tallies_and_loans_at_the_point_are_events(officer, keeper):
    copies = copies_of_one_title(3)
    batch = filled_batch(officer, copies)
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    with pytest.raises(Conflict):  # not received yet
        at_point.record_tally(keeper, batch.id, {"period": "2026-05", "visits": 1})
    at_point.receive(keeper, batch.id)
    at_point.record_tally(
        keeper,
        batch.id,
        {"period": "2026-05", "visits": 40, "uses": 75, "children_visits": 25,
         "children_uses": 50, "requests": ["Truyện Kiều"]},
    )  # fmt: skip
    (tally,) = events("point_tally")
    assert tally.library_id == library("BDBG").id and tally.quantity == 75
    assert tally.details["visits"] == 40 and tally.details["requests"] == ["Truyện Kiều"]
    with pytest.raises(ValidationFailed):
        at_point.record_tally(keeper, batch.id, {"period": "2026-06", "visits": 1,
                                                 "children_visits": 2})  # fmt: skip
    at_point.record_point_loan(keeper, batch.id, copies[0].barcode, children=True)
    (loan,) = events("point_loan")
    assert loan.item_id == copies[0].id and loan.reader_key is None


def test_overdue_batches(officer):
    batch = filled_batch(officer, copies_of_one_title(3))
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    assert overdue_batches(local_today()) == []
    assert overdue_batches(batch.planned_return + timedelta(days=1)) == [batch]
