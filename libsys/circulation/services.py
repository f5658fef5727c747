"""The desk's work: checkout, checkin, renewal, holds, with the rules each one enforces.

Every refusal is a DeskRefusal raised before anything is written, so a failed checkout
leaves no loan, no event and no visit. A librarian holding `circulation.override` may pass
a reason to lift an overridable refusal; each lifted refusal is logged as an `override`
event. Loans, holds and copies move through their state tables (LOAN_STATES, HOLD_STATES,
ITEM_STATES) only.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, func, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from libsys.catalog.copies.services import write_placement_now
from libsys.catalog.models import Item, Record
from libsys.catalog.services import mark_changed
from libsys.catalog.states import ITEM_STATES
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.lookups import find_copy, find_reader
from libsys.circulation.losses import declare_found
from libsys.circulation.models import ACTIVE_HOLD_STATUSES, Hold, Loan
from libsys.circulation.policies import (
    due_date_for,
    policy_for,
    shelf_expiry_for,
)
from libsys.circulation.rules import checkout_refusals, reader_refusals, settle_refusals
from libsys.circulation.states import HOLD_STATES, LOAN_STATES, loan_event, wait_again
from libsys.circulation.visits import count_visit
from libsys.core.clock import local_day_of, local_today
from libsys.db import insert_now, lock_row, plain_rows, update_now, utcnow
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from libsys.stats.models import Event

# --- Lookups ---------------------------------------------------------------------------


# The desk's statements are built once at import: on a scan, building a statement costs
# more than the database takes to run it.
# The guarded change of a copy's status that makes a checkout happen once (see checkout).
_LEND_COPY = (
    update(Item)
    .where(Item.id == bindparam("copy_id"), Item.status == bindparam("previous_status"))
    .values(status=ITEM_STATES.move_for("available", "lend").dest, updated_at=bindparam("now"))
)
_OPEN_LOAN_OF_ITEM = (
    select(Loan)
    .options(
        joinedload(Loan.reader).joinedload(Reader.category),
        joinedload(Loan.reader).joinedload(Reader.admin_unit),
    )
    .where(Loan.item_id == bindparam("item_id"), Loan.returned_at.is_(None))
)
# The copy's open loan and the reader's open loans, with each copy's type (limits by type).
# A UNION of two index lookups: with OR, SQLite scans every open loan of the network.
_OPEN_LOANS = (
    select(Loan.id, Loan.item_id, Loan.reader_id, Loan.status, Loan.due_date, Item.item_type)
    .join(Item, Item.id == Loan.item_id)
    .where(Loan.returned_at.is_(None))
)
_OPEN_LOANS_OF_ITEM_OR_READER = union(
    _OPEN_LOANS.where(Loan.item_id == bindparam("item_id")),
    _OPEN_LOANS.where(Loan.reader_id == bindparam("reader_id")),
)
# Active holds of any reader on the copy or its title (held-for-another, the hold filled).
_HOLDS_ON_ITEM_OR_TITLE = select(
    Hold.id, Hold.reader_id, Hold.record_id, Hold.item_id, Hold.copy_level, Hold.status,
    Hold.placed_at,
).where(
    Hold.status.in_(ACTIVE_HOLD_STATUSES),
    (Hold.item_id == bindparam("item_id")) | (Hold.record_id == bindparam("record_id")),
)  # fmt: skip
# Holds a returned copy may be trapped for: already trapped for it, or any title-level one.
_HOLDS_A_COPY_MAY_FILL = (
    select(Hold)
    .where(
        Hold.status.in_(ACTIVE_HOLD_STATUSES),
        (Hold.item_id == bindparam("item_id"))
        | ((Hold.record_id == bindparam("record_id")) & ~Hold.copy_level),
    )
    .order_by(Hold.placed_at, Hold.id)
)
_ANY_HOLD_A_COPY_MAY_FILL = select(Hold.id).where(_HOLDS_A_COPY_MAY_FILL.whereclause).limit(1)


_OPEN_LOAN_OF_ITEM_LOCKED = _OPEN_LOAN_OF_ITEM.with_for_update(
    of=Loan, key_share=True
).execution_options(populate_existing=True)


def open_loan_for(item, *, lock: bool = False) -> Loan | None:
    """The copy's open loan (on loan or lost), if any; `lock` holds its row."""
    statement = _OPEN_LOAN_OF_ITEM_LOCKED if lock else _OPEN_LOAN_OF_ITEM
    return db.session.scalar(statement, {"item_id": item.id})


