"""Cataloguing: saving MARC records, copies (bản) with accession and call numbers, look-ups."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from decimal import Decimal

import pymarc
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from pymarc import Field, Indicators, Leader, Subfield
from sqlalchemy import delete, func, select, update
from stdnum import isbn as stdnum_isbn

from libsys.catalog.marc import describe
from libsys.catalog.models import ACQUISITION_SOURCES, ITEM_STATUSES, Item, Record, RecordIsbn
from libsys.catalog.rows import marc_json, record_columns  # noqa: F401 (used by others)
from libsys.circulation.models import Loan
from libsys.core.clock import local_today
from libsys.db import pending_columns, update_now
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.stats.events import record_event
from libsys.text import fold

DEFAULT_CALL_NUMBER_RULE = "{class_number} / {author_mark} / {year}"
# Session.info key where changed record ids wait for the search index (read at commit).
CHANGED_RECORDS_KEY = "libsys_changed_record_ids"
# The same key as libsys.search.sync.AVAILABILITY_KEY.
AVAILABILITY_KEY = "libsys_search_availability"

_NFC = unicodedata.normalize
_MARK_WORD = re.compile(r"[^\W\d_]+")
_ARTICLES = {"eng": ("the ", "a ", "an "), "fre": ("le ", "la ", "les ", "l'", "un ", "une ")}


# --------------------------------------------------------------------------- records


def _nfc(text: str | None) -> str:
    return text if not text or text.isascii() else _NFC("NFC", text)


def normalise_record(marc_record: pymarc.Record) -> pymarc.Record:
    """Put every value of a record in NFC in place (pymarc does not normalise UTF-8)."""
    for found in marc_record.fields:
        if found.control_field:
            found.data = _nfc(found.data)
        else:
            found.subfields = [Subfield(code, _nfc(value)) for code, value in found.subfields]
    return marc_record


def mark_changed(record_ids, *, availability_only: bool = False) -> None:
    """Note records changed in this transaction, for whoever indexes them at commit.

    `availability_only`: only copies' status or place changed (the index may catch up a
    moment later, off the request's path, unless the transaction also edits records).
    """
    db.session.info.setdefault(CHANGED_RECORDS_KEY, set()).update(record_ids)
    if availability_only:
        db.session.info[AVAILABILITY_KEY] = True


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


def save_record(marc_record: pymarc.Record, *, record: Record | None = None) -> Record:
    """Create a record, or replace the MARC of `record`, from a pymarc record."""
    normalise_record(marc_record)
    description = describe(marc_record)
    if not description.title:
        raise ValidationFailed(
            _l("The record has no title (field 245)."),
            code="NO_TITLE",
            fields={"title": _l("Write the title.")},
        )
    created = record is None
    if created:
        record = Record()
        db.session.add(record)
    for name, value in record_columns(description).items():
        setattr(record, name, value)
    record.marc = marc_json(marc_record)
    wanted = list(dict.fromkeys(description.isbns))
    if {row.isbn13 for row in record.isbns} != set(wanted):
        record.isbns.clear()
        record.isbns.extend(RecordIsbn(isbn13=number) for number in wanted)
    db.session.flush()
    record_event(
        "record_created" if created else "record_updated", record_id=record.id, title=record.title
    )
    mark_changed([record.id])
    db.session.flush()
    return record


def get_record(record_id) -> Record:
    """A record by id, or NotFound (UNKNOWN_RECORD)."""
    try:
        number = int(record_id)
    except (TypeError, ValueError):
        number = 0
    # Out of the id column's range is simply unknown (PostgreSQL would refuse the query).
    record = db.session.get(Record, number) if 0 < number < 2**31 else None
    if record is None:
        raise NotFound(_l("No record has this number."), code="UNKNOWN_RECORD")
    return record


def record_marc(record: Record) -> pymarc.Record:
    """The stored MARC record as a pymarc record."""
    from libsys.catalog.marc import record_from_json

    return record_from_json(json.loads(record.marc))


# --------------------------------------------------------------------------- copies


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
    for article in _ARTICLES.get(record.language or "", ()):
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
    if not db.session.scalar(select(Item.id).where(Item.barcode == number)):
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
    elif db.session.scalar(select(Item.id).where(Item.barcode == barcode)):
        raise Conflict(
            _l("Barcode %(barcode)s is already on another copy.", barcode=barcode),
            code="DUPLICATE_BARCODE",
            fields={"barcode": _l("Already used.")},
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


def update_item(item: Item, values: dict) -> Item:
    """Change a copy's store, call number, price, notes or status."""
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
            item.status = status
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
    """A copy by barcode, or NotFound (UNKNOWN_ITEM)."""
    item = db.session.scalar(select(Item).where(Item.barcode == str(barcode or "").strip()))
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


