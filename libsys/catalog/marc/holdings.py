"""Take the copies (bản) out of the item fields other systems embed in bibliographic records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pymarc import Field, Record

__all__ = ["DEFAULT_MAPPINGS", "III_MAPPING", "STANDARD_LAYOUTS", "CopyData", "extract_copies"]

# Item field layouts, tag -> {copy attribute: subfield codes}; "call_number" and "notes" join
# every listed code, the others take the first one found.
STANDARD_LAYOUTS: dict[str, dict[str, str]] = {
    # MARC 21 holdings embedded in the record: $a institution, $b sublocation, $h + $i call number.
    "852": {
        "library_code": "a",
        "store_code": "b",
        "call_number": "hi",
        "barcode": "p",
        "notes": "xz",
    },
    # Koha's default framework.
    "952": {
        "library_code": "a",
        "store_code": "c",
        "call_number": "o",
        "barcode": "p",
        "accession_number": "i",
        "price": "g",
        "acquired_on": "d",
        "notes": "zx",
        "item_type": "y",
        # Koha's status subfields: a value other than 0 sets the state.
        "lost": "1",
        "damaged": "4",
    },
}
# The copy states item fields can carry (the rest arrive available).
_STATE_FLAGS = ("lost", "damaged")

# Local item fields differ from one system to the next (Koha's own 999 holds record numbers,
# 945 is III's item field but a cross-reference elsewhere): pick the layout for the source.
DEFAULT_MAPPINGS: dict[str, dict[str, str]] = {
    # Evergreen / Unicorn export seen in evergreen/jazz_1k.mrc:
    # $a call number, $i barcode, $l location, $m library, $t item type.
    "949": {
        "library_code": "m",
        "store_code": "l",
        "call_number": "a",
        "barcode": "i",
    },
    # SirsiDynix Symphony (Unicorn) export seen in solrmarc/unicornWHoldings.mrc:
    # $a call number, $i barcode, $l home location, $m library, $p price, $u date created.
    "999": {
        "library_code": "m",
        "store_code": "l",
        "call_number": "a",
        "barcode": "i",
        "price": "p",
        "acquired_on": "u",
        "notes": "o",
    },
}

# Innovative (III) items as in folio/61PRINT160129.mrc, for imports that come from III.
III_MAPPING: dict[str, dict[str, str]] = {"945": {"store_code": "l", "barcode": "i"}}

_PRICE = re.compile(r"\d[\d.,]*")
_ISO_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(slots=True)
class CopyData:
    """One copy as another system described it, before it gets an accession number here."""

    barcode: str = ""
    accession_number: str = ""
    call_number: str = ""
    library_code: str = ""
    store_code: str = ""
    price: Decimal | None = None
    acquired_on: date | None = None
    notes: str = ""
    item_type: str = ""  # as the source names it (Koha's itype); libsys keeps what it knows
    status: str = ""  # "lost" or "damaged" when the source says so, else empty


def parse_price(text: str) -> Decimal | None:
    """Read a price such as '$40.00', '120.000 đ' or '45,50 EUR'."""
    match = _PRICE.search(text or "")
    if not match:
        return None
    number = match.group(0).rstrip(".,")
    if "," in number and "." in number:
        # The last separator is the decimal one: "1,234.50" and "1.234,50".
        decimal_mark = "." if number.rfind(".") > number.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        number = number.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in number:
        head, _, tail = number.rpartition(",")
        number = head.replace(",", "") + ("." + tail if len(tail) != 3 else tail)
    elif number.count(".") == 1 and len(number.rpartition(".")[2]) == 3:
        number = number.replace(".", "")  # Vietnamese thousands: "120.000"
    else:
        head, _, tail = number.rpartition(".")
        number = head.replace(".", "") + ("." + tail if head else tail)
    try:
        return Decimal(number)
    except InvalidOperation:
        return None


def parse_date(text: str) -> date | None:
    """Read an acquisition date written 2014-05-07, 20140507 or 7/18/2008 (US order)."""
    text = (text or "").strip()
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_US_DATE, (2, 0, 1))):
        match = pattern.search(text)
        if match:
            parts = match.groups()
            try:
                return date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                return None
    return None


def _values(field: Field, codes: str) -> list[str]:
    return [value.strip() for code, value in field.subfields if code in codes and value.strip()]


def _copy_from_field(field: Field, mapping: dict[str, str]) -> CopyData | None:
    copy = CopyData()
    for attribute, codes in mapping.items():
        values = _values(field, codes)
        if not values:
            continue
        if attribute == "call_number":
            copy.call_number = " ".join(values)
        elif attribute == "notes":
            copy.notes = "; ".join(values)
        elif attribute == "price":
            copy.price = parse_price(values[0])
        elif attribute == "acquired_on":
            copy.acquired_on = parse_date(values[0])
        elif attribute in _STATE_FLAGS:
            if values[0] != "0":
                copy.status = attribute
        else:
            setattr(copy, attribute, values[0])
    # A field with neither barcode nor call number is a summary or a location, not a copy.
    if not copy.barcode and not copy.call_number:
        return None
    return copy


def extract_copies(
    record: Record, mapping: dict[str, dict[str, str]] | None = None
) -> list[CopyData]:
    """List the copies in 852, 952 and the local item fields that mapping describes."""
    # An empty layout ({"999": {}}) turns a tag off for a system that uses it otherwise.
    layouts = {**STANDARD_LAYOUTS, **(DEFAULT_MAPPINGS if mapping is None else mapping)}
    copies = []
    for tag, layout in layouts.items():
        for field in record.get_fields(tag):
            if field.control_field:
                continue
            copy = _copy_from_field(field, layout)
            if copy is not None:
                copies.append(copy)
    return copies
