"""Readers' privacy: old loans forget their reader, a reader's data for her, deletion on request.

Statistics never change here: every figure is read from the event log (`libsys.stats`), whose
rows carry a snapshot of the reader's attributes and, on events naming no copy or title, her
pseudonym, never her id. Loans, holds and visits are the desk's working rows; once closed and
old they need not say who.
"""

from datetime import UTC, date, datetime, time

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from libsys.accounts.scope import require_library_scope
from libsys.audit.models import AuditEntry
from libsys.audit.services import forget_reader
from libsys.audit.tracking import audit_paused, record_action
from libsys.catalog.models import Item
from libsys.circulation.fines.models import Fine
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.visits.models import Visit
from libsys.core.clock import _zone
from libsys.db import lock_row
from libsys.errors import Conflict
from libsys.extensions import db
from libsys.readers.models import Reader

# What a reader's export holds of her record: everything but the password's hash.
READER_FIELDS = (
    "card_number",
    "full_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address",
    "phone",
    "email",
    "school",
    "guardian_name",
    "guardian_phone",
    "disability",
    "card_issued",
    "card_expires",
    "status",
    "blocked_reason",
    "keep_history",
    "language",
    "notes",
    "created_at",
    "updated_at",
)


def _stored_midnight(day: date) -> datetime:
    """The stored (naive UTC) time of the library's local midnight starting a day."""
    return datetime.combine(day, time(), tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def anonymise(before: date) -> dict:
    """Remove readers' identity from what closed before a day; returns the counts.

    Returned loans forget their reader (also for readers who keep a history: the library keeps
    none older than the day), settled fines forget the copy and the loan, closed holds
    (collected, cancelled, expired) are deleted, visits forget their reader (they stay one
    visit of the day, category and library). Open loans, lost copies, active holds and fines
    still owed are left alone.
    """
    cutoff = _stored_midnight(before)
    loans = db.session.execute(
        update(Loan)
        .where(
            Loan.reader_id.is_not(None),
            Loan.returned_at.is_not(None),
            Loan.returned_at < cutoff,
            Loan.status == "returned",
        )
        .values(reader_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    fines = db.session.execute(
        update(Fine)
        .where(
            Fine.settled_at.is_not(None),
            Fine.settled_at < cutoff,
            (Fine.item_id.is_not(None)) | (Fine.loan_id.is_not(None)),
        )
        .values(item_id=None, loan_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    holds = db.session.execute(
        delete(Hold)
        .where(
            Hold.status.not_in(ACTIVE_HOLD_STATUSES),
            func.coalesce(Hold.closed_at, Hold.placed_at) < cutoff,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    visits = db.session.execute(
        update(Visit)
        .where(Visit.reader_id.is_not(None), Visit.day < before)
        .values(reader_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    counts = {"loans": loans, "fines": fines, "holds": holds, "visits": visits}
    record_action(
        "privacy",
        None,
        f"anonymise before {before.isoformat()}",
        {name: [None, count] for name, count in counts.items()},
    )
    db.session.expire_all()
    return counts


def reader_data(reader: Reader, *, user=None) -> dict:
    """Everything libsys keeps about a reader, for her (the export): codes as stored, days and
    times as Python values (the JSON writes them ISO), her category's name in the request's
    language; `user`, a library's account, gives it only to the readers of its own library."""
    require_library_scope(user, reader.home_library_id)
    record = {name: getattr(reader, name) for name in READER_FIELDS}
    record["category"] = reader.category.label(str(get_locale() or "vi"))
    record["admin_unit"] = reader.admin_unit.path() if reader.admin_unit else None
    record["home_library"] = reader.home_library.name
    record["has_password"] = bool(reader.password_hash)
    loans = db.session.scalars(
        select(Loan)
        .options(joinedload(Loan.item).joinedload(Item.record), joinedload(Loan.library))
        .where(Loan.reader_id == reader.id)
        .order_by(Loan.checked_out_at, Loan.id)
    ).all()
    holds = db.session.scalars(
        select(Hold)
        .options(joinedload(Hold.record), joinedload(Hold.pickup_library))
        .where(Hold.reader_id == reader.id)
        .order_by(Hold.placed_at, Hold.id)
    ).all()
    visits = db.session.scalars(
        select(Visit)
        .options(joinedload(Visit.library))
        .where(Visit.reader_id == reader.id)
        .order_by(Visit.day, Visit.id)
    ).all()
    fines = db.session.scalars(
        select(Fine).where(Fine.reader_id == reader.id).order_by(Fine.charged_at, Fine.id)
    ).all()
    return {
        "reader": record,
        "loans": [
            {
                "barcode": loan.item.barcode,
                "title": loan.item.record.title,
                "library": loan.library.name,
                "checked_out_at": loan.checked_out_at,
                "due_date": loan.due_date,
                "returned_at": loan.returned_at,
                "status": loan.status,
                "renewals": loan.renewals,
            }
            for loan in loans
        ],
        "holds": [
            {
                "title": hold.record.title,
                "pickup_library": hold.pickup_library.name,
                "placed_at": hold.placed_at,
                "status": hold.status,
                "closed_at": hold.closed_at,
            }
            for hold in holds
        ],
        "visits": [{"day": visit.day, "library": visit.library.name} for visit in visits],
        "fines": [
            {
                "amount": fine.amount,
                "overdue_days": fine.overdue_days,
                "charged_at": fine.charged_at,
                "settled_at": fine.settled_at,
                "waived": fine.waived,
            }
            for fine in fines
        ],
    }


def deletion_refusals(reader: Reader) -> list:
    """Why the reader cannot be deleted now (empty when she can)."""
    reasons = []
    open_loans = db.session.scalar(
        select(func.count())
        .select_from(Loan)
        .where(Loan.reader_id == reader.id, Loan.returned_at.is_(None))
    )
    if open_loans:
        reasons.append(
            _l(
                "She still has %(count)s loans: they must be returned (or settled as lost) first.",
                count=open_loans,
            )
        )
    fines = db.session.scalar(
        select(func.count())
        .select_from(Fine)
        .where(Fine.reader_id == reader.id, Fine.settled_at.is_(None))
    )
    if fines:
        reasons.append(
            _l("She still owes %(count)s fines: they must be paid or waived first.", count=fines)
        )
    holds = db.session.scalar(
        select(func.count())
        .select_from(Hold)
        .where(Hold.reader_id == reader.id, Hold.status.in_(ACTIVE_HOLD_STATUSES))
    )
    if holds:
        reasons.append(_l("She still has %(count)s active holds: cancel them first.", count=holds))
    return reasons


def delete_reader(reader: Reader, *, user=None) -> int:
    """Delete a reader on her request: her record and every row naming her; returns her id.

    `user`, a library's account, deletes only the readers of its own library (her home
    library is where she asks).

    Refused (READER_STILL_ACTIVE) while she has open loans, fines owed or active holds. Her
    returned loans and visits stay without her, her closed holds and settled fines go, the
    audit log keeps who changed her record and when but no longer what it said. The event log
    is untouched: its rows never held her id, so every statistic stays as it was.
    """
    require_library_scope(user, reader.home_library_id)
    reader = lock_row(Reader, reader.id)
    reasons = deletion_refusals(reader)
    if reasons:
        raise Conflict(" ".join(str(reason) for reason in reasons), code="READER_STILL_ACTIVE")
    reader_id, library_id = reader.id, reader.home_library_id
    for statement in (
        update(Loan).where(Loan.reader_id == reader_id).values(reader_id=None),
        update(Visit).where(Visit.reader_id == reader_id).values(reader_id=None),
        delete(Hold).where(Hold.reader_id == reader_id),
        delete(Fine).where(Fine.reader_id == reader_id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    forget_reader(reader_id)
    with audit_paused(db.session()) as session:  # the entry below says it, without her values
        session.delete(reader)
        session.flush()
    record_action("reader", reader_id, f"#{reader_id}", {"deleted": [None, "on request"]},
                  reader_id=reader_id, library_id=library_id)  # fmt: skip
    return reader_id


def audit_entries_about(reader_id: int) -> int:
    """How many audit entries name a reader (for tests and the report)."""
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.reader_id == reader_id)
    )
