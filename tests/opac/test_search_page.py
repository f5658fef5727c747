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
