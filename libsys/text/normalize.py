"""Normalisation and folding of Vietnamese text for storage, search and name look-up."""

import re
import unicodedata

from libsys.text.alphabet import ONSETS, VIETNAMESE_MARKS, toned_vowels
from libsys.text.memo import WordMemo

_TONED = toned_vowels()  # "á" -> ("a", "\u0301"), "Ỷ" -> ("Y", "\u0309"), ...

# Candidates only, so the Python callbacks run on few words: o/u + a toned a/e/y (hoá, khoẻ,
# thuỷ, oà, uỳ), and q + u + i with any tones (quí, qui). Plain character classes keep the
# scan in C; word boundaries are checked in the callbacks.
_TONED_AEY = "".join(c for c, (v, _) in _TONED.items() if v in "aeyAEY")
_TONED_U = "".join(c for c, (v, _) in _TONED.items() if v in "uU")
_TONED_I = "".join(c for c, (v, _) in _TONED.items() if v in "iI")
_OPEN_OA_OE_UY = re.compile(f"[oOuU][{_TONED_AEY}]")
_QUI = re.compile(f"[qQ][uU{_TONED_U}][iI{_TONED_I}]")
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}
_I_TO_Y = {"i": "y", "I": "Y"}


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not text[end].isalpha()


def _move_tone_forward(match: re.Match) -> str:
    text, (start, end) = match.string, match.span()
    first, second = match.group()
    vowel, mark = _TONED[second]
    if (first.lower(), vowel.lower()) not in _PAIRS or not _ends_word(text, end):
        return match.group()
    word_start = start
    while word_start and text[word_start - 1].isalpha():
        word_start -= 1
    if text[word_start:start].lower() not in ONSETS:
        return match.group()
    return unicodedata.normalize("NFC", first + mark) + vowel


def _qui_to_quy(match: re.Match) -> str:
    text, (start, end) = match.string, match.span()
    if (start and text[start - 1].isalpha()) or not _ends_word(text, end):
        return match.group()  # quit, quiz, tequila
    q, u, i = match.group()
    vowel, mark = _TONED.get(i, (i, ""))
    return q + u + unicodedata.normalize("NFC", _I_TO_Y[vowel] + mark)


def nfc(s: str | None) -> str:
    """Return s in Unicode NFC, the form libsys stores (None becomes "")."""
    if not s:
        return ""
    return unicodedata.normalize("NFC", s)


def normalize_tones(s: str | None) -> str:
    """Put tone marks in the new style (hóa, thủy, khỏe, quý) so both spellings compare equal.

    Rule: in an open syllable ending in oa, oe or uy (no final consonant) the tone goes on the
    first vowel: hoá -> hóa, khoẻ -> khỏe, thuỷ -> thủy, oà -> òa, uỳ -> ùy. With a final
    consonant both styles already agree (hoàng, thuyền) and nothing changes; after q the u
    belongs to the consonant, so quý stays. The word qui (any tone) is the old spelling of
    quy and becomes quy (quí -> quý). Case is kept. A word whose start is not a Vietnamese
    initial consonant (Chloé) is left alone. The result is NFC.
    """
    text = nfc(s)
    if not text.isascii():  # text without diacritics has no tone to move
        text = _OPEN_OA_OE_UY.sub(_move_tone_forward, text)
    if "q" in text or "Q" in text:
        text = _QUI.sub(_qui_to_quy, text)
    return text


def exact_form(s: str | None) -> str:
    """Return the exact search form: NFC, lower case, new-style tones, diacritics kept."""
    # Per space-separated word through a memo: the tone rules never look past a space, and
    # split(" ") / join(" ") give back the original spacing exactly.
    return " ".join([_exact_words[word] for word in nfc(s).lower().split(" ")])


# Diacritics removed by one str.translate: each precomposed letter maps to its base letter,
# loose combining marks are deleted. đ/Đ have no decomposition, so they are listed by hand.
_MARK_BLOCKS = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)


def _is_mark(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in _MARK_BLOCKS)


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for lo, hi in _MARK_BLOCKS:
        table.update(dict.fromkeys(range(lo, hi + 1)))
    for code in range(0x80, 0x2000):
        char = chr(code)
        if _is_mark(char):
            continue
        bare = "".join(c for c in unicodedata.normalize("NFD", char) if not _is_mark(c))
        bare = unicodedata.normalize("NFC", bare)
        if bare != char:
            table[code] = bare
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"})
    return table


_FOLD = _fold_table()


def _fold_word(word: str) -> str:
    text = _exact_words[word].translate(_FOLD)
    # Stripping can make a new "qui" (qưi -> qui); spell it quy so fold(fold(x)) == fold(x).
    return _QUI.sub(_qui_to_quy, text) if "q" in text else text


_exact_words = WordMemo(normalize_tones)
_folded_words = WordMemo(_fold_word)


def fold(s: str | None) -> str:
    """Return exact_form(s) with every diacritic removed and đ as d ("Đặng" -> "dang")."""
    return " ".join([_folded_words[word] for word in nfc(s).lower().split(" ")])


_VIETNAMESE_SIGNS = VIETNAMESE_MARKS | {"đ", "Đ"}


def has_diacritics(s: str | None) -> bool:
    """Tell whether s carries a Vietnamese diacritic (tone, ă â ê ô ơ ư) or đ."""
    if not s or s.isascii():
        return False
    return not _VIETNAMESE_SIGNS.isdisjoint(unicodedata.normalize("NFD", s))


# Letters and digits in any script; combining marks stay inside a word when NFC cannot
# absorb them into a precomposed letter. One character class keeps the scan fast, so the
# underscore, which \w counts as a letter, is turned into a space first.
_WORD = re.compile(r"[\w\u0300-\u036f]+")


def tokens(s: str | None) -> list[str]:
    """Split exact_form(s) into word tokens of letters and digits (any script)."""
    return _WORD.findall(exact_form(s).replace("_", " "))


def name_search_form(s: str | None) -> str:
    """Return a person's name folded, punctuation dropped, words joined by single spaces."""
    return " ".join(_WORD.findall(fold(s).replace("_", " ")))
