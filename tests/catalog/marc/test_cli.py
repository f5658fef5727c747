"""The import-marc and export-marc commands."""

import json

from sqlalchemy import func, select

from libsys.catalog.models import Record
from libsys.extensions import db
from tests.catalog.helpers import marc_file


def _run(app, args):
    runner = app.test_cli_runner()
    return runner.invoke(args=args)


def test_import_marc_json_prints_one_object(app, committed_db, tmp_path):
    from libsys.demo.network import load_network, load_reader_categories

    load_reader_categories()
    load_network()
    committed_db.session.commit()
    path = marc_file("evergreen/jazz_1k.mrc")
    report = tmp_path / "rejected.csv"
    result = _run(
        app, ["import-marc", str(path), "--library", "TVLC", "--json", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == {
        "read",
        "created",
        "matched",
        "rejected",
        "items_created",
        "items_skipped",
        "created_ids",
        "matches",
        "skipped_items",
    }
    assert summary["read"] == 1000
    assert summary["created"] + summary["matched"] + summary["rejected"] == 1000
    assert summary["items_created"] > 0
    assert report.read_text().startswith("position,offset,control_number,reason,outcome")
    committed_db.session.remove()
    assert db.session.scalar(select(func.count(Record.id))) == summary["created"]
    # --json names the records it created.
    ids = set(db.session.scalars(select(Record.id)))
    assert len(summary["created_ids"]) == summary["created"]
    assert set(summary["created_ids"]) == ids
    again = _run(app, ["import-marc", str(path), "--library", "TVLC", "--json"])
    assert json.loads(again.stdout)["created"] == 0


def test_unreadable_file_exits_non_zero_with_a_message(app, db):
    result = _run(app, ["import-marc", str(marc_file("folio/invalidMarcFile.mrc"))])
    assert result.exit_code != 0
    assert "invalidMarcFile.mrc" in result.output and "not a MARC file" in result.output


def test_missing_file_exits_non_zero(app, db, tmp_path):
    result = _run(app, ["import-marc", str(tmp_path / "nothing.mrc"), "--json"])
    assert result.exit_code != 0 and "no such file" in result.output


def test_unknown_library_exits_non_zero(app, db):
    result = _run(app, ["import-marc", str(marc_file("pymarc/test.dat")), "--library", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output


def test_export_marc_writes_the_records(app, committed_db, tmp_path):
    path = marc_file("pymarc/test.dat")
    assert _run(app, ["import-marc", str(path), "--json"]).exit_code == 0
    output = tmp_path / "out.xml"
    result = _run(app, ["export-marc", "--format", "marcxml", "-o", str(output)])
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert text.count("<record") == 10 and "<collection" in text
    ids = committed_db.session.scalars(select(Record.id).order_by(Record.id).limit(2)).all()
    partial = tmp_path / "two.mrc"
    result = _run(app, ["export-marc", "--ids", ",".join(map(str, ids)), "-o", str(partial)])
    assert result.exit_code == 0 and partial.read_bytes().count(b"\x1d") == 2
    later = tmp_path / "later.mrc"
    result = _run(app, ["export-marc", "--since", "2999-01-01", "-o", str(later)])
    assert result.exit_code == 0 and later.read_bytes() == b""
