"""The lending rules the desk checks, and the overridable refusals a librarian may lift.

Every refusal is a DeskRefusal raised before anything is written. A librarian holding
`circulation.override` may pass a reason to lift an overridable refusal; each lifted
refusal is logged as an `override` event.
"""

from datetime import date

from sqlalchemy import func, select

from libsys.audit.tracking import record_action
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.policies.services import policy_for
from libsys.core.clock import local_today
from libsys.extensions import db
from libsys.stats.events import record_event

# A scan or a typed card number longer than this is neither a barcode nor a card.
MAX_SCAN = 64


def reader_refusals(reader, today: date) -> list[str]:
    """What about the reader alone stops them borrowing (blocked, expired, no guardian)."""
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
    codes = reader_refusals(reader, today)
    has_overdue = db.session.scalar(
        select(func.count(Loan.id)).where(
            Loan.reader_id == reader.id, Loan.returned_at.is_(None), Loan.due_date < today
        )
    )
    library = library or reader.home_library
    if has_overdue and policy_for(library, reader.category_id).overdue_blocks:
        codes.append("OVERDUE_BLOCKS")
    return codes


def overdue_renewal_refusal(loan, policy, today: date) -> str | None:
    """What the policy on renewing while overdue (Koha's OverduesBlockRenewing) says here.

    "block": any overdue loan of the reader stops every renewal (OVERDUES_BLOCK_RENEWAL);
    "block_item": only the overdue loan itself is not renewed (LOAN_OVERDUE); "allow": none.
    Renewing an overdue loan would otherwise lift the block that stops new loans.
    """
    rule = policy.overdue_renewal
    if rule == "allow":
        return None
    if loan.due_date < today:
        return "LOAN_OVERDUE"
    if rule != "block" or loan.reader_id is None:
        return None
    other_overdue = db.session.scalar(
        select(Loan.id)
        .where(Loan.reader_id == loan.reader_id, Loan.returned_at.is_(None), Loan.due_date < today)
        .limit(1)
    )
    return "OVERDUES_BLOCK_RENEWAL" if other_overdue is not None else None


def renewal_refusals(loan, policy, today: date) -> list[str]:
    """Codes of every rule that stops this loan being renewed now, in the order the desk
    reports them (the reader's own refusals first); empty when it may be renewed.

    The one renewal rule: the renewal's guard settles these codes, and the reader's account
    asks them to show a renew button that cannot work as disabled, with its reason.
    """
    refusals = []
    if loan.renewals >= policy.renewals_allowed:
        refusals.append("NO_RENEWALS_LEFT")
    overdue = overdue_renewal_refusal(loan, policy, today)
    if overdue:
        refusals.append(overdue)
    if hold_waiting_for(loan.item, exclude_reader_id=loan.reader_id):
        refusals.append("RENEWAL_BLOCKED_BY_HOLD")
    if loan.reader is not None:
        refusals[:0] = reader_refusals(loan.reader, today)
    return refusals


def hold_waiting_for(item, *, exclude_reader_id=None) -> Hold | None:
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


def checkout_refusals(item, reader, policy, today: date, loans, holds) -> list[str]:
    """Every overridable rule this checkout breaks, in the order the desk reports them.

    `loans` are the reader's open loans as (due_date, item_type); `holds` the active holds
    on this copy or its title, of any reader.
    """
    codes = []
    store = item.store
    if store is not None and store.reference_only:
        codes.append("NOT_FOR_LOAN")
    codes += reader_refusals(reader, today)
    if policy.overdue_blocks and any(due < today for due, _type in loans):
        codes.append("OVERDUE_BLOCKS")
    same_type = sum(1 for _due, item_type in loans if item_type == item.item_type)
    if len(loans) >= policy.max_loans or (
        policy.max_loans_per_type is not None and same_type >= policy.max_loans_per_type
    ):
        codes.append("LIMIT_REACHED")
    # A copy trapped for another reader, or another reader waits first for what it fills.
    if (
        any(
            hold.item_id == item.id and hold.reader_id != reader.id and hold.status != "waiting"
            for hold in holds
        )
        or waiting_hold_ahead(item, reader, holds) is not None
    ):
        codes.append("HELD_FOR_ANOTHER")
    return codes


def waiting_hold_ahead(item, reader, holds):
    """The waiting hold of another reader this copy should fill before this reader's turn.

    `holds` are the active holds on the copy or its title (rows). A copy-level hold on this
    copy comes first, then the title's holds in the order placed; a reader whose own hold
    comes first borrows freely (and the loan fills it). None when nobody else is ahead.
    """
    fillable = [
        hold
        for hold in holds
        if (hold.item_id == item.id if hold.copy_level else hold.record_id == item.record_id)
    ]
    if any(h.reader_id == reader.id and h.status != "waiting" for h in fillable):
        return None  # their turn came already (a copy waits for them): this one fills it
    fillable = [hold for hold in fillable if hold.status == "waiting"]
    if not fillable:
        return None
    first = min(fillable, key=lambda h: (not h.copy_level, h.placed_at, h.id))
    return None if first.reader_id == reader.id else first


def queue_place(hold, holds) -> int:
    """The hold's place among its title's waiting holds (1 for the first), from `holds`."""
    return 1 + sum(
        1
        for other in holds
        if other.status == "waiting"
        and other.record_id == hold.record_id
        and (other.placed_at, other.id) < (hold.placed_at, hold.id)
    )


def may_override(user) -> bool:
    """Whether this user may lift an overridable refusal with a reason."""
    return (
        user is not None and getattr(user, "is_staff", False) and user.can("circulation.override")
    )


def settle_refusals(codes, *, user, override_reason, library, reader, item, messages=None) -> None:
    """Raise the first refusal unless every one is overridable and the user overrides.

    `messages`: a message of its own for a code (what the desk can say more precisely).
    """
    if not codes:
        return
    reason = (override_reason or "").strip()
    first = DeskRefusal((messages or {}).get(codes[0]), code=codes[0])
    if (
        not reason
        or not may_override(user)
        or not all(DeskRefusal(code=c).overridable for c in codes)
    ):
        first.details = {"codes": list(codes), "overridable": may_override(user) and all(
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
    # The audit log says who lent against which refusals, naming the copy but not the reader
    # (as the event log does: nothing ties a reader to what she read once the loan ends).
    record_action(
        "override",
        getattr(item, "id", None),
        getattr(item, "barcode", "") or "",
        {"refusals": [None, ", ".join(codes)], "reason": [None, reason]},
        user=user,
        record_id=getattr(item, "record_id", None),
        library_id=getattr(library, "id", None),  # the desk that lent: its admin reads it
    )
