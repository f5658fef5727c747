"""Vietnamese alphabetical order through sort_key."""

import random
import sqlite3
import unicodedata

import pytest

from libsys.text import sort_key


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Ánh", "Bà"),
        ("Dung", "Đào"),
        ("Đào", "Em"),
        ("Nguyễn Du", "Nguyễn Đình Chiểu"),
        ("a", "à"),
        ("à", "ả"),
        ("ả", "ã"),
        ("ã", "á"),
        ("á", "ạ"),
        ("ạ", "ă"),
        ("ă", "â"),
        ("â", "b"),
        ("d", "đ"),
        ("đ", "e"),
        ("e", "ê"),
        ("o", "ô"),
        ("ô", "ơ"),
        ("u", "ư"),
        ("ư", "v"),
        ("an", "anh"),  # letters before tones: a shorter syllable first
        ("àn", "anh"),
        ("an", "an bài"),
        ("ba con", "bà"),  # syllable by syllable
        ("9", "a"),  # digits before letters
        ("Tập 2", "Tập 10"),
        ("e", "f"),
        ("f", "g"),
        ("y", "z"),
        ("zen", "Ωμέγα"),  # other scripts after Latin
    ],
)
def test_order(before, after):
    assert sort_key(before) < sort_key(after)


def test_case_style_and_normal_form_do_not_change_the_key():
    assert sort_key("ÁNH") == sort_key("ánh") == sort_key(unicodedata.normalize("NFD", "Ánh"))
    assert sort_key("Hoá học") == sort_key("hóa học")
    assert sort_key("quí") == sort_key("quý")
    assert sort_key("Thuỷ") == sort_key("thủy")


def test_key_is_a_digit_string():
    key = sort_key("Truyện Kiều, tập 2 — Москва")
    assert isinstance(key, str)
    assert key.isdigit() and key.isascii()
    assert sort_key("") == sort_key(None) == sort_key("  ,. ") == ""


TITLES_IN_ORDER = [
    "1984",
    "Anh hùng xạ điêu",
    "Ánh trăng",
    "Ăn quả nhớ kẻ trồng cây",
    "Âm nhạc dân gian",
    "Ba người lính ngự lâm",
    "Bà Triệu",
    "Bác Hồ",
    "Cánh đồng bất tận",
    "Chí Phèo",
    "Con chim xanh",
    "Dế Mèn phiêu lưu ký",
    "đất nước",
    "Đất rừng phương Nam",
    "Đường xưa mây trắng",
    "Em bé Hà Nội",
    "Gió đầu mùa",
    "Hoá học đại cương",
    "Hóa học lớp 10",
    "Kim Vân Kiều",
    "Lão Hạc",
    "Mắt biếc",
    "Nguyễn Du",
    "Nguyễn Đình Chiểu",
    "Nhật ký trong tù",
    "Những ngôi sao xa xôi",
    "Nỗi buồn chiến tranh",
    "Ông già và biển cả",
    "Ở rể",
    "Quê nội",
    "Số đỏ",
    "Tắt đèn",
    "Thủy hử",
    "Truyện Kiều",
    "Tuổi thơ dữ dội",
    "Văn hóa Việt Nam",
    "Xuân Diệu",
    "Yêu thương",
]


def test_sorting_titles_gives_vietnamese_order():
    shuffled = TITLES_IN_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == TITLES_IN_ORDER


def test_python_default_order_is_wrong_which_is_why_we_need_a_key():
    assert sorted(["Đào", "Em"]) != ["Đào", "Em"]


def test_sql_order_by_stored_key_matches():
    db = sqlite3.connect(":memory:")
    db.execute("create table t (title text, key text)")
    db.executemany("insert into t values (?, ?)", [(t, sort_key(t)) for t in TITLES_IN_ORDER])
    rows = db.execute("select title from t order by key").fetchall()
    assert [title for (title,) in rows] == TITLES_IN_ORDER
