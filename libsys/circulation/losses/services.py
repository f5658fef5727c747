"""Lost, damaged and found copies (tài liệu mất, hư hỏng, tìm thấy).

A copy declared lost while on loan closes the loan (the reader no longer has it to return,
so it counts against no limit); the loan keeps its reader until the matter is settled,
because the library may ask the reader to replace the book. When the copy turns up, the
loan is anonymised like any returned loan of a reader who keeps no history.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.accounts.scope import in_scope, require_library_scope
from libsys.catalog.models import ITEM_STATUS_LABELS, Item
from libsys.catalog.states import ITEM_STATES, TRIGGER_TO_REACH
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.holds.states import HOLD_STATES, wait_again
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.states import LOAN_STATES, loan_event
from libsys.circulation.transfers.services import close_transfer, current_library_id, open_transfer
from libsys.db import utcnow
from libsys.errors import Conflict, ValidationFailed
from libsys.extensions import db
from libsys.stats.events import record_event

DAMAGE_STATUSES = ("damaged", "in_repair")


# A copy with a reader, on the road or gone for good is not declared damaged from here.
NOT_DAMAGEABLE = ("on_loan", "in_transit", "withdrawn", "at_rotation_point")


FINDABLE = ("lost", "damaged", "in_repair")


def _library_id(library) -> int | None:
    return getattr(library, "id", library)


def _release_holds(item: Item, library_id: int | None, user_id: int | None) -> None:
    """Holds that counted on this copy wait again for another copy (or end, if for this one)."""
    holds = db.session.scalars(
        select(Hold).where(Hold.item_id == item.id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
    ).all()
    for hold in holds:
        if hold.copy_level:
            HOLD_STATES.trigger(
                hold,
                "cancel",
                apply=_closed_now,
                event={"library": hold.pickup_library_id, "reader": hold.reader, "item": item,
                       "user_id": user_id, "hold_id": hold.id, "reason": "copy_unavailable"},
            )  # fmt: skip
        elif hold.status != "waiting":
            wait_again(hold)


def _closed_now(hold: Hold) -> None:
    hold.closed_at = utcnow()


def require_copy_scope(user, item: Item) -> None:
    """A library's desk marks only its own copies, or a copy that is at its library now."""
    if not in_scope(user, item.location_library_id):
        require_library_scope(user, item.library_id)


def open_loan(item: Item) -> Loan | None:
    return db.session.scalar(
        select(Loan).where(Loan.item_id == item.id, Loan.returned_at.is_(None))
    )


def declare_lost(item: Item, *, library=None, user=None, note: str | None = None) -> Loan | None:
    """Declare a copy lost (item_lost); its loan, if any, is closed. Returns that loan."""
    require_copy_scope(user, item)
    if item.status in ("lost", "withdrawn"):
        raise Conflict(
            _l(
                "Copy %(barcode)s is already %(status)s.",
                barcode=item.barcode,
                status=str(ITEM_STATUS_LABELS[item.status]).lower(),
            ),
            code="ITEM_STATE",
        )
    user_id = getattr(user, "id", None)
    library_id = _library_id(library) or current_library_id(item)
    note = (note or "").strip() or None
    loan = open_loan(item)
    if loan is not None and loan.status == "on_loan":

        def close(changed: Loan) -> None:
            changed.returned_at = utcnow()
            changed.returned_library_id = library_id

        LOAN_STATES.trigger(
            loan,
            "declare_lost",
            apply=close,
            event=loan_event(loan, library=library_id, user=user, note=note,
                             due_date=loan.due_date.isoformat()),
        )  # fmt: skip
    else:
        loan = None
        record_event("item_lost", library=library_id, item=item, user_id=user_id, note=note)
    transfer = open_transfer(item)
    if transfer is not None:  # a copy lost on the road will not arrive
        close_transfer(transfer)
    _release_holds(item, library_id, user_id)
    ITEM_STATES.trigger(item, "declare_lost")
    if note:
        item.notes = "\n".join(filter(None, [item.notes, note]))
    db.session.flush()
    return loan


def declare_damaged(
    item: Item, *, status: str = "damaged", library=None, user=None, note: str | None = None
) -> Item:
    """Mark a copy damaged or sent for repair (item_damaged); a copy on loan is checked in first."""
    require_copy_scope(user, item)
    if status not in DAMAGE_STATUSES:
        raise ValidationFailed(fields={"status": _l("Choose damaged or in repair.")})
    if item.status == "on_loan":
        raise Conflict(
            _l("Copy %(barcode)s is on loan: check it in first.", barcode=item.barcode),
            code="ITEM_ON_LOAN",
        )
    if item.status in NOT_DAMAGEABLE:
        raise Conflict(
            _l("Copy %(barcode)s cannot be marked now (status: %(status)s).",
               barcode=item.barcode, status=ITEM_STATUS_LABELS[item.status]),
            code="ITEM_STATE",
        )  # fmt: skip
    user_id = getattr(user, "id", None)
    library_id = _library_id(library) or current_library_id(item)
    note = (note or "").strip() or None
    previous = item.status
    _release_holds(item, library_id, user_id)
    ITEM_STATES.trigger(item, TRIGGER_TO_REACH[status])
    if note:
        item.notes = "\n".join(filter(None, [item.notes, note]))
    record_event(
        "item_damaged",
        library=library_id,
        item=item,
        user_id=user_id,
        status=status,
        previous_status=previous,
        note=note,
    )
    db.session.flush()
    return item


def declare_found(item: Item, *, library=None, user=None, **details) -> Item:
    """A lost copy turned up, or a damaged one is mended: available again (item_found).

    `details` go into the event (e.g. via="returns" when the returns desk found it)."""
    if details.get("via") != "returns":  # the returns desk finds what is in its hands
        require_copy_scope(user, item)
    if item.status not in FINDABLE:
        raise Conflict(
            _l("Copy %(barcode)s is not lost or damaged.", barcode=item.barcode),
            code="ITEM_STATE",
        )
    previous = item.status
    library_id = _library_id(library) or current_library_id(item)
    if previous == "lost":
        _settle_lost_loans(item, library_id)
    ITEM_STATES.trigger(item, "declare_found")
    record_event(
        "item_found",
        library=library_id,
        item=item,
        user_id=getattr(user, "id", None),
        previous_status=previous,
        **details,
    )
    db.session.flush()
    return item


def _settle_lost_loans(item: Item, library_id: int | None) -> None:
    """Close a loan still open as lost; forget its reader unless the reader keeps a history."""
    loans = db.session.scalars(
        select(Loan).where(
            Loan.item_id == item.id, Loan.status == "lost", Loan.reader_id.is_not(None)
        )
    ).all()
    for loan in loans:
        if loan.returned_at is None:
            loan.returned_at = utcnow()
            loan.returned_library_id = library_id
        if loan.reader is not None and not loan.reader.keep_history:
            loan.reader_id = None


def lost_loans_of(reader) -> list[Loan]:
    """Copies the reader lost that have not turned up (the reader may have to replace them)."""
    return list(
        db.session.scalars(
            select(Loan)
            .join(Item, Item.id == Loan.item_id)
            .where(Loan.reader_id == reader.id, Loan.status == "lost", Item.status == "lost")
            .order_by(Loan.returned_at.desc())
        )
    )
