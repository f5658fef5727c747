"""Copies (bản): accession numbers (số ĐKCB), call numbers, adding and editing copies, look-ups."""

import re
from datetime import date
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from libsys.accounts.scope import require_library_scope
from libsys.catalog.models import (
    ACQUISITION_SOURCES,
    ITEM_STATUSES,
    AcquisitionBatch,
    Item,
    Record,
    barcode_matches,
)
from libsys.catalog.services import LEADING_ARTICLES, mark_changed
from libsys.catalog.states import ITEM_STATES, TRIGGER_TO_REACH
from libsys.circulation.loans.models import Loan
from libsys.core.clock import local_today
from libsys.db import lock_row, pending_columns, update_now
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.stats.events import record_event
from libsys.text import fold

DEFAULT_CALL_NUMBER_RULE = "{class_number} / {author_mark} / {year}"
_MARK_WORD = re.compile(r"[^\W\d_]+")


# A copy's columns whose change only moves it or changes its availability.
PLACEMENT_COLUMNS = frozenset({"status", "store_id", "location_library_id", "updated_at"})


def write_placement_now(item: Item) -> None:
    """Write a copy's new status and place at once, without a flush (the desk's returns).

    Other pending changes of the copy are left to the flush, as usual.
    """
    changes = pending_columns(item)
    if not changes or not changes.keys() <= PLACEMENT_COLUMNS:
        return
    update_now(item, **changes)
    mark_changed([item.record_id], availability_only=True)


def _library(library) -> Library:
    if isinstance(library, Library):
        return library
    found = db.session.scalar(select(Library).where(Library.code == str(library or "")))
    if found is None:
        raise ValidationFailed(
            _l("Choose a library."),
            code="UNKNOWN_LIBRARY",
            fields={"library": _l("There is no library with this code.")},
        )
    return found


def default_store(library: Library) -> Store | None:
    """The store new copies go to when none is named: the first lending store, else any."""
    stores = sorted(library.stores, key=lambda s: s.id or 0)
    for store in stores:
        if store.kind == "lending":
            return store
    return stores[0] if stores else None


def _store(library: Library, store) -> Store | None:
    if store is None or store == "":
        return default_store(library)
    if isinstance(store, Store):
        if store.library_id != library.id:
            raise ValidationFailed(
                fields={"store": _l("This store belongs to another library.")}, code="BAD_STORE"
            )
        return store
    for candidate in library.stores:
        if candidate.code == str(store):
            return candidate
    raise ValidationFailed(
        fields={"store": _l("This library has no store with this code.")}, code="BAD_STORE"
    )


def accession_number(store_code: str, serial: int) -> str:
    """Format an accession number (số ĐKCB): store code, a dot and six digits."""
    return f"{store_code}.{serial:06d}"


def next_accession_number(store: Store) -> str:
    """Take the next free accession number of a store (VN.000123) and remember it."""
    while True:
        # One UPDATE ... RETURNING, so two cataloguers never get the same number.
        serial = db.session.execute(
            update(Store)
            .where(Store.id == store.id)
            .values(last_accession=Store.last_accession + 1)
            .returning(Store.last_accession),
            execution_options={"synchronize_session": False},
        ).scalar_one()
        db.session.expire(store, ["last_accession"])
        number = accession_number(store.code, serial)
        # A typed-in number may already hold this serial: skip over it.
        taken = db.session.scalar(
            select(Item.id).where(
                Item.library_id == store.library_id, Item.accession_number == number
            )
        )
        if taken is None:
            return number


def author_mark(heading: str) -> str:
    """Author mark of a heading: two letters of its first word, one of its last (NG-D)."""
    words = _MARK_WORD.findall(fold(heading or "").replace(",", " "))
    if not words:
        return ""
    mark = words[0][:2].upper()
    if len(words) > 1:
        mark += "-" + words[-1][:1].upper()
    return mark


def _filing_title(record: Record) -> str:
    title = record.title or ""
    for article in LEADING_ARTICLES.get(record.language or "", ()):
        if title.lower().startswith(article):
            return title[len(article) :]
    return title


