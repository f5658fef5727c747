"""Export the catalogue as ISO 2709 (UTF-8) or MARCXML: all, a selection, or changed since."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import BinaryIO

import pymarc
from sqlalchemy import func, select

from libsys.catalog.marc import WriteReport, record_from_json, write_iso2709, write_marcxml
from libsys.catalog.models import Record
from libsys.extensions import db

EXPORT_FORMATS = {"iso2709": ("mrc", "application/marc"), "marcxml": ("xml", "application/xml")}
_CHUNK = 1000


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
    *, since=None, ids=None, progress: Callable[[int], None] | None = None
) -> Iterator[pymarc.Record]:
    """The stored records, in id order, read a thousand at a time (memory stays flat)."""
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
        for record_id, marc in rows:
            last_id = record_id
            yield record_from_json(json.loads(marc))
            if progress:
                progress(1)


def export_marc(
    fileobj: BinaryIO,
    *,
    format: str = "iso2709",
    since=None,
    ids=None,
    progress: Callable[[int], None] | None = None,
) -> WriteReport:
    """Write the selected records to a binary file in ISO 2709 (UTF-8) or MARCXML."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    records = iter_export_records(since=since, ids=ids, progress=progress)
    writer = write_iso2709 if format == "iso2709" else write_marcxml
    return writer(records, fileobj)
