"""Demo circulation: policies, calendars (Sunday at TVLC, Tết 2027), loans, holds, visits."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from libsys.catalog.models import Item
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.services import checkout
from libsys.circulation.policies.models import CirculationPolicy, ClosedWeekday, Holiday
from libsys.circulation.visits.services import record_visit
from libsys.extensions import db
from libsys.network.models import Store
from libsys.readers.models import ReaderCategory

DEMO_LOANS = 40
DEMO_OVERDUE_SHARE = 4  # one loan in four is overdue
DEMO_HOLDS = 8


def load_policies(libraries: dict) -> None:
    """The network default, a children's rule, Sunday closing at TVLC and Tết 2027."""
    db.session.add(
        CirculationPolicy(
            loan_days=14,
            max_loans=5,
            renewals_allowed=2,
            renewal_days=14,
            holds_allowed=3,
            hold_shelf_days=3,
            fine_per_day=0,
            grace_days=0,
            overdue_blocks=True,
            notes="Quy định chung của mạng lưới",
        )
    )
    children = db.session.scalar(select(ReaderCategory).where(ReaderCategory.code == "children"))
    if children is not None:
        db.session.add(
            CirculationPolicy(
                reader_category_id=children.id,
                loan_days=7,
                max_loans=3,
                renewals_allowed=1,
                renewal_days=7,
                notes="Thiếu nhi: mượn 3 cuốn trong 7 ngày",
            )
        )
    if "TVLC" in libraries:
        db.session.add(ClosedWeekday(library_id=libraries["TVLC"].id, weekday=6))
    db.session.add(
        Holiday(library_id=None, name="Tết Nguyên đán Đinh Mùi 2027",
                first_day=date(2027, 2, 4), last_day=date(2027, 2, 10))
    )  # fmt: skip
    db.session.add(
        Holiday(library_id=None, name="Quốc khánh 2/9", first_day=date(2026, 9, 2),
                last_day=date(2026, 9, 2))
    )  # fmt: skip
    db.session.flush()


def _lendable_items(library) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item)
            .join(Store, Store.id == Item.store_id)
            .where(
                Item.library_id == library.id,
                Item.status == "available",
                Store.reference_only.is_(False),
            )
            .order_by(Item.id)
            .limit(400)
        )
    )


def load_demo(context: dict) -> list[str]:
    """Policies and calendars always; loans, holds and visits when copies exist."""
    libraries, readers, today = context["libraries"], context["readers"], context["today"]
    load_policies(libraries)
    summary = ["circulation policies: network default, children; Sunday closed at TVLC; Tết 2027"]
    if not db.session.scalar(select(func.count(Item.id))) or not readers:
        summary.append("no copies catalogued yet: no demo loans")
        return summary
    rng = random.Random(5)
    desk = libraries.get("TVLC") or next(iter(libraries.values()))
    items = _lendable_items(desk)
    rng.shuffle(items)
    borrowers = [r for r in readers if r.status == "active" and r.card_expires > today]
    loans = []
    for item in items:
        if len(loans) >= DEMO_LOANS or not borrowers:
            break
        # The demo reader who can sign in to the OPAC (readers[0]) gets the first loans,
        # so a new user sees an account with books in it.
        reader = readers[0] if len(loans) < 2 and readers[0] in borrowers else rng.choice(borrowers)
        try:
            with db.session.begin_nested():
                loans.append(checkout(item.barcode, reader.card_number, library=desk).loan)
        except DeskRefusal:
            continue
    for number, loan in enumerate(loans):
        # Spread the loans over the past weeks; some are now overdue.
        signs_in = loan.reader_id == readers[0].id
        overdue = number % DEMO_OVERDUE_SHARE == 0 and not signs_in
        back = rng.randint(1, 12) + (20 if overdue else 0)
        if signs_in:
            # The reader who signs in is never overdue, whatever her loan period (a child's
            # is 7 days) and wherever the closed days put the due date: she may borrow more.
            back = min(back, (loan.due_date - today).days - 1)
        loan.checked_out_at = loan.checked_out_at - timedelta(days=back)
        loan.due_date = loan.due_date - timedelta(days=back)
    holds = 0
    for loan in loans[:DEMO_HOLDS]:
        reader = rng.choice(borrowers)
        try:
            with db.session.begin_nested():
                place_hold(reader, record=loan.item.record, pickup_library=desk)
            holds += 1
        except DeskRefusal:
            continue
    visits = 0
    for reader in rng.sample(borrowers, min(25, len(borrowers))):
        record_visit(desk, reader)
        visits += 1
    record_visit(desk, count=12, category="children")
    record_visit(desk, count=7, category="adults")
    db.session.flush()
    overdue = sum(1 for loan in loans if loan.due_date < today)
    summary.append(
        f"loans: {len(loans)} ({overdue} overdue), holds: {holds}, visits: {visits + 19}"
    )
    return summary
