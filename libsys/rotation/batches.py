"""Rotation batches: building one copy by copy, its states as a table, sending and closing.

A batch moves draft → packed → in_transit → at_point → returning → closed (or is
cancelled before it leaves), every move through `BATCH_STATES.trigger`. Every copy's
status follows its batch: at dispatch each becomes `at_rotation_point` at the point; at
the close it is back on the shelf, damaged, or lost with the batch as the reason.
Services take the acting account (`user`) and flush; the request commits.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from libsys.accounts.scope import require_library_scope
from libsys.catalog.copies.services import get_item
from libsys.catalog.models import Item
from libsys.catalog.states import ITEM_STATES, placed_at
from libsys.core.clock import local_today
from libsys.core.states import StateMachine, Transition
from libsys.db import lock_row
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation.access import require_manager, require_point_side, stored_id
from libsys.rotation.models import PRIORITY_GROUPS, RotationBatch, RotationBatchItem
from libsys.stats.events import record_event

# Levels of library that may receive a batch: rotation points, and school or commune
# libraries short of documents.
RECEIVING_LEVELS = ("point", "school", "commune")
# Checks made while a batch is built; each may be switched off in ROTATION_CHECKS.
DEFAULT_CHECKS = {"available": True, "reference_only": True, "rare": True, "few_copies": True}
# Copy statuses the "few copies" count leaves out: the library no longer holds them.
_GONE = ("lost", "withdrawn")


def _record_batch_event(kind: str, *, items=None, **details):
    """Append a batch's event: one per copy when `items` is given (the copy's history and
    the statistics count copies), else one for the whole batch."""
    if items is None:
        return record_event(kind, **details)
    last = None
    for item in items:
        last = record_event(kind, item=item, **details)
    return last


def _guard_has_copies(batch: RotationBatch, context: dict) -> None:
    if not batch.lines:
        raise Conflict(_l("Add at least one copy to the batch first."), code="BATCH_EMPTY")


BATCH_STATES = StateMachine(
    "rotation_batch",
    [
        Transition("pack", "draft", "packed", guard=_guard_has_copies),
        Transition("unpack", "packed", "draft"),
        Transition("dispatch", "packed", "in_transit", event="batch_dispatched"),
        Transition("receive", "in_transit", "at_point", event="batch_received"),
        # A batch following a route leaves its point for the next stage (rotation/routes.py).
        Transition("move_on", "at_point", "in_transit", event="batch_moved_on"),
        Transition("start_return", "at_point", "returning"),
        # Called home while on the road: said out loud, never a silent cancel (routes.py).
        Transition("recall", "in_transit", "returning", event="batch_recalled"),
        Transition("close", "returning", "closed", event="batch_closed"),
        Transition("cancel", ("draft", "packed"), "cancelled"),
    ],
    attribute="state",
    record=_record_batch_event,
)


def move_copy(item: Item, trigger: str, batch: RotationBatch) -> None:
    """Move a copy with its batch (ITEM_STATES' rotation moves): at the point while out,
    home at the close."""
    location = batch.point_id if trigger == "dispatch_to_point" else None
    ITEM_STATES.trigger(item, trigger, apply=placed_at(location))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _checks() -> dict:
    return {**DEFAULT_CHECKS, **current_app.config.get("ROTATION_CHECKS", {})}


# -- Creating a batch ---------------------------------------------------------------------


def receiving_library(value) -> Library:
    """A point (or school or commune library) by id or code, or a 422 on `point`."""
    point = None
    if stored_id(value) is not None:
        point = db.session.get(Library, stored_id(value))
    if point is None and isinstance(value, str):
        point = db.session.scalar(select(Library).where(Library.code == value.strip()))
    if point is None or point.level not in RECEIVING_LEVELS:
        raise ValidationFailed(fields={"point": _l("Choose a rotation point.")})
    if not point.active:
        raise ValidationFailed(fields={"point": _l("This point is not active.")})
    return point


def create_batch(
    user,
    *,
    library: Library,
    point: Library,
    planned_return: date,
    planned_dispatch: date | None = None,
    priority_groups=(),
    approve_long_stay: bool = False,
    note: str | None = None,
) -> RotationBatch:
    """A new batch in draft, from a library to a point, home by `planned_return`.

    A stay beyond ROTATION_MAX_MONTHS (6 by default, Circular 33/2018) needs an account
    that may approve it, and saying so (`approve_long_stay`).
    """
    require_library_scope(user, library.id)  # a library's officer starts its own batches
    if library.level == "point":
        raise ValidationFailed(fields={"library": _l("A rotation point owns no batches.")})
    if point.id == library.id:
        raise ValidationFailed(fields={"point": _l("Choose a point other than the library.")})
    dummy = RotationBatch(library_id=library.id, point_id=point.id)
    require_manager(user, dummy)
    start = planned_dispatch or local_today()
    errors = {}
    if planned_dispatch is not None and planned_dispatch < local_today():
        errors["planned_dispatch"] = _l("Choose a day from today on.")
    if planned_return <= start:
        errors["planned_return"] = _l("The return must come after the dispatch.")
    months = current_app.config.get("ROTATION_MAX_MONTHS", 6)
    approved_by = None
    if not errors and planned_return > add_months(start, months):
        if not (approve_long_stay and user.can("rotation.approve")):
            errors["planned_return"] = _l(
                "A batch stays at most %(months)s months at a point; a longer stay needs a "
                "manager's approval.",
                months=months,
            )
        else:
            approved_by = user.id
    unknown = [group for group in priority_groups if group not in PRIORITY_GROUPS]
    if unknown:
        errors["priority_groups"] = _l("Unknown priority group: %(group)s.", group=unknown[0])
    if errors:
        raise ValidationFailed(fields=errors)
    batch = RotationBatch(
        library_id=library.id,
        point_id=point.id,
        planned_dispatch=planned_dispatch,
        planned_return=planned_return,
        priority_groups=list(dict.fromkeys(priority_groups)) or None,
        approved_by_id=approved_by,
        note=note,
        created_by_id=user.id,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def locked_batch(user, batch_id: int) -> RotationBatch:
    """The batch read afresh and locked for a check-then-write (NotFound if unseen)."""
    batch_id = stored_id(batch_id)
    batch = None if batch_id is None else lock_row(RotationBatch, batch_id)
    if batch is None:
        raise NotFound(_l("No rotation batch has this number."), code="UNKNOWN_BATCH")
    return batch


# -- Building -----------------------------------------------------------------------------


@dataclass
class AddedCopy:
    """A copy put in a batch, with the warnings the officer should read."""

    line: RotationBatchItem
    warnings: list[dict] = field(default_factory=list)
    already: bool = False  # scanned a second time: it was in this batch already


def scanned_copy(barcode) -> Item:
    """A copy by its scanned barcode, typed in small letters too (as receipt and close read
    them), or NotFound."""
    try:
        return get_item(barcode)
    except NotFound:
        upper = str(barcode or "").strip().upper()
        if upper == str(barcode or "").strip():
            raise
        return get_item(upper)


def _require_draft(batch: RotationBatch) -> None:
    if batch.state != "draft":
        raise Conflict(
            _l("Copies are added or removed only while the batch is a draft."),
            code="BATCH_NOT_DRAFT",
        )


def open_line_of(item: Item) -> RotationBatchItem | None:
    """The copy's line in an open batch, if it is in one."""
    return db.session.scalar(
        select(RotationBatchItem).where(
            RotationBatchItem.item_id == item.id, RotationBatchItem.active.is_(True)
        )
    )


def refusals_for(batch: RotationBatch, item: Item) -> tuple[list[dict], list[dict]]:
    """Why a copy may not go in this batch, and what to warn about: each {"code", "message"}."""
    refusals, warnings = [], []
    checks = _checks()

    def refuse(code, message):
        refusals.append({"code": code, "message": str(message)})

    if item.library_id != batch.library_id:
        refuse("NOT_OWNED", _l("This copy belongs to another library."))
    line = open_line_of(item)
    if line is not None:
        refuse(
            "IN_OTHER_BATCH",
            _l("This copy is already in batch %(batch)s.", batch=line.batch.reference),
        )
    if item.status == "on_loan":
        refuse("ON_LOAN", _l("This copy is on loan."))
    elif checks["available"] and item.status != "available":
        refuse("NOT_AVAILABLE", _l("This copy is not on the shelf."))
    if checks["reference_only"] and item.store is not None and item.store.reference_only:
        refuse("REFERENCE_ONLY", _l("This copy is kept in a reference-only store."))
    rare_types = current_app.config.get("ROTATION_RARE_ITEM_TYPES", ("rare",))
    if checks["rare"] and item.item_type in rare_types:
        refuse("RARE", _l("Rare or precious documents are not rotated."))
    minimum = current_app.config.get("ROTATION_MIN_COPIES", 3)
    if checks["few_copies"]:
        held = db.session.scalar(
            select(func.count(Item.id)).where(
                Item.record_id == item.record_id,
                Item.library_id == batch.library_id,
                Item.status.not_in(_GONE),
            )
        )
        if held < minimum:
            warnings.append(
                {
                    "code": "FEW_COPIES",
                    "message": str(
                        _l(
                            "The library holds only %(count)s copies of this title "
                            "(%(minimum)s are advised).",
                            count=held,
                            minimum=minimum,
                        )
                    ),
                }
            )
    return refusals, warnings


def add_copy(user, batch_id: int, barcode: str) -> AddedCopy:
    """Scan a copy into a draft batch, after the checks; a refusal names every reason."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    _require_draft(batch)
    item = lock_row(Item, scanned_copy(barcode).id)
    line = open_line_of(item)
    if line is not None and line.batch_id == batch.id:
        return AddedCopy(line, already=True)  # a second scan of the same copy changes nothing
    refusals, warnings = refusals_for(batch, item)
    if refusals:
        raise Conflict(
            " ".join(reason["message"] for reason in refusals),
            code=refusals[0]["code"],
            details={"reasons": refusals, "barcode": item.barcode},
        )
    line = RotationBatchItem(batch=batch, item=item)
    db.session.add(line)
    db.session.flush()
    return AddedCopy(line, warnings)


def remove_copy(user, batch_id: int, barcode: str) -> None:
    """Take a copy out of a draft batch."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    _require_draft(batch)
    item = scanned_copy(barcode)
    line = next((line for line in batch.lines if line.item_id == item.id), None)
    if line is None:
        raise NotFound(_l("This copy is not in the batch."), code="NOT_IN_BATCH")
    batch.lines.remove(line)
    db.session.flush()


# -- Moves --------------------------------------------------------------------------------


def _event_details(batch: RotationBatch) -> dict:
    return {"batch": batch.id, "point": batch.point.code}


def pack(user, batch_id: int) -> RotationBatch:
    """The batch is packed: its list is final unless it is unpacked."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    BATCH_STATES.trigger(batch, "pack")
    db.session.flush()
    return batch


def unpack(user, batch_id: int) -> RotationBatch:
    """Back to draft, to change the list before it leaves."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    BATCH_STATES.trigger(batch, "unpack")
    db.session.flush()
    return batch


def dispatch(user, batch_id: int) -> RotationBatch:
    """The batch leaves: every copy is at the point from now (the desk will not lend it)."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    BATCH_STATES.move_for(batch.state, "dispatch")
    items = [lock_row(Item, line.item_id) for line in batch.lines]
    # The desk knows nothing of a draft batch: a copy lent since it was added must come out.
    away = [item.barcode for item in items if item.status != "available"]
    if away:
        raise Conflict(
            _l("These copies are no longer on the shelf: %(barcodes)s.", barcodes=", ".join(away)),
            code="COPIES_NOT_AVAILABLE",
            details={"barcodes": away},
        )

    def send(sent: RotationBatch) -> None:
        sent.dispatched_on = local_today()
        for item in items:
            move_copy(item, "dispatch_to_point", sent)

    BATCH_STATES.trigger(
        batch,
        "dispatch",
        apply=send,
        event={"items": items, "library": batch.library_id, **_event_details(batch)},
    )
    db.session.flush()
    return batch


def start_return(user, batch_id: int) -> RotationBatch:
    """The batch is on its way home (the point hands it back)."""
    batch = locked_batch(user, batch_id)
    require_point_side(user, batch)

    def leave(returning: RotationBatch) -> None:
        returning.return_started_on = local_today()

    BATCH_STATES.trigger(batch, "start_return", apply=leave)
    db.session.flush()
    return batch


def lines_by_barcode(batch: RotationBatch, barcodes, field_name: str) -> dict:
    """The batch's lines for scanned barcodes; a 422 on `field_name` for one not in it."""
    by_barcode = {line.item.barcode.upper(): line for line in batch.lines}
    found = {}
    for barcode in barcodes:
        line = by_barcode.get(str(barcode).strip().upper())
        if line is None:
            raise ValidationFailed(
                fields={field_name: _l("Copy %(barcode)s is not in this batch.", barcode=barcode)}
            )
        found[line.id] = line
    return found


def close(user, batch_id: int, *, returned=(), damaged=()) -> RotationBatch:
    """Check the batch in: `returned` copies go back on the shelf, `damaged` ones are marked
    damaged, and every other copy is lost, with the batch as the reason."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    BATCH_STATES.move_for(batch.state, "close")
    back = lines_by_barcode(batch, returned, "returned")
    broken = lines_by_barcode(batch, damaged, "damaged")
    both = set(back) & set(broken)
    if both:
        barcode = back[next(iter(both))].item.barcode
        raise ValidationFailed(
            fields={"damaged": _l("Copy %(barcode)s is listed twice.", barcode=barcode)}
        )
    details = _event_details(batch)
    reason = str(_l("Not returned from rotation batch %(batch)s", batch=batch.reference))

    def check_in(closing: RotationBatch) -> None:
        closing.closed_on = local_today()
        for line in closing.lines:
            item = lock_row(Item, line.item_id)
            line.active = False
            if line.id in back:
                line.outcome = "returned"
                move_copy(item, "return_from_point", closing)
                record_event("batch_returned", item=item, library=closing.library_id, **details)
            elif line.id in broken:
                line.outcome = "damaged"
                move_copy(item, "damage_at_point", closing)
                record_event("batch_returned", item=item, library=closing.library_id, **details)
                record_event("item_damaged", item=item, library=closing.library_id, **details)
            else:
                line.outcome = "missing"
                move_copy(item, "lose_at_point", closing)
                record_event(
                    "item_lost", item=item, library=closing.library_id, note=reason, **details
                )

    dispatched = len(batch.lines)
    counts = {
        "dispatched": dispatched,
        "returned": len(back),
        "damaged": len(broken),
        "missing": dispatched - len(back) - len(broken),
    }
    event = {"library": batch.library_id, "quantity": dispatched, "counts": counts, **details}
    BATCH_STATES.trigger(batch, "close", apply=check_in, event=event)
    db.session.flush()
    return batch


def cancel(user, batch_id: int) -> RotationBatch:
    """Give up a batch that has not left: its copies are free for another."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)

    def release(cancelled: RotationBatch) -> None:
        for line in cancelled.lines:
            line.active = False

    BATCH_STATES.trigger(batch, "cancel", apply=release)
    db.session.flush()
    return batch


def batch_counts(batch: RotationBatch) -> dict:
    """Copies dispatched, and of those returned, damaged and missing (so far)."""
    sent = batch.dispatched_on is not None
    lines = batch.lines
    outcomes = [line.outcome for line in lines]
    missing = outcomes.count("missing")
    if batch.state != "closed":
        missing = sum(1 for line in lines if line.received is False)
    return {
        "dispatched": len(lines) if sent else 0,
        "returned": outcomes.count("returned"),
        "damaged": outcomes.count("damaged"),
        "missing": missing,
    }