def reader_loans(reader) -> list[Loan]:
    """The reader's open loans, soonest due first, with copy and title loaded."""
    return list(
        db.session.scalars(
            select(Loan)
            .options(joinedload(Loan.item).joinedload(Item.record))
            .where(Loan.reader_id == reader.id, Loan.returned_at.is_(None))
            .order_by(Loan.due_date, Loan.id)
        )
    )


def reader_holds(reader) -> list[Hold]:
    """The reader's active holds (waiting, in transit, on the shelf), oldest first."""
    return list(
        db.session.scalars(
            select(Hold)
            .options(joinedload(Hold.record), joinedload(Hold.pickup_library))
            .where(Hold.reader_id == reader.id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
            .order_by(Hold.placed_at, Hold.id)
        )
    )


def overdue_loans(library=None, today: date | None = None) -> list[Loan]:
    """Open loans past their due date, oldest due first, optionally for one lending library."""
    today = today or local_today()
    query = (
        select(Loan)
        .options(joinedload(Loan.item).joinedload(Item.record), joinedload(Loan.reader))
        .where(Loan.returned_at.is_(None), Loan.status == "on_loan", Loan.due_date < today)
        .order_by(Loan.due_date, Loan.id)
    )
    if library is not None:
        query = query.where(Loan.library_id == getattr(library, "id", library))
    return list(db.session.scalars(query))


# Holds a copy is set aside for come before the queue: on the shelf, then on the road.
_SERVED_FIRST = case({"on_shelf": 0, "in_transit": 1}, value=Hold.status, else_=2)


def hold_queue(record) -> list[Hold]:
    """A title's active holds: those a copy is set aside for (on the hold shelf, then in
    transit) first, then the queue in order (first placed first), with reader, pickup
    library and copy loaded (the staff queue)."""
    record_id = getattr(record, "id", record)
    return list(
        db.session.scalars(
            select(Hold)
            .options(
                joinedload(Hold.reader),
                joinedload(Hold.pickup_library),
                joinedload(Hold.item),
            )
            .where(Hold.record_id == record_id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
            .order_by(_SERVED_FIRST, Hold.placed_at, Hold.id)
        )
    )


def queue_position(hold: Hold) -> int | None:
    """1 for the first waiting hold on its title; None once the hold is not waiting."""
    if hold.status != "waiting":
        return None
    ahead = db.session.scalar(
        select(func.count(Hold.id)).where(
            Hold.record_id == hold.record_id,
            Hold.status == "waiting",
            (Hold.placed_at < hold.placed_at)
            | ((Hold.placed_at == hold.placed_at) & (Hold.id < hold.id)),
        )
    )
    return ahead + 1


# --- Checkout --------------------------------------------------------------------------


def checkout(
    item_barcode: str, card_number: str, *, library, user=None, override_reason=None
) -> Loan:
    """Lend a copy to a reader at a library; the same reader's copy is renewed instead.

    The loan carries `renewed_now = True` (not stored) when the scan renewed it, and
    `repeated_now = True` when the copy was lent to this reader today already: a second
    scan (a scanner's double read, a retried request) renews nothing.
    """
    item = find_copy(item_barcode)
    # The reader's row stays locked until the commit: two desks lending to one reader at
    # once take turns, so the second counts the first's loan against the limit.
    reader = find_reader(card_number, lock=True)
    today = local_today()
    open_rows = plain_rows(_OPEN_LOANS_OF_ITEM_OR_READER, item_id=item.id, reader_id=reader.id)
    current = next((row for row in open_rows if row.item_id == item.id), None)
    if current is not None:
        if current.reader_id == reader.id and current.status == "on_loan":
            loan = lock_row(Loan, current.id)  # a second scan waits for the first's renewal
            if loan is None or loan.returned_at is not None:
                raise DeskRefusal(code="ALREADY_ON_LOAN", details={"item": item.barcode})
            if _lent_or_renewed_on(loan, today):
                loan.renewed_now, loan.repeated_now = False, True
                return loan
            return renew(
                loan, library=library, user=user, override_reason=override_reason, in_person=True
            )
        raise DeskRefusal(code="ALREADY_ON_LOAN", details={"item": item.barcode})
    if not ITEM_STATES.can(item.status, "lend"):
        raise DeskRefusal(code="NOT_FOR_LOAN", overridable=False, details={"status": item.status})
    policy = policy_for(library, reader.category_id, item)
    holds = plain_rows(_HOLDS_ON_ITEM_OR_TITLE, item_id=item.id, record_id=item.record_id)
    loans = [(row.due_date, row.item_type) for row in open_rows if row.reader_id == reader.id]
    codes = checkout_refusals(item, reader, policy, today, loans, holds)
    # Decide before writing: a refusal leaves nothing behind (the caller's savepoint takes
    # back the override events if the copy turns out lent meanwhile).
    settle_refusals(
        codes, user=user, override_reason=override_reason, library=library, reader=reader, item=item
    )
    if reader.card_expires < today:
        # Overridden expired card: lend for the normal period from today.
        due = due_date_for(policy, library, None, today)
    else:
        due = due_date_for(policy, library, reader, today)
    previous_status = item.status
    loan = Loan(
        item_id=item.id,
        reader_id=reader.id,
        library_id=library.id,
        due_date=due,
        override_reason=(override_reason or "").strip() or None if codes else None,
    )
    try:
        with db.session.begin_nested():
            # The conditional update is the lock: of two desks, only one changes the status.
            lent = {"copy_id": item.id, "previous_status": previous_status, "now": utcnow()}
            changed = db.session.connection().execute(_LEND_COPY, lent).rowcount
            if changed != 1:
                raise DeskRefusal(code="ALREADY_ON_LOAN", details={"item": item.barcode})
            # The unique index on open loans stops a second loan of the copy (IntegrityError).
            insert_now(loan)
    except IntegrityError:
        raise DeskRefusal(code="ALREADY_ON_LOAN", details={"item": item.barcode}) from None
    set_committed_value(item, "status", "on_loan")
    # The conditional UPDATE bypasses the flush: tell the search index the copy changed.
    mark_changed([item.record_id], availability_only=True)
    set_committed_value(loan, "item", item)
    set_committed_value(loan, "reader", reader)
    LOAN_STATES.trigger(
        loan,
        "checkout",
        state="new",
        event=loan_event(loan, library=library, user=user, due_date=due.isoformat()),
    )
    if "HELD_FOR_ANOTHER" in codes:
        # First: the other reader waits again, so a copy this loan frees goes to them.
        _untrap_for_another(item, reader)
    _fill_hold(reader, item, library, holds)
    count_visit(reader, library, day=today)
    loan.renewed_now = False
    db.session.flush()
    return loan


def _fill_hold(reader, item, library, holds) -> None:
    """The reader's hold that this loan satisfies becomes fulfilled (the copy's own first).

    `holds` are the active holds on the copy or its title, as rows.
    """
    own = [
        h
        for h in holds
        if h.reader_id == reader.id
        and (h.item_id == item.id or (h.record_id == item.record_id and not h.copy_level))
    ]
    if not own:
        return
    filled = min(own, key=lambda h: (h.item_id != item.id, h.placed_at, h.id))
    hold = db.session.get(Hold, filled.id)
    # The copy set aside for this hold (another one) goes to the next reader.
    set_aside = hold.item if hold.item_id is not None and hold.item_id != item.id else None
    was = hold.status

    def fill(changed: Hold) -> None:
        changed.item_id = item.id
        changed.closed_at = utcnow()

    HOLD_STATES.trigger(
        hold,
        "fulfil",
        apply=fill,
        event={"library": library, "reader": reader, "item": item, "hold_id": hold.id},
    )
    if set_aside is not None:
        _release(hold, set_aside, was)


def _untrap_for_another(item, reader) -> None:
    """A copy set aside for another reader was lent anyway (an override): their hold waits
    again for the next copy, and the hold shelf no longer lists this one."""
    trapped = db.session.scalars(
        select(Hold).where(
            Hold.item_id == item.id,
            Hold.reader_id != reader.id,
            Hold.status.in_(("on_shelf", "in_transit")),
        )
    ).all()
    for hold in trapped:
        wait_again(hold)


# --- Renewal ---------------------------------------------------------------------------


def _lent_or_renewed_on(loan: Loan, day: date) -> bool:
    """Whether the loan was made or renewed on that (local) day: renewing it again then
    would spend a renewal for nothing (a second scan, "renew all" minutes after lending).
    Renewals are looked up among that day's renewal events, a short list."""
    if local_day_of(loan.checked_out_at) == day:
        return True
    renewal = select(Event.id).where(
        Event.kind == "renewal", Event.day == day, Event.loan_id == loan.id
    )
    return db.session.scalar(renewal.limit(1)) is not None


def renew(loan: Loan, *, library=None, user=None, override_reason=None, in_person=False) -> Loan:
    """Extend a loan by the renewal period (from the due date, or today when overdue).

    `in_person`: the reader is at the desk, which counts their visit (once a day).
    """
    # Decide on the loan as it is now, and keep it locked: of ten renewals at once, each
    # sees the count the one before left, and a renewal racing a return sees it returned.
    if lock_row(Loan, loan.id) is None or loan.status != "on_loan" or loan.returned_at:
        raise DeskRefusal(code="NOT_ON_LOAN")
    library = library or loan.library
    today = local_today()
    reader = loan.reader
    policy = policy_for(library, reader.category_id if reader else None, loan.item)
    start = max(loan.due_date, today)
    if reader is not None and reader.card_expires < today:
        new_due = due_date_for(policy, library, None, start, days=policy.renewal_days)
    else:
        new_due = due_date_for(policy, library, reader, start, days=policy.renewal_days)
    old_due = loan.due_date

    def apply(changed: Loan) -> None:
        changed.renewals += 1
        changed.due_date = max(new_due, old_due)
        if override_reason:
            changed.override_reason = override_reason.strip() or changed.override_reason

    LOAN_STATES.trigger(
        loan,
        "renew",
        apply=apply,
        event=loan_event(loan, library=library, user=user, due_date=new_due.isoformat(),
                         previous_due_date=old_due.isoformat()),
        library=library,
        user=user,
        override_reason=override_reason,
        policy=policy,
        today=today,
    )  # fmt: skip
    if in_person and reader is not None:
        count_visit(reader, library, day=today)
    loan.renewed_now = True
    return loan


def renew_all(
    reader, *, library=None, user=None, override_reason=None, in_person=False
) -> list[tuple]:
    """Renew every open loan of a reader: (loan, None) when renewed, (loan, refusal) if not.

    Loans lent or renewed today are left as they are: renewing them would spend a renewal
    for a day or two (a reader at the desk who borrowed minutes ago).
    """
    results = []
    today = local_today()
    for loan in reader_loans(reader):
        if loan.status != "on_loan":
            continue
        if _lent_or_renewed_on(loan, today):
            continue
        try:
            with db.session.begin_nested():
                renew(loan, library=library, user=user, override_reason=override_reason,
                      in_person=in_person)  # fmt: skip
            results.append((loan, None))
        except DeskRefusal as refusal:
            results.append((loan, refusal))
    return results


# --- Checkin ---------------------------------------------------------------------------


@dataclass
class CheckinResult:
    """What the returns screen shows after a scan."""

    item: Item
    loan: Loan | None = None
    reader: Reader | None = None  # who returned it (the loan itself may forget them)
    overdue_days: int = 0
    fine: int = 0  # VND charged for a late return (libsys.circulation.fines)
    hold: Hold | None = None  # the hold this copy now waits for (on the shelf or in transit)
    route_to: str | None = None  # library code the copy must travel to
    route_reason: str | None = None  # "hold", "home", "rotation" or what a hook says
    rotation_point: Library | None = None  # the point whose rotation batch holds this copy
    found: bool = False  # the copy was lost and turned up at this return
    notes: list = field(default_factory=list)

    def hold_slip(self) -> dict | None:
        """The data printed on the hold slip that goes in the copy."""
        if self.hold is None:
            return None
        hold = self.hold
        return {
            "hold_id": hold.id,
            "status": hold.status,
            "reader": hold.reader.full_name,
            "card_number": hold.reader.card_number,
            "title": self.item.record.title,
            "barcode": self.item.barcode,
            "call_number": self.item.call_number,
            "pickup_library": hold.pickup_library.code,
            "pickup_library_name": hold.pickup_library.name,
            "shelf_expires_on": hold.shelf_expires_on.isoformat()
            if hold.shelf_expires_on
            else None,
        }


# Other parts (transfers, rotation) may look at each checkin: callables(result, library).
CHECKIN_HOOKS: list = []


def checkin(item_barcode: str, *, library, user=None) -> CheckinResult:
    """Take a copy back; trap it for the next hold or route it home when it belongs elsewhere."""
    # The copy's row, then its loan's, stay locked until the commit: of twenty scans of one
    # copy at once, the first closes the loan and the others find it closed.
    item = find_copy(item_barcode, lock=True)
    today = local_today()
    result = CheckinResult(item=item)
    loan = open_loan_for(item, lock=True)
    # Read before writing: the holds this copy may fill do not depend on closing the loan.
    candidates = _holds_a_copy_may_fill(item)
    if loan is not None:
        reader = loan.reader
        result.loan = loan
        result.reader = reader
        result.overdue_days = loan.overdue_days(today)

        def apply(changed: Loan) -> None:
            values = {"status": LOAN_STATES.move_for("on_loan", "checkin").dest,
                      "returned_at": utcnow(), "returned_library_id": library.id}  # fmt: skip
            # Privacy: who read what is forgotten unless the reader asked to keep a history
            # (the event below still takes its snapshot from `reader`).
            forget = reader is not None and not reader.keep_history
            if forget:
                values["reader_id"] = None
            # One UPDATE now instead of a flush later (the desk's hot path).
            update_now(changed, **values)
            if forget:
                set_committed_value(changed, "reader", None)

        LOAN_STATES.trigger(
            loan,
            "checkin",
            apply=apply,
            event=loan_event(loan, library=library, user=user, reader=reader,
                             overdue_days=result.overdue_days),
        )  # fmt: skip
    elif item.status == "lost":
        # A lost copy turned up at the returns desk: found (its lost loan is settled).
        declare_found(item, library=library, user=user, via="returns")
        result.found = True
    _place_copy(item, library, today, result, candidates)
    write_placement_now(item)
    for hook in CHECKIN_HOOKS:
        hook(result, library)
    db.session.flush()
    return result


def _holds_a_copy_may_fill(item) -> list[Hold]:
    """Active holds this copy is trapped for or could fill, in queue order."""
    params = {"item_id": item.id, "record_id": item.record_id}
    if not plain_rows(_ANY_HOLD_A_COPY_MAY_FILL, **params):
        return []  # most returns: no hold, and no ORM work
    return db.session.scalars(_HOLDS_A_COPY_MAY_FILL, params).all()


def _place_copy(item, library, today: date, result: CheckinResult, candidates=None) -> None:
    """Decide where a copy goes after a scan: a hold shelf, in transit, or back on the shelf.

    `candidates` are the copy's `_holds_a_copy_may_fill` when the caller read them already.
    """
    if item.status == "at_rotation_point":
        # Out in a rotation batch: it stays the batch's until the batch comes home, so no
        # hold traps it and it is not put back on a shelf here.
        result.rotation_point = item.location_library
        result.route_reason = "rotation"
        return
    if candidates is None:
        candidates = _holds_a_copy_may_fill(item)
    trapped = next((h for h in candidates if h.item_id == item.id and h.status != "waiting"), None)
    hold = trapped or next((h for h in candidates if h.status == "waiting"), None)
    if hold is not None:
        _trap(hold, item, library, today)
        result.hold = hold
        if hold.status == "in_transit":
            result.route_to = hold.pickup_library.code
            result.route_reason = "hold"
        return
    if item.library_id != library.id:
        ITEM_STATES.trigger(item, "send", apply=_placed_at(library.id))
        result.route_to = item.library.code
        result.route_reason = "home"
        return
    # A damaged, in-repair or withdrawn copy scanned here keeps its status.
    if ITEM_STATES.can(item.status, "shelve"):
        ITEM_STATES.trigger(item, "shelve")
    item.location_library_id = None


def _placed_at(library_id):
    """A change that puts the copy at a library (None: at home)."""

    def place(copy: Item) -> None:
        copy.location_library_id = library_id

    return place


def _trap(hold: Hold, item, library, today: date) -> None:
    """Put a copy aside for a hold: on this library's shelf, or in transit to the pickup."""
    hold.item_id = item.id
    hold.trapped_at = hold.trapped_at or utcnow()
    if hold.pickup_library_id == library.id:
        if hold.status != "on_shelf":
            policy = policy_for(library, hold.reader.category_id, item)
            expires = shelf_expiry_for(policy, library, today)

            def shelve(changed: Hold) -> None:
                changed.shelf_expires_on = expires

            HOLD_STATES.trigger(hold, "shelve", apply=shelve)
        away = None if item.library_id == library.id else library.id
        ITEM_STATES.trigger(item, "shelve_for_hold", apply=_placed_at(away))
    else:
        HOLD_STATES.trigger(hold, "send")
        ITEM_STATES.trigger(item, "send", apply=_placed_at(library.id))


# --- Holds -----------------------------------------------------------------------------


def place_hold(reader, *, record=None, item=None, pickup_library, user=None) -> Hold:
    """Queue a reader for a title (any copy) or one copy, to collect at a pickup library."""
    if record is None and item is None:
        raise ValidationFailed(fields={"record": _l("Give a title or a copy.")})
    if pickup_library.is_point:
        raise ValidationFailed(
            fields={"pickup_library": _l("Holds are collected at a library, not a rotation point.")}
        )
    if item is not None:
        record = item.record
    today = local_today()
    # The reader's row stays locked until the commit: holds placed at once take turns, so
    # the limit and "one hold per title" count the holds placed a moment before.
    lock_row(Reader, reader.id)
    policy = policy_for(pickup_library, reader.category_id, item)
    codes = [c for c in reader_refusals(reader, today) if c != "GUARDIAN_REQUIRED"]
    if codes:
        raise DeskRefusal(code=codes[0])
    if policy.holds_allowed <= 0:
        raise DeskRefusal(code="HOLDS_NOT_ALLOWED")
    active = db.session.scalars(
        select(Hold).where(Hold.reader_id == reader.id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
    ).all()
    if any(h.record_id == record.id for h in active):
        raise DeskRefusal(code="ALREADY_HELD")
    if len(active) >= policy.holds_allowed:
        raise DeskRefusal(code="LIMIT_REACHED")
    on_loan_to_reader = db.session.scalar(
        select(Loan.id)
        .join(Item, Item.id == Loan.item_id)
        .where(Loan.reader_id == reader.id, Loan.returned_at.is_(None), Item.record_id == record.id)
        .limit(1)
    )
    if on_loan_to_reader is not None:
        raise DeskRefusal(code="ALREADY_ON_LOAN")
    hold = Hold(
        reader_id=reader.id,
        record_id=record.id,
        item_id=item.id if item is not None else None,
        copy_level=item is not None,
        pickup_library_id=pickup_library.id,
        status=HOLD_STATES.move_for("new", "place").dest,
        placed_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(hold)
            db.session.flush()
    except IntegrityError:
        # The unique index on a reader's active hold per title: another request placed it.
        raise DeskRefusal(code="ALREADY_HELD") from None
    HOLD_STATES.trigger(
        hold,
        "place",
        state="new",
        event={"library": pickup_library, "reader": reader, "item": item,
               "user_id": getattr(user, "id", None), "hold_id": hold.id, "record_id": record.id},
    )  # fmt: skip
    db.session.flush()
    return hold


def _release(hold: Hold, item, status: str) -> None:
    """A copy set aside for a hold that has just closed (it was `status`) goes to the next
    hold or back to its shelf; the hold, closed first, is out of the queue already.

    A copy on the road to the pickup library goes where it goes and is placed on arrival.
    """
    if item is None or status != "on_shelf":
        return
    if item.status not in ("on_hold_shelf", "in_transit"):
        return
    here = db.session.get(Library, hold.pickup_library_id)
    db.session.flush()
    result = CheckinResult(item=item)
    _place_copy(item, here, local_today(), result)
    for hook in CHECKIN_HOOKS:  # e.g. a transfer when it must travel home
        hook(result, here)


def cancel_hold(hold: Hold, *, user=None, library=None) -> Hold:
    """Cancel a hold; a copy waiting for it goes to the next reader or back to the shelf."""
    # Lock the copy set aside (if any) before the hold, in the order a return locks them,
    # then decide on the hold as it is now: ten cancels at once cancel it once.
    if hold.item_id is not None:
        lock_row(Item, hold.item_id)
    if lock_row(Hold, hold.id) is None or hold.status not in ACTIVE_HOLD_STATUSES:
        raise DeskRefusal(code="HOLD_CLOSED")
    was = hold.status
    HOLD_STATES.trigger(
        hold,
        "cancel",
        apply=_closed_now,
        event={"library": library or hold.pickup_library, "reader": hold.reader,
               "item": hold.item, "user_id": getattr(user, "id", None), "hold_id": hold.id},
    )  # fmt: skip
    _release(hold, hold.item, was)
    db.session.flush()
    return hold


def _closed_now(hold: Hold) -> None:
    hold.closed_at = utcnow()


def expire_holds(today: date | None = None) -> int:
    """Close holds left on the shelf past their last day; returns how many expired."""
    today = today or local_today()
    expired = db.session.scalars(
        select(Hold).where(Hold.status == "on_shelf", Hold.shelf_expires_on < today)
    ).all()
    count = 0
    for hold in expired:
        if hold.item_id is not None:
            lock_row(Item, hold.item_id)
        if lock_row(Hold, hold.id) is None or hold.status != "on_shelf":
            continue  # collected or cancelled meanwhile
        count += 1
        HOLD_STATES.trigger(
            hold,
            "expire",
            apply=_closed_now,
            event={"library": hold.pickup_library, "reader": hold.reader, "item": hold.item,
                   "day": today, "hold_id": hold.id},
        )  # fmt: skip
        _release(hold, hold.item, "on_shelf")
    db.session.flush()
    return count


def holds_on_shelf(library) -> list[Hold]:
    """Holds waiting on a library's hold shelf, the oldest expiry first (printable list).

    `library` None: every library's shelf (a network account's list).
    """
    query = (
        select(Hold)
        .options(
            joinedload(Hold.reader),
            joinedload(Hold.item),
            joinedload(Hold.record),
            joinedload(Hold.pickup_library),
        )
        .where(Hold.status == "on_shelf")
        .order_by(Hold.shelf_expires_on, Hold.id)
    )
    if library is not None:
        query = query.where(Hold.pickup_library_id == getattr(library, "id", library))
    return list(db.session.scalars(query))


def get_loan(loan_id: int) -> Loan:
    """A loan by id, or NOT_FOUND."""
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound()
    return loan


def get_hold(hold_id: int) -> Hold:
    """A hold by id, or NOT_FOUND."""
    hold = db.session.get(Hold, hold_id)
    if hold is None:
        raise NotFound()
    return hold


def find_record(record_id) -> Record | None:
    """A title by id."""
    try:
        return db.session.get(Record, int(record_id))
    except (TypeError, ValueError):
        return None


def loan_is_overdue(loan: Loan, today: date | None = None) -> bool:
    """Whether an open loan is past its due date."""
    return loan.returned_at is None and loan.due_date < (today or local_today())


def now() -> datetime:
    """The stored time now (naive UTC)."""
    return utcnow()
