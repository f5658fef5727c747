"""How the Whoosh index is written: spilled posting runs, long posting lists, and the follower
process that indexes a long import beside it."""

import pytest
from pymarc import Field
from sqlalchemy import func, select

from libsys.catalog.models import Record
from tests.search.conftest import search


@pytest.fixture
def whoosh(app):
    previous = app.config["SEARCH_BACKEND"]
    app.config["SEARCH_BACKEND"] = "whoosh"
    yield
    app.config["SEARCH_BACKEND"] = previous


def test_spilled_runs_and_long_posting_lists_give_every_hit(app, db, network, whoosh, monkeypatch):
    from libsys.catalog.copies.services import add_item
    from libsys.catalog.services import build_marc, save_record
    from libsys.search.backends import current_backend, whoosh_backend

    current_backend().clear(db.session)
    # A pool of about 10 kB spills sorted runs every few records; 300 records put "chung"
    # in three posting blocks of at most 128.
    monkeypatch.setattr(whoosh_backend, "WRITER_MB", 0.01)
    for number in range(300):
        record = save_record(build_marc({"title": f"Sách chung số {number}", "language": "vie"}))
        add_item(record, library="TVLC")
    db.session.commit()

    assert search(q="chung").total == 300
    assert search(q='"sach chung"').total == 300
    assert [r.title for r in search(q="chung so 217").records] == ["Sách chung số 217"]
    assert search(q="chung", available="1").total == 300


def _marc_file(path, titles_by_control_number):
    from libsys.catalog.services import build_marc

    with open(path, "wb") as out:
        for control_number, title in titles_by_control_number:
            record = build_marc({"title": title, "language": "vie"})
            record.add_ordered_field(Field("001", data=control_number))
            record.add_ordered_field(Field("003", data="VN-TEST"))
            out.write(record.as_marc())


def test_a_long_import_is_indexed_by_the_follower_process(
    app, committed_db, whoosh, tmp_path, monkeypatch
):
    from libsys.catalog.marc import importer
    from libsys.catalog.marc.importer import import_marc
    from libsys.demo.network import load_network, load_reader_categories
    from libsys.search.backends import current_backend

    load_reader_categories()
    load_network()
    committed_db.session.commit()
    current_backend().clear(committed_db.session)
    # One record indexed before the import, which the import then overlays.
    earlier = tmp_path / "earlier.mrc"
    _marc_file(earlier, [("TEST3", "Bản in cũ")])
    import_marc(earlier)
    committed_db.session.commit()
    assert current_backend().count() == 1
    path = tmp_path / "books.mrc"
    titles = [(f"TEST{n}", f"Truyện dân gian số {n}") for n in range(40)]
    # The same record again, changed, later in the file: overlaid in the same import.
    titles.append(("TEST7", "Truyện cổ tích được sửa"))
    _marc_file(path, titles)
    app.config.update(SEARCH_FOLLOWER=True, SEARCH_FOLLOWER_FROM=10)
    monkeypatch.setattr(importer, "BATCH_SIZE", 5)  # a commit every 5 records
    from libsys.search.follower import IndexFollower

    left_over = []
    finish = IndexFollower.finish
    monkeypatch.setattr(
        IndexFollower, "finish", lambda self: left_over.append(finish(self)) or left_over[-1]
    )
    try:
        summary = import_marc(path, match="overlay", commit_every=5)
    finally:
        del app.config["SEARCH_FOLLOWER"], app.config["SEARCH_FOLLOWER_FROM"]

    assert summary.created == 39 and summary.matched == 2
    # The follower did the indexing (had it failed, this process would have done it).
    assert left_over == [[]]
    committed_db.session.remove()
    assert committed_db.session.scalar(select(func.count(Record.id))) == 40
    # Searchable when the import returns, each record once, the overlaid one as it is now.
    assert current_backend().count() == 40
    assert search(q="truyen dan gian").total == 39
    assert [r.title for r in search(q="co tich duoc sua").records] == ["Truyện cổ tích được sửa"]
    assert search(q="dan gian so 7").total == 0
    assert search(q="ban in cu").total == 0 and search(q="dan gian so 3").total == 1


def test_reindex_check_builds_a_missing_index(app, db, network, whoosh):
    """An installation with no index of this layout (new, or written by an older libsys)."""
    import shutil

    from click.testing import CliRunner

    from libsys.catalog.services import build_marc, save_record
    from libsys.search.backends import current_backend
    from libsys.search.cli import reindex_command

    backend = current_backend()
    backend.clear(db.session)
    save_record(build_marc({"title": "Nhật ký trong tù", "language": "vie"}))
    db.session.commit()
    backend._ix = None
    shutil.rmtree(backend.index_dir)
    assert backend.health(db.session) == "absent"

    result = CliRunner().invoke(reindex_command, ["--check"])
    assert result.exit_code == 0, result.output
    assert "building it" in result.output and "indexed 1 records" in result.output
    assert [r.title for r in search(q="nhat ky trong tu").records] == ["Nhật ký trong tù"]


def test_the_index_names_its_formats_where_every_version_finds_them():
    """The schema pickled in an index's table of contents names the fast formats by the
    module they first lived in, so indexes written before the codec had its own module open,
    and so do the ones written now with the code before it."""
    import pickle

    from libsys.search.backends.whoosh_backend import make_schema
    from libsys.search.backends.whoosh_codec import FastCodec

    for written in (make_schema(), FastCodec()):  # the schema, and each segment's codec
        pickled = pickle.dumps(written)
        assert b"libsys.search.backends.whoosh_backend" in pickled
        assert b"whoosh_codec" not in pickled
    schema = pickle.loads(pickle.dumps(make_schema()))
    assert type(schema["title_f"].format).__name__ == "FastPositions"
