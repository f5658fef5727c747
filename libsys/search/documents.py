"""What the index holds for a record: one plain dict per record, the same for every backend.

Built from the database with a few set-based queries per batch (records, their copies with
the holding library, their ISBNs), so indexing a few hundred records costs a few queries.
"""

import json
from datetime import datetime

from sqlalchemy import select

from libsys.catalog.models import Item, Record, RecordIsbn
from libsys.network.models import Library
from libsys.search.analysis import identifier_forms
from libsys.text import fold

# Copies that no longer count: they are neither held nor findable by barcode.
GONE_STATUSES = ("withdrawn",)
# Year ranges of the "year" facet: (value, first year, last year).
YEAR_RANGES = (
    ("2020-", 2020, 9999),
    ("2010-2019", 2010, 2019),
    ("2000-2009", 2000, 2009),
    ("1975-1999", 1975, 1999),
    ("-1974", 0, 1974),
)
BATCH = 500
# What a document needs of a record, read as plain rows (no ORM objects: a reindex of a
# big catalogue reads every record).
RECORD_COLUMNS = (
    Record.id,
    Record.title,
    Record.subtitle,
    Record.responsibility,
    Record.authors,
    Record.publisher,
    Record.series,
    Record.edition,
    Record.summary,
    Record.notes,
    Record.subjects,
    Record.isbn,
    Record.issn,
    Record.material_type,
    Record.language,
    Record.year,
    Record.audience,
    Record.created_at,
    Record.updated_at,
    Record.title_sort,
    Record.author_sort,
)


def full_title(title: str | None, subtitle: str | None) -> str:
    """The title with its subtitle once (the title column already holds 245 $b)."""
    title = title or ""
    if subtitle and fold(subtitle) not in fold(title):
        return f"{title} : {subtitle}" if title else subtitle
    return title


def year_range(year: int | None) -> str | None:
    """The year facet value for a year of publication."""
    if not year:
        return None
    for value, first, last in YEAR_RANGES:
        if first <= year <= last:
            return value
    return None


def _stamp(*moments: datetime | None) -> str:
    """The latest change as ISO text: compared by `reindex --check`."""
    latest = max((m for m in moments if m is not None), default=None)
    return latest.isoformat(timespec="microseconds") if latest else ""


def build_documents(session, record_ids) -> dict[int, dict | None]:
    """The index documents of these records; None for an id no longer in the database."""
    ids = sorted({int(i) for i in record_ids if isinstance(i, int | str)})
    out: dict[int, dict | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        copies: dict[int, list] = {}
        item_rows = session.execute(
            select(
                Item.record_id,
                Item.accession_number,
                Item.barcode,
                Item.call_number,
                Item.status,
                Item.updated_at,
                Library.code,
            )
            .join(Library, Library.id == Item.library_id)
            .where(Item.record_id.in_(chunk))
        )
        for row in item_rows:
            copies.setdefault(row.record_id, []).append(row)
        isbns: dict[int, list[str]] = {}
        for record_id, isbn13 in session.execute(
            select(RecordIsbn.record_id, RecordIsbn.isbn13).where(RecordIsbn.record_id.in_(chunk))
        ):
            isbns.setdefault(record_id, []).append(isbn13)
        for record in session.execute(select(*RECORD_COLUMNS).where(Record.id.in_(chunk))):
            out[record.id] = record_document(
                record, copies.get(record.id, []), isbns.get(record.id)
            )
    return out


def record_document(record, copies: list, isbns: list[str] | None = None) -> dict:
    """The index document of one record (a Record or a row of RECORD_COLUMNS), given its
    copy rows and ISBNs."""
    subjects = [s for s in (record.subjects or "").split("; ") if s]
    held = [c for c in copies if c.status not in GONE_STATUSES]
    identifiers: set[str] = set()
    # The record's ISBNs are validated ISBN-13s already (catalog.marc.describe).
    for value in [record.isbn, *(isbns or [])]:
        identifiers |= identifier_forms(value, checked=True)
    identifiers |= identifier_forms(record.issn)
    for copy in held:
        identifiers |= identifier_forms(copy.accession_number)
        identifiers |= identifier_forms(copy.barcode)
    call_numbers = sorted({c.call_number for c in held if c.call_number})
    title = full_title(record.title, record.subtitle)
    authors = "; ".join(p for p in (record.authors, record.responsibility) if p)
    other = " \n ".join(
        p
        for p in (
            record.publisher,
            record.series,
            record.edition,
            record.summary,
            record.notes,
            *call_numbers,
        )
        if p
    )
    return {
        "id": record.id,
        "title": title,
        "authors": authors,
        "subjects": "; ".join(subjects),
        "other": other,
        "ids": sorted(identifiers),
        "library": sorted({c.code for c in held}),
        "material_type": record.material_type or None,
        "language": record.language or None,
        "year": record.year,
        "year_range": year_range(record.year),
        "subject": subjects,
        "audience": record.audience or None,
        "available": any(c.status == "available" for c in held),
        "added": (record.created_at or datetime(1970, 1, 1)).timestamp(),
        "title_sort": record.title_sort or "",
        "author_sort": record.author_sort or "",
        "stamp": _stamp(record.updated_at, *(c.updated_at for c in copies)),
    }


def document_text(doc: dict) -> str:
    """Every text of the document in one string, title first (the default search field)."""
    return " \n ".join(
        p for p in (doc["title"], doc["authors"], doc["subjects"], doc["other"]) if p
    )


def facet_blob(doc: dict) -> bytes:
    """The document's facet and sort values as compact JSON, kept in a Whoosh column."""
    return json.dumps(
        [
            doc["id"],
            doc["library"],
            doc["material_type"],
            doc["language"],
            doc["year"],
            doc["year_range"],
            doc["subject"],
            doc["audience"],
            doc["available"],
            doc["added"],
            doc["title_sort"][:80],
            doc["author_sort"][:80],
            doc["stamp"],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
