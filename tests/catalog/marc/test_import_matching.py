"""Import matching by identifiers, Koha holdings with a branch map, and what the import
reports: the records it created, what each match matched, every copy it did not create."""

import csv
import io
import json

from pymarc import Field, Subfield
from sqlalchemy import func, select

from libsys.catalog.marc import write_iso2709
from libsys.catalog.marc.importer import import_marc
from libsys.catalog.models import Item, Record
from libsys.catalog.services import build_marc
from libsys.extensions import db
from tests.catalog.helpers import marc_file
from tests.catalog.marc.test_pages import _upload

KOHA = "koha/misc4dev_bibs_with_952.mrc"
KOHA_ITEMS = 961  # 952 fields in the file: MPL 325, CPL 321, FPL 315


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _file(records) -> io.BytesIO:
    buffer = io.BytesIO()
    write_iso2709(records, buffer)
    buffer.seek(0)
    return buffer


def _edition(number: str, publisher: str, *, source: str = "DLC", isbn: str | None = None):
    fields = {
        "title": "Evangeline",
        "authors": ["Longfellow, Henry Wadsworth"],
        "year": "1900",
        "publisher": publisher,
    }
    if isbn:
        fields["isbn"] = isbn
    marc = build_marc(fields)
    marc.add_ordered_field(Field("001", data=number))
    marc.add_ordered_field(Field("003", data=source))
    return marc


def test_two_editions_with_other_control_numbers_are_two_records(network):
    summary = import_marc(_file([_edition("00000101", "A. L. Burt"), _edition("00000102", "")]))
    assert (summary.created, summary.matched) == (2, 0)
    # Imported again into a catalogue that has them: each matches itself, by its 001.
    report = io.StringIO()
    again = import_marc(
        _file([_edition("00000101", "A. L. Burt"), _edition("00000102", "")]), report=report
    )
    assert (again.created, again.matched) == (0, 2)
    by_number = dict(db.session.execute(select(Record.control_number, Record.id)).all())
    assert [(m.record_id, m.rule) for m in again.matches] == [
        (by_number["00000101"], "control_number"),
        (by_number["00000102"], "control_number"),
    ]
    rows = list(csv.DictReader(io.StringIO(report.getvalue())))
    assert [row["outcome"] for row in rows] == ["matched", "matched"]
    assert rows[0]["record_id"] == str(by_number["00000101"])
    assert "control number" in rows[0]["reason"] and "00000101" in rows[0]["reason"]


def test_a_third_edition_from_the_same_source_with_the_same_isbn_is_another_record(network):
    import_marc(_file([_edition("00000201", "Burt", isbn="9780140390001")]))
    summary = import_marc(
        _file(
            [
                # Same source, another 001, same ISBN: another edition.
                _edition("00000202", "Burt", isbn="9780140390001"),
                # Another source's record of that ISBN: the same book.
                _edition("X-9", "Burt", source="VN-TEST", isbn="9780140390001"),
            ]
        )
    )
    assert (summary.created, summary.matched) == (1, 1)
    assert summary.matches[0].rule == "isbn" and summary.matches[0].value == "9780140390001"
    assert _count(Record) == 2


def test_title_author_year_and_publisher_only_for_records_without_identifiers(network):
    import_marc(_file([_edition("00000301", "Burt")]))
    bare = build_marc(
        {"title": "Evangeline", "authors": ["Longfellow, Henry Wadsworth"], "year": "1900"}
    )
    other_publisher = build_marc(
        {
            "title": "Evangeline",
            "authors": ["Longfellow, Henry Wadsworth"],
            "year": "1900",
            "publisher": "Macmillan",
        }
    )
    same_publisher = build_marc(
        {
            "title": "Evangeline",
            "authors": ["Longfellow, Henry Wadsworth"],
            "year": "1900",
            "publisher": "Burt",
        }
    )
    summary = import_marc(_file([bare, other_publisher, same_publisher]))
    # No publisher and another publisher are other records; the same one is suggested.
    assert (summary.created, summary.matched) == (2, 1)
    assert summary.matches[0].rule == "title_author_year"
    assert summary.matches[0].position == 3


