"""Saving records and the book form's MARC."""

import io
import json

import pytest
from pymarc import MARCReader
from sqlalchemy import select

from libsys.catalog.marc import write_iso2709
from libsys.catalog.models import Item, RecordIsbn
from libsys.catalog.services import build_marc, save_record
from libsys.errors import ValidationFailed
from tests.catalog.helpers import BOOK, db_events


def _read_back(record):
    """Write a record as ISO 2709 and let pymarc itself read it back."""
    buffer = io.BytesIO()
    write_iso2709([record], buffer)
    return next(iter(MARCReader(buffer.getvalue(), to_unicode=True, force_utf8=True)))


def test_book_form_writes_a_record_pymarc_reads_back_with_the_same_values(app, db):
    marc = _read_back(build_marc(BOOK))
    assert marc.leader[6:8] == "am" and marc.leader[9] == "a"
    fixed = marc["008"].data
    assert len(fixed) == 40 and fixed[7:11] == "2015" and fixed[35:38] == "vie"
    assert marc["020"]["a"] == "9786046912347"
    assert marc["041"]["a"] == "vie"
    assert marc["082"]["a"] == "895.922"
    assert marc["100"]["a"] == "Nguyễn Du" and marc["100"].indicator1 == "0"
    assert [f["a"] for f in marc.get_fields("700")] == ["Đào Duy Anh"]
    title = marc["245"]
    assert (title.indicator1, title.indicator2) == ("1", "0")
    assert title["a"] == "Truyện Kiều :"
    assert title["b"] == "Đoạn trường tân thanh /"
    assert title["c"] == "Nguyễn Du ; Đào Duy Anh khảo đính."
    assert marc["250"]["a"] == "Tái bản lần thứ 3."
    imprint = marc["264"]
    assert imprint.indicator2 == "1"
    assert (imprint["a"], imprint["b"], imprint["c"]) == ("Hà Nội :", "Văn học,", "2015.")
    assert (marc["300"]["a"], marc["300"]["c"]) == ("332 tr. ;", "21 cm")
    assert marc["490"]["a"] == "Tủ sách Văn học trong nhà trường"
    assert marc["520"]["a"] == "Truyện thơ lục bát của Nguyễn Du."
    assert [f["a"] for f in marc.get_fields("650")] == ["Văn học Việt Nam", "Truyện thơ"]


def test_saved_record_has_the_columns_and_the_marc(network):
    record = save_record(build_marc(BOOK))
    assert record.title == "Truyện Kiều : Đoạn trường tân thanh"
    assert record.subtitle == "Đoạn trường tân thanh"
    assert record.author_list == ["Nguyễn Du", "Đào Duy Anh"]
    assert (record.publisher, record.place, record.year) == ("Văn học", "Hà Nội", 2015)
    assert record.isbn == "9786046912347"
    assert record.language == "vie" and record.ddc == "895.922"
    assert record.subject_list == ["Văn học Việt Nam", "Truyện thơ"]
    assert record.title_sort and record.author_sort
    assert [row.isbn13 for row in record.isbns] == ["9786046912347"]
    stored = json.loads(record.marc)
    assert stored["leader"][9] == "a"
    assert any("245" in field for field in stored["fields"])
    events = list(db_events("record_created"))
    assert [e.record_id for e in events] == [record.id]


def test_saving_again_updates_the_record_and_its_isbns(book_record):
    marc = build_marc(
        {**BOOK, "title": "Truyện Kiều (bản mới)", "subtitle": "", "isbn": "0-306-40615-2"}
    )
    same = save_record(marc, record=book_record)
    assert same.id == book_record.id and same.title == "Truyện Kiều (bản mới)"
    assert [row.isbn13 for row in same.isbns] == ["9780306406157"]
    assert [e.record_id for e in db_events("record_updated")] == [book_record.id]


def test_decomposed_text_is_stored_composed(network):
    decomposed = "Truye\u0302\u0323n Kie\u0302\u0300u"
    record = save_record(build_marc({"title": decomposed, "authors": ["Nguye\u0302\u0303n Du"]}))
    assert record.title == "Truyện Kiều" and record.authors == "Nguyễn Du"
    assert "Truyện Kiều" in record.marc


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"title": ""}, "title"),
        ({"title": "X", "isbn": "978-604-69-1234-8"}, "isbn"),
        ({"title": "X", "year": "15"}, "year"),
        ({"title": "X", "language": "Vietnamese"}, "language"),
    ],
)
def test_book_form_refuses_bad_fields(app, db, fields, bad):
    with pytest.raises(ValidationFailed) as caught:
        build_marc(fields)
    assert bad in caught.value.fields


def test_english_article_is_skipped_in_filing(app, db):
    marc = build_marc({"title": "The old man and the sea", "language": "eng"})
    assert marc["245"].indicator2 == "4"


def test_isbn_rows_are_unique_per_record(network):
    marc = build_marc(BOOK)
    marc.add_field(marc["020"])  # the same ISBN twice
    record = save_record(marc)
    from libsys.extensions import db

    assert db.session.scalars(select(RecordIsbn).where(RecordIsbn.record_id == record.id)).all()
    assert len(record.isbns) == 1
    assert db.session.scalar(select(Item).where(Item.record_id == record.id)) is None


def test_stored_marc_is_record_to_json(app, db):
    from libsys.catalog.marc import read_marc, record_to_json
    from libsys.catalog.services import marc_json
    from tests.catalog.helpers import marc_file

    for result in read_marc(marc_file("evergreen/lul_fre_100.mrc")):
        if hasattr(result, "record"):
            assert json.loads(marc_json(result.record)) == record_to_json(result.record)
