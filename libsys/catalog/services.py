"""Records' services: saving MARC records, look-ups, the book form, notes for the search index.

The copies of a record have their own services in catalog/copies.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pymarc
from flask_babel import lazy_gettext as _l
from pymarc import Field, Indicators, Leader, Subfield
from sqlalchemy import delete, func, or_, select
from stdnum import isbn as stdnum_isbn

from libsys.catalog.marc import describe, record_from_json
from libsys.catalog.marc.columns import marc_json, record_columns
from libsys.catalog.models import Record, RecordIsbn
from libsys.core.clock import local_today
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.stats.events import record_event

# Session.info key where changed record ids wait for the search index (read at commit).
CHANGED_RECORDS_KEY = "libsys_changed_record_ids"
# The same key as libsys.search.sync.AVAILABILITY_KEY.
AVAILABILITY_KEY = "libsys_search_availability"

_NFC = unicodedata.normalize
# Articles a title's filing form skips (245 second indicator, the call number's title mark).
LEADING_ARTICLES = {
    "eng": ("the ", "a ", "an "),
    "fre": ("le ", "la ", "les ", "l'", "un ", "une "),
}


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


def possible_duplicates(marc_record: pymarc.Record, *, limit: int = 10) -> list[Record]:
    """Records the catalogue already holds that a new record may repeat: one of its ISBNs,
    or its title, first author and year (the match key)."""
    description = describe(normalise_record(marc_record))
    conditions = []
    if description.isbns:
        conditions.append(
            Record.id.in_(
                select(RecordIsbn.record_id).where(RecordIsbn.isbn13.in_(description.isbns))
            )
        )
    if description.title and description.match_key:
        conditions.append(Record.match_key == description.match_key[:400])
    if not conditions:
        return []
    return list(
        db.session.scalars(select(Record).where(or_(*conditions)).order_by(Record.id).limit(limit))
    )


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
    return record_from_json(json.loads(record.marc))


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
    for article in LEADING_ARTICLES.get(language, ()):
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
            # A height given as a bare number is in centimetres, as a cataloguer writes it.
            physical.append(Subfield("c", f"{size} cm" if size.isdigit() else size))
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
