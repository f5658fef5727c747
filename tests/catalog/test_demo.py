"""The demo catalogue."""

from sqlalchemy import func, select

from libsys.catalog.demo import load_demo
from libsys.catalog.models import AcquisitionBatch, Item, Record
from libsys.core.clock import local_today
from libsys.extensions import db


def test_demo_books_are_catalogued_with_copies_across_the_network(network):
    lines = load_demo({"libraries": network, "readers": [], "today": local_today()})
    records = db.session.scalar(select(func.count(Record.id)))
    assert records >= 300 and lines[0] == f"catalogue records: {records}"
    per_library = dict(
        db.session.execute(
            select(Item.library_id, func.count(Item.id)).group_by(Item.library_id)
        ).all()
    )
    counts = {code: per_library.get(lib.id, 0) for code, lib in network.items()}
    assert counts["TVLC"] == max(counts.values())
    for code in ("TVTD", "TVPT", "TVBL", "THCSBL", "THTD"):
        assert counts[code] > 0, code
    assert counts["BDBG"] == 0  # rotation points receive batches, not acquisitions
    # Children's books of the school library sit in its children's store.
    school = db.session.scalars(select(Item).where(Item.library_id == network["THTD"].id))
    assert {item.store.code for item in school} == {"TN"}
    kieu = db.session.scalars(select(Record).where(Record.title == "Truyện Kiều")).first()
    assert kieu.items and kieu.items[0].call_number.startswith("895.9221 / NG-D")
    batches = db.session.scalars(select(AcquisitionBatch)).all()
    assert {batch.library.code for batch in batches} >= {"TVLC", "TVTD"}
    assert all(item.batch_id for item in db.session.scalars(select(Item)))
