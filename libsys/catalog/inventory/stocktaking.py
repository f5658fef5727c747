"""Stocktaking (kiểm kê) by scanning: the services behind the scanning page and its results.

A stocktake of a library's store collects scanned barcodes; comparing them with the
holdings gives the missing copies (on the shelf list, not scanned), the misplaced ones
(scanned here, belonging elsewhere) and the unexpected ones (unknown, withdrawn, on loan).
Withdrawing the missing copies afterwards is withdrawal.py's work.
"""

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from libsys.accounts.scope import require_library_scope
from libsys.catalog.inventory.models import Stocktake, StocktakeScan
from libsys.catalog.models import Item, barcode_matches
from libsys.db import utcnow
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store

# A copy scanned on the shelf with one of these statuses should not be there.
UNEXPECTED_STATUSES = ("withdrawn", "on_loan", "lost", "in_transit", "at_rotation_point")
_BARCODE_HEADERS = frozenset({"barcode", "barcodes", "mã vạch", "ma vach", "đkcb", "dkcb"})


def start_stocktake(
    library: Library,
    store: Store | None = None,
    *,
    user_id: int | None = None,
    notes=None,
    user=None,
) -> Stocktake:
    """Open a stocktake of a library (one store, or all its stores when store is None);
    `user`, a library's account, counts its own library's shelves only."""
    require_library_scope(user, library.id)
    if user is not None:
        user_id = user.id
    if store is not None and store.library_id != library.id:
        raise ValidationFailed(fields={"store": _l("This store belongs to another library.")})
    stocktake = Stocktake(library=library, store=store, user_id=user_id, notes=notes or None)
    db.session.add(stocktake)
    db.session.flush()
    return stocktake


def get_stocktake(stocktake_id: int, *, user=None) -> Stocktake:
    """A stocktake by id, or NotFound (`user`, a library's account: its own library's)."""
    stocktake = db.session.get(Stocktake, stocktake_id)
    if stocktake is None:
        raise NotFound(_l("No such stocktake."))
    require_library_scope(user, stocktake.library_id)
    return stocktake


def find_item(barcode: str, library_id: int) -> Item | None:
    """The copy scanned: by barcode as typed, else in any case, else by accession number."""
    item = db.session.scalar(select(Item).where(Item.barcode == barcode))
    if item is None:
        item = db.session.scalar(select(Item).where(barcode_matches(barcode)).limit(1))
    if item is None:
        # Old copies may carry only their accession number: accept it within the library.
        # Accession numbers are kept in capitals (VN.012345): one typed in small letters too.
        item = db.session.scalar(
            select(Item)
            .where(
                Item.library_id == library_id,
                Item.accession_number.in_({barcode, barcode.upper()}),
            )
            .limit(1)
        )
    return item


@dataclass
class ScanOutcome:
    """What one scan found: ok, misplaced, unexpected or duplicate, and the copy if known."""

    barcode: str
    verdict: str
    item: Item | None = None


def classify(stocktake: Stocktake, item: Item | None) -> str:
    """Where a scanned copy stands: ok, misplaced (another store/library) or unexpected."""
    if item is None or item.status in UNEXPECTED_STATUSES:
        return "unexpected"
    if item.library_id != stocktake.library_id:
        return "misplaced"
    if stocktake.store_id is not None and item.store_id != stocktake.store_id:
        return "misplaced"
    return "ok"


def scan_barcode(stocktake: Stocktake, barcode: str, *, user=None) -> ScanOutcome:
    """Record one scanned barcode and say at once whether the copy belongs here (`user`:
    its own library's stocktake only)."""
    require_library_scope(user, stocktake.library_id)
    if stocktake.finished_at is not None:
        raise Conflict(_l("This stocktake is finished."), code="STOCKTAKE_FINISHED")
    barcode = (barcode or "").strip()
    if not barcode:
        raise ValidationFailed(fields={"barcode": _l("Scan or type a barcode.")})
    if len(barcode) > 40:
        raise ValidationFailed(fields={"barcode": _l("A barcode has at most 40 characters.")})
    # The copy's own barcode is kept, so "t0001" after "T0001" is the same copy scanned twice.
    item = find_item(barcode, stocktake.library_id)
    barcode = item.barcode if item is not None else barcode
    existing = db.session.scalar(
        select(StocktakeScan).where(
            StocktakeScan.stocktake_id == stocktake.id, StocktakeScan.barcode == barcode
        )
    )
    if existing is not None:
        return ScanOutcome(barcode, "duplicate", existing.item)
    db.session.add(StocktakeScan(stocktake=stocktake, barcode=barcode, item=item))
    db.session.flush()
    return ScanOutcome(barcode, classify(stocktake, item), item)


def barcodes_from_text(text: str) -> list[str]:
    """Barcodes from an uploaded text or CSV file: the first cell of each line, no header."""
    found = []
    for row in csv.reader(io.StringIO(text.replace(";", ",").replace("\t", ","))):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells or cells[0].lower() in _BARCODE_HEADERS:
            continue
        found.append(cells[0])
    return found


def scan_many(stocktake: Stocktake, barcodes: list[str], *, user=None) -> dict[str, int]:
    """Record many barcodes (an uploaded file); returns how many of each verdict."""
    require_library_scope(user, stocktake.library_id)
    counts = {"ok": 0, "misplaced": 0, "unexpected": 0, "duplicate": 0}
    for barcode in barcodes:
        counts[scan_barcode(stocktake, barcode).verdict] += 1
    return counts


def finish_stocktake(stocktake: Stocktake, *, user=None) -> None:
    """Close the stocktake: no more scans (`user`: its own library's stocktake only)."""
    require_library_scope(user, stocktake.library_id)
    if stocktake.finished_at is None:
        stocktake.finished_at = utcnow()
        db.session.flush()


@dataclass
class StocktakeResults:
    """The lists a stocktake produces."""

    found: list[Item] = field(default_factory=list)
    missing: list[Item] = field(default_factory=list)
    misplaced: list[Item] = field(default_factory=list)
    unexpected: list[tuple[str, Item | None]] = field(default_factory=list)
    scanned: int = 0


def stocktake_results(stocktake: Stocktake) -> StocktakeResults:
    """Missing, misplaced and unexpected copies of a stocktake."""
    results = StocktakeResults()
    scanned_items = (
        select(StocktakeScan.item_id)
        .where(StocktakeScan.stocktake_id == stocktake.id, StocktakeScan.item_id.is_not(None))
        .scalar_subquery()
    )
    missing = (
        select(Item)
        .where(
            Item.library_id == stocktake.library_id,
            Item.status == "available",
            Item.id.not_in(scanned_items),
        )
        .options(joinedload(Item.record), joinedload(Item.store))
        .order_by(Item.accession_number)
    )
    if stocktake.store_id is not None:
        missing = missing.where(Item.store_id == stocktake.store_id)
    results.missing = list(db.session.scalars(missing))
    scans = db.session.scalars(
        select(StocktakeScan)
        .where(StocktakeScan.stocktake_id == stocktake.id)
        .options(joinedload(StocktakeScan.item))
        .order_by(StocktakeScan.id)
    ).all()
    results.scanned = len(scans)
    for scan in scans:
        verdict = classify(stocktake, scan.item)
        if verdict == "unexpected":
            results.unexpected.append((scan.barcode, scan.item))
        elif verdict == "misplaced":
            results.misplaced.append(scan.item)
        else:
            results.found.append(scan.item)
    return results
