"""Queries readers type that operators would spoil, long ones, and did-you-mean: both backends."""

import random

import pytest

from libsys.search import suggest
from libsys.search.query import cut_to_words, parse_query, plain_words
from libsys.search.services import MAX_WORDS
from tests.search.conftest import search, titles


@pytest.fixture
def shelf(catalogue):
    """Titles and authors like the demo catalogue's, some of them common."""
    for number in (1, 2):
        catalogue.add(
            f"Kính vạn hoa - Tập {number}", authors=["Nguyễn Nhật Ánh"], subjects=["Tuổi học trò"]
        )
    catalogue.add("Mắt biếc", authors=["Nguyễn Nhật Ánh"])
    catalogue.add("Truyện Kiều", authors=["Nguyễn Du"], subjects=["Truyện thơ"])
    catalogue.add("Truyện Tấm Cám", subjects=["Truyện cổ tích"])
    catalogue.add("Văn hóa làng", subjects=["Văn hóa"])
    catalogue.add("Nhà văn và tiểu thuyết", authors=["Lê Nha"])
    catalogue.add("Tiêu chuẩn thư viện", subjects=["Thư viện"])
    catalogue.add("History and culture", language="eng")
    return catalogue


@pytest.mark.parametrize("query", ["AND OR NOT", "title:(", '"', "-", "NOT", "( )", "tác giả:"])
def test_operators_alone_never_fail(shelf, client, query):
    for url in ("/search", "/api/v1/search"):
        response = client.get(url, query_string={"q": query})
        assert response.status_code == 200, (url, query)
    result = search(q=query)
    # Nothing to search for is said, not taken for the empty search (which lists everything).
    if not plain_words(query):
        assert result.no_words and result.total == 0


def test_and_or_not_is_searched_as_words(shelf, client):
    result = search(q="AND OR NOT")
    assert result.relaxed and result.searched_for == "and or not"
    assert result.total == 0
    assert titles(q="history AND") == ["History and culture"]
    body = client.get("/api/v1/search", query_string={"q": '"History culture"'}).get_json()
    assert body["relaxed"] and body["searched_for"] == "history culture"
    assert [hit["title"] for hit in body["hits"]] == ["History and culture"]


def test_a_pasted_title_with_operators_is_searched_again_as_words(shelf):
    # "-Tập 2" excludes "tập", parentheses and quotes make the query find nothing as typed.
    result = search(q="Kính vạn hoa -Tập 2")
    assert result.relaxed and result.searched_for == "kính vạn hoa tập 2"
    assert [r.title for r in result.records] == ["Kính vạn hoa - Tập 2"]
    result = search(q='(Mắt biếc) "Nguyễn Nhật Ánh" NOT Ánh')
    assert result.relaxed and [r.title for r in result.records] == ["Mắt biếc"]
    # Operators that find something are kept as typed.
    kept = search(q="kinh van hoa -2")
    assert not kept.relaxed and [r.title for r in kept.records] == ["Kính vạn hoa - Tập 1"]


def test_long_queries_are_cut_to_their_first_words(shelf, client):
    words = ["truyen", "kieu"] + ["nguyen"] * (MAX_WORDS - 2) + ["zzzz"] * 20
    result = search(q=" ".join(words))
    assert result.cut and result.total == 1
    assert len(result.searched_for.split()) == MAX_WORDS
    rng = random.Random(15)
    noise = " ".join(
        "".join(rng.choice("abcdeghiklmnopqrstuvxy") for _ in range(rng.randint(3, 9)))
        for _ in range(30)
    )
    for q in (noise, "x" * 300, "kieu" + "u" * 296):
        assert client.get("/search", query_string={"q": q}).status_code == 200
        assert client.get("/api/v1/search", query_string={"q": q}).status_code == 200


def test_a_query_over_the_limit_is_refused_in_a_sentence(shelf, client):
    response = client.get("/search", query_string={"q": "a " * 300})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "500" in page and "q:" not in page


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("nguyen nhat anhh", "nguyen nhat anh"),
        ("truyen kieeu", "truyen kieu"),
        ("kinh van hao", "kinh van hoa"),
        ("truyen kieuu", "truyen kieu"),
    ],
)
def test_did_you_mean_suggests_a_query_that_finds_something(shelf, typed, meant):
    result = search(q=typed)
    assert result.total == 0
    assert result.suggestion == meant
    assert search(q=meant).total > 0


def test_no_suggestion_for_a_query_that_finds_or_cannot_be_mended(shelf):
    assert search(q="truyen kieu").suggestion is None
    assert search(q="qqqqxz wwwwk").suggestion is None
    # A suggestion must find something under the same filters.
    assert search(q="truyen kieeu", language=["eng"]).suggestion is None


def test_edit_distance_counts_a_swap_as_one_edit():
    assert suggest.edit_distance("hao", "hoa") == 1
    assert suggest.edit_distance("kieeu", "kieu") == 1
    assert suggest.edit_distance("kieeu", "tieu") == 2
    assert suggest.edit_distance("abcdef", "zz") == 3


def test_query_helpers():
    assert parse_query("AND OR NOT") is None
    assert plain_words("tác giả: (Nguyễn Du) || x") == "nguyễn du x"
    assert cut_to_words("a b c d", 2) == ("a b", True)
    assert cut_to_words("a b", 2) == ("a b", False)
