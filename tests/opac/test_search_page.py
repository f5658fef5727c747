"""The results page on a phone and its small words: filters, notices, headings, meta line."""

from tests.opac.test_pages import books  # noqa: F401  (the fixture)


def test_filters_are_a_button_above_the_results(client, books):  # noqa: F811
    page = client.get("/search?q=").get_data(as_text=True)
    facets, hits = page.index('<details class="facets"'), page.index('class="hits"')
    assert facets < hits  # before the results in the page, not after them
    assert "Lọc kết quả</summary>" in page
    assert "js/opac.js" in page and "<script>" not in page  # no inline script


def test_empty_search_says_newest_and_the_sort_box_agrees(client, books):  # noqa: F811
    page = client.get("/search?q=").get_data(as_text=True)
    assert "mới nhất" in page.split("<h1")[1].split("</h1>")[0]
    assert '<option value="newest" selected>' in page
    assert '<option value="relevance" selected>' not in page


def test_zero_hits_has_no_empty_filter_heading(client, books):  # noqa: F811
    page = client.get("/search?q=zzqqxx").get_data(as_text=True)
    assert 'id="facets-title"' not in page


def test_a_hit_without_author_does_not_begin_with_a_dot(client, books):  # noqa: F811
    books.add("Sách không tác giả", year="2001")
    page = client.get("/search?q=sach khong tac gia").get_data(as_text=True)
    assert '<p class="hit-meta">2001</p>' in page


def test_operators_notice_and_no_words(client, books):  # noqa: F811
    page = client.get('/search?q="doc van hoa"').get_data(as_text=True)
    assert "Văn hóa đọc" in page and "nên đã tìm theo các từ" in page
    response = client.get("/search?q=-")
    assert response.status_code == 200
    assert "không có từ nào để tìm" in response.get_data(as_text=True)


def test_a_subtitle_is_shown_once(client, books):  # noqa: F811
    record = books.add(
        "Văn hóa tâm linh của người Hmông", subtitle="Truyền thống và hiện tại", year="2005"
    )
    assert record.subtitle == "Truyền thống và hiện tại"
    for page in (
        client.get(f"/records/{record.id}").get_data(as_text=True),
        client.get("/search?q=tam linh hmong").get_data(as_text=True),
    ):
        assert page.count("Truyền thống và hiện tại") == page.count("Văn hóa tâm linh của")
    body = client.get("/api/v1/search?q=tam linh hmong").get_json()
    assert body["hits"][0]["title"].count("Truyền thống") == 1


def test_copies_name_their_library_beside_the_accession_number(client, books, db):  # noqa: F811
    from libsys.catalog.models import Record

    record = db.session.query(Record).filter_by(title="Văn hóa đọc").one()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    for item in record.items:
        assert f'{item.accession_number} <span class="muted">({item.library.code})</span>' in page


def test_staff_record_without_publisher_has_no_stray_comma(staff_client, books):  # noqa: F811
    record = books.add("Sách không nhà xuất bản", year="2019")
    page = staff_client.get(f"/staff/catalog/records/{record.id}").get_data(as_text=True)
    assert "<dd>2019</dd>" in page and ", 2019" not in page