def build_call_number(record: Record) -> str:
    """Call number (ký hiệu xếp giá): class number, author mark, year (rule CALL_NUMBER_RULE)."""
    rule = DEFAULT_CALL_NUMBER_RULE
    if has_app_context():
        rule = current_app.config.get("CALL_NUMBER_RULE") or DEFAULT_CALL_NUMBER_RULE
    heading = record.author_list[0] if record.author_list else _filing_title(record)
    parts = {
        "class_number": (record.ddc or "").split(" ")[0],
        "author_mark": author_mark(heading),
        "year": str(record.year or ""),
        "title_mark": author_mark(_filing_title(record)),
    }
    if callable(rule):
        return rule(record, parts)
    text = rule.format(**parts)
    # A missing part leaves an empty segment between separators: drop it.
    segments = [segment.strip() for segment in text.split("/")]
    return " / ".join(segment for segment in segments if segment)


def _barcode_for(library: Library, number: str) -> str:
    """The accession number as barcode, prefixed with the library when another holds it."""
    if not db.session.scalar(select(Item.id).where(barcode_matches(number)).limit(1)):
        return number
    return f"{library.code}-{number}"


def _price(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | Decimal | float):
        return int(value)
    digits = re.sub(r"[^\d]", "", str(value))
    if not digits:
        raise ValidationFailed(fields={"price": _l("Write the price in đồng, digits only.")})
    return int(digits)


def add_item(
    record: Record,
    *,
    library,
    store=None,
    accession_number: str | None = None,
    barcode: str | None = None,
    call_number: str | None = None,
    price=None,
    source: str | None = None,
    acquired_on: date | None = None,
    batch=None,
    notes: str | None = None,
) -> Item:
    """Add a copy (bản) of a record to a library's store, with its accession number."""
    library = _library(library)
    store = _store(library, store)
    errors = {}
    if source and source not in ACQUISITION_SOURCES:
        errors["source"] = _l("Unknown acquisition source.")
    accession_number = (accession_number or "").strip() or None
    barcode = (barcode or "").strip() or None
    if accession_number is None and store is None:
        errors["store"] = _l("This library has no store to number copies in.")
    price = _price(price) if not errors else None
    if errors:
        raise ValidationFailed(fields=errors)
    if accession_number is None:
        accession_number = next_accession_number(store)
    elif db.session.scalar(
        select(Item.id).where(
            Item.library_id == library.id, Item.accession_number == accession_number
        )
    ):
        raise Conflict(
            _l(
                "Accession number %(number)s is already used in this library.",
                number=accession_number,
            ),
            code="DUPLICATE_ACCESSION",
            fields={"accession_number": _l("Already used.")},
        )
    if barcode is None:
        barcode = _barcode_for(library, accession_number)
    elif taken := db.session.scalar(select(Item.barcode).where(barcode_matches(barcode)).limit(1)):
        # In any case: "vn.000123" and "VN.000123" would scan as one copy.
        raise Conflict(
            _l("Barcode %(barcode)s is already on another copy.", barcode=barcode),
            code="DUPLICATE_BARCODE",
            fields={"barcode": _l("Already used by copy %(barcode)s.", barcode=taken)},
        )
    item = Item(
        record=record,
        library=library,
        store=store,
        accession_number=accession_number,
        barcode=barcode,
        call_number=(call_number or "").strip() or build_call_number(record),
        item_type=record.material_type or "book",
        price=price,
        source=source,
        acquired_on=acquired_on or local_today(),
        batch=batch,
        notes=(notes or "").strip() or None,
        status="available",
    )
    db.session.add(item)
    db.session.flush()
    record_event(
        "item_acquired",
        library=library,
        item=item,
        source=source,
        batch_id=getattr(batch, "id", None),
    )
    mark_changed([record.id])
    return item


