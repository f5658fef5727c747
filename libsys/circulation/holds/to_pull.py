"""Holds to pull (Koha's "holds to pull"): the copies on a library's shelves that can fill a
waiting hold, for the librarian to take down and scan at returns, which traps each copy for
its hold (and sends it under a transfer when the reader collects elsewhere).

Each waiting hold is served once: first by a free copy at its own pickup library (those
show on that library's list only), else by a free copy here. Each copy serves one hold.
A copy is free when it is on the shelf (available, where it is now), in a store that lends,
set aside for nobody and not already travelling under a transfer.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from libsys.catalog.models import Item
from libsys.circulation.holds.models import Hold
from libsys.circulation.transfers.models import OPEN_STATUSES, Transfer
from libsys.errors import NotFound, PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store


@dataclass
class PullLine:
    """A waiting hold and the copy on this library's shelf that should fill it."""

    hold: Hold
    item: Item


# Where a copy stands now: away at another library, else at home.
_WHERE_NOW = func.coalesce(Item.location_library_id, Item.library_id)


def _free_copies(*columns):
    """Copies on a shelf that lend, set aside for no hold and under no open transfer
    (`columns`: what to select, the copies themselves by default)."""
    set_aside = aliased(Hold)  # apart from the waiting holds a caller may join
    trapped = select(set_aside.id).where(
        set_aside.item_id == Item.id, set_aside.status.in_(("on_shelf", "in_transit"))
    )
    moving = select(Transfer.id).where(
        Transfer.item_id == Item.id, Transfer.status.in_(OPEN_STATUSES)
    )
    return (
        select(*(columns or (Item,)))
        .select_from(Item)
        .outerjoin(Store, Store.id == Item.store_id)
        .where(
            Item.status == "available",
            or_(Store.id.is_(None), Store.reference_only.is_(False)),
            ~trapped.exists(),
            ~moving.exists(),
        )
    )


def holds_to_pull(library: Library) -> list[PullLine]:
    """The copies to take off this library's shelves for waiting holds, oldest hold first."""
    titles_here = (
        _free_copies(Item.record_id)
        .where(library.id == _WHERE_NOW)
        .join(Hold, and_(Hold.record_id == Item.record_id, Hold.status == "waiting"))
        .distinct()
    )
    record_ids = set(db.session.scalars(titles_here))
    if not record_ids:
        return []
    holds = db.session.scalars(
        select(Hold)
        .options(joinedload(Hold.record), joinedload(Hold.pickup_library))
        .where(Hold.record_id.in_(record_ids), Hold.status == "waiting")
        .order_by(Hold.placed_at, Hold.id)
    ).all()
    copies = db.session.scalars(
        _free_copies()
        .options(joinedload(Item.library))
        .where(Item.record_id.in_(record_ids))
        .order_by(Item.call_number.is_(None), Item.call_number, Item.barcode)
    ).all()
    return _share_out(holds, copies, library.id)


def _share_out(holds, copies, library_id: int) -> list[PullLine]:
    """Give each hold (in order) one copy: its own copy for a copy-level hold, else one at
    its pickup library, else one here; keep the lines whose copy stands here."""
    free = {copy.id: copy for copy in copies}
    served: dict[int, Item] = {}
    for hold in holds:  # first pass: what each pickup library can fill from its own shelf
        if hold.copy_level:
            if hold.item_id in free:
                served[hold.id] = free.pop(hold.item_id)
            continue
        local = next(
            (c for c in free.values()
             if c.record_id == hold.record_id and _where(c) == hold.pickup_library_id),
            None,
        )  # fmt: skip
        if local is not None:
            served[hold.id] = free.pop(local.id)
    for hold in holds:  # then this library's shelf for the holds still without a copy
        if hold.id in served or hold.copy_level:
            continue
        here = next(
            (c for c in free.values()
             if c.record_id == hold.record_id and _where(c) == library_id),
            None,
        )  # fmt: skip
        if here is not None:
            served[hold.id] = free.pop(here.id)
    return [
        PullLine(hold, served[hold.id])
        for hold in holds
        if hold.id in served and _where(served[hold.id]) == library_id
    ]


def _where(copy: Item) -> int:
    return copy.location_library_id or copy.library_id


def pull_library_for(user, code: str | None) -> Library:
    """The library whose list a staff account asks for: its own by default; an account of
    one library sees only its own; a network account names one (a field error otherwise)."""
    code = (code or "").strip()
    if not code:
        if user.library_id is None:
            raise ValidationFailed(fields={"library": _l("Say which library's list you want.")})
        return db.session.get(Library, user.library_id)
    library = db.session.scalar(select(Library).where(Library.code == code))
    if library is None:
        raise NotFound(_l("No library has the code %(code)s.", code=code), code="UNKNOWN_LIBRARY")
    if not user.can_act_for(library.id):
        raise PermissionDenied(_l("Your account sees its own library only."), code="OUT_OF_SCOPE")
    return library
