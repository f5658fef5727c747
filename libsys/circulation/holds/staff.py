"""Holds (đặt mượn) at the staff desk: placed for a reader, a title's queue, the hold shelf.

The rules stay in `libsys.circulation.holds.services` (`place_hold`, `cancel_hold`); this module
reads what the staff pages send and says what became of a copy set aside for a hold.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.catalog.models import Item, Record, barcode_matches
from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import cancel_hold, hold_queue, holds_on_shelf, place_hold
from libsys.circulation.loans.rules import MAX_SCAN
from libsys.circulation.lookups import find_reader
from libsys.core.clock import local_today
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library

# A copy in one of these states will not come back to a reader: no hold waits for it.
NOT_RESERVABLE = ("lost", "withdrawn")


def pickup_library_by_code(code: str) -> Library | None:
    """A library (not a rotation point) where readers collect their holds."""
    code = (code or "").strip()
    if not code:
        return None
    return db.session.scalar(select(Library).where(Library.code == code, Library.level != "point"))


def reservable_copies(record: Record) -> list[Item]:
    """The title's copies a copy-level hold may ask for, by library and barcode."""
    return sorted(
        (item for item in record.items if item.status not in NOT_RESERVABLE),
        key=lambda item: (item.library.code, item.barcode),
    )


def place_hold_for_reader(record: Record, values: dict, *, user=None) -> Hold:
    """Place a hold from the staff form: card number, pickup library code, optionally a copy.

    Empty or wrong fields raise ValidationFailed with each field's message; an unknown card
    and the rules of `place_hold` raise DeskRefusal. Nothing is written before they pass.
    """
    fields = {}
    card = (values.get("card_number") or "").strip()
    if not card:
        fields["card_number"] = _l("Enter the reader's card number.")
    pickup = pickup_library_by_code(values.get("pickup_library"))
    if pickup is None:
        fields["pickup_library"] = _l("Choose the library where the reader collects the book.")
    item = None
    barcode = (values.get("item") or "").strip()
    if barcode:
        item = db.session.scalar(
            select(Item).where(barcode_matches(barcode), Item.record_id == record.id).limit(1)
        )
        if item is None:
            fields["item"] = _l("This copy is not a copy of this title.")
        elif item.status in NOT_RESERVABLE:
            fields["item"] = _l("This copy is lost or withdrawn: it cannot be reserved.")
    if fields:
        raise ValidationFailed(fields=fields)
    reader = find_reader(card if len(card) <= MAX_SCAN else "")  # too long: no such card
    return place_hold(reader, record=record, item=item, pickup_library=pickup, user=user)


@dataclass
class QueueLine:
    """One hold of a title's queue as the staff page lists it."""

    hold: Hold
    position: int | None  # place among the holds still waiting; None once a copy is set aside


def title_queue(record: Record) -> list[QueueLine]:
    """The title's active holds: those a copy waits for first, then the queue in order."""
    lines, waiting = [], 0
    for hold in hold_queue(record):
        position = None
        if hold.status == "waiting":
            waiting += 1
            position = waiting
        lines.append(QueueLine(hold, position))
    return lines


@dataclass
class ShelfLine:
    """A copy on the hold shelf and the hold it waits for; `expired`: take it off the shelf."""

    hold: Hold
    expired: bool


def hold_shelf(library: Library | None, today: date | None = None) -> list[ShelfLine]:
    """Every copy on a library's hold shelf (all shelves for None), uncollected ones first."""
    today = today or local_today()
    lines = [
        ShelfLine(hold, hold.shelf_expires_on is not None and hold.shelf_expires_on < today)
        for hold in holds_on_shelf(library)
    ]
    # Stable: within each group the list keeps its order, the soonest last day first.
    return sorted(lines, key=lambda line: not line.expired)


@dataclass
class CancelledHold:
    """What became of a cancelled hold's copy, so the librarian knows where it goes.

    `copy_goes`: None (no copy was set aside), "next_reader_here" (it stays on the hold
    shelf for the next reader), "next_reader_away" (off the shelf, to another pickup
    library), "home" (off the shelf, back to its own library), "shelf" (off the hold shelf,
    back on the open shelf), or "on_the_way" (in transit to the pickup library already).
    """

    hold: Hold
    item: Item | None = None
    copy_goes: str | None = None
    next_hold: Hold | None = None
    to_library: Library | None = None


def cancel_hold_at_desk(hold: Hold, *, user=None, library=None) -> CancelledHold:
    """Cancel a hold for the reader and say where the copy set aside for it goes."""
    was = hold.status
    item = hold.item if was in ("on_shelf", "in_transit") else None
    cancel_hold(hold, user=user, library=library)
    outcome = CancelledHold(hold=hold, item=item)
    if item is None:
        return outcome
    if was == "in_transit":
        outcome.copy_goes, outcome.to_library = "on_the_way", hold.pickup_library
        return outcome
    outcome.next_hold = db.session.scalar(
        select(Hold).where(Hold.item_id == item.id, Hold.status.in_(("on_shelf", "in_transit")))
    )
    if outcome.next_hold is not None:
        if outcome.next_hold.status == "on_shelf":
            outcome.copy_goes = "next_reader_here"
        else:
            outcome.copy_goes = "next_reader_away"
        outcome.to_library = outcome.next_hold.pickup_library
    elif item.status == "in_transit":
        outcome.copy_goes, outcome.to_library = "home", item.library
    else:
        outcome.copy_goes = "shelf"
    return outcome


def may_cancel(user, hold: Hold) -> bool:
    """Whether a staff account may cancel a hold: a network account, the pickup library's
    staff (its shelf) or the staff of the reader's own library (at the reader's request)."""
    library_id = getattr(user, "library_id", None)
    return library_id is None or library_id in (
        hold.pickup_library_id,
        hold.reader.home_library_id if hold.reader else None,
    )
