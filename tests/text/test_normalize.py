"""Normalisation, tone placement, folding and tokens of Vietnamese text."""

import unicodedata

import pytest

from libsys.text import (
    exact_form,
    fold,
    has_diacritics,
    name_search_form,
    nfc,
    normalize_tones,
    tokens,
)


def nfd(s):
    return unicodedata.normalize("NFD", s)


def test_nfc_composes_and_maps_none_to_empty():
    assert nfc(nfd("Nguyễn")) == "Nguyễn"
    assert len(nfc(nfd("ễ"))) == 1
    assert nfc(None) == ""
    assert nfc("") == ""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoá", "hóa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("quí", "quý"),
        ("oà", "òa"),
        ("uỳ", "ùy"),
        ("HOÁ", "HÓA"),
        ("Thuỷ", "Thủy"),
        ("KHOẺ", "KHỎE"),
        ("QUÍ", "QUÝ"),
        ("Oà", "Òa"),
        ("Uỷ ban", "Ủy ban"),
        ("qui định", "quy định"),
        ("Quĩ tín dụng", "Quỹ tín dụng"),
        ("văn hoá học", "văn hóa học"),
        ("Nguyễn Thị Thuỳ Dương", "Nguyễn Thị Thùy Dương"),
        ("hoà bình, hoạ sĩ, toả sáng", "hòa bình, họa sĩ, tỏa sáng"),
        ("khuỷu tay; luỹ tre", "khuỷu tay; lũy tre"),
    ],
)
def test_normalize_tones_moves_old_style_to_new(old, new):
    assert normalize_tones(old) == new
    assert normalize_tones(new) == new


@pytest.mark.parametrize(
    "text",
    [
        "hoàng",  # final consonant: both styles agree
        "thuyền",
        "quý",  # after q the u is part of the consonant
        "quả",
        "quyết",
        "thuở",
        "Chloé",  # not a Vietnamese syllable
        "José",
        "quit quiz",
        "naïve café",
        "",
    ],
)
def test_normalize_tones_leaves_other_text_alone(text):
    assert normalize_tones(text) == text


def test_normalize_tones_accepts_decomposed_input():
    assert normalize_tones(nfd("hoá thuỷ")) == "hóa thủy"


def test_exact_form_is_lower_new_style_and_keeps_diacritics():
    assert exact_form("văn hoá") == exact_form("văn hóa") == "văn hóa"
    assert exact_form("VĂN HOÁ") == "văn hóa"
    assert exact_form(nfd("Văn Hoá")) == "văn hóa"
    assert exact_form("dương") != exact_form("đường")
    assert exact_form(None) == ""


@pytest.mark.parametrize("text", ["van hoa", "văn hóa", "văn hoá", "VĂN HOÁ", nfd("Văn Hoá")])
def test_fold_of_van_hoa_spellings_is_equal(text):
    assert fold(text) == "van hoa"


def test_fold_examples():
    assert fold("VĂN HOÁ Đặng") == "van hoa dang"
    assert fold("Đặng") == "dang"
    assert fold("thủy") == fold("thuỷ") == "thuy"
    assert fold("quý") == fold("quí") == fold("qui") == "quy"
    assert fold("dương") == fold("đường") == fold("đương") == "duong"
    assert fold("Ưu đãi, Ơn nghĩa") == "uu dai, on nghia"
    assert fold("Crème brûlée") == "creme brulee"
    assert fold(None) == ""


def test_fold_and_exact_form_of_nfd_equal_nfc():
    text = "Nguyễn Đình Chiểu — Lục Vân Tiên, quí hoá"
    assert fold(nfd(text)) == fold(text)
    assert exact_form(nfd(text)) == exact_form(text)
    assert tokens(nfd(text)) == tokens(text)


def test_has_diacritics():
    assert has_diacritics("văn")
    assert has_diacritics("Đ")
    assert has_diacritics("đi")
    assert has_diacritics(nfd("hóa"))
    assert has_diacritics("ơ")
    assert not has_diacritics("van hoa doc")
    assert not has_diacritics("")
    assert not has_diacritics(None)
    assert not has_diacritics("Ärger")  # diaeresis is not a Vietnamese mark


def test_tokens_split_on_non_word_characters():
    assert tokens("Văn hoá, Việt Nam (tập 2) - H2O") == [
        "văn",
        "hóa",
        "việt",
        "nam",
        "tập",
        "2",
        "h2o",
    ]
    assert tokens("") == []
    assert tokens("Москва 北京") == ["москва", "北京"]


def test_name_search_form():
    assert name_search_form("  Nguyễn   Thị  Thuỷ ") == "nguyen thi thuy"
    assert name_search_form("nguyen thi thuy") == "nguyen thi thuy"
    assert name_search_form("Đặng Thái Mai.") == "dang thai mai"
    assert name_search_form(None) == ""


def test_fold_and_exact_form_keep_spacing_and_punctuation():
    assert fold("Hoá  học\tđại cương: tập 1") == "hoa  hoc\tdai cuong: tap 1"
    assert exact_form(" Hoá ") == " hóa "


def test_fold_is_stable_when_stripping_makes_a_new_qui():
    assert fold("qưi") == fold(fold("qưi")) == "quy"


def test_qui_rule_only_for_the_whole_word():
    assert normalize_tones("quit quiz tequila equip") == "quit quiz tequila equip"
    assert fold("Qui Nhơn") == fold("Quy Nhơn") == "quy nhon"
