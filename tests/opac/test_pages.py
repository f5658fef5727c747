"""The OPAC pages through HTTP: home, results with facets, the record page."""

import pytest

from tests.factories import make_reader, sign_in
from tests.search.conftest import BookShelf


@pytest.fixture
def books(app, db, network):
    """A few books on the Whoosh backend with an empty index."""
    from libsys.search.backends import current_backend

    app.config["SEARCH_BACKEND"] = "whoosh"
    current_backend().clear(db.session)
    shelf = BookShelf(db)
    shelf.add(
        "Văn hóa đọc",
        authors=["Nguyễn Văn An"],
        subjects=["Đọc sách"],
        year="2020",
        copies=(("TVLC", "available"), ("TVTD", "on_loan")),
    )
    shelf.add(
        "Dế Mèn phiêu lưu ký",
        authors=["Tô Hoài"],
        audience="children",
        year="2010",
        copies=(("TVTD", "available"),),
    )
    return shelf


def test_home_has_a_search_box_new_arrivals_and_children_shelf(client, books):
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'for="opac-q"' in page
    assert "Văn hóa đọc" in page and "Dế Mèn phiêu lưu ký" in page
    children = page.split('id="children-shelf"')[1]
    assert "Dế Mèn phiêu lưu ký" in children and "Văn hóa đọc" not in children
    assert '<html lang="vi">' in page


def test_results_without_diacritics_show_availability(client, books):
    response = client.get("/search?q=van hoa doc")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Văn hóa đọc" in page and "Dế Mèn" not in page.split('class="hit-list"')[1]
    assert "badge ok" in page


def test_facet_links_narrow_and_combine(client, books):
    page = client.get("/search?q=").get_data(as_text=True)
    assert 'data-facet="audience"' in page
    page = client.get("/search?q=&audience=children").get_data(as_text=True)
    hits = page.split('class="hit-list"')[1]
    assert "Dế Mèn phiêu lưu ký" in hits and "Văn hóa đọc" not in hits
    # The chosen value links back to the list without it.
    assert 'aria-current="true"' in page
    page = client.get("/search?q=&audience=children&library=TVLC").get_data(as_text=True)
    assert "Dế Mèn phiêu lưu ký" not in page.split("<h1")[1].split("</section>")[0]


def test_did_you_mean_is_offered(client, books):
    page = client.get("/search?q=phieu luuu").get_data(as_text=True)
    assert 'class="suggestion"' in page and "phieu luu" in page


def test_bad_parameters_show_an_error_not_a_crash(client, books):
    response = client.get("/search?q=x&page=0")
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)


def test_sort_and_pages(client, books):
    page = client.get("/search?q=&sort=title&per_page=1").get_data(as_text=True)
    assert 'rel="next"' in page
    hits = page.split('class="hit-list"')[1].split("</ol>")[0]
    assert "Dế Mèn phiêu lưu ký" in hits and "Văn hóa đọc" not in hits


def test_record_page_shows_copies_everywhere_and_marc(client, books, db):
    from libsys.catalog.models import Record

    record = db.session.query(Record).filter_by(title="Văn hóa đọc").one()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "Văn hóa đọc" in page and "Nguyễn Văn An" in page
    assert "<details" in page and "245" in page  # the MARC view
    assert page.count("<tr>") >= 3  # two copies plus the heading row
    assert client.get("/records/999999").status_code == 404


def test_record_page_says_where_a_copy_is(client, books, db):
    from libsys.catalog.models import Record
    from libsys.network.models import Library

    record = db.session.query(Record).filter_by(title="Văn hóa đọc").one()
    point = db.session.query(Library).filter(Library.level == "point").first()
    if point is None:
        pytest.skip("the demo network has no rotation point")
    item = record.items[0]
    item.status = "at_rotation_point"
    item.location_library = point
    db.session.commit()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert point.name in page


def test_place_hold_only_for_signed_in_readers_when_circulation_offers_it(app, client, books, db):
    from libsys.catalog.models import Record

    record = db.session.query(Record).filter_by(title="Văn hóa đọc").one()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "/account/holds/place" not in page  # not signed in: to the sign-in, then back here
    if "account.place_hold" not in app.view_functions:
        return
    assert f'href="/login?next=/records/{record.id}"' in page
    from libsys.readers.services import set_reader_password

    reader = make_reader()
    set_reader_password(reader, "reader-pass-1")
    db.session.commit()
    sign_in(client, reader.card_number, "reader-pass-1")
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert f'href="{url_for_hold(app, record.id)}"' in page  # to the choice of library


def url_for_hold(app, record_id) -> str:
    """Where the circulation helper takes holds on a title."""
    with app.test_request_context():
        from flask import url_for

        return url_for(
            "account.place_hold", record_id=record_id, next=f"/records/{record_id}"
        ).replace("&", "&amp;")


def test_the_record_says_its_language_in_words(client, books, db):
    from libsys.catalog.models import Record

    record = db.session.query(Record).filter(Record.language == "vie").first()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "<dd>Tiếng Việt</dd>" in page and "<dd>vie</dd>" not in page
