"""Export then import gives back the same records, field for field."""

import io
import json

import pytest
from sqlalchemy import delete, select

from libsys.catalog.exporter import export_marc
from libsys.catalog.importer import import_marc
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
    report = export_marc(exported, format=fmt)
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
