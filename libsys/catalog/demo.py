"""The demo catalogue: real Vietnamese books, with copies spread over the demo network."""

import json
from datetime import timedelta
from pathlib import Path

from libsys.catalog.copies.services import accession_number, build_call_number
from libsys.catalog.models import AcquisitionBatch, Item
from libsys.catalog.services import build_marc, save_record
from libsys.extensions import db
from libsys.stats.events import record_event

BOOKS_FILE = Path(__file__).resolve().parent.parent / "demo" / "books.json"
# Where the copies of a title go, in turn: the provincial library gets most of them.
SPREAD = ("TVLC", "TVTD", "TVLC", "TVPT", "TVBL", "TVLC", "THCSBL", "THTD")
_PRICE_PER_PAGE = 250  # VND, rounded to the thousand: a plausible price for the register


def _form_fields(book: dict) -> dict:
    fields = {key: value for key, value in book.items() if value is not None}
    for key in ("year", "pages"):
        if key in fields:
            fields[key] = str(fields[key])
    if book.get("audience") != "children":
        fields.pop("audience", None)
    return fields


def _store_code(library, book: dict) -> str | None:
    """The store named by the book's hint when the library has it, else VN or TN."""
    codes = {store.code for store in library.stores}
    hint = book.get("store_hint") or "VN"
    children = book.get("audience") == "children" or hint == "TN"
    for code in (hint, "TN" if children else "VN", "VN"):
        if code in codes:
            return code
    return None


def load_demo(context) -> list[str]:
    """Catalogue the demo books and give each library its copies, one batch per library."""
    libraries = context["libraries"]
    today = context["today"]
    books = json.loads(BOOKS_FILE.read_text(encoding="utf-8"))
    batches = {}
    for position, code in enumerate(dict.fromkeys(SPREAD)):
        if code in libraries:
            batches[code] = AcquisitionBatch(
                library=libraries[code],
                received_on=today - timedelta(days=30 + position),
                source="purchase",
                reference=f"HĐ-{today.year}/{position + 1:03d}",
                supplier="Công ty Phát hành sách",
            )
            db.session.add(batches[code])
    db.session.flush()
    turn = 0
    items = []
    serials: dict[tuple[str, str], int] = {}
    for book in books:
        record = save_record(build_marc(_form_fields(book)))
        price = round((book.get("pages") or 200) * _PRICE_PER_PAGE, -3)
        for _copy in range(int(book.get("copies") or 1)):
            library = None
            for _attempt in range(len(SPREAD)):
                candidate = libraries.get(SPREAD[turn % len(SPREAD)])
                turn += 1
                if candidate is not None and _store_code(candidate, book):
                    library = candidate
                    break
            if library is None:
                continue
            # Numbered here rather than by add_item: one flush for 1,500 copies keeps the
            # demo fast; the numbering rule is the same (store prefix + serial).
            store = next(s for s in library.stores if s.code == _store_code(library, book))
            serial = serials[(library.code, store.code)] = (
                serials.get((library.code, store.code), 0) + 1
            )
            number = accession_number(store.code, serial)
            items.append(
                Item(
                    # Ids, not relationships: the copy joins the session only at the end.
                    record_id=record.id,
                    library_id=library.id,
                    store_id=store.id,
                    accession_number=number,
                    # Accession numbers repeat from one library to the next; barcodes may not.
                    barcode=number if library.code == "TVLC" else f"{library.code}-{number}",
                    call_number=build_call_number(record),
                    item_type=record.material_type or "book",
                    price=int(price),
                    source="purchase",
                    acquired_on=batches[library.code].received_on,
                    batch_id=batches[library.code].id,
                    status="available",
                )
            )
    db.session.add_all(items)
    for (library_code, store_code), serial in serials.items():
        store = next(s for s in libraries[library_code].stores if s.code == store_code)
        store.last_accession = max(store.last_accession or 0, serial)
    db.session.flush()
    for item in items:
        record_event(
            "item_acquired",
            library=item.library,
            item=item,
            day=item.acquired_on,
            source="purchase",
            batch_id=item.batch_id,
        )
    db.session.flush()
    return [f"catalogue records: {len(books)}", f"copies: {len(items)}"]