def test_koha_holdings_go_to_mapped_libraries_and_the_others_are_reported(
    app, committed_db, tmp_path
):
    from libsys.demo.network import load_network, load_reader_categories

    path = marc_file(KOHA)
    load_reader_categories()
    load_network()
    committed_db.session.commit()
    runner = app.test_cli_runner()
    report = tmp_path / "report.csv"
    result = runner.invoke(
        args=[
            "import-marc",
            str(path),
            "--branch-map",
            "MPL=TVLC,CPL=TVTD",
            "--json",
            "--report",
            str(report),
        ]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["created"] == 436
    assert summary["items_created"] + summary["items_skipped"] == KOHA_ITEMS
    assert (summary["items_created"], summary["items_skipped"]) == (325 + 321, 315)
    assert {item["library_code"] for item in summary["skipped_items"]} == {"FPL"}
    assert all("FPL" in item["reason"] for item in summary["skipped_items"])
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    skipped = [row for row in rows if row["outcome"] == "item_skipped"]
    assert len(skipped) == 315 and all(row["barcode"] for row in skipped)
    committed_db.session.remove()
    libraries = dict(
        db.session.execute(
            select(Item.library_id, func.count(Item.id)).group_by(Item.library_id)
        ).all()
    )
    from libsys.network.models import Library

    codes = dict(db.session.execute(select(Library.id, Library.code)).all())
    assert {codes[key]: value for key, value in libraries.items()} == {"TVLC": 325, "TVTD": 321}
    assert sorted(summary["created_ids"]) == sorted(db.session.scalars(select(Record.id)))

    # The same file again creates nothing: 999 $c and 001 find every record, and every
    # copy is reported (its barcode is here already, or FPL is still not a library).
    again = runner.invoke(
        args=["import-marc", str(path), "--branch-map", "MPL=TVLC,CPL=TVTD", "--json"]
    )
    second = json.loads(again.stdout)
    assert (second["created"], second["matched"], second["items_created"]) == (0, 436, 0)
    assert second["items_skipped"] == KOHA_ITEMS
    committed_db.session.remove()
    assert _count(Record) == 436 and _count(Item) == 646


def test_koha_file_without_a_library_reports_every_copy(network):
    path = marc_file(KOHA)
    summary = import_marc(path)
    assert summary.items_created == 0 and summary.items_skipped == KOHA_ITEMS
    reasons = {item.library_code: item.reason for item in summary.skipped_items}
    assert set(reasons) == {"MPL", "CPL", "FPL"}
    assert "--branch-map MPL=CODE" in reasons["MPL"]


def test_records_without_identifiers_are_not_created_twice(network):
    # Koha's 999 $c alone (no 001, no ISBN, no author or year) and a bare record.
    koha = build_marc({"title": "Sách không tác giả"})
    koha.add_field(Field("999", [" ", " "], [Subfield("c", "77"), Subfield("d", "77")]))
    bare = build_marc({"title": "Tài liệu không số"})
    first = import_marc(_file([koha, bare]))
    assert first.created == 2
    koha.add_ordered_field(Field("005", data="20261205101010.0"))  # exported again later
    again = import_marc(_file([koha, bare]))
    assert (again.created, again.matched) == (0, 2)
    assert [m.rule for m in again.matches] == ["koha", "fingerprint"]
    assert _count(Record) == 2


def test_import_page_maps_branches_and_lists_what_it_did(staff_client):
    path = marc_file(KOHA)
    assert path.is_file()
    response = _upload(staff_client, KOHA)
    job_url = response.headers["Location"]
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    preview = staff_client.get(job_url).get_data(as_text=True)
    assert 'name="branch_map"' in preview
    wrong = staff_client.post(
        f"/staff/catalog/import/{job_id}/start",
        data={"library": "", "match": "skip", "branch_map": "MPL=NOWHERE"},
    )
    assert wrong.status_code == 422
    assert "NOWHERE" in wrong.get_data(as_text=True)
    response = staff_client.post(
        f"/staff/catalog/import/{job_id}/start",
        data={"library": "", "match": "skip", "branch_map": "MPL=TVLC, CPL=TVTD"},
    )
    assert response.status_code == 302
    status = staff_client.get(f"/staff/catalog/import/{job_id}/status").get_json()
    assert status["state"] == "done"
    assert (status["items_created"], status["items_skipped"]) == (646, 315)
    page = staff_client.get(f"/staff/catalog/import/{job_id}/progress").get_data(as_text=True)
    first = db.session.scalars(select(Record).order_by(Record.id)).first()
    assert f'href="/staff/catalog/records/{first.id}"' in page
    assert "FPL" in page and "3999900000" in page
