"""The whole demo, loaded on different days: what a new user signs in to must work."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.rules import reader_blocks
from libsys.readers.models import Reader


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 22),  # a Sunday: TVLC is closed, due dates move
        date(2026, 12, 3),  # a child's 7-day loans, shifted back up to 12 days
        date(2027, 1, 30),  # loans due in Tết
    ],
)
def test_the_reader_who_signs_in_may_borrow_whatever_the_day(db, monkeypatch, day):
    import libsys.core.clock as clock
    from libsys.demo import load_demo

    monkeypatch.setattr(clock, "local_now", lambda: datetime.combine(day, time(1, 30)))
    load_demo(reader_count=20)
    reader = db.session.scalar(
        select(Reader).where(Reader.password_hash.is_not(None)).order_by(Reader.id)
    )
    loans = db.session.scalars(
        select(Loan).where(Loan.reader_id == reader.id, Loan.returned_at.is_(None))
    ).all()
    assert loans, "the demo reader who signs in has books on loan"
    assert all(loan.due_date >= day for loan in loans)
    assert reader_blocks(reader, day) == []


def test_a_fresh_demo_leaves_the_audit_log_empty_and_the_log_listening(db):
    from sqlalchemy import func

    from libsys.audit.models import AuditEntry
    from libsys.demo import load_demo

    load_demo(reader_count=5)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0
    reader = db.session.scalar(select(Reader).order_by(Reader.id))
    reader.phone = "0912345000"  # the first staff change after the install is logged
    db.session.flush()
    changed = db.session.scalars(select(AuditEntry)).all()
    assert [(e.table_name, e.row_id, e.changes["phone"][1]) for e in changed] == [
        ("reader", reader.id, "0912345000")
    ]
