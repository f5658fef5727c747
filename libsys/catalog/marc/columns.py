"""Turning MARC records into catalogue rows, with no database or Flask needed.

The import's reading processes run only this module (and the MARC layer), so that they
stay small: no SQLAlchemy, no models, no application.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pymarc

from libsys.catalog.marc import Accepted, Rejected, describe, extract_copies
from libsys.catalog.marc.describe import Description
from libsys.catalog.marc.holdings import DEFAULT_MAPPINGS, STANDARD_LAYOUTS, CopyData
from libsys.catalog.marc.reader import _read_iso2709
from libsys.text import sort_key

HOLDINGS_TAGS = frozenset(STANDARD_LAYOUTS)

# Column widths of Record, so that a long imprint never fails an insert on PostgreSQL.
_WIDTHS = {
    "publisher": 300,
    "place": 200,
    "edition": 200,
    "isbn": 13,
    "issn": 9,
    "language": 3,
    "material_type": 20,
    "ddc": 40,
    "pages": 100,
    "size": 100,
    "audience": 20,
    "control_number": 100,
    "control_source": 100,
    "match_key": 400,
}


def marc_json(marc_record: pymarc.Record) -> str:
    """The MARC-in-JSON text kept in Record.marc (the same as record_to_json, as text)."""
    # Built here rather than with record_to_json: this runs for every imported record and
    # unpacking the subfield tuples directly is a fifth faster than pymarc's as_dict().
    fields = []
    for found in marc_record.fields:
        if found.control_field:
            fields.append({found.tag: found.data})
        else:
            ind1, ind2 = found.indicators
            subfields = [{code: value} for code, value in found.subfields]
            fields.append({found.tag: {"ind1": ind1, "ind2": ind2, "subfields": subfields}})
    leader = str(marc_record.leader)
    body = {"leader": leader[:9] + "a" + leader[10:], "fields": fields}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def record_columns(description: Description) -> dict:
    """Record's columns from a description, cut to the widths the database allows."""
    first_author = description.authors[0] if description.authors else ""
    columns = {
        "title": description.title or "",
        "subtitle": description.subtitle or None,
        "responsibility": description.responsibility or None,
        "title_sort": sort_key(description.title),
        "authors": "; ".join(description.authors) or None,
        "author_sort": sort_key(first_author),
        "publisher": description.publisher or None,
        "place": description.place or None,
        "year": description.year,
        "edition": description.edition or None,
        "isbn": description.isbns[0] if description.isbns else None,
        "issn": description.issn or None,
        "language": description.language or None,
        "material_type": description.material_type or "book",
        "ddc": description.ddc or None,
        "subjects": "; ".join(description.subjects) or None,
        "series": "; ".join(description.series) or None,
        "pages": description.pages or None,
        "size": description.size or None,
        "summary": description.summary or None,
        "notes": "\n".join(description.notes) or None,
        "audience": "children" if description.audience_children else None,
        "control_number": description.control_number or None,
        "control_source": description.control_source or None,
        "match_key": description.match_key or None,
    }
    for name, width in _WIDTHS.items():
        value = columns[name]
        if value is not None and len(value) > width:
            columns[name] = value[:width]
    return columns


# Fields left out of a record's fingerprint: control data a re-export changes (005, the
# record's length in the leader) and holdings, so the same record exported twice is the same.
_NOT_IN_FINGERPRINT = frozenset({"001", "003", "005", "852", "945", "949", "952", "999"})


