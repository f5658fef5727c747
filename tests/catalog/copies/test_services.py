"""Copies: accession numbers, call numbers, adding copies, look-ups and the API's copy."""

import pytest

from libsys.catalog.copies.services import (
    add_item,
    author_mark,
    build_call_number,
    copy_json,
    get_item,
    next_accession_number,
)
from libsys.catalog.services import build_marc, get_record, save_record
from libsys.errors import Conflict, NotFound
from tests.catalog.helpers import db_events


def test_accession_numbers_follow_the_store_prefix(book_record, network):
    store = next(s for s in network["TVLC"].stores if s.code == "VN")
    assert next_accession_number(store) == "VN.000001"
    assert next_accession_number(store) == "VN.000002"
    first = add_item(book_record, library="TVLC", store="VN")
    assert first.accession_number == "VN.000003"
    assert first.barcode == "VN.000003"
    assert store.last_accession == 3


def test_typed_accession_numbers_are_skipped_by_the_counter(book_record, network):
    add_item(book_record, library="TVLC", store="TN", accession_number="TN.000001")
    generated = add_item(book_record, library="TVLC", store="TN")
    assert generated.accession_number == "TN.000002"


def test_accession_numbers_are_unique_per_library(book_record, network):
    add_item(book_record, library="TVLC", store="VN", accession_number="VN.000777")
    with pytest.raises(Conflict) as caught:
        add_item(book_record, library="TVLC", store="VN", accession_number="VN.000777")
    assert caught.value.code == "DUPLICATE_ACCESSION"
    # Another library has its own register: the same number is allowed there, and the
    # barcode (which is unique in the network) gets the library's prefix.
    other = add_item(book_record, library="TVTD", store="VN", accession_number="VN.000777")
    assert other.barcode == "TVTD-VN.000777"


def test_duplicate_barcode_is_refused(book_record):
    add_item(book_record, library="TVLC", barcode="B-1")
    with pytest.raises(Conflict) as caught:
        add_item(book_record, library="TVLC", barcode="B-1")
    assert caught.value.code == "DUPLICATE_BARCODE"


def test_copy_without_store_goes_to_the_first_lending_store(book_record):
    item = add_item(book_record, library="TVLC", price="120.000 đ", source="gift")
    assert item.store.code == "VN" and item.price == 120000 and item.source == "gift"
    event = db_events("item_acquired").one()
    assert (event.item_id, event.item_library, event.item_store) == (item.id, "TVLC", "VN")


def test_call_number_is_class_author_mark_and_year(book_record):
    assert build_call_number(book_record) == "895.922 / NG-D / 2015"
    item = add_item(book_record, library="TVLC")
    assert item.call_number == "895.922 / NG-D / 2015"


def test_call_number_rule_is_configurable(app, book_record):
    app.config["CALL_NUMBER_RULE"] = "{class_number} {author_mark}"
    try:
        assert build_call_number(book_record) == "895.922 NG-D"
    finally:
        del app.config["CALL_NUMBER_RULE"]


def test_call_number_without_class_or_author(network):
    record = save_record(build_marc({"title": "Đất rừng phương Nam", "year": "1957"}))
    assert build_call_number(record) == "DA-N / 1957"


@pytest.mark.parametrize(
    ("heading", "mark"),
    [("Nguyễn Du", "NG-D"), ("Tô Hoài", "TO-H"), ("Đoàn Giỏi", "DO-G"), ("Smith, John", "SM-J")],
)
def test_author_mark(heading, mark):
    assert author_mark(heading) == mark


def test_get_item_and_get_record_say_what_is_unknown(app, db):
    with pytest.raises(NotFound) as caught:
        get_item("NO-SUCH")
    assert caught.value.code == "UNKNOWN_ITEM"
    with pytest.raises(NotFound) as caught:
        get_record(999999)
    assert caught.value.code == "UNKNOWN_RECORD"


def test_copy_json(book_record):
    item = add_item(book_record, library="TVLC", store="TN")
    assert get_item(item.barcode) is item
    assert copy_json(item) == {
        "barcode": "TN.000001",
        "accession_number": "TN.000001",
        "library": "TVLC",
        "store": "TN",
        "call_number": "895.922 / NG-D / 2015",
        "status": "available",
        "due_date": None,
    }
