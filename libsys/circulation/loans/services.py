"""Lending and renewing: checkout (a second scan of a lent copy renews it), renewals.

Every refusal is a DeskRefusal raised before anything is written, so a failed checkout
leaves no loan, no event and no visit (the rules: loans.rules). Loans, holds and copies
move through their state tables (LOAN_STATES, HOLD_STATES, ITEM_STATES) only.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from libsys.catalog.models import Item
from libsys.catalog.services import mark_changed
from libsys.catalog.states import ITEM_STATES
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.holds.services import release_copy
from libsys.circulation.holds.states import HOLD_STATES, wait_again
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.rules import (
    checkout_refusals,
    queue_place,
    renewal_refusals,
    settle_refusals,
    waiting_hold_ahead,
)
from libsys.circulation.loans.states import LOAN_STATES, loan_event
from libsys.circulation.lookups import find_copy, find_reader
from libsys.circulation.policies.services import due_date_for, policy_for
from libsys.circulation.visits.services import count_visit
from libsys.core.clock import local_day_of, local_today
from libsys.db import insert_now, lock_row, plain_rows, utcnow
from libsys.errors import NotFound
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation.at_point import record_desk_point_loan, serving_line
from libsys.stats.models import Event

# The desk's statements are built once at import: on a scan, building a statement costs
# more than the database takes to run it.
# The guarded change of a copy's status that makes a checkout happen once (see checkout).
_LEND_COPY = (
    update(Item)
    .where(Item.id == bindparam("copy_id"), Item.status == bindparam("previous_status"))
    .values(status=ITEM_STATES.move_for("available", "lend").dest, updated_at=bindparam("now"))
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
    Hold.placed_at, Hold.pickup_library_id,
).where(
    Hold.status.in_(ACTIVE_HOLD_STATUSES),
    (Hold.item_id == bindparam("item_id")) | (Hold.record_id == bindparam("record_id")),
)  # fmt: skip


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


@dataclass(frozen=True)
class LoanResult:
    """What a checkout scan did: the loan, and whether it renewed it or changed nothing.

    `repeated`: the copy was lent or renewed to this reader today already, so a second
    scan (a scanner's double read, a retried request) renewed nothing.
    """

    loan: Loan
    renewed: bool = False
    repeated: bool = False


def checkout(
    item_barcode: str, card_number: str, *, library, user=None, override_reason=None
) -> LoanResult:
    """Lend a copy to a reader at a library; the same reader's copy is renewed instead."""
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
                return LoanResult(loan, repeated=True)
            renew(loan, library=library, user=user, override_reason=override_reason, in_person=True)
            return LoanResult(loan, renewed=True)
        raise DeskRefusal(code="ALREADY_ON_LOAN", details={"item": item.barcode})
    if item.status == "on_loan":
        # Read on loan, yet its loan is closed now: another desk took it back a moment ago.
        # Read the copy again rather than refuse a copy that is on the shelf.
        db.session.refresh(item)
    lend, point_line = "lend", None
    if item.status == "at_rotation_point" or library.level == "point":
        # Rotation (issue 13): a copy out in a batch is lent only at its point, by the point,
        # and a point lends only the copies of the batches it holds.
        point_line = serving_line(item, library.id)
        if point_line is None or item.location_library_id != library.id:
            # Say where the copy is: the generic "not for loan" reads like a lost copy.
            where = item.location_library if item.status == "at_rotation_point" else None
            message = None if where is None else _l(
                "This copy is out at rotation point %(point)s: only the point lends it.",
                point=where.name)  # fmt: skip
            raise DeskRefusal(message, code="NOT_FOR_LOAN", overridable=False,
                              details={"status": item.status})  # fmt: skip
        lend = "lend_at_point"
    if not ITEM_STATES.can(item.status, lend):
        raise DeskRefusal(code="NOT_FOR_LOAN", overridable=False, details={"status": item.status})
    policy = policy_for(library, reader.category_id, item)
    holds = plain_rows(_HOLDS_ON_ITEM_OR_TITLE, item_id=item.id, record_id=item.record_id)
    if holds:
        # The decision reads the holds: lock the copy (before any hold, as a return does)
        # and read them again, so a return trapping this copy meanwhile is seen.
        lock_row(Item, item.id)
        holds = plain_rows(_HOLDS_ON_ITEM_OR_TITLE, item_id=item.id, record_id=item.record_id)
    loans = [(row.due_date, row.item_type) for row in open_rows if row.reader_id == reader.id]
    codes = checkout_refusals(item, reader, policy, today, loans, holds)
    # Decide before writing: a refusal leaves nothing behind (the caller's savepoint takes
    # back the override events if the copy turns out lent meanwhile).
    settle_refusals(
        codes, user=user, override_reason=override_reason, library=library, reader=reader,
        item=item, messages=_held_for_another_message(item, reader, holds),
    )  # fmt: skip
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
    if point_line is not None:
        record_desk_point_loan(item, point_line)
    count_visit(reader, library, day=today)
    db.session.flush()
    return LoanResult(loan)


def _held_for_another_message(item, reader, holds) -> dict:
    """HELD_FOR_ANOTHER said precisely when another reader waits first for this title:
    their place in the queue and where they collect it (not their name)."""
    ahead = waiting_hold_ahead(item, reader, holds)
    if ahead is None:
        return {}
    pickup = db.session.get(Library, ahead.pickup_library_id)
    message = _l(
        "Another reader waits for this title (number %(position)s in the queue, to collect at "
        "%(library)s): this copy should fill that hold.",
        position=queue_place(ahead, holds),
        library=pickup.name if pickup is not None else "",
    )
    return {"HELD_FOR_ANOTHER": message}


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
    # Locked after the copy (checkout locked it): a return trapping another copy for this
    # hold at the same moment waits, then finds it fulfilled.
    hold = lock_row(Hold, filled.id)
    if hold is None or hold.status not in ACTIVE_HOLD_STATUSES:
        return
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
        release_copy(hold, set_aside, was)


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
    return loan


def renewal_refusal(loan: Loan, *, library=None, today: date | None = None) -> DeskRefusal | None:
    """Can this loan be renewed now, and if not, why: the first refusal a renewal would
    meet (the same rule as `renew`, nothing written), or None when it would be renewed."""
    if loan.status != "on_loan" or loan.returned_at:
        return DeskRefusal(code="NOT_ON_LOAN", overridable=False)
    library = library or loan.library
    reader = loan.reader
    policy = policy_for(library, reader.category_id if reader else None, loan.item)
    codes = renewal_refusals(loan, policy, today or local_today())
    return DeskRefusal(code=codes[0]) if codes else None


def renew_all(
    reader, *, library=None, user=None, override_reason=None, in_person=False
) -> list[tuple]:
    """Renew every open loan of a reader: (loan, None) when renewed, (loan, refusal) if not.

    Every loan is in the answer: one not renewed comes with the refusal that says why.
    Loans lent or renewed today are left as they are (RENEWED_TODAY): renewing them would
    spend a renewal for a day or two (a reader at the desk who borrowed minutes ago).
    """
    results = []
    today = local_today()
    for loan in reader_loans(reader):
        if loan.status != "on_loan":
            results.append((loan, DeskRefusal(code="NOT_ON_LOAN", overridable=False)))
            continue
        if _lent_or_renewed_on(loan, today):
            results.append((loan, DeskRefusal(code="RENEWED_TODAY", overridable=False)))
            continue
        try:
            with db.session.begin_nested():
                renew(loan, library=library, user=user, override_reason=override_reason,
                      in_person=in_person)  # fmt: skip
            results.append((loan, None))
        except DeskRefusal as refusal:
            results.append((loan, refusal))
    return results


def get_loan(loan_id: int) -> Loan:
    """A loan by id, or NOT_FOUND."""
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound()
    return loan


def loan_is_overdue(loan: Loan, today: date | None = None) -> bool:
    """Whether an open loan is past its due date."""
    return loan.returned_at is None and loan.due_date < (today or local_today())


def now() -> datetime:
    """The stored time now (naive UTC)."""
    return utcnow()
