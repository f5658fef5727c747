"""The desk's work: checkout, checkin, renewal, holds, with the rules each one enforces.

Every refusal is a DeskRefusal raised before anything is written, so a failed checkout
leaves no loan, no event and no visit. A librarian holding `circulation.override` may pass
a reason to lift an overridable refusal; each lifted refusal is logged as an `override`
event. Loans move through LOAN_TRANSITIONS by `trigger()` only.
"""

from collections.abc import Callable
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
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.models import ACTIVE_HOLD_STATUSES, Hold, Loan
from libsys.circulation.policies import (
    due_date_for,
    policy_for,
    shelf_expiry_for,
)
from libsys.circulation.visits import count_visit
from libsys.core.clock import local_day_of, local_today
from libsys.db import insert_now, lock_row, plain_rows, update_now, utcnow
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from libsys.readers.services import reader_by_card
from libsys.stats.events import record_event
from libsys.stats.models import Event

# A scan or a typed card number longer than this is neither a barcode nor a card.
MAX_SCAN = 64
# Copy statuses from which a copy may be lent.
LENDABLE_STATUSES = ("available", "on_hold_shelf")


# --- Loan states as data (invenio-circulation style) ------------------------------------


@dataclass(frozen=True)
class Transition:
    """One allowed move of a loan: trigger name, target state, guard, event kind."""

    trigger: str
    dest: str
    event: str
    guard: Callable | None = None


def _guard_renew(loan: Loan, context: dict) -> None:
    """Renewals left, no other reader waiting for the title (each overridable)."""
    policy = context["policy"]
    refusals = context.setdefault("refusals", [])
    if loan.renewals >= policy.renewals_allowed:
        refusals.append("NO_RENEWALS_LEFT")
    if _hold_waiting_for(loan.item, exclude_reader_id=loan.reader_id):
        refusals.append("RENEWAL_BLOCKED_BY_HOLD")
    reader = loan.reader
    if reader is not None:
        refusals[:0] = [code for code in _reader_refusals(reader, context["today"])]


LOAN_TRANSITIONS: dict[str, list[Transition]] = {
    "new": [Transition("checkout", "on_loan", "checkout")],
    "on_loan": [
        Transition("renew", "on_loan", "renewal", _guard_renew),
        Transition("checkin", "returned", "checkin"),
        Transition("declare_lost", "lost", "item_lost"),
    ],
    # A lost copy found and scanned back in closes its loan.
    "lost": [Transition("checkin", "returned", "checkin")],
}


def trigger(
    loan: Loan, name: str, *, library, user=None, override_reason=None, state=None, **context
):
    """Move a loan by a named trigger: check the guard, set the state, append the event.

    `context["apply"]`, if given, changes the loan after the guard passed and before the
    event is written. Overridable refusals found by the guard are lifted with a reason by
    a user allowed to override (one `override` event each), else the first one is raised.
    """
    # `state` names the state before the move when the caller knows it better than the row
    # (checkout passes "new" for the loan its guarded INSERT has just written).
    state = state or (loan.status if loan.id is not None else "new")
    move = next((t for t in LOAN_TRANSITIONS.get(state, ()) if t.trigger == name), None)
    if move is None:
        raise DeskRefusal(code="INVALID_TRANSITION", details={"state": state, "trigger": name})
    if move.guard is not None:
        move.guard(loan, context)
    _settle_refusals(
        context.get("refusals", ()),
        user=user,
        override_reason=override_reason,
        library=library,
        reader=loan.reader,
        item=loan.item,
    )
    apply = context.get("apply")
    if apply is not None:
        apply(loan)
    if loan.status != move.dest:  # a loan written as on loan needs no UPDATE
        loan.status = move.dest
    # No flush here: the loan's change and its event go to the database together with the
    # rest of the caller's work (one flush is much cheaper than one per change).
    details = context.get("event_details") or {}
    return record_event(
        move.event,
        library=library,
        reader=context.get("reader", loan.reader),
        item=loan.item,
        loan=loan,
        user_id=getattr(user, "id", None),
        **details,
    )


# --- Lookups ---------------------------------------------------------------------------


