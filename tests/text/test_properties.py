"""Properties of folding and collation checked on generated text."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from libsys.text import exact_form, fold, name_search_form, sort_key

# (new style, old style) spellings of the same syllable; most are identical.
SYLLABLES = [
    ("hóa", "hoá"),
    ("thủy", "thuỷ"),
    ("khỏe", "khoẻ"),
    ("quý", "quí"),
    ("òa", "oà"),
    ("ùy", "uỳ"),
    ("lũy", "luỹ"),
    ("văn", "văn"),
    ("đường", "đường"),
    ("dương", "dương"),
    ("nguyễn", "nguyễn"),
    ("hoàng", "hoàng"),
    ("quyết", "quyết"),
    ("ạ", "ạ"),
    ("tập", "tập"),
    ("2", "2"),
]

CASES = [str.lower, str.upper, str.title, lambda s: s]
VIETNAMESE_LETTERS = "aàảãáạăằẳẵắặâầẩẫấậdđeèéêềếiìíoòóôồốơờớuùúưừứyỳý"


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_exact_form_is_idempotent_and_fold_goes_through_it(text):
    assert exact_form(exact_form(text)) == exact_form(text)
    assert fold(exact_form(text)) == fold(text)


@given(
    st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=6),
    st.sampled_from(CASES),
    st.sampled_from(["NFC", "NFD"]),
)
def test_spelling_variants_share_exact_form_fold_and_sort_key(pairs, case, form):
    new = " ".join(n for n, _ in pairs)
    old = unicodedata.normalize(form, case(" ".join(o for _, o in pairs)))
    assert exact_form(old) == exact_form(new)
    assert fold(old) == fold(new)
    assert sort_key(old) == sort_key(new)


@given(st.lists(st.text(alphabet=VIETNAMESE_LETTERS + " ", max_size=4), min_size=2, max_size=30))
def test_equal_sort_keys_only_for_fold_equal_text(texts):
    by_key = {}
    for text in texts:
        by_key.setdefault(sort_key(text), set()).add(name_search_form(text))
    assert all(len(names) == 1 for names in by_key.values())