def update_item(item: Item, values: dict, *, user=None) -> Item:
    """Change a copy's store, call number, price, notes or status (`user`: only a copy of
    the account's own library)."""
    require_library_scope(user, item.library_id)
    errors = {}
    if "store" in values:
        try:
            item.store = _store(item.library, values["store"] or None)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if "call_number" in values:
        item.call_number = (values["call_number"] or "").strip() or build_call_number(item.record)
    if "price" in values:
        try:
            item.price = _price(values["price"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if "notes" in values:
        item.notes = (values["notes"] or "").strip() or None
    status = values.get("status")
    if status and status != item.status:
        if status not in EDITABLE_STATUSES or item.status not in EDITABLE_STATUSES:
            errors["status"] = _l("This status is changed by the desk or by rotation, not here.")
        else:
            ITEM_STATES.trigger(item, TRIGGER_TO_REACH[status])
    if errors:
        raise ValidationFailed(fields=errors)
    db.session.flush()
    mark_changed([item.record_id])
    return item


# Statuses a cataloguer may set by hand; the others come from loans, holds, transfers and
# rotation, and withdrawal has its own form with minutes.
EDITABLE_STATUSES = ("available", "lost", "damaged", "in_repair")
assert set(EDITABLE_STATUSES) <= set(ITEM_STATUSES)


def get_item(barcode) -> Item:
    """A copy by barcode (as typed, else in any case), or NotFound (UNKNOWN_ITEM)."""
    barcode = str(barcode or "").strip()
    item = db.session.scalar(select(Item).where(Item.barcode == barcode))
    if item is None and barcode:
        item = db.session.scalar(select(Item).where(barcode_matches(barcode)).limit(1))
    if item is None:
        raise NotFound(_l("No copy has this barcode."), code="UNKNOWN_ITEM")
    return item


def open_loan_due_date(item: Item):
    """The due date of the copy's current loan (None when it is not out)."""
    return db.session.scalar(
        select(Loan.due_date)
        .where(Loan.item_id == item.id, Loan.returned_at.is_(None))
        .order_by(Loan.id.desc())
        .limit(1)
    )


def copy_json(item: Item) -> dict:
    """A copy as the API shows it."""
    due = open_loan_due_date(item) if item.status == "on_loan" else None
    return {
        "barcode": item.barcode,
        "accession_number": item.accession_number,
        "library": item.library.code,
        "store": item.store.code if item.store else None,
        "call_number": item.call_number,
        "status": item.status,
        "due_date": due.isoformat() if due is not None else None,
    }


# Copies added at once from the record page or the book form; more is a typing slip.
MAX_COPIES_AT_ONCE = 200


def _copies_requested(values: dict) -> int:
    text = (values.get("copies") or "0").strip()
    if not text.isdigit() or int(text) > MAX_COPIES_AT_ONCE:
        raise ValidationFailed(
            fields={
                "copies": _l(
                    "Write a number of copies from 0 to %(most)s.", most=MAX_COPIES_AT_ONCE
                )
            }
        )
    return int(text)


def batch_for_reference(library, reference: str, *, source: str | None = None):
    """The incoming batch (a line of the general register) of a library with this voucher
    or batch number, created today if the library has none yet."""
    library = _library(library)
    reference = reference.strip()[:100]
    # Two forms giving the same new voucher at once must not make two batches.
    lock_row(Library, library.id)
    batch = db.session.scalar(
        select(AcquisitionBatch)
        .where(
            AcquisitionBatch.library_id == library.id,
            AcquisitionBatch.kind == "incoming",
            AcquisitionBatch.reference == reference,
        )
        .order_by(AcquisitionBatch.id.desc())
        .limit(1)
    )
    if batch is None:
        if source and source not in ACQUISITION_SOURCES:
            raise ValidationFailed(fields={"source": _l("Unknown acquisition source.")})
        batch = AcquisitionBatch(
            library=library,
            kind="incoming",
            received_on=local_today(),
            source=source or "purchase",
            reference=reference,
        )
        db.session.add(batch)
        db.session.flush()
    return batch


def add_copies(found: Record, values: dict, *, user=None) -> list[Item]:
    """Add the copies a form asks for (its "copies" count, library, store, price, and the
    voucher or batch number that puts them on a line of the general register); `user` adds
    copies to its own library only."""
    count = _copies_requested(values)
    if count and user is not None and user.library_id is not None:
        require_library_scope(user, _library(values.get("library") or "").id)
    reference = (values.get("batch_reference") or "").strip()
    batch = (
        batch_for_reference(
            values.get("library") or "", reference, source=values.get("source") or None
        )
        if reference and count
        else None
    )
    items = []
    for _index in range(count):
        items.append(
            add_item(
                found,
                library=values.get("library") or "",
                store=values.get("store") or None,
                # A typed accession number or barcode only makes sense for a single copy.
                accession_number=values.get("accession_number") if count == 1 else None,
                barcode=values.get("barcode") if count == 1 else None,
                call_number=values.get("call_number") or None,
                price=values.get("price") or None,
                source=values.get("source") or None,
                batch=batch,
                notes=values.get("notes") or None,
            )
        )
    return items
