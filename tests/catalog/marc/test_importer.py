"""Importing real MARC files: counts, matching policies, holdings, MARC-8, rejections."""

import csv
import io
import json

import pytest
from pymarc import MARCReader
from sqlalchemy import func, select

from libsys.catalog.marc import count_permissive
from libsys.catalog.marc.importer import import_marc
from libsys.catalog.models import Item, Record
from libsys.extensions import db
from libsys.stats.models import Event
from tests.catalog.helpers import NOT_MARC, marc_file
from tests.factories import MARC_DIR


def _marc_files() -> list[str]:
    if not MARC_DIR.is_dir():
        return []
    return sorted(
        str(path.relative_to(MARC_DIR))
        for path in MARC_DIR.rglob("*")
        if path.is_file() and str(path.relative_to(MARC_DIR)) not in NOT_MARC
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.skipif(not _marc_files(), reason=f"the shared MARC test files are not at {MARC_DIR}")
@pytest.mark.parametrize("relative", _marc_files() or ["none"])
def test_every_shared_file_imports_and_accounts_for_every_record(network, relative):
    path = marc_file(relative)
    report = io.StringIO()
    summary = import_marc(path, library="TVLC", report=report)
    assert not summary.unreadable
    expected = count_permissive(path)
    assert summary.read == expected
    assert summary.created + summary.matched + summary.rejected == expected
    assert summary.created == _count(Record)
    rows = list(csv.reader(io.StringIO(report.getvalue())))
    assert rows[0] == [
        "position",
        "offset",
        "control_number",
        "reason",
        "outcome",
        "record_id",
        "barcode",
    ]
    outcomes = [row[4] for row in rows[1:]]
    assert outcomes.count("rejected") == summary.rejected
    assert outcomes.count("matched") == summary.matched
    assert outcomes.count("item_skipped") == summary.items_skipped
    for row in rows[1:]:
        assert row[0].isdigit() and row[3]


def test_importing_the_same_file_twice_creates_nothing(network):
    path = marc_file("evergreen/jazz_1k.mrc")
    first = import_marc(path, library="TVLC")
    records, items, events = _count(Record), _count(Item), _count(Event)
    assert first.created > 900 and first.items_created > 0
    second = import_marc(path, library="TVLC")
    assert second.created == 0 and second.items_created == 0
    assert second.matched == first.created + first.matched
    assert (_count(Record), _count(Item), _count(Event)) == (records, items, events)


def test_evergreen_949_holdings_become_items(network):
    path = marc_file("evergreen/jazz_1k.mrc")
    summary = import_marc(path, library="TVTD")
    items = db.session.scalars(select(Item)).all()
    assert len(items) == summary.items_created > 0
    assert {item.library.code for item in items} == {"TVTD"}
    # Each copy keeps its barcode and call number from 949 $i and $a.
    first = db.session.scalars(select(Record).order_by(Record.id)).first()
    with path.open("rb") as handle:
        marc = next(iter(MARCReader(handle, to_unicode=True, force_utf8=False)))
    barcodes = {f["i"] for f in marc.get_fields("949") if f["i"]}
    assert {item.barcode for item in first.items} == barcodes
    assert all(item.call_number for item in items)
    assert all(item.store is not None for item in items)
    acquired = db.session.scalar(select(func.count(Event.id)).where(Event.kind == "item_acquired"))
    assert acquired == summary.items_created


def test_koha_952_holdings_become_items_with_their_barcodes(network):
    path = marc_file("koha/misc4dev_bibs_with_952.marcxml")
    summary = import_marc(path, library="TVLC")
    assert summary.items_created == _count(Item) > 400
    barcodes = db.session.scalars(select(Item.barcode)).all()
    assert len(barcodes) == len(set(barcodes))
    again = import_marc(path, library="TVLC")
    assert again.items_created == 0


def test_copies_go_to_the_store_named_in_the_holdings_when_the_library_has_it(network):
    from pymarc import Field, Indicators, Subfield

    from libsys.catalog.marc import write_marcxml
    from libsys.catalog.services import build_marc

    marc = build_marc({"title": "Sách có kho", "authors": ["Tô Hoài"], "year": "2001"})
    marc.add_field(
        Field("952", Indicators(" ", " "), [Subfield("c", "TN"), Subfield("p", "X-1")]),
        Field("952", Indicators(" ", " "), [Subfield("c", "ZZ"), Subfield("p", "X-2")]),
    )
    buffer = io.BytesIO()
    write_marcxml([marc], buffer)
    buffer.seek(0)
    import_marc(buffer, library="TVLC")
    codes = {item.barcode: item.store.code for item in db.session.scalars(select(Item))}
    assert codes == {"X-1": "TN", "X-2": "VN"}
    numbers = sorted(db.session.scalars(select(Item.accession_number)))
    assert numbers == ["TN.000001", "VN.000001"]


def test_overlay_within_one_file_keeps_the_later_record(network):
    from pymarc import Field

    from libsys.catalog.services import build_marc

    buffer = io.BytesIO()
    for title in ("Truyện Kiều", "Truyện Kiều (bản sửa)"):
        marc = build_marc({"title": title, "language": "vie"})
        marc.add_ordered_field(Field("001", data="KIEU-1"))
        marc.add_ordered_field(Field("003", data="VN-TEST"))
        buffer.write(marc.as_marc())
    buffer.seek(0)
    summary = import_marc(buffer, match="overlay")
    assert (summary.created, summary.matched) == (1, 1)
    assert db.session.scalars(select(Record.title)).all() == ["Truyện Kiều (bản sửa)"]


def test_overlay_replaces_the_marc_of_the_matched_record(network):
    path = marc_file("pymarc/test.dat")
    first = import_marc(path)
    record = db.session.scalars(select(Record).order_by(Record.id)).first()
    original_title = record.title
    # The same records with a changed title: the policy decides what happens.
    changed = io.BytesIO()
    from pymarc import Subfield

    from libsys.catalog.marc import read_marc, write_iso2709

    records = [r.record for r in read_marc(path) if hasattr(r, "record")]
    for marc in records:
        title = marc["245"]
        title.subfields = [Subfield("a", "Changed title"), *title.subfields[1:]]
    write_iso2709(records, changed)

    changed.seek(0)
    skipped = import_marc(changed, match="skip")
    assert skipped.created == 0 and skipped.matched == first.created
    db.session.expire_all()
    assert db.session.get(Record, record.id).title == original_title

    changed.seek(0)
    overlaid = import_marc(changed, match="overlay")
    assert overlaid.created == 0 and overlaid.matched == first.created
    db.session.expire_all()
    record = db.session.get(Record, record.id)
    assert record.title.startswith("Changed title")
    assert "Changed title" in record.marc
    assert _count(Record) == first.created
    updated = db.session.scalar(select(func.count(Event.id)).where(Event.kind == "record_updated"))
    assert updated == first.created

    changed.seek(0)
    added = import_marc(changed, match="add")
    assert added.created == first.created and added.matched == 0


def test_matching_by_isbn_and_by_title_author_year(network):
    from libsys.catalog.marc import write_iso2709
    from libsys.catalog.services import build_marc, save_record

    save_record(
        build_marc(
            {
                "title": "Dế Mèn phiêu lưu ký",
                "authors": ["Tô Hoài"],
                "year": "2019",
                "isbn": "9786042088374",
            }
        )
    )
    save_record(build_marc({"title": "Vợ chồng A Phủ", "authors": ["Tô Hoài"], "year": "2010"}))
    incoming = [
        # Another source, same ISBN written as ISBN-10? No: same ISBN-13, other title form.
        build_marc({"title": "De men phieu luu ky", "isbn": "978-604-2-08837-4"}),
        # Same title, author and year, no ISBN: the match key finds it.
        build_marc({"title": "Vợ chồng A Phủ.", "authors": ["Tô Hoài"], "year": "2010"}),
        # Same title and author, another year: a different edition, so a new record.
        build_marc({"title": "Vợ chồng A Phủ", "authors": ["Tô Hoài"], "year": "2021"}),
    ]
    buffer = io.BytesIO()
    write_iso2709(incoming, buffer)
    buffer.seek(0)
    summary = import_marc(buffer)
    assert (summary.created, summary.matched) == (1, 2)


def test_marc8_titles_equal_pymarcs_own_conversion(network):
    path = marc_file("evergreen/lul_fre_500.mrc")
    import_marc(path)
    with path.open("rb") as handle:
        expected = {}
        for marc in MARCReader(handle, to_unicode=True, force_utf8=False):
            if marc is None or marc.get("001") is None or marc.get("245") is None:
                continue
            expected[marc["001"].data.strip()] = marc["245"]["a"]
    stored = db.session.execute(select(Record.control_number, Record.marc)).all()
    compared = 0
    accented = 0
    for number, marc_json in stored:
        fields = json.loads(marc_json)["fields"]
        title_a = next(
            sub["a"] for f in fields if "245" in f for sub in f["245"]["subfields"] if "a" in sub
        )
        if number in expected:
            assert title_a == expected[number]
            compared += 1
            accented += not title_a.isascii()
    assert compared > 400 and accented > 10


def test_utf8_records_with_a_marc8_leader_are_read_as_utf8(network):
    path = marc_file("evergreen/FSL.marc")
    summary = import_marc(path)
    assert summary.created > 0
    titles = db.session.scalars(select(Record.title)).all()
    assert not any("Ã" in title for title in titles)


def test_bad_records_are_reported_with_position_and_reason(network):
    path = marc_file("pymarc/bad_records.mrc")
    report = io.StringIO()
    summary = import_marc(path, report=report)
    assert summary.rejected == 3
    assert summary.created + summary.matched + summary.rejected == count_permissive(path)
    for rejected in summary.rejections:
        assert rejected.position >= 1 and rejected.reason


def test_unreadable_file_is_reported_not_imported(network):
    summary = import_marc(marc_file("folio/invalidMarcFile.mrc"))
    assert summary.unreadable and summary.created == 0


@pytest.mark.parametrize("relative", ["pymarc/bad_records.mrc", "evergreen/jazz_1k.mrc"])
def test_reading_in_worker_processes_gives_the_same_results(network, monkeypatch, relative):
    from libsys.catalog.marc import parallel as parallel_reading

    path = marc_file(relative)
    sequential_report, parallel_report = io.StringIO(), io.StringIO()
    sequential = import_marc(path, match="add", report=sequential_report)
    monkeypatch.setattr(parallel_reading, "CHUNK_BYTES", 4096)  # several chunks per worker
    parallel = import_marc(path, match="add", report=parallel_report, workers=2)
    assert parallel.as_dict() == sequential.as_dict()

    def lines(report):  # the records of the second import have other ids
        return [row[:5] + row[6:] for row in csv.reader(io.StringIO(report.getvalue()))]

    assert lines(parallel_report) == lines(sequential_report)
    stored = db.session.scalars(select(Record.marc).order_by(Record.id)).all()
    half = len(stored) // 2
    assert stored[:half] == stored[half:]
