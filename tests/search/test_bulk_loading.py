"""Loading many records: a fresh `reindex` and the bulk mode of long imports, both backends."""

from sqlalchemy import text

from libsys.search import bulk_indexing
from libsys.search.indexing import reindex_all
from tests.search.conftest import search

QUERIES = (
    {"q": "lich su"},
    {"q": "lịch sử"},
    {"q": "history"},
    {"q": '"viet nam"'},
    {"q": "truy*"},
    {"q": "", "sort": "title"},
    {"q": "sach", "library": "TVLC"},
    {"q": "lich su", "sort": "newest"},
    {"q": "histry"},  # did you mean
)


def _shelf(catalogue):
    catalogue.add("Lịch sử Việt Nam", author="Trần Trọng Kim", subjects="Lịch sử")
    catalogue.add("Lich su the gioi", author="Nguyễn Hiến Lê", language="vie")
    catalogue.add("A history of Viet Nam", author="Taylor, K. W.", language="eng")
    catalogue.add("Truyện Kiều", author="Nguyễn Du", copies=(("TVLC", "on_loan"),))
    catalogue.add("Sách thiếu nhi", copies=(("TVLC", "available"), ("TVTD", "available")))
    catalogue.add("Truyen co tich", copies=())


def _answers():
    answers = []
    for args in QUERIES:
        result = search(**args)
        answers.append(
            (
                result.total,
                [r.title for r in result.records],
                result.facets,
                result.suggestion,
            )
        )
    return answers


def _search_indexes(db) -> set[str]:
    return set(
        db.session.scalars(
            text(
                "SELECT indexname FROM pg_indexes"
                " WHERE tablename IN ('search_document', 'search_term')"
            )
        )
    )


def test_a_fresh_reindex_gives_the_same_results(catalogue, db, backend_name):
    _shelf(catalogue)
    before = _answers()
    assert before[0][0] == 2 and before[-1][3] == "history"  # the shelf is searchable
    indexes = _search_indexes(db) if backend_name == "postgres" else set()

    assert reindex_all(db.session) == 6
    db.session.commit()

    assert _answers() == before
    if backend_name == "postgres":
        # Dropped for the load and built again on the loaded rows, the trigram one included.
        assert _search_indexes(db) >= indexes | {
            "ix_search_document_tsv_fold",
            "ix_search_document_libraries",
            "ix_search_document_added",
            "ix_search_term_trgm",
        }


def test_bulk_mode_indexes_in_batches_and_at_the_end(catalogue, db, monkeypatch):
    from libsys.search import sync

    monkeypatch.setattr(sync, "BULK_FLUSH_EVERY", 2)
    with bulk_indexing():
        catalogue.add("Sách một")
        catalogue.add("Sách hai")
        assert search(q="sach").total == 0  # noted, not yet written
        catalogue.add("Sách ba")  # two waiting: this commit writes them
        assert {r.title for r in search(q="sach").records} == {"Sách một", "Sách hai"}
        db.session.rollback()  # end the read: the import's last commit ends the block
    assert search(q="sach").total == 3
    # Written for good (PostgreSQL's rows were committed, not left in an open transaction).
    db.session.rollback()
    assert search(q="sach ba").total == 1