def count_records() -> int:
    """How many records the catalogue holds."""
    return db.session.scalar(select(func.count(Record.id))) or 0


def delete_isbns(record_ids) -> None:
    """Forget the ISBNs of records (before their MARC is replaced in bulk)."""
    db.session.execute(delete(RecordIsbn).where(RecordIsbn.record_id.in_(list(record_ids))))


# --------------------------------------------------------------------------- the book form

FORM_FIELDS = (
    "title",
    "subtitle",
    "responsibility",
    "authors",
    "publisher",
    "place",
    "year",
    "isbn",
    "pages",
    "size",
    "ddc",
    "subjects",
    "summary",
    "language",
    "edition",
    "series",
    "audience",
)


def _text(fields: dict, name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    return _nfc(str(value)).strip()


def _list(fields: dict, name: str) -> list[str]:
    value = fields.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        # The form's text areas: one heading per line (a semicolon also separates).
        value = re.split(r"[\n;]", value)
    return [_nfc(str(v)).strip() for v in value if str(v).strip()]


def _end(text: str, mark: str) -> str:
    """Append ISBD punctuation unless the element already ends with a mark."""
    text = text.rstrip()
    if not text or text[-1] in ".?!" and mark == ".":
        return text
    return f"{text}{mark}"


def _nonfiling(title: str, language: str) -> str:
    lower = title.lower()
    for article in _ARTICLES.get(language, ()):
        if lower.startswith(article):
            return str(len(article))
    return "0"


def check_book_fields(fields: dict) -> dict:
    """Validate the book form and return the cleaned values (ValidationFailed otherwise)."""
    errors = {}
    values = {name: _text(fields, name) for name in FORM_FIELDS}
    values["authors"] = _list(fields, "authors")
    values["subjects"] = _list(fields, "subjects")
    if not values["title"]:
        errors["title"] = _l("Write the title.")
    year = values["year"]
    if year and (
        not re.fullmatch(r"\d{4}", year) or not 1000 <= int(year) <= local_today().year + 1
    ):
        errors["year"] = _l("Write the year with four digits.")
    if values["isbn"]:
        try:
            values["isbn"] = stdnum_isbn.compact(stdnum_isbn.validate(values["isbn"]))
        except Exception:  # stdnum raises several ValidationError subclasses
            errors["isbn"] = _l("This ISBN is not valid (check digit).")
    language = values["language"] or "vie"
    if not re.fullmatch(r"[a-z]{3}", language):
        errors["language"] = _l("Use a three-letter language code (vie, eng, fre...).")
    values["language"] = language
    if values["ddc"] and not re.fullmatch(r"[0-9]{3}(\.[0-9]+)?[A-Za-z0-9.\- ]*", values["ddc"]):
        errors["ddc"] = _l("A DDC class number starts with three digits (895.922).")
    if errors:
        raise ValidationFailed(fields=errors)
    return values


def build_marc(fields: dict) -> pymarc.Record:
    """Write a MARC 21 record from the "describe a book" form (ISBD punctuation, NFC)."""
    values = check_book_fields(fields)
    title, subtitle = values["title"], values["subtitle"]
    authors, year, language = values["authors"], values["year"], values["language"]
    responsibility = values["responsibility"] or ", ".join(authors)
    record = pymarc.Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    record.leader = Leader("00000nam a2200000 i 4500")

    children = values["audience"] in ("children", "juvenile", "j")
    fixed = (
        local_today().strftime("%y%m%d")
        + ("s" + year if year else "nuuuu")
        + "    "
        + "vm "  # place of publication: Vietnam
        + "    "
        + ("j" if children else " ")
        + " "
        + "    "
        + " 000 0 "  # gov. publication, conference, festschrift, index, -, literary form, bio.
        + language
        + " d"
    )
    record.add_field(Field("008", data=fixed))
    if values["isbn"]:
        record.add_field(Field("020", Indicators(" ", " "), [Subfield("a", values["isbn"])]))
    record.add_field(Field("041", Indicators("0", " "), [Subfield("a", language)]))
    if values["ddc"]:
        record.add_field(
            Field("082", Indicators("0", "4"), [Subfield("a", values["ddc"]), Subfield("2", "23")])
        )

    def name_field(tag: str, name: str) -> Field:
        # Vietnamese names are written in direct order (ind1 0); "Surname, Forename" is 1.
        return Field(tag, Indicators("1" if "," in name else "0", " "), [Subfield("a", name)])

    if authors:
        record.add_field(name_field("100", authors[0]))

    title_subfields = [Subfield("a", title)]
    if subtitle:
        title_subfields[0] = Subfield("a", _end(title, " :"))
        title_subfields.append(Subfield("b", subtitle))
    if responsibility:
        last = title_subfields[-1]
        title_subfields[-1] = Subfield(last.code, _end(last.value, " /"))
        title_subfields.append(Subfield("c", _end(responsibility, ".")))
    else:
        last = title_subfields[-1]
        title_subfields[-1] = Subfield(last.code, _end(last.value, "."))
    record.add_field(
        Field(
            "245",
            Indicators("1" if authors else "0", _nonfiling(title, language)),
            title_subfields,
        )
    )
    if values["edition"]:
        record.add_field(
            Field("250", Indicators(" ", " "), [Subfield("a", _end(values["edition"], "."))])
        )
    imprint = []
    if values["place"]:
        imprint.append(Subfield("a", values["place"]))
    if values["publisher"]:
        imprint.append(Subfield("b", values["publisher"]))
    if year:
        imprint.append(Subfield("c", year))
    # ISBD: "Place : Publisher, Year."
    for index in range(len(imprint) - 1):
        mark = " :" if imprint[index + 1].code == "b" else ","
        if imprint[index].code == "a" and imprint[index + 1].code == "c":
            mark = ","
        imprint[index] = Subfield(imprint[index].code, _end(imprint[index].value, mark))
    if imprint:
        imprint[-1] = Subfield(imprint[-1].code, _end(imprint[-1].value, "."))
        record.add_field(Field("264", Indicators(" ", "1"), imprint))
    pages, size = values["pages"], values["size"]
    if pages or size:
        physical = []
        if pages:
            pages = f"{pages} tr." if pages.isdigit() else pages
            physical.append(Subfield("a", _end(pages, " ;") if size else pages))
        if size:
            physical.append(Subfield("c", size))
        record.add_field(Field("300", Indicators(" ", " "), physical))
    if values["series"]:
        record.add_field(Field("490", Indicators("0", " "), [Subfield("a", values["series"])]))
    if values["summary"]:
        record.add_field(Field("520", Indicators(" ", " "), [Subfield("a", values["summary"])]))
    for subject in values["subjects"]:
        record.add_field(Field("650", Indicators(" ", "4"), [Subfield("a", subject)]))
    for name in authors[1:]:
        record.add_field(name_field("700", name))
    return normalise_record(record)