# The desk's statements are built once at import: on a scan, building a statement costs
# more than the database takes to run it.
# The title's columns the rules, the event snapshot and the desk's messages use (a record's
# MARC and notes can run to kilobytes; anything else loads when something asks for it).
_TITLE_AT_DESK = (Record.title, Record.subtitle, Record.material_type, Record.ddc)
_ITEM_BY_BARCODE = (
    select(Item)
    .options(joinedload(Item.store), joinedload(Item.record).load_only(*_TITLE_AT_DESK))
    .where(Item.barcode == bindparam("barcode"))
)
# The guarded change of a copy's status that makes a checkout happen once (see checkout).
_LEND_COPY = (
    update(Item)
    .where(Item.id == bindparam("copy_id"), Item.status == bindparam("previous_status"))
    .values(status="on_loan", updated_at=bindparam("now"))
)
_READERS = select(Reader).options(joinedload(Reader.category), joinedload(Reader.admin_unit))
_READER_BY_CARD = _READERS.where(Reader.card_number == bindparam("card"))
# Row locks for check-then-write (see libsys.db.lock_row): the reader's row while a checkout
# checks the loan limit, the copy's row while a return decides what happens to the copy.
_READER_BY_CARD_LOCKED = _READER_BY_CARD.with_for_update(
    of=Reader, key_share=True
).execution_options(populate_existing=True)
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


_ITEM_ID_BY_BARCODE = select(Item.id).where(Item.barcode == bindparam("barcode"))
_ITEM_BY_BARCODE_LOCKED = _ITEM_BY_BARCODE.with_for_update(
    of=Item, key_share=True
).execution_options(populate_existing=True)
_OPEN_LOAN_OF_ITEM_LOCKED = _OPEN_LOAN_OF_ITEM.with_for_update(
    of=Loan, key_share=True
).execution_options(populate_existing=True)


def copy_by_barcode(barcode: str, statement=_ITEM_BY_BARCODE):
    """What `statement` finds for a barcode as typed, else in capitals (None: no copy).

    Barcodes are printed and kept in capitals; one typed in small letters is found too.
    The default statement brings the copy with its store and title (the desk's rules and
    the event snapshot need them).
    """
    barcode = (barcode or "").strip()
    if not barcode:
        return None
    found = db.session.scalar(statement, {"barcode": barcode})
    if found is None and barcode != barcode.upper():
        found = db.session.scalar(statement, {"barcode": barcode.upper()})
    return found


def find_item(barcode: str, *, lock: bool = False) -> Item:
    """The copy with this barcode, or UNKNOWN_ITEM; `lock` holds its row until the commit."""
    item = copy_by_barcode(barcode, _ITEM_BY_BARCODE_LOCKED if lock else _ITEM_BY_BARCODE)
    if item is None:
        raise DeskRefusal(code="UNKNOWN_ITEM", details={"item": (barcode or "").strip()})
    return item


def item_exists(barcode: str) -> bool:
    """Whether a copy has this barcode (the desk tells a copy from a card by it)."""
    return copy_by_barcode(barcode, _ITEM_ID_BY_BARCODE) is not None


def find_reader(card_number: str, *, lock: bool = False) -> Reader:
    """The reader with this card number, or UNKNOWN_READER; `lock` holds their row."""
    # Category and commune come in the same query: the rules and the event snapshot need them.
    reader = reader_by_card(card_number, _READER_BY_CARD_LOCKED if lock else _READER_BY_CARD)
    if reader is None:
        raise DeskRefusal(code="UNKNOWN_READER", details={"reader": (card_number or "").strip()})
    return reader


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


# --- Rules -----------------------------------------------------------------------------


def _reader_refusals(reader, today: date) -> list[str]:
    codes = []
    if reader.status == "blocked":
        codes.append("READER_BLOCKED")
    if reader.card_expires < today:
        codes.append("CARD_EXPIRED")
    if reader.category.is_children and not reader.guardian_name:
        codes.append("GUARDIAN_REQUIRED")
    return codes


def reader_blocks(reader, today: date | None = None, library=None) -> list[str]:
    """Codes of what stops this reader borrowing now (for the desk's reader panel).

    Overdue loans block only where the library's policy says so (`library`: the desk's,
    by default the reader's home library).
    """
    today = today or local_today()
    codes = _reader_refusals(reader, today)
    has_overdue = db.session.scalar(
        select(func.count(Loan.id)).where(
            Loan.reader_id == reader.id, Loan.returned_at.is_(None), Loan.due_date < today
        )
    )
    library = library or reader.home_library
    if has_overdue and policy_for(library, reader.category_id).overdue_blocks:
        codes.append("OVERDUE_BLOCKS")
    return codes


