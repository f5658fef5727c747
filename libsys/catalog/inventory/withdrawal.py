"""Withdrawal (thanh lý) of copies: a removal line in the general register, one event per copy.

The removal line is an AcquisitionBatch of kind "removal" with its WithdrawnCopy rows;
its minutes (biên bản thanh lý) are printed by minutes.py.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from libsys.accounts.scope import require_library_scope
from libsys.catalog.inventory.models import Stocktake, WithdrawnCopy
from libsys.catalog.inventory.stocktaking import find_item
from libsys.catalog.models import AcquisitionBatch, Item
from libsys.catalog.states import ITEM_STATES
from libsys.core.clock import local_today
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.events import record_event


def _next_minutes_number(library: Library, day: date) -> str:
    count = db.session.scalar(
        select(func.count(AcquisitionBatch.id)).where(
            AcquisitionBatch.library_id == library.id,
            AcquisitionBatch.kind == "removal",
            AcquisitionBatch.received_on.between(date(day.year, 1, 1), date(day.year, 12, 31)),
        )
    )
    return f"TL-{day.year}-{count + 1:03d}"


def withdraw_items(
    library: Library,
    barcodes: list[str],
    *,
    reason: str,
    day: date | None = None,
    reference: str | None = None,
    stocktake: Stocktake | None = None,
    user=None,
) -> AcquisitionBatch:
    """Withdraw copies (thanh lý): status withdrawn, a removal line, one event per copy
    (`user`, a library's account: its own library's copies only)."""
    require_library_scope(user, library.id)
    if stocktake is not None and stocktake.library_id != library.id:
        raise ValidationFailed(fields={"stocktake": _l("This stocktake is another library's.")})
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _l("Give the reason for the withdrawal.")
    wanted = list(dict.fromkeys(b.strip() for b in barcodes if b and b.strip()))
    if not wanted:
        errors["barcodes"] = _l("List the copies to withdraw.")
    items, problems = [], []
    for barcode in wanted:
        item = find_item(barcode, library.id)
        if item is None:
            problems.append(_("%(barcode)s: unknown barcode", barcode=barcode))
        elif item.library_id != library.id:
            problems.append(_("%(barcode)s: belongs to another library", barcode=barcode))
        elif item.status == "withdrawn":
            problems.append(_("%(barcode)s: already withdrawn", barcode=barcode))
        elif not ITEM_STATES.can(item.status, "withdraw"):
            # On loan, on the hold shelf, on the road or at a rotation point: not until back.
            problems.append(_("%(barcode)s: not on the shelf (on loan or away)", barcode=barcode))
        else:
            items.append(item)
    if problems:
        errors["barcodes"] = "; ".join(problems)
    if errors:
        raise ValidationFailed(fields=errors)
    day = day or local_today()
    batch = AcquisitionBatch(
        library=library,
        kind="removal",
        received_on=day,
        source="withdrawal",
        reference=(reference or "").strip() or _next_minutes_number(library, day),
        notes=reason,
    )
    db.session.add(batch)
    db.session.flush()
    for item in items:
        ITEM_STATES.trigger(item, "withdraw")
        item.withdrawn_on = day
        item.withdrawal_reason = reason
        db.session.add(WithdrawnCopy(batch=batch, item=item, price=item.price, stocktake=stocktake))
        record_event("item_withdrawn", library=library, item=item, day=day, batch=batch.reference)
    db.session.flush()
    return batch


def get_removal(batch_id: int, *, user=None) -> AcquisitionBatch:
    """A removal line (withdrawal) by id, or NotFound (`user`: its own library's)."""
    batch = db.session.get(AcquisitionBatch, batch_id)
    if batch is None or batch.kind != "removal":
        raise NotFound(_l("No such withdrawal."))
    require_library_scope(user, batch.library_id)
    return batch


def removal_copies(batch: AcquisitionBatch) -> list[WithdrawnCopy]:
    """The copies of a removal line, by accession number."""
    return list(
        db.session.scalars(
            select(WithdrawnCopy)
            .join(Item, Item.id == WithdrawnCopy.item_id)
            .where(WithdrawnCopy.batch_id == batch.id)
            .options(joinedload(WithdrawnCopy.item).joinedload(Item.record))
            .order_by(Item.accession_number)
        )
    )
