"""The PostgreSQL backend reads at most HITS hits of a search: it sorts them for the first
pages and counts their facets, and with more hits it gives an estimate of their number
("about N"). HITS is made 3 here, so four books cross it."""

import pytest

from libsys.search.backends import postgres_backend
from tests.search.conftest import search, titles

pytestmark = pytest.mark.parametrize("backend_name", ["postgres"], indirect=True)


@pytest.fixture
def three_hits(monkeypatch):
    """Read 3 hits at most."""
    monkeypatch.setattr(postgres_backend, "HITS", 3)


@pytest.fixture
def four_books(catalogue):
    """Four books about "hoa", two at the provincial library and two at the district one;
    "hoa" in the title of two of them, in the subjects of the other two."""
    return [
        catalogue.add("Hoa dại", subjects=["Thực vật"]),
        catalogue.add("Sổ tay làm vườn", subjects=["Hoa"]),
        catalogue.add("Hoa hồng", subjects=["Thực vật"], copies=(("TVTD", "available"),)),
        catalogue.add("Cây cảnh", subjects=["Hoa"], copies=(("TVTD", "available"),)),
    ]


ALL_FOUR = {"Hoa dại", "Sổ tay làm vườn", "Hoa hồng", "Cây cảnh"}


def test_a_search_under_the_bound_is_counted_and_sorted_in_full(catalogue, four_books):
    result = search(q="hoa")
    assert result.total == 4 and result.total_exact and result.facets_from is None
    assert dict(result.facets["library"]) == {"TVLC": 2, "TVTD": 2}
    assert set(titles(q="hoa")[:2]) == {"Hoa dại", "Hoa hồng"}  # title matches first
    assert titles(q="hoa", sort="title") == ["Cây cảnh", "Hoa dại", "Hoa hồng", "Sổ tay làm vườn"]


def test_more_hits_than_read_give_an_estimate(catalogue, four_books, three_hits):
    result = search(q="hoa")
    assert not result.total_exact and result.total >= 3
    one = search(q="hoa hong")
    assert one.total == 1 and one.total_exact and one.facets_from is None


def test_facets_are_counted_in_the_hits_read(catalogue, four_books, three_hits):
    result = search(q="hoa")
    assert result.facets_from == 3
    assert sum(n for _, n in result.facets["library"]) == 3
    assert sum(n for _, n in result.facets["subject"]) == 3
    # Two hits at the district library: counted in full; the library facet's own counts
    # come from the hits without that choice, of which 3 were read.
    result = search(q="hoa", library="TVTD")
    assert result.total == 2 and result.total_exact
    assert {r.title for r in result.records} == {"Hoa hồng", "Cây cảnh"}
    assert result.facets_from == 3
    assert sum(n for _, n in result.facets["library"]) == 3


def test_pages_beyond_the_hits_read_list_every_hit_once(catalogue, four_books, three_hits):
    every = titles(q="hoa")
    assert len(every) == 4 and set(every) == ALL_FOUR
    # The same order page by page, across the third hit, and at every search.
    assert [titles(q="hoa", per_page=1, page=n)[0] for n in (1, 2, 3, 4)] == every
    assert titles(q="hoa", per_page=2, page=2) == every[2:]
    assert titles(q="hoa") == every
    # Three read, ranked: two books have the word in their title, so one of them is first.
    assert every[0] in {"Hoa dại", "Hoa hồng"}
    # Sorted by title among the three read.
    by_title = titles(q="hoa", sort="title")
    assert by_title[:3] == sorted(by_title[:3]) and set(by_title) == ALL_FOUR


def test_the_api_and_the_results_page_say_what_was_counted(
    client, catalogue, four_books, three_hits
):
    body = client.get("/api/v1/search?q=hoa").get_json()
    assert body["total_exact"] is False and body["facets_from"] == 3
    page = client.get("/search?q=hoa").get_data(as_text=True)
    assert f"Khoảng {body['total']} kết quả cho “hoa”" in page
    assert "Đếm trong 3 kết quả tìm thấy đầu tiên." in page
    page = client.get("/search?q=hoa+hong").get_data(as_text=True)
    assert "1 kết quả cho “hoa hong”" in page and "Khoảng" not in page
    assert "tìm thấy đầu tiên" not in page
