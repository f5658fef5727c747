"""Writing ISO 2709, MARCXML and MARC-in-JSON, and reading the result back unchanged."""

import io
from pathlib import Path

import pytest
from pymarc import Field, Indicators, Record, Subfield

from libsys.catalog.marc import (
    Accepted,
    read_marc,
    record_from_json,
    record_to_json,
    write_iso2709,
    write_marcxml,
)

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "marc"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared MARC test files not found at {DATA}"
)
SOURCES = ["evergreen/lul_fre_100.mrc", "folio/CornellFOLIOExemplars.mrc", "evergreen/FSL.marc"]


def _content(record: Record) -> list:
    return [
        (f.tag, f.data)
        if f.control_field
        else (f.tag, f.indicator1, f.indicator2, [tuple(s) for s in f.subfields])
        for f in record.fields
    ]


def _records() -> list[Record]:
    return [
        r.record for source in SOURCES for r in read_marc(DATA / source) if isinstance(r, Accepted)
    ]


@needs_data
@pytest.mark.parametrize("write", [write_iso2709, write_marcxml])
def test_round_trip_keeps_every_field_and_subfield(write):
    records = _records()
    buffer = io.BytesIO()
    report = write(records, buffer)
    assert report.written == len(records) and not report.not_written
    buffer.seek(0)
    again = list(read_marc(buffer))
    assert all(isinstance(r, Accepted) for r in again)
    assert [_content(r.record) for r in again] == [_content(r) for r in records]
    assert all(r.record.leader[9] == "a" for r in again)


@needs_data
def test_json_round_trip():
    for record in _records()[:50]:
        assert _content(record_from_json(record_to_json(record))) == _content(record)


def test_too_long_records_are_reported_not_broken():
    short = Record()
    short.leader = "00000nam a2200000 a 4500"
    short.add_field(
        Field("001", data="ok"), Field("245", Indicators("0", "0"), [Subfield("a", "Ngắn")])
    )
    long_field = Record()
    long_field.add_field(
        Field("001", data="long-field"),
        Field("245", Indicators("0", "0"), [Subfield("a", "x")]),
        Field("505", Indicators("0", " "), [Subfield("a", "ư" * 6000)]),
    )
    long_record = Record()
    long_record.add_field(Field("001", data="long-record"))
    long_record.add_field(
        *[Field("500", Indicators(" ", " "), [Subfield("a", "y" * 9000)]) for _ in range(12)]
    )
    buffer = io.BytesIO()
    report = write_iso2709([short, long_field, long_record], buffer)
    assert report.written == 1
    assert [(n.position, n.control_number) for n in report.not_written] == [
        (2, "long-field"),
        (3, "long-record"),
    ]
    assert all("ISO 2709 allows" in n.reason for n in report.not_written)
    buffer.seek(0)
    (only,) = read_marc(buffer)
    assert only.record["245"]["a"] == "Ngắn"


def test_marcxml_reports_control_characters():
    record = Record()
    record.add_field(Field("001", data="a\x1fb"), Field("245", None, [Subfield("a", "t")]))
    buffer = io.BytesIO()
    report = write_marcxml([record], buffer)
    assert report.written == 0 and "XML cannot carry" in report.not_written[0].reason
    assert buffer.getvalue().rstrip().endswith(b"</collection>")
