"""Write records as ISO 2709 (UTF-8), MARCXML or MARC-in-JSON, reporting what cannot be written."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from pymarc import Leader, Record
from pymarc.marcxml import record_to_xml_node

from libsys.catalog.marc.reader import _parse_json_record, _RecordProblem

__all__ = [
    "NotWritten",
    "WriteReport",
    "record_from_json",
    "record_to_json",
    "write_iso2709",
    "write_marcxml",
]

MAX_RECORD_LENGTH = 99_999
MAX_FIELD_LENGTH = 9_999
MARCXML_NAMESPACE = "http://www.loc.gov/MARC21/slim"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(slots=True)
class NotWritten:
    """A record left out of an export, with the reason a librarian can act on."""

    position: int
    control_number: str | None
    reason: str


@dataclass(slots=True)
class WriteReport:
    """How many records were written and which ones were left out."""

    written: int = 0
    not_written: list[NotWritten] = field(default_factory=list)


def _control_number(record: Record) -> str | None:
    found = record.get("001")
    return (found.data or "").strip() or None if found is not None else None


def record_to_iso2709(record: Record) -> bytes:
    """Serialise one record as ISO 2709 in UTF-8; raise ValueError when it is too long."""
    directory = []
    data = []
    offset = 0
    for found in record.fields:
        if found.control_field:
            body = (found.data or "").encode("utf-8") + b"\x1e"
        else:
            parts = [(found.indicator1 or " ") + (found.indicator2 or " ")]
            parts += [f"\x1f{code}{value}" for code, value in found.subfields]
            body = "".join(parts).encode("utf-8") + b"\x1e"
        if len(body) > MAX_FIELD_LENGTH:
            raise ValueError(
                f"field {found.tag} is {len(body)} bytes long; ISO 2709 allows {MAX_FIELD_LENGTH}"
            )
        directory.append(f"{found.tag:>03}{len(body):04d}{offset:05d}".encode("ascii"))
        data.append(body)
        offset += len(body)
    directory_bytes = b"".join(directory) + b"\x1e"
    base = 24 + len(directory_bytes)
    length = base + offset + 1
    if length > MAX_RECORD_LENGTH:
        raise ValueError(f"the record is {length} bytes long; ISO 2709 allows {MAX_RECORD_LENGTH}")
    leader = str(record.leader)
    leader = f"{length:05d}{leader[5:9]}a22{base:05d}{leader[17:20]}4500"
    return leader.encode("ascii") + directory_bytes + b"".join(data) + b"\x1d"


def write_iso2709(records: Iterable[Record], fileobj: BinaryIO) -> WriteReport:
    """Write records as ISO 2709 in UTF-8 (leader/09 = 'a'); too-long records are reported."""
    report = WriteReport()
    for position, record in enumerate(records, start=1):
        try:
            raw = record_to_iso2709(record)
        except (ValueError, UnicodeEncodeError) as problem:
            report.not_written.append(NotWritten(position, _control_number(record), str(problem)))
            continue
        fileobj.write(raw)
        report.written += 1
    return report


def _xml_problem(record: Record) -> str | None:
    for found in record.fields:
        values = [found.data or ""] if found.control_field else [v for _, v in found.subfields]
        if any(_NOT_XML.search(value) for value in values):
            return f"field {found.tag} holds control characters that XML cannot carry"
    return None


def write_marcxml(records: Iterable[Record], fileobj: BinaryIO) -> WriteReport:
    """Write a MARCXML collection one record at a time; records XML cannot carry are reported."""
    report = WriteReport()
    fileobj.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    fileobj.write(f'<collection xmlns="{MARCXML_NAMESPACE}">\n'.encode("ascii"))
    for position, record in enumerate(records, start=1):
        problem = _xml_problem(record)
        if problem:
            report.not_written.append(NotWritten(position, _control_number(record), problem))
            continue
        leader = str(record.leader)
        node = record_to_xml_node(record)
        node.find("leader").text = leader[:9] + "a" + leader[10:]
        fileobj.write(ET.tostring(node, encoding="utf-8", xml_declaration=False))
        fileobj.write(b"\n")
        report.written += 1
    fileobj.write(b"</collection>\n")
    return report


def record_to_json(record: Record) -> dict:
    """Turn a record into a MARC-in-JSON dictionary."""
    as_dict = record.as_dict()
    leader = str(record.leader)
    as_dict["leader"] = leader[:9] + "a" + leader[10:]
    return as_dict


def record_from_json(data: dict) -> Record:
    """Build a record from a MARC-in-JSON dictionary (NFC, checked like an import)."""
    try:
        record, _ = _parse_json_record(data)
    except _RecordProblem as problem:
        raise ValueError(str(problem)) from None
    if not isinstance(record.leader, Leader):
        record.leader = Leader(str(record.leader))
    return record
