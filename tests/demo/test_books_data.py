"""Checks on the demo catalogue data file libsys/demo/books.json.

Pure data checks: no application, no database, no extra packages.
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

BOOKS_PATH = Path(__file__).resolve().parents[2] / "libsys" / "demo" / "books.json"

REQUIRED = {
    "title": (str,),
    "subtitle": (str, type(None)),
    "authors": (list,),
    "responsibility": (str, type(None)),
    "publisher": (str,),
    "place": (str,),
    "year": (int,),
    "edition": (str, type(None)),
    "isbn": (str, type(None)),
    "pages": (int,),
    "size": (str,),
    "ddc": (str,),
    "subjects": (list,),
    "language": (str,),
    "summary": (str,),
    "audience": (str,),
    "series": (str, type(None)),
    "store_hint": (str,),
    "copies": (int,),
}
STORES = {"VN", "TN", "DC", "NV", "VT"}
AUDIENCES = {"children", "adult"}
LANGUAGES = {"vie", "eng", "fre"}
DDC_RE = re.compile(r"^\d{3}(\.\d+)?$")
# Vietnamese tone marks as combining characters (grave, acute, tilde, hook above, dot below).
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@pytest.fixture(scope="module")
def books():
    with BOOKS_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def isbn13_valid(isbn: str) -> bool:
    digits = isbn.replace("-", "")
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def isbn10_valid(isbn: str) -> bool:
    digits = isbn.replace("-", "").upper()
    if (
        len(digits) != 10
        or not digits[:9].isdigit()
        or not (digits[9].isdigit() or digits[9] == "X")
    ):
        return False
    values = [int(d) for d in digits[:9]] + [10 if digits[9] == "X" else int(digits[9])]
    return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0


def isbn_valid(isbn: str) -> bool:
    return isbn13_valid(isbn) or isbn10_valid(isbn)


def tone_key(word: str) -> tuple[str, tuple[str, ...]]:
    """A word with its tone marks taken off, and the tone marks it carried.

    Two words with the same key but different spelling differ only by where the tone mark
    sits: "hoá" / "hóa", "thuỷ" / "thủy".
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = tuple(sorted(c for c in decomposed if c in TONE_MARKS))
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tones


def iter_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_strings(item)


def test_isbn_helper():
    assert isbn13_valid("9780747532699")
    assert isbn13_valid("978-0-15-601219-5")
    assert not isbn13_valid("9780747532690")
    assert isbn10_valid("0747532699")
    assert not isbn10_valid("0747532690")


def test_tone_key_helper():
    assert tone_key("hoá") == tone_key("hóa")
    assert tone_key("thuỷ") == tone_key("thủy")
    assert tone_key("hoà") != tone_key("hóa")


def test_is_a_list_of_enough_objects(books):
    assert isinstance(books, list)
    assert len(books) >= 250
    assert all(isinstance(book, dict) for book in books)


def test_required_keys_and_types(books):
    for i, book in enumerate(books):
        missing = set(REQUIRED) - set(book)
        assert not missing, f"record {i} ({book.get('title')}) lacks {missing}"
        for key, types in REQUIRED.items():
            value = book[key]
            assert isinstance(value, types) and not isinstance(value, bool), (i, key, value)
        assert book["title"].strip(), i
        assert book["summary"].strip(), i
        assert all(isinstance(a, str) and a.strip() for a in book["authors"]), i
        assert book["subjects"] and all(
            isinstance(s, str) and s.strip() for s in book["subjects"]
        ), i
        assert book["store_hint"] in STORES, (i, book["store_hint"])
        assert book["audience"] in AUDIENCES, (i, book["audience"])
        assert book["language"] in LANGUAGES, (i, book["language"])
        assert 1 <= book["copies"] <= 8, (i, book["copies"])
        assert book["pages"] > 0, i


def test_every_text_is_nfc(books):
    for i, book in enumerate(books):
        for text in iter_strings(book):
            assert unicodedata.is_normalized("NFC", text), (i, text)
            assert text == text.strip(), (i, text)


def test_years_are_plausible(books):
    for book in books:
        assert 1800 <= book["year"] <= 2026, (book["title"], book["year"])


def test_ddc_numbers_have_the_right_shape(books):
    for book in books:
        assert DDC_RE.match(book["ddc"]), (book["title"], book["ddc"])


def test_isbns_have_valid_check_digits(books):
    for book in books:
        if book["isbn"] is not None:
            assert isbn_valid(book["isbn"]), (book["title"], book["isbn"])


def test_no_duplicate_title_author_year(books):
    keys = Counter(
        (book["title"], book["authors"][0] if book["authors"] else None, book["year"])
        for book in books
    )
    duplicates = [key for key, count in keys.items() if count > 1]
    assert not duplicates


def test_enough_childrens_books(books):
    children = [book for book in books if book["audience"] == "children"]
    assert len(children) >= 60


def test_children_store_matches_audience(books):
    for book in books:
        if book["store_hint"] == "TN":
            assert book["audience"] == "children", book["title"]


def test_foreign_store_holds_foreign_language_books(books):
    assert any(book["store_hint"] == "NV" for book in books)
    for book in books:
        if book["language"] != "vie":
            assert book["store_hint"] == "NV", book["title"]


def test_titles_exercise_tone_mark_placement(books):
    """Some word is spelled with the old tone placement in one title and the new in another."""
    spellings: dict[tuple, set[str]] = {}
    for book in books:
        for word in re.findall(r"\w+", book["title"].lower()):
            spellings.setdefault(tone_key(word), set()).add(word)
    variants = {key: words for key, words in spellings.items() if len(words) > 1}
    assert variants, "no pair of titles differing only by tone-mark placement"
    assert any(tone_key("hóa") == key for key in variants), variants


def test_names_starting_with_d_and_dd(books):
    names = [book["title"] for book in books] + [a for book in books for a in book["authors"]]
    assert any(name.startswith("Đ") for name in names)
    assert any(name.startswith("D") for name in names)


def test_titles_start_with_vietnamese_vowel_letters(books):
    initials = {book["title"][0] for book in books}
    for letter in ("Á", "Â", "Ă", "Đ"):
        assert letter in initials, letter
