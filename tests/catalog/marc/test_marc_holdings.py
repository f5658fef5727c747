"""Copies from the item fields of Koha, Evergreen/Unicorn, Sirsi and MARC holdings."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pymarc import Field, Indicators, Record, Subfield

from libsys.catalog.marc import Accepted, extract_copies, read_marc
from libsys.catalog.marc.holdings import III_MAPPING, parse_price

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "marc"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared MARC test files not found at {DATA}"
)


def _records(relative: str) -> list[Record]:
    return [r.record for r in read_marc(DATA / relative) if isinstance(r, Accepted)]


@needs_data
@pytest.mark.parametrize(
    "relative", ["koha/misc4dev_bibs_with_952.marcxml", "koha/misc4dev_bibs_with_952.mrc"]
)
def test_koha_952_items(relative):
    records = _records(relative)
    fields_with_barcode = sum(
        1 for record in records for f in record.get_fields("952") if f.get("p")
    )
    copies = [copy for record in records for copy in extract_copies(record)]
    # Koha's own 999 ($c/$d record numbers) and a stray 945 must not turn into copies.
    assert len(copies) == fields_with_barcode == 961
    first = extract_copies(records[0])[0]
    assert first.barcode == "3999900000001"
    assert (first.library_code, first.store_code) == ("CPL", "GEN")
    assert first.acquired_on == date(2014, 5, 7)


@needs_data
def test_evergreen_949_items():
    records = _records("evergreen/jazz_1k.mrc")
    first = extract_copies(records[0])
    assert len(first) == 1
    assert first[0].barcode == "30007007467409"
    assert first[0].call_number == "5490"
    assert (first[0].library_code, first[0].store_code) == ("HUNTINGTON", "HUNT-AUDIO")
    assert sum(len(extract_copies(r)) for r in records) > 1000


@needs_data
def test_sirsi_999_items():
    (copy,) = extract_copies(_records("solrmarc/unicornWHoldings.mrc")[0])
    assert copy.barcode == "36105033811451"
    assert copy.call_number == "HC241.25 .I4 D47"
    assert copy.price == Decimal("40.00")
    assert copy.acquired_on == date(1974, 1, 23)


def test_no_copy_without_barcode_or_call_number_and_custom_mapping():
    record = Record()
    record.add_field(
        Field("852", Indicators(" ", " "), [Subfield("a", "Thư viện tỉnh")]),
        Field("949", Indicators(" ", " "), [Subfield("a", "895.922 NG-D"), Subfield("i", "1")]),
        Field("930", Indicators(" ", " "), [Subfield("d", "VN.012345"), Subfield("b", "9")]),
    )
    assert [c.barcode for c in extract_copies(record)] == ["1"]
    custom = extract_copies(
        record, {"930": {"accession_number": "d", "barcode": "b", "price": "c"}}
    )
    assert [(c.accession_number, c.barcode) for c in custom] == [("VN.012345", "9")]


def test_koha_952_type_and_lost_or_damaged_states():
    record = Record()
    for barcode, extra in (
        ("A1", [Subfield("y", "BK"), Subfield("1", "0"), Subfield("4", "0")]),
        ("A2", [Subfield("1", "2")]),  # Koha: 2 = long overdue (lost)
        ("A3", [Subfield("4", "1")]),
    ):
        record.add_field(Field("952", Indicators(" ", " "), [Subfield("p", barcode), *extra]))
    copies = extract_copies(record)
    assert [(c.barcode, c.item_type, c.status) for c in copies] == [
        ("A1", "BK", ""),
        ("A2", "", "lost"),
        ("A3", "", "damaged"),
    ]


@needs_data
def test_iii_945_items_with_their_mapping():
    record = _records("folio/61PRINT160129.mrc")[0]
    assert extract_copies(record) == []
    (copy,) = extract_copies(record, III_MAPPING)
    assert (copy.barcode, copy.store_code) == ("0000000618390260", "fhgen")


def test_prices_in_several_notations():
    assert parse_price("120.000 đ") == Decimal("120000")
    assert parse_price("$40.00") == Decimal("40.00")
    assert parse_price("1.234,50 EUR") == Decimal("1234.50")
    assert parse_price("") is None