def _hold_waiting_for(item, *, exclude_reader_id=None) -> Hold | None:
    """A hold of another reader that this copy could fill: on the copy, or on its title."""
    query = (
        select(Hold)
        .where(
            Hold.status.in_(ACTIVE_HOLD_STATUSES),
            (Hold.item_id == item.id) | ((Hold.record_id == item.record_id) & ~Hold.copy_level
                                         & (Hold.status == "waiting")),
        )
        .order_by(Hold.placed_at, Hold.id)
        .limit(1)
    )  # fmt: skip
    if exclude_reader_id is not None:
        query = query.where(Hold.reader_id != exclude_reader_id)
    return db.session.scalar(query)


def _checkout_refusals(item, reader, policy, today: date, loans, holds) -> list[str]:
    """Every overridable rule this checkout breaks, in the order the desk reports them.

    `loans` are the reader's open loans as (due_date, item_type); `holds` the active holds
    on this copy or its title, of any reader.
    """
    codes = []
    store = item.store
    if store is not None and store.reference_only:
        codes.append("NOT_FOR_LOAN")
    codes += _reader_refusals(reader, today)
    if policy.overdue_blocks and any(due < today for due, _type in loans):
        codes.append("OVERDUE_BLOCKS")
    same_type = sum(1 for _due, item_type in loans if item_type == item.item_type)
    if len(loans) >= policy.max_loans or (
        policy.max_loans_per_type is not None and same_type >= policy.max_loans_per_type
    ):
        codes.append("LIMIT_REACHED")
    # A copy trapped for another reader, or a copy-level hold of another reader on it.
    if any(
        hold.item_id == item.id
        and hold.reader_id != reader.id
        and (hold.status != "waiting" or hold.copy_level)
        for hold in holds
    ):
        codes.append("HELD_FOR_ANOTHER")
    return codes


def _may_override(user) -> bool:
    return (
        user is not None and getattr(user, "is_staff", False) and user.can("circulation.override")
    )


def _settle_refusals(codes, *, user, override_reason, library, reader, item) -> None:
    """Raise the first refusal unless every one is overridable and the user overrides."""
    if not codes:
        return
    reason = (override_reason or "").strip()
    first = DeskRefusal(code=codes[0])
    if (
        not reason
        or not _may_override(user)
        or not all(DeskRefusal(code=c).overridable for c in codes)
    ):
        first.details = {"codes": list(codes), "overridable": _may_override(user) and all(
            DeskRefusal(code=c).overridable for c in codes)}  # fmt: skip
        raise first
    for code in codes:
        record_event(
            "override",
            library=library,
            reader=reader,
            item=item,
            user_id=getattr(user, "id", None),
            code=code,
            reason=reason,
        )


# --- Checkout --------------------------------------------------------------------------