def identifiers(marc_record: pymarc.Record) -> dict[str, str]:
    """The identifiers the import matches on besides 001 + 003 and ISBNs: the LC control
    number (010 $a) and Koha's biblionumber (999 $c)."""
    found: dict[str, str] = {}
    lccn = marc_record.get("010")
    if lccn is not None and not lccn.control_field:
        for code, value in lccn.subfields:
            if code == "a" and normal_lccn(value):
                found["lccn"] = normal_lccn(value)
                break
    for found_field in marc_record.get_fields("999"):
        if found_field.control_field:
            continue
        codes = {code for code, _value in found_field.subfields}
        # Koha writes $c biblionumber and $d biblioitemnumber; SirsiDynix's 999 is an item
        # (with $i barcode, $a call number), whose $c is a copy number.
        if "c" in codes and not codes & {"a", "i"}:
            number = (found_field.get("c") or "").strip()
            if number:
                found["koha"] = number[:100]
                break
    return found


def normal_lccn(value: str) -> str:
    """An LC control number as LC normalises it: no spaces, "2001-1234" as "2001001234"."""
    text = "".join((value or "").split()).lower().partition("/")[0]
    if "-" in text:
        head, _, tail = text.partition("-")
        text = head + tail.zfill(6) if tail.isdigit() else head + tail
    return text[:100]


def fingerprint(marc_record: pymarc.Record) -> str:
    """A digest of a record's bibliographic content, the same for the same record
    exported again (its 005, 001/003 and holdings left out)."""
    parts = [str(marc_record.leader)[5:12], str(marc_record.leader)[17:]]
    for found in marc_record.fields:
        if found.tag in _NOT_IN_FINGERPRINT:
            continue
        if found.control_field:
            parts.append(f"{found.tag}={found.data}")
        else:
            body = "".join(f"${code}{value}" for code, value in found.subfields)
            parts.append(f"{found.tag}{''.join(found.indicators)}{body}")
    return hashlib.sha1("\x1e".join(parts).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Prepared:
    """An accepted record turned into rows, before matching."""

    position: int
    columns: dict
    isbns: list[str]
    copies: list[CopyData]
    warned: bool = False
    # "lccn" and "koha" when the record carries them, and always its "fingerprint".
    identifiers: dict = field(default_factory=dict)

    @property
    def has_identifier(self) -> bool:
        """Whether the record carries a control number, an LCCN or a Koha biblionumber."""
        return bool(
            self.columns["control_number"]
            or "lccn" in self.identifiers
            or "koha" in self.identifiers
        )


def prepare(result: Accepted, mapping: dict | None = None) -> Prepared:
    """Describe an accepted record and turn it into the columns of a Record row."""
    description = describe(result.record)
    columns = record_columns(description)
    columns["marc"] = marc_json(result.record)
    copies = extract_copies(result.record, mapping) if _has_holdings(result.record, mapping) else []
    isbns = list(dict.fromkeys(description.isbns))
    found = identifiers(result.record)
    found["fingerprint"] = fingerprint(result.record)
    return Prepared(
        result.position, columns, isbns, copies, bool(result.warnings), identifiers=found
    )


def _has_holdings(record: pymarc.Record, mapping: dict | None) -> bool:
    """Whether any item field is there: most records have none, so skip the extraction."""
    tags = HOLDINGS_TAGS | set(DEFAULT_MAPPINGS if mapping is None else mapping)
    return any(found.tag in tags for found in record.fields)


def prepared_results(results: Iterable, mapping: dict | None) -> Iterator[Prepared | Rejected]:
    """Turn reading results into rows; a record describe() cannot handle is rejected."""
    for result in results:
        if isinstance(result, Rejected):
            yield result
            continue
        try:
            yield prepare(result, mapping)
        except Exception as problem:  # one odd record must not stop the import
            number = result.record.get("001")
            yield Rejected(
                result.position,
                None,
                number.data if number is not None else None,
                f"the record could not be described ({problem})",
            )


def prepare_chunk(offset: int, data: bytes, mapping: dict | None) -> list:
    """Read and describe the records of one chunk (positions local to the chunk)."""
    results = list(prepared_results(_read_iso2709(iter([data])), mapping))
    for result in results:
        if isinstance(result, Rejected) and result.offset is not None:
            result.offset += offset
    return results
