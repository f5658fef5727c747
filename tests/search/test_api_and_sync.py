"""The search API, the index kept in step with commits, reindex and --check."""

from click.testing import CliRunner
from sqlalchemy import select

from libsys.search.indexing import check_index


def test_search_api_shape(client, catalogue):
    record = catalogue.add(
        "Lịch sử Việt Nam",
        authors=["Trần Trọng Kim"],
        publisher="Văn học",
        year="2018",
        copies=(("TVLC", "available"), ("TVTD", "on_loan")),
    )
    response = client.get("/api/v1/search?q=lich su viet nam")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "total",
        "total_exact",
        "page",
        "per_page",
        "hits",
        "facets",
        "facets_from",
        "suggestion",
        "searched_for",
        "relaxed",
    }
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    assert body["total_exact"] is True and body["facets_from"] is None
    hit = body["hits"][0]
    assert set(hit) == {
        "id",
        "title",
        "authors",
        "year",
        "publisher",
        "call_number",
        "available",
        "holdings",
    }
    assert hit["id"] == record.id
    assert hit["authors"] == ["Trần Trọng Kim"]
    assert hit["available"] is True
    assert {h["library"] for h in hit["holdings"]} == {"TVLC", "TVTD"}
    assert {h["status"] for h in hit["holdings"]} == {"available", "on_loan"}
    assert body["facets"]["library"] == [
        {"value": "TVLC", "count": 1},
        {"value": "TVTD", "count": 1},
    ]


def test_search_api_filters_by_facet_parameters(client, catalogue):
    catalogue.add("Sách ở tỉnh", copies=(("TVLC", "available"),))
    catalogue.add("Sách ở huyện", copies=(("TVTD", "available"),))
    body = client.get("/api/v1/search?q=sach&library=TVTD").get_json()
    assert [h["title"] for h in body["hits"]] == ["Sách ở huyện"]


def test_search_api_refuses_bad_parameters(client, catalogue):
    for query in ("page=0", "per_page=1000", "sort=price", "page=abc", "year=1999", "available=2"):
        response = client.get(f"/api/v1/search?q=x&{query}")
        assert response.status_code == 422, query
        error = response.get_json()["error"]
        assert error["code"] == "INVALID_SEARCH"
        assert error["fields"]


def test_search_api_is_described_in_openapi(client, catalogue):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "page", "per_page", "sort"}
    assert "SearchResult" in spec["components"]["schemas"]


def test_an_edited_record_is_found_by_its_new_title_at_once(client, catalogue, db):
    from libsys.catalog.services import build_marc, save_record

    record = catalogue.add("Tên cũ của sách")
    assert client.get("/api/v1/search?q=ten cu").get_json()["total"] == 1
    save_record(build_marc({"title": "Nhan đề mới toanh", "language": "vie"}), record=record)
    db.session.commit()
    body = client.get("/api/v1/search?q=nhan de moi toanh").get_json()
    assert [h["id"] for h in body["hits"]] == [record.id]
    assert client.get("/api/v1/search?q=ten cu").get_json()["total"] == 0


def test_a_copy_status_change_updates_availability(client, catalogue, db, backend_name):
    record = catalogue.add("Sách đang mượn", copies=(("TVLC", "available"),))
    assert client.get("/api/v1/search?q=dang muon&available=1").get_json()["total"] == 1
    record.items[0].status = "on_loan"
    db.session.commit()
    # Only availability changed: Whoosh indexes it in the background, not with the commit
    # (PostgreSQL writes its rows inside the transaction, so nothing waits).
    from libsys.search.sync import indexer_for, wait_for_index

    assert (record.id in indexer_for(client.application).pending) == (backend_name == "whoosh")
    wait_for_index()
    assert client.get("/api/v1/search?q=dang muon&available=1").get_json()["total"] == 0


def test_deleted_record_leaves_the_index(client, catalogue, db):
    from libsys.catalog.models import RecordIsbn

    record = catalogue.add("Sách sẽ xóa", copies=())
    db.session.execute(RecordIsbn.__table__.delete().where(RecordIsbn.record_id == record.id))
    db.session.delete(record)
    db.session.commit()
    assert client.get("/api/v1/search?q=sach se xoa").get_json()["total"] == 0


def test_reindex_check_repairs_a_broken_index(app, catalogue, db):
    from libsys.search.backends import current_backend
    from libsys.search.documents import build_documents

    kept = catalogue.add("Sách còn lại")
    dropped = catalogue.add("Sách bị mất khỏi chỉ mục")
    stale = catalogue.add("Sách cũ")
    backend = current_backend()
    # Break the index behind the database's back: one record missing, one stale, one extra.
    backend.write({dropped.id: None}, session=db.session)
    old = build_documents(db.session, [stale.id])[stale.id]
    stale.title = "Sách đã sửa tên"
    db.session.flush()
    ghost = dict(old, id=kept.id + 1000, title="Bóng ma")
    backend.write({kept.id + 1000: ghost}, session=db.session)
    db.session.commit()
    backend.write({stale.id: old}, session=db.session)
    db.session.commit()

    report = check_index(db.session, repair=False)
    assert (report["missing"], report["extra"], report["stale"]) == (1, 1, 1)
    check_index(db.session, repair=True)
    db.session.commit()
    assert check_index(db.session, repair=False)["missing"] == 0
    report = check_index(db.session, repair=False)
    assert (report["missing"], report["extra"], report["stale"]) == (0, 0, 0)

    from tests.search.conftest import titles

    assert titles(q="bi mat khoi chi muc") == ["Sách bị mất khỏi chỉ mục"]
    assert titles(q="bong ma") == []
    assert titles(q="da sua ten") == ["Sách đã sửa tên"]


def test_reindex_command_rebuilds_everything(app, catalogue, db):
    from libsys.search.backends import current_backend

    catalogue.add("Một")
    catalogue.add("Hai")
    current_backend().clear(db.session)
    db.session.commit()
    runner = CliRunner()
    from libsys.search.cli import reindex_command

    result = runner.invoke(reindex_command, [])
    assert result.exit_code == 0, result.output
    assert "indexed 2 records" in result.output
    assert current_backend().count(session=db.session) == 2
    result = runner.invoke(reindex_command, ["--check"])
    assert "index and database agree" in result.output


def test_health_reports_the_index(app, catalogue):
    assert app.extensions["libsys_search_health"]() in ("ok", "absent")


def test_a_checkout_and_return_are_indexed_in_the_background(client, catalogue, db, backend_name):
    from libsys.circulation.loans.returns import checkin
    from libsys.circulation.loans.services import checkout
    from libsys.network.models import Library
    from libsys.search.sync import indexer_for, wait_for_index
    from tests.circulation.conftest import adult

    record = catalogue.add("Sách cho mượn", copies=(("TVLC", "available"),))
    tvlc = db.session.scalar(select(Library).where(Library.code == "TVLC"))
    indexer = indexer_for(client.application)
    indexer.pending.clear()
    checkout(record.items[0].barcode, adult().card_number, library=tvlc)
    db.session.commit()
    if backend_name == "whoosh":
        assert record.id in indexer.pending  # not written with the commit
        assert client.get("/api/v1/search?q=sach cho muon&available=1").get_json()["total"] == 1
    wait_for_index()
    assert not indexer.pending
    assert client.get("/api/v1/search?q=sach cho muon&available=1").get_json()["total"] == 0
    checkin(record.items[0].barcode, library=tvlc)
    db.session.commit()
    assert (record.id in indexer.pending) == (backend_name == "whoosh")
    wait_for_index()
    assert client.get("/api/v1/search?q=sach cho muon&available=1").get_json()["total"] == 1