def checkout(
    item_barcode: str, card_number: str, *, library, user=None, override_reason=None
) -> Loan:
    """Lend a copy to a reader at a library; the same reader's copy is renewed instead.

    The loan carries `renewed_now = True` (not stored) when the scan renewed it, and
    `repeated_now = True` when the copy was lent to this reader today already: a second
    scan (a scanner's double read, a retried request) renews nothing.
    """
    item = find_item(item_barcode)
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
    if item.status not in LENDABLE_STATUSES:
        raise DeskRefusal(code="NOT_FOR_LOAN", overridable=False, details={"status": item.status})
    policy = policy_for(library, reader.category_id, item)
    holds = plain_rows(_HOLDS_ON_ITEM_OR_TITLE, item_id=item.id, record_id=item.record_id)
    loans = [(row.due_date, row.item_type) for row in open_rows if row.reader_id == reader.id]
    codes = _checkout_refusals(item, reader, policy, today, loans, holds)
    # Decide before writing: a refusal leaves nothing behind.
    if codes:
        reason = (override_reason or "").strip()
        overridable = all(DeskRefusal(code=c).overridable for c in codes)
        if not (reason and _may_override(user) and overridable):
            _settle_refusals(
                codes, user=user, override_reason=None, library=library, reader=reader, item=item
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
    _settle_refusals(
        codes, user=user, override_reason=override_reason, library=library, reader=reader, item=item
    )
    trigger(
        loan,
        "checkout",
        library=library,
        user=user,
        state="new",
        reader=reader,
        event_details={"due_date": due.isoformat()},
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
    if hold.item_id is not None and hold.item_id != item.id:
        _release(hold, library)  # the copy set aside for this hold goes to the next reader
    hold.status = "fulfilled"
    hold.item_id = item.id
    hold.closed_at = utcnow()
    record_event("hold_filled", library=library, reader=reader, item=item, hold_id=hold.id)


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
        hold.wait_again()


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

    trigger(
        loan,
        "renew",
        library=library,
        user=user,
        override_reason=override_reason,
        policy=policy,
        today=today,
        apply=apply,
        event_details={"due_date": new_due.isoformat(), "previous_due_date": old_due.isoformat()},
    )
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
    item = find_item(item_barcode, lock=True)
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
            values = {"status": "returned", "returned_at": utcnow(),
                      "returned_library_id": library.id}  # fmt: skip
            # Privacy: who read what is forgotten unless the reader asked to keep a history
            # (the event below still takes its snapshot from `reader`).
            forget = reader is not None and not reader.keep_history
            if forget:
                values["reader_id"] = None
            # One UPDATE now instead of a flush later (the desk's hot path).
            update_now(changed, **values)
            if forget:
                set_committed_value(changed, "reader", None)

        trigger(
            loan,
            "checkin",
            library=library,
            user=user,
            apply=apply,
            reader=reader,
            event_details={"overdue_days": result.overdue_days},
        )
    elif item.status == "lost":
        # A lost copy turned up at the returns desk: found (its lost loan is settled).
        from libsys.circulation.losses import declare_found

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
        item.status = "in_transit"
        item.location_library_id = library.id
        result.route_to = item.library.code
        result.route_reason = "home"
        return
    if item.status in ("on_loan", "in_transit", "on_hold_shelf", "lost"):
        item.status = "available"
    item.location_library_id = None


def _trap(hold: Hold, item, library, today: date) -> None:
    """Put a copy aside for a hold: on this library's shelf, or in transit to the pickup."""
    hold.item_id = item.id
    hold.trapped_at = hold.trapped_at or utcnow()
    if hold.pickup_library_id == library.id:
        if hold.status != "on_shelf":
            policy = policy_for(library, hold.reader.category_id, item)
            hold.status = "on_shelf"
            hold.shelf_expires_on = shelf_expiry_for(policy, library, today)
        item.status = "on_hold_shelf"
        item.location_library_id = None if item.library_id == library.id else library.id
    else:
        hold.status = "in_transit"
        item.status = "in_transit"
        item.location_library_id = library.id


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
    codes = [c for c in _reader_refusals(reader, today) if c != "GUARDIAN_REQUIRED"]
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
        status="waiting",
        placed_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(hold)
            db.session.flush()
    except IntegrityError:
        # The unique index on a reader's active hold per title: another request placed it.
        raise DeskRefusal(code="ALREADY_HELD") from None
    record_event(
        "hold_placed",
        library=pickup_library,
        reader=reader,
        item=item,
        user_id=getattr(user, "id", None),
        hold_id=hold.id,
        record_id=record.id,
    )
    db.session.flush()
    return hold


def _release(hold: Hold, library) -> None:
    """A trapped copy freed by a closed hold goes to the next hold or back to its shelf."""
    item = hold.item
    if item is None or hold.status not in ("on_shelf", "in_transit"):
        return
    if item.status not in ("on_hold_shelf", "in_transit"):
        return
    here = db.session.get(Library, hold.pickup_library_id) if hold.status == "on_shelf" else None
    hold.status = "closing"  # out of the queue before looking for the next hold
    db.session.flush()
    if here is not None:
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
    _release(hold, library)
    hold.status = "cancelled"
    hold.closed_at = utcnow()
    record_event(
        "hold_cancelled",
        library=library or hold.pickup_library,
        reader=hold.reader,
        item=hold.item,
        user_id=getattr(user, "id", None),
        hold_id=hold.id,
    )
    db.session.flush()
    return hold


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
        _release(hold, hold.pickup_library)
        hold.status = "expired"
        hold.closed_at = utcnow()
        record_event(
            "hold_expired",
            library=hold.pickup_library,
            reader=hold.reader,
            item=hold.item,
            day=today,
            hold_id=hold.id,
        )
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
