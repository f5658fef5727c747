"""Demo rotation: Tam Đường district library's batches to its post-office cultural points,
one in each stage of a batch's life (a draft, one at a point with a month's tally, one
overdue on its way back, one closed with a copy damaged and one missing)."""

from datetime import timedelta

from sqlalchemy import or_, select

from libsys.accounts.models import User
from libsys.catalog.models import Item
from libsys.extensions import db
from libsys.network.models import Store
from libsys.rotation import at_point, batches
from libsys.rotation.models import RotationBatchItem

# The library that rotates in the demo, and its officer (who builds every batch).
DEMO_LIBRARY = "TVTD"
DEMO_OFFICER = "luanchuyen"
COPIES_PER_BATCH = 4
# Never rotated (the default of ROTATION_RARE_ITEM_TYPES).
RARE_TYPES = ("rare",)


def _free_copies(library_id: int) -> list[Item]:
    """Copies on the shelf at the library, not in a reference-only store, rotation store
    first, in no open batch."""
    in_batch = select(RotationBatchItem.item_id).where(RotationBatchItem.active.is_(True))
    copies = db.session.scalars(
        select(Item)
        .join(Store, Item.store_id == Store.id)
        .where(
            Item.library_id == library_id,
            Item.status == "available",
            or_(Item.item_type.is_(None), Item.item_type.not_in(RARE_TYPES)),
            Store.reference_only.is_(False),
            Item.id.not_in(in_batch),
        )
        .order_by((Store.code != "LC"), Item.id)
    )
    return list(copies)


def _build(officer, library, point, copies, today):
    """A draft batch holding `copies`, home in four months."""
    batch = batches.create_batch(
        officer,
        library=library,
        point=point,
        planned_return=batches.add_months(today, 4) - timedelta(days=1),
        priority_groups=["children", "ethnic_minorities"],
    )
    for item in copies:
        batches.add_copy(officer, batch.id, item.barcode)
    return batch


def _sent(officer, library, point, copies, today):
    """A batch built, packed and dispatched."""
    batch = _build(officer, library, point, copies, today)
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    return batch


def load_demo(context) -> list[str]:
    """Four batches from Tam Đường to Bản Giang and Nà Tăm, in different states."""
    libraries = context["libraries"]
    today = context["today"]
    library = libraries.get(DEMO_LIBRARY)
    officer = db.session.scalar(select(User).where(User.username == DEMO_OFFICER))
    bangiang, natam = libraries.get("BDBG"), libraries.get("BDNT")
    if None in (library, officer, bangiang, natam):
        return []
    free = _free_copies(library.id)
    if len(free) < 4 * COPIES_PER_BATCH:
        return []
    lots = [free[n * COPIES_PER_BATCH : (n + 1) * COPIES_PER_BATCH] for n in range(4)]

    # Closed months ago: back, one copy damaged, one never came back.
    closed = _sent(officer, library, bangiang, lots[0], today)
    at_point.receive(officer, closed.id)
    batches.start_return(officer, closed.id)
    barcodes = [item.barcode for item in lots[0]]
    batches.close(officer, closed.id, returned=barcodes[:2], damaged=barcodes[2:3])
    closed.dispatched_on = today - timedelta(days=200)
    closed.received_on = today - timedelta(days=198)
    closed.return_started_on = today - timedelta(days=25)
    closed.closed_on = today - timedelta(days=20)
    closed.planned_return = today - timedelta(days=22)

    # At Bản Giang now, with last month's tally.
    serving = _sent(officer, library, bangiang, lots[1], today)
    at_point.receive(officer, serving.id)
    serving.dispatched_on = today - timedelta(days=40)
    serving.received_on = today - timedelta(days=38)
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    at_point.record_tally(
        officer,
        serving.id,
        {"period": last_month, "visits": 46, "uses": 83, "children_visits": 19,
         "children_uses": 35, "requests": ["Kỹ thuật trồng chè", "Truyện cổ tích Thái"]},
    )  # fmt: skip

    # On its way back from Nà Tăm, past its planned return (overdue).
    returning = _sent(officer, library, natam, lots[2], today)
    at_point.receive(officer, returning.id)
    batches.start_return(officer, returning.id)
    returning.dispatched_on = today - timedelta(days=185)
    returning.received_on = today - timedelta(days=183)
    returning.return_started_on = today - timedelta(days=3)
    returning.planned_return = today - timedelta(days=5)

    # A draft for Nà Tăm, still being built.
    _build(officer, library, natam, lots[3], today)
    db.session.flush()
    return [f"rotation batches: 4 ({DEMO_LIBRARY} to BDBG and BDNT: draft, at point, "
            "returning, closed)"]  # fmt: skip
