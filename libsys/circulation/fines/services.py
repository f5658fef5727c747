"""Overdue fines (tiền phạt quá hạn): charged on return when the policy asks for one.

Public libraries mostly lend for free (fine_per_day 0, the default), so most returns charge
nothing. When a policy sets a fine per day, a return more than `grace_days` late charges
every overdue day, up to `fine_cap`. The fine is a debt of the reader, kept in its own row:
the loan forgets its reader after the return (privacy), the fine does not; once paid or
waived it forgets the loan and the copy and keeps only the reader and the amount. Each
charge, payment and waiver appends an event.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from libsys.catalog.models import Item
from libsys.circulation.fines.models import Fine
from libsys.circulation.policies.services import policy_for
from libsys.db import utcnow
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.stats.events import record_event


def overdue_fine(policy, overdue_days: int) -> int:
    """The fine in VND for a return `overdue_days` late under a policy (0 within grace)."""
    per_day = policy.fine_per_day or 0
    if per_day <= 0 or overdue_days <= (policy.grace_days or 0):
        return 0
    amount = per_day * overdue_days
    if policy.fine_cap:
        amount = min(amount, policy.fine_cap)
    return amount


def charge_on_checkin(result, library) -> None:
    """Checkin hook: charge the reader of a late return what the policy says."""
    loan, reader = result.loan, result.reader
    if loan is None or reader is None or result.overdue_days <= 0:
        return
    policy = policy_for(loan.library, reader.category_id, result.item)
    amount = overdue_fine(policy, result.overdue_days)
    if not amount:
        return
    fine = Fine(
        reader_id=reader.id,
        loan_id=loan.id,
        library_id=library.id,
        item_id=result.item.id,
        amount=amount,
        overdue_days=result.overdue_days,
    )
    db.session.add(fine)
    result.fine = amount
    record_event(
        "fine_charged",
        library=library,
        reader=reader,
        item=result.item,
        loan=loan,
        amount=amount,
        overdue_days=result.overdue_days,
    )


def fines_due(reader) -> list[Fine]:
    """The reader's fines not yet paid or waived, oldest first."""
    return db.session.scalars(
        select(Fine)
        .options(joinedload(Fine.item).joinedload(Item.record))  # the panel shows the title
        .where(Fine.reader_id == reader.id, Fine.settled_at.is_(None))
        .order_by(Fine.charged_at, Fine.id)
    ).all()


def settle_fine(fine: Fine, *, library, user, waive: bool = False, reason: str = "") -> Fine:
    """Mark a fine paid at the desk, or waived (with a reason)."""
    reason = (reason or "").strip()
    if waive and not reason:
        raise ValidationFailed(fields={"reason": _l("Say why the fine is waived.")})
    # A conditional UPDATE: of two desks settling the same fine at once, only one does.
    # Once settled, the fine forgets which loan and copy it was for (privacy: only that
    # this reader owed and paid an amount remains).
    settled = db.session.execute(
        update(Fine)
        .where(Fine.id == fine.id, Fine.settled_at.is_(None))
        .values(
            settled_at=utcnow(),
            settled_by_id=getattr(user, "id", None),
            waived=waive,
            waive_reason=reason or None,
            loan_id=None,
            item_id=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if settled != 1:
        raise ValidationFailed(_l("This fine is already settled."), code="FINE_SETTLED")
    db.session.refresh(fine)
    record_event(
        "fine_waived" if waive else "fine_paid",
        library=library,
        reader=fine.reader,
        amount=fine.amount,
    )
    db.session.flush()
    return fine
