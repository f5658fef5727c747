"""Export the catalogue as ISO 2709 (UTF-8) or MARCXML: all, a selection, or changed since.

Each record carries its copies as Koha 952 fields (the layout catalog.marc.holdings reads
back), replacing the item fields the record arrived with (852, 952, 949, 999), so an
export imported into libsys or Koha brings its copies along.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import BinaryIO

import pymarc
from pymarc import Field, Indicators, Subfield
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from libsys.catalog.marc import WriteReport, record_from_json, write_iso2709, write_marcxml
from libsys.catalog.marc.holdings import DEFAULT_MAPPINGS, STANDARD_LAYOUTS
from libsys.catalog.models import Item, Record
from libsys.extensions import db
from libsys.network.models import Library, Store

EXPORT_FORMATS = {"iso2709": ("mrc", "application/marc"), "marcxml": ("xml", "application/xml")}
_CHUNK = 1000
# Item fields the importer reads copies from (catalog.marc.holdings): replaced by 952s.
HOLDING_TAGS = tuple(sorted({*STANDARD_LAYOUTS, *DEFAULT_MAPPINGS}))


def _selection(since: date | datetime | None, ids) -> list:
    conditions = []
    if since is not None:
        if not isinstance(since, datetime):
            since = datetime.combine(since, time.min)
        conditions.append(Record.updated_at >= since)
    if ids:
        conditions.append(Record.id.in_([int(i) for i in ids]))
    return conditions


def count_export(*, since=None, ids=None) -> int:
    """How many records an export with these filters writes."""
    return db.session.scalar(select(func.count(Record.id)).where(*_selection(since, ids))) or 0


def iter_export_records(
    *, since=None, ids=None, progress: Callable[[int], None] | None = None, copies: bool = True
) -> Iterator[pymarc.Record]:
    """The stored records, in id order, read a thousand at a time (memory stays flat);
    with `copies`, each with its copies as 952 fields."""
    conditions = _selection(since, ids)
    last_id = 0
    while True:
        rows = db.session.execute(
            select(Record.id, Record.marc)
            .where(Record.id > last_id, *conditions)
            .order_by(Record.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        holdings = _holding_fields([record_id for record_id, _ in rows]) if copies else {}
        for record_id, marc in rows:
            last_id = record_id
            record = record_from_json(json.loads(marc))
            if copies:
                # The item fields the record arrived with would come back as copies too.
                record.remove_fields(*HOLDING_TAGS)
                for field in holdings.get(record_id, ()):
                    record.add_ordered_field(field)
            yield record
            if progress:
                progress(1)


def _holding_fields(record_ids: list[int]) -> dict[int, list[Field]]:
    """Koha 952 fields of the copies of these records (withdrawn copies left out): $a home
    library, $b library holding it now, $c store, $o call number, $p barcode, $i accession
    number, $g price, $d acquisition date, $z notes, $y item type, $1 lost, $4 damaged."""
    holder = aliased(Library)
    rows = db.session.execute(
        select(Item, Library.code, holder.code, Store.code)
        .join(Library, Library.id == Item.library_id)
        .outerjoin(holder, holder.id == Item.location_library_id)
        .outerjoin(Store, Store.id == Item.store_id)
        .where(Item.record_id.in_(record_ids), Item.status != "withdrawn")
        .order_by(Item.record_id, Item.id)
    )
    fields: dict[int, list[Field]] = {}
    for item, library_code, holder_code, store_code in rows:
        values = [
            ("a", library_code),
            ("b", holder_code or library_code),
            ("c", store_code),
            ("o", item.call_number),
            ("p", item.barcode),
            ("i", item.accession_number),
            ("g", str(item.price) if item.price is not None else None),
            ("d", item.acquired_on.isoformat() if item.acquired_on else None),
            ("z", item.notes),
            ("y", item.item_type),
            ("1", "1" if item.status == "lost" else None),
            ("4", "1" if item.status == "damaged" else None),
        ]
        subfields = [Subfield(code, value) for code, value in values if value]
        fields.setdefault(item.record_id, []).append(Field("952", Indicators(" ", " "), subfields))
    return fields


def export_marc(
    fileobj: BinaryIO,
    *,
    format: str = "iso2709",
    since=None,
    ids=None,
    progress: Callable[[int], None] | None = None,
    copies: bool = True,
) -> WriteReport:
    """Write the selected records to a binary file in ISO 2709 (UTF-8) or MARCXML, with
    their copies as 952 fields unless `copies` is False."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    records = iter_export_records(since=since, ids=ids, progress=progress, copies=copies)
    writer = write_iso2709 if format == "iso2709" else write_marcxml
    return writer(records, fileobj)
