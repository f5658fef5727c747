"""Statistics fixtures: a known year of history at Tam Đường (2025), counted by hand."""

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from libsys.catalog.models import Item, Record
from libsys.extensions import db as _db
from libsys.network.models import AdminUnit, Library, Store
from libsys.stats.events import record_event
from libsys.stats.plans import add_plan
from tests.factories import make_reader

_serial = itertools.count(1)


def library(code: str) -> Library:
    """A demo library or point by code."""
    return _db.session.scalar(select(Library).where(Library.code == code))


def make_record(title: str, ddc: str | None = None) -> Record:
    """A bare title with a DDC number."""
    record = Record(marc="{}", title=title, title_sort=title.lower(), ddc=ddc)
    _db.session.add(record)
    _db.session.flush()
    return record


def make_copy(record, library_code="TVTD", *, acquired_on=None, withdrawn_on=None) -> Item:
    """A copy in the VN store of a library, acquired (and withdrawn) on the given days."""
    lib = library(library_code)
    store = _db.session.scalar(select(Store).where(Store.library_id == lib.id, Store.code == "VN"))
    number = next(_serial)
    item = Item(
        record_id=record.id,
        library_id=lib.id,
        store_id=store.id,
        accession_number=f"VN.{number:06d}",
        barcode=f"S{number:08d}",
        status="withdrawn" if withdrawn_on else "available",
        acquired_on=acquired_on,
        withdrawn_on=withdrawn_on,
    )
    _db.session.add(item)
    _db.session.flush()
    return item


@pytest.fixture
def history(network):
    """A year of Tam Đường (TVTD, points BDBG and BDNT) and a little of the province."""
    tvtd, tvlc, bdbg = library("TVTD"), library("TVLC"), library("BDBG")
    # Ten inhabitants, so the per-capita figures are easy to check by hand.
    _db.session.scalar(select(AdminUnit).where(AdminUnit.code == "106")).population = 10
    a = make_reader(full_name="Lê Thị An", home_library="TVTD", admin_unit="03490",
                    card_issued="2025-01-15")  # fmt: skip
    c = make_reader(full_name="Lò Văn Tú", category="children", gender="male",
                    date_of_birth="2016-01-01", home_library="TVTD", guardian_name="Lò Văn Páo",
                    guardian_phone="0912345678", card_issued="2025-02-01")  # fmt: skip
    novel = make_record("Dế Mèn phiêu lưu ký", "895.9223")
    society = make_record("Xã hội học", "301")
    atlas = make_record("Atlat Việt Nam", "912")
    poems = make_record("Thơ", "895.9221")
    old = date(2024, 5, 1)
    i1, i2, i3 = (make_copy(novel, acquired_on=old) for _ in range(3))
    i4 = make_copy(society, acquired_on=date(2025, 3, 10))
    i5 = make_copy(atlas, acquired_on=date(2025, 2, 1), withdrawn_on=date(2025, 11, 1))
    make_copy(atlas, acquired_on=date(2026, 1, 5))  # after the year: not held at 31/12/2025
    make_copy(poems, acquired_on=old)  # i7: held, never used
    j1 = make_copy(novel, "TVLC", acquired_on=old)

    def event(kind, day, **values):
        record_event(kind, day=date.fromisoformat(day), **values)

    # Visits: 12 at Tam Đường (one at its point's desk), 6 of them by children.
    event("visit", "2025-03-03", library=tvtd, reader=a)
    event("visit", "2025-03-03", library=tvtd, reader=c)
    event("visit", "2025-04-10", library=tvtd, reader=a)
    event("visit", "2025-04-10", library=tvtd, quantity=5, reader_category="children")
    event("visit", "2025-05-05", library=tvtd, quantity=3, reader_category="adults")
    event("visit", "2025-07-10", library=bdbg, reader=a)
    event("visit", "2024-06-01", library=tvtd, quantity=10, reader_category="adults")
    event("visit", "2025-03-03", library=tvlc, quantity=100, reader_category="adults")
    # Loans (3 here, 1 at the province), a renewal, in-library uses.
    event("checkout", "2025-03-03", library=tvtd, reader=a, item=i1)
    event("renewal", "2025-03-20", library=tvtd, reader=a, item=i1)
    event("checkout", "2025-04-10", library=tvtd, reader=c, item=i2)
    event("checkout", "2025-06-01", library=tvtd, reader=a, item=i1)
    event("checkout", "2025-06-01", library=tvlc, reader=a, item=j1)
    event("inhouse_use", "2025-05-05", library=tvtd, item=i4)
    event("inhouse_use", "2025-05-05", library=tvtd, item=i3)
    # Cards (the readers registered above, in January and February) and acquisitions.
    event("item_acquired", "2025-03-10", library=tvtd, item=i4)
    event("item_acquired", "2025-02-01", library=tvtd, item=i5)
    event("item_withdrawn", "2025-11-01", library=tvtd, item=i5)
    event("periodical_received", "2025-01-05", library=tvtd, periodical_id=7)
    event("periodical_received", "2025-02-05", library=tvtd, periodical_id=7)
    event("periodical_received", "2025-01-05", library=tvtd, periodical_id=8)
    # Rotation: two batches, three copies, two points.
    event("batch_dispatched", "2025-07-01", library=tvtd, item=i2, batch=1, point="BDBG")
    event("batch_dispatched", "2025-07-01", library=tvtd, item=i3, batch=1, point="BDBG")
    event("batch_dispatched", "2025-08-01", library=tvtd, item=i4, batch=2, point="BDNT")
    event("point_loan", "2025-07-10", library=bdbg, item=i2, batch=1)
    event("point_tally", "2025-07-31", library=bdbg, quantity=4, batch=1, visits=6, uses=4,
          children_visits=2, children_uses=1)  # fmt: skip
    counts = {"dispatched": 2, "returned": 1, "damaged": 0, "missing": 1}
    event("batch_closed", "2025-09-30", library=tvtd, quantity=2, batch=1, counts=counts)
    # Activities: two exhibitions and a book talk.
    event(
        "activity",
        "2025-04-21",
        library=tvtd,
        activity_kind="exhibition",
        participants=40,
        children=25,
    )
    event("activity", "2025-09-02", library=tvtd, activity_kind="exhibition", participants=10)
    event("activity", "2025-10-10", library=tvtd, activity_kind="book_talk", participants=30)
    add_plan("1/KH", "UBND huyện", date(2024, 1, 2), (2024, 2025), "Kế hoạch thử",
             [("visits", "TVTD", (2025,), 10, 20),
              ("acquired_copies", "district", (2024,), 500, 1000),
              ("visits", None, (2025,), 100, None)])  # fmt: skip
    _db.session.flush()
    return {"readers": (a, c), "copies": (i1, i2, i3, i4, i5)}
