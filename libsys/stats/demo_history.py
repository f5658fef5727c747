"""The demo's past: two years of the event log, so the statistics dashboard shows a year.

From 1 January of last year up to yesterday (relative to today, never fixed dates), every
library of the demo network gets visits (readers' cards and walk-in tallies of adults and
children), loans with their renewals and returns, in-library uses and acquisitions, and
every rotation point a monthly tally. Volumes follow the seed plans' targets (stats.demo):
the provincial library and Phong Thổ on track for their visits, Tam Đường behind its own
35,000, each library 6-11 % above last year (the network behind the plans' 10 %);
children come more in summer and on the reading day (21/4), the Tết month is quiet and
school libraries close for the summer.

Rows have the shape `record_event` writes, with the snapshots reports group by, and are
inserted in bulk (a few tens of thousands). Readers' visits carry the pseudonyms of the
demo's real readers, from the day their card was issued; loans name a demo title and its
store but no copy (the demo's copies entered the catalogue last month, and a copy's history
must not show loans from before it), so they carry no pseudonym. New cards are not written
here: each demo reader's registration is already in the log on its issue date. A kind is
written only before the first day the other demo parts wrote one (the desk's loans and
visits are today's, the catalogue's acquisitions last month's), and a point's month only
when no tally of that month is there, so nothing is counted twice. Every row says
details["demo_history"]. Last, the closed months are frozen, as the nightly job would.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from libsys.catalog.models import Item, Record
from libsys.extensions import db
from libsys.network.models import Store
from libsys.stats.events import reader_key
from libsys.stats.freezing import freeze_closed_months
from libsys.stats.models import Event

# Visits a year at the present pace, and the growth on last year (%). TVTD's plan asks
# 35,000; the provincial library's 10,000-12,000 and a district's 17,000-18,000 (1133/KH).
VISITS_A_YEAR = {
    "TVLC": (12_400, 10),
    "TVTD": (31_000, 8),
    "TVPT": (18_200, 11),
    "TVBL": (3_600, 7),
    "THCSBL": (5_200, 8),
    "THTD": (4_100, 6),
}
# Copies acquired a year (purchases in six batches); districts 500-1,000 (1133/KH).
ACQUIRED_A_YEAR = {"TVLC": 4_200, "TVTD": 760, "TVPT": 640, "TVBL": 150, "THCSBL": 220, "THTD": 160}
ACQUISITION_MONTHS = (2, 4, 6, 8, 10, 12)
# A rotation point's month: (visits, uses) about.
POINT_TALLY = {"BDBG": (48, 85), "BDNT": (36, 60), "BDMS": (30, 52)}
# Share of visits by readers who show a card (the rest are walk-ins counted by tally).
CARD_SHARE = 0.05
# Copies lent at a card visit: 0, 1, 2 or 3, with these weights.
LOANS_PER_VISIT = (30, 38, 23, 9)
RENEWED_SHARE = 0.15
LOAN_DAYS = 14
# In-library uses per walk-in visitor.
USES_PER_WALK_IN = 0.9
# Month weights (January first) for adults and for children: Tết in February is quiet,
# children come in the summer holidays.
ADULT_MONTHS = (1.0, 0.8, 1.05, 1.1, 1.0, 0.95, 0.9, 0.95, 1.05, 1.1, 1.1, 1.0)
CHILD_MONTHS = (0.85, 0.6, 0.9, 1.25, 1.0, 1.55, 1.7, 1.45, 0.85, 0.8, 0.8, 0.85)
CHILDREN_SHARE = 0.35
READING_DAY = (4, 21)  # Ngày Sách và Văn hóa đọc Việt Nam: children x5, adults x2
SCHOOL_LEVEL = "school"
CLOSED_SUNDAYS = ("TVLC",)  # as the desk's calendar in the demo (circulation.demo)
WRITTEN_KINDS = ("visit", "checkout", "renewal", "checkin", "inhouse_use", "item_acquired")
MARK = {"demo_history": True}

_EVENT = Event.__table__
_COLUMNS = tuple(column.key for column in _EVENT.columns if not column.primary_key)


def _open(code: str, level: str, day: date) -> bool:
    if level == SCHOOL_LEVEL:
        return day.weekday() < 5 and day.month not in (6, 7)
    return not (code in CLOSED_SUNDAYS and day.weekday() == 6)


def _weights(code: str, level: str, day: date) -> tuple[float, float]:
    """(adults', children's) weight of a day at a library; 0 when it is closed."""
    if not _open(code, level, day):
        return 0.0, 0.0
    adults, children = ADULT_MONTHS[day.month - 1], CHILD_MONTHS[day.month - 1]
    if (day.month, day.day) == READING_DAY:
        adults, children = adults * 2, children * 5
    if level == SCHOOL_LEVEL:
        adults = adults * 0.3  # teachers; a school library's readers are its pupils
    return adults * (1 - CHILDREN_SHARE), children * CHILDREN_SHARE


def _year_days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


class _History:
    """Builds the rows; `rng` seeded so every load of the demo tells the same story."""

    def __init__(self, context: dict):
        self.today = context["today"]
        self.rng = random.Random(14)
        self.libraries = context["libraries"]
        self.rows: list[dict] = []
        self.readers: dict[int, list] = {}
        for reader in context["readers"]:
            if reader.status == "active" and reader.home_library_id:
                self.readers.setdefault(reader.home_library_id, []).append(reader)
        self.cutoff = {kind: self._last_day(kind) for kind in WRITTEN_KINDS}
        self.copies = self._copies()
        self.keys: dict[int, str] = {}

    def _last_day(self, kind: str) -> date:
        """Yesterday, or the day before the other demo parts' first event of this kind."""
        first = db.session.scalar(select(func.min(Event.day)).where(Event.kind == kind))
        last = self.today - timedelta(days=1)
        return min(last, first - timedelta(days=1)) if first else last

    def _copies(self) -> dict[int, list[tuple]]:
        """Per library: (record, store, material type, class) of its lendable copies."""
        statement = (
            select(Item.library_id, Item.record_id, Store.code, Record.material_type, Record.ddc)
            .join(Store, Store.id == Item.store_id)
            .join(Record, Record.id == Item.record_id)
            .order_by(Item.id)
        )
        copies: dict[int, list[tuple]] = {}
        for library_id, record_id, store, material, ddc in db.session.execute(statement):
            ddc = (ddc or "")[:3]
            copies.setdefault(library_id, []).append(
                (record_id, store, material, ddc if ddc.isdigit() else None)
            )
        return copies

    def add(self, kind: str, day: date, library, quantity: int = 1, **values) -> None:
        """One event row as record_event writes it (every column given)."""
        row = dict.fromkeys(_COLUMNS)
        hour = time(self.rng.randint(1, 9), self.rng.randint(0, 59))  # 8:00-17:00 local
        row.update(
            occurred_at=datetime.combine(day, hour, tzinfo=UTC).replace(tzinfo=None),
            kind=kind,
            day=day,
            library_id=library.id,
            quantity=quantity,
            details=dict(MARK),
        )
        details = values.pop("details", None)
        if details:
            row["details"].update(details)
        row.update(values)
        self.rows.append(row)

    @staticmethod
    def reader_snapshot(reader, day: date) -> dict:
        """The reader's attributes as record_event snapshots them."""
        return {
            "reader_category": reader.category.code,
            "reader_children": reader.category.is_children,
            "reader_age_group": reader.age_group_on(day),
            "reader_gender": reader.gender,
            "reader_ethnicity": reader.ethnicity,
            "reader_admin_unit": reader.admin_unit.code if reader.admin_unit else None,
        }

    def copy_snapshot(self, library, copy: tuple) -> dict:
        """A copy's title, store, material type and class, naming no copy."""
        record_id, store, material, ddc = copy
        return {
            "record_id": record_id,
            "item_library": library.code,
            "item_store": store,
            "item_material_type": material,
            "item_class": ddc,
        }

    # -- visits, loans and in-library uses -------------------------------------------------

    def visits(self, library, yearly: int, growth: int) -> None:
        """A library's days from 1 January last year to the cutoff."""
        first_year = self.today.year - 1
        for year in (first_year, self.today.year):
            total = yearly if year == self.today.year else yearly * 100 / (100 + growth)
            weights = {day: _weights(library.code, library.level, day) for day in _year_days(year)}
            scale = total / sum(a + c for a, c in weights.values())
            for day, (adults, children) in weights.items():
                if day > self.cutoff["visit"]:
                    break
                if adults + children:
                    self.day_at(library, day, adults * scale, children * scale)

    def day_at(self, library, day: date, adults: float, children: float) -> None:
        """One open day: card visits with their loans, walk-in tallies, in-library uses."""
        noise = self.rng.uniform(0.8, 1.2)
        adults, children = round(adults * noise), round(children * noise)
        eligible = [r for r in self.readers.get(library.id, ()) if r.card_issued <= day]
        # The loans follow the visits' pace, not the number of cards issued by then: while
        # the demo's readers are still few (their cards date from the last two years), each
        # borrows more, so loans grow with visits instead of with the cards.
        wanted = round((adults + children) * CARD_SHARE)
        chosen = self.rng.sample(eligible, min(len(eligible), wanted))
        for number, reader in enumerate(chosen):
            snapshot = self.reader_snapshot(reader, day)
            key = self.keys.get(reader.id) or self.keys.setdefault(reader.id, reader_key(reader.id))
            self.add("visit", day, library, reader_key=key, **snapshot)
            if reader.category.is_children:
                children -= 1
            else:
                adults -= 1
            self.loans(library, day, snapshot, visits=len(range(number, wanted, len(chosen))))
        for category, count in (("adults", adults), ("children", children)):
            if count > 0:
                children_flag = {"children": category == "children"}
                self.add("visit", day, library, count, reader_category=category,
                         details=children_flag)  # fmt: skip
        uses = round(max(adults + children, 0) * USES_PER_WALK_IN)
        copies = self.copies.get(library.id)
        if uses and copies and day <= self.cutoff["inhouse_use"]:
            copy = self.rng.choice(copies)
            self.add("inhouse_use", day, library, uses, **self.copy_snapshot(library, copy))

    def loans(self, library, day: date, reader_snapshot: dict, visits: int = 1) -> None:
        """A card visit's loans (as many as `visits` visits make), their renewals and returns
        (those up to the cutoff)."""
        copies = self.copies.get(library.id)
        if not copies or day > self.cutoff["checkout"]:
            return
        draws = self.rng.choices(range(len(LOANS_PER_VISIT)), weights=LOANS_PER_VISIT, k=visits)
        count = sum(draws)
        for copy in self.rng.sample(copies, min(count, len(copies))):
            values = {**reader_snapshot, **self.copy_snapshot(library, copy)}
            due = day + timedelta(days=LOAN_DAYS)
            self.add("checkout", day, library, **values, details={"due_date": due.isoformat()})
            if self.rng.random() < RENEWED_SHARE and due <= self.cutoff["renewal"]:
                due = due + timedelta(days=LOAN_DAYS)
                self.add("renewal", due - timedelta(days=LOAN_DAYS), library, **values,
                         details={"due_date": due.isoformat()})  # fmt: skip
            back = due - timedelta(days=self.rng.randint(0, LOAN_DAYS - 3))
            if back <= self.cutoff["checkin"]:
                self.add("checkin", back, library, **values)

    # -- acquisitions and rotation points ----------------------------------------------------

    def acquisitions(self, library, yearly: int) -> None:
        """Purchases in batches through the year, of the library's demo titles."""
        copies = self.copies.get(library.id)
        if not copies:
            return
        per_batch = yearly // len(ACQUISITION_MONTHS)
        for year in (self.today.year - 1, self.today.year):
            for month in ACQUISITION_MONTHS:
                day = date(year, month, 15)
                if day > self.cutoff["item_acquired"]:
                    return
                for copy in self.rng.choices(copies, k=per_batch):
                    self.add("item_acquired", day, library, **self.copy_snapshot(library, copy),
                             details={"source": "purchase"})  # fmt: skip

    def point_tallies(self, point, visits: int, uses: int) -> None:
        """A keeper's tally at the end of each closed month with no tally yet."""
        tallied = set(
            db.session.scalars(
                select(Event.details["period"].as_string()).where(
                    Event.kind == "point_tally", Event.library_id == point.id
                )
            )
        )
        month = date(self.today.year - 1, 1, 1)
        while month < self.today.replace(day=1):
            last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            period = month.strftime("%Y-%m")
            if period not in tallied:
                season = CHILD_MONTHS[month.month - 1]
                month_visits = round(visits * season * self.rng.uniform(0.8, 1.2))
                month_uses = round(uses * season * self.rng.uniform(0.8, 1.2))
                counts = {
                    "visits": month_visits,
                    "uses": month_uses,
                    "children_visits": round(month_visits * 0.4),
                    "children_uses": round(month_uses * 0.45),
                }
                details = {"period": period, "requests": [], "batch": None, **counts}
                self.add("point_tally", last_day, point, month_uses, details=details)
            month = last_day + timedelta(days=1)


def load_history(context: dict) -> int:
    """Write the demo network's past into the event log; the rows written."""
    history = _History(context)
    for code, (yearly, growth) in VISITS_A_YEAR.items():
        if code in history.libraries:
            history.visits(history.libraries[code], yearly, growth)
    for code, yearly in ACQUIRED_A_YEAR.items():
        if code in history.libraries:
            history.acquisitions(history.libraries[code], yearly)
    for code, (visits, uses) in POINT_TALLY.items():
        if code in history.libraries:
            history.point_tallies(history.libraries[code], visits, uses)
    if history.rows:
        db.session.execute(_EVENT.insert(), history.rows)
    return len(history.rows)


def load_demo(context: dict) -> list[str]:
    """The demo part: the past two years of events, then every closed month frozen."""
    if not context.get("readers") or "TVLC" not in context["libraries"]:
        return []
    rows = load_history(context)
    db.session.flush()
    frozen = freeze_closed_months()
    return [f"event log history since 1/1/{context['today'].year - 1}: {rows} events, "
            f"{len(frozen)} closed months frozen"]  # fmt: skip
