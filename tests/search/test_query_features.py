"""Phrases, prefixes, fields, operators, identifiers, facets, pages, did-you-mean: both backends."""

import pytest

from tests.search.conftest import search, titles


@pytest.fixture
def shelf(catalogue):
    """A small mixed catalogue over two libraries."""
    catalogue.add(
        "Thư viện trong nhà trường",
        authors=["Nguyễn Thị Lan"],
        subjects=["Thư viện học"],
        year="2021",
        copies=(("TVLC", "available"), ("TVTD", "on_loan")),
    )
    catalogue.add(
        "Truyện Kiều",
        authors=["Nguyễn Du"],
        subjects=["Văn học Việt Nam", "Truyện thơ"],
        year="2016",
        copies=(("TVLC", "on_loan"),),
    )
    catalogue.add(
        "Dế Mèn phiêu lưu ký",
        authors=["Tô Hoài"],
        subjects=["Văn học thiếu nhi", "Văn học Việt Nam"],
        year="2008",
        audience="children",
        copies=(("TVTD", "available"),),
    )
    catalogue.add(
        "The history of libraries",
        authors=["Smith, John"],
        subjects=["Libraries"],
        year="1990",
        language="eng",
        copies=(("TVLC", "available"),),
    )
    return catalogue


def test_words_must_all_match(shelf):
    assert titles(q="truyen kieu") == ["Truyện Kiều"]
    assert titles(q="truyen libraries") == []


def test_phrase_needs_adjacent_words(shelf):
    assert titles(q='"nha truong"') == ["Thư viện trong nhà trường"]
    # Words not adjacent: nothing as typed, so the words are searched and the result says so.
    apart = search(q='"truong nha"')
    assert apart.relaxed and apart.searched_for == "truong nha"
    assert titles(q='"truong nha" thieu') == []


def test_prefix(shelf):
    assert set(titles(q="thư vi*")) == {"Thư viện trong nhà trường"}
    assert set(titles(q="librar*")) == {"The history of libraries"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tác giả: Nguyễn Du", {"Truyện Kiều"}),
        ("tac gia: to hoai", {"Dế Mèn phiêu lưu ký"}),
        ("author: nguyen", {"Truyện Kiều", "Thư viện trong nhà trường"}),
        ("nhan đề: kiều", {"Truyện Kiều"}),
        ("title:truyen", {"Truyện Kiều"}),
        ("chủ đề: thiếu nhi", {"Dế Mèn phiêu lưu ký"}),
        ('subject:"van hoc viet nam"', {"Truyện Kiều", "Dế Mèn phiêu lưu ký"}),
    ],
)
def test_fields(shelf, query, expected):
    assert set(titles(q=query)) == expected


def test_field_limits_the_match(shelf):
    # "Thư viện" is in a title and a subject; "thu vien" as author matches nobody.
    assert titles(q="tác giả: thư viện") == []


def test_boolean_operators(shelf):
    assert set(titles(q="kieu OR men")) == {"Truyện Kiều", "Dế Mèn phiêu lưu ký"}
    assert set(titles(q="van hoc NOT kieu")) == {"Dế Mèn phiêu lưu ký"}
    assert set(titles(q="NOT nguyen")) == {"Dế Mèn phiêu lưu ký", "The history of libraries"}
    assert set(titles(q="(kieu OR men) AND thieu")) == {"Dế Mèn phiêu lưu ký"}


def test_identifiers_find_their_record(shelf):
    record = shelf.add("Sách có mã", isbn="9786042059213")
    item = record.items[0]
    assert titles(q="isbn:978-604-2-05921-3") == ["Sách có mã"]
    assert titles(q=item.barcode) == ["Sách có mã"]
    assert titles(q=item.accession_number) == ["Sách có mã"]


def test_facets_count_and_combine(shelf):
    result = search(q="")
    facets = {name: dict(values) for name, values in result.facets.items()}
    assert facets["library"] == {"TVLC": 3, "TVTD": 2}
    assert facets["language"] == {"vie": 3, "eng": 1}
    assert facets["audience"] == {"children": 1}
    assert facets["available"] == {"1": 3}
    assert facets["year"] == {"2020-": 1, "2010-2019": 1, "2000-2009": 1, "1975-1999": 1}
    assert facets["subject"]["Văn học Việt Nam"] == 2

    narrowed = search(q="", library=["TVLC"], language=["vie"])
    assert {r.title for r in narrowed.records} == {
        "Thư viện trong nhà trường",
        "Truyện Kiều",
    }
    counts = {name: dict(values) for name, values in narrowed.facets.items()}
    # A facet's own selection does not hide its other values (OR within a facet) ...
    assert counts["library"] == {"TVLC": 2, "TVTD": 2}
    assert counts["language"] == {"vie": 2, "eng": 1}
    # ... while the other facets count only what the selection leaves.
    assert counts["available"] == {"1": 1}
    both = search(q="", library=["TVLC", "TVTD"])
    assert both.total == 4
    on_shelf = search(q="van hoc", available=["1"])
    assert [r.title for r in on_shelf.records] == ["Dế Mèn phiêu lưu ký"]
    assert search(q="", year=["2000-2009"]).total == 1


def test_pages_cut_the_hits(catalogue):
    for number in range(1, 8):
        catalogue.add(f"Tập {number} sách giáo khoa")
    first = search(q="sach giao khoa", per_page=3, page=1, sort="title")
    third = search(q="sach giao khoa", per_page=3, page=3, sort="title")
    assert first.total == third.total == 7
    assert [r.title for r in first.records] == [f"Tập {n} sách giáo khoa" for n in (1, 2, 3)]
    assert [r.title for r in third.records] == ["Tập 7 sách giáo khoa"]
    assert first.pages == 3 and first.has_more and not third.has_more
    relevance = [r.id for p in (1, 2, 3) for r in search(q="sach", per_page=3, page=p).records]
    assert len(relevance) == len(set(relevance)) == 7


def test_newest_sort(shelf):
    newest = titles(q="", sort="newest")
    assert newest[0] == "The history of libraries"


def test_did_you_mean_uses_the_index_words(shelf):
    result = search(q="truyen kieuu")
    assert result.total == 0
    assert result.suggestion == "truyen kieu"
    assert search(q="truyen kieu").suggestion is None
