"""Export then import gives back the same records, field for field."""

import io
import json

import pytest
from sqlalchemy import delete, select

from libsys.catalog.marc.exporter import export_marc
from libsys.catalog.marc.importer import import_marc
from libsys.catalog.models import Item, Record, RecordIsbn
from libsys.extensions import db
from libsys.stats.models import Event
from tests.catalog.helpers import marc_file


def _stored_marc() -> list[dict]:
    """The stored records; the leader's record length and base address are left out, as
    ISO 2709 computes them anew when it writes a record."""
    records = []
    for marc in db.session.scalars(select(Record.marc).order_by(Record.id)):
        record = json.loads(marc)
        leader = record["leader"]
        record["leader"] = leader[5:12] + leader[17:]
        records.append(record)
    return records


def _forget_catalogue() -> None:
    for model in (Event, Item, RecordIsbn, Record):
        db.session.execute(delete(model))


@pytest.mark.parametrize("fmt", ["iso2709", "marcxml"])
@pytest.mark.parametrize(
    "relative",
    [
        "koha/misc4dev_bibs.marcxml",  # MARCXML, UTF-8
        "evergreen/lul_fre_500.mrc",  # MARC-8 (French diacritics)
        "folio/CornellFOLIOExemplars2.mrc",  # a Vietnamese record stored decomposed
        "solrmarc/nonlatinscripts.mrc",  # 880 fields in other scripts
    ],
)
def test_export_then_import_keeps_every_field(network, relative, fmt):
    first = import_marc(marc_file(relative))
    before = _stored_marc()
    assert len(before) == first.created > 0
    exported = io.BytesIO()
    report = export_marc(exported, format=fmt, copies=False)
    assert report.written == len(before) and not report.not_written
    _forget_catalogue()
    exported.seek(0)
    again = import_marc(exported, match="add")
    assert again.rejected == 0 and again.created == len(before)
    assert _stored_marc() == before


def test_export_of_the_same_records_matches_them_on_import(network):
    import_marc(marc_file("pymarc/test.dat"))
    exported = io.BytesIO()
    export_marc(exported)
    exported.seek(0)
    summary = import_marc(exported)
    assert summary.created == 0 and summary.matched == summary.read


@pytest.mark.parametrize("fmt", ["iso2709", "marcxml"])
def test_exported_copies_come_back_on_import(network, fmt):
    from datetime import date

    from libsys.catalog.copies.services import add_item
    from libsys.catalog.services import build_marc, save_record

    record = save_record(build_marc({"title": "Đất rừng phương Nam", "language": "vie"}))
    add_item(
        record,
        library="TVLC",
        store="VN",
        call_number="895.9223 Đ124",
        price=85000,
        acquired_on=date(2025, 3, 1),
        notes="Bìa cứng",
    )
    periodical = add_item(record, library="TVTD", barcode="TD-0001")
    periodical.item_type = "periodical"  # policies may key on a copy's type
    lost = add_item(record, library="TVLC", barcode="TV-LOST")
    lost.status = "lost"
    damaged = add_item(record, library="TVLC", barcode="TV-DAMAGED")
    damaged.status = "damaged"
    withdrawn = add_item(record, library="TVLC")
    withdrawn.status = "withdrawn"
    db.session.flush()

    def copies():
        return sorted(
            (
                i.library.code,
                i.store.code if i.store else None,
                i.accession_number,
                i.barcode,
                i.call_number,
                i.price,
                i.acquired_on,
                i.notes,
                i.item_type,
                i.status,
            )
            for i in db.session.scalars(select(Item).where(Item.status != "withdrawn"))
        )

    before = copies()
    exported = io.BytesIO()
    export_marc(exported, format=fmt)
    _forget_catalogue()
    exported.seek(0)
    again = import_marc(exported)
    assert (again.created, again.items_created) == (1, 4)  # the withdrawn copy stays out
    assert copies() == before
    stored = json.loads(db.session.scalar(select(Record.marc)))
    assert sum("952" in field for field in stored["fields"]) == 4


def test_copies_that_arrived_in_852_come_back_once(network):
    from pymarc import Field, Indicators, Subfield

    from libsys.catalog.services import build_marc

    marc = build_marc({"title": "Vợ nhặt", "language": "vie"})
    marc.add_ordered_field(
        Field("852", Indicators(" ", " "), [Subfield("a", "TVLC"), Subfield("h", "895.9223")])
    )
    first = import_marc(io.BytesIO(marc.as_marc()))
    assert first.items_created == 1
    exported = io.BytesIO()
    export_marc(exported)
    _forget_catalogue()
    exported.seek(0)
    assert import_marc(exported).items_created == 1
