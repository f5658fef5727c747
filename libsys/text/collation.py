"""Vietnamese alphabetical order as a plain string key that a database can ORDER BY."""

import re
import unicodedata

from libsys.text.alphabet import ALPHABET, TONE_MARKS, split_tone
from libsys.text.memo import WordMemo

# Key layout, all ASCII digits so that byte order, SQLite BINARY, PostgreSQL "C" and the usual
# locale collations agree. Each syllable (word) becomes its letters, two digits per letter,
# followed by a two-digit tone code; a run of digits becomes "09", its length and its value
# (so 2 < 10). Tone codes (01-06) are below every letter code (10-42), which makes a shorter
# syllable sort first (an < anh) and decides ties within a syllable only after all its
# letters; the next syllable is compared only after that (syllable by syllable). Letters of
# other scripts become "9" + seven-digit code point, after all Latin letters. Every code is
# prefix-free, so comparing keys as strings compares code by code.
_TONE_CODE = {"": "01", **{mark: f"{i:02d}" for i, mark in enumerate(TONE_MARKS, start=2)}}
_LETTER_CODE = {letter: f"{i:02d}" for i, letter in enumerate(ALPHABET, start=10)}
_NUMBER = "09"
_FOREIGN_LIGATURES = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "ð": "d", "þ": "th"}


class _CodeTable(dict):
    """str.translate table that works out and remembers a code for each new character."""

    def __init__(self, pick):
        super().__init__()
        self._pick = pick

    def __missing__(self, code: int) -> str:
        value = self[code] = self._pick(chr(code))
        return value


def _letter_code(char: str) -> str:
    if char in _LETTER_CODE:
        return _LETTER_CODE[char]
    if char in _FOREIGN_LIGATURES:
        return "".join(_LETTER_CODE[c] for c in _FOREIGN_LIGATURES[char])
    if not (char.isalpha() or char.isdigit()):
        return ""  # a combining mark left over after NFC: a tone or a foreign accent
    bare, _ = split_tone(char)
    if bare in _LETTER_CODE:  # á, ở ...
        return _LETTER_CODE[bare]
    base = unicodedata.normalize("NFD", bare)[0]
    if base in _LETTER_CODE:  # ü, ñ, ç: a foreign accent does not make a new letter
        return _LETTER_CODE[base]
    return f"9{ord(char):07d}"


def _tone_code(char: str) -> str:
    for mark in TONE_MARKS:
        if mark in unicodedata.normalize("NFD", char):
            return _TONE_CODE[mark]
    return ""


_LETTERS = _CodeTable(_letter_code)
_TONES = _CodeTable(_tone_code)
_SYLLABLE = re.compile(r"(\d+)|((?:[^\W\d_]|[\u0300-\u036f])+)")
_QUI = _LETTER_CODE["q"] + _LETTER_CODE["u"] + _LETTER_CODE["i"]
_QUY = _LETTER_CODE["q"] + _LETTER_CODE["u"] + _LETTER_CODE["y"]


def _syllable_code(syllable: str) -> str:
    letters = syllable.translate(_LETTERS)
    if letters == _QUI:  # quí is the old spelling of quý
        letters = _QUY
    return letters + (syllable.translate(_TONES)[:2] or "01")


def _number_code(digits: str) -> str:
    value = str(int(digits))  # also turns other scripts' digits into ASCII
    return f"{_NUMBER}{min(len(value), 99):02d}{value}"


def _chunk_code(chunk: str) -> str:
    return "".join(
        _number_code(digits) if digits else _syllable_code(syllable)
        for digits, syllable in _SYLLABLE.findall(chunk)
    )


# Whitespace-separated chunks, each worked out once, so the regex rarely runs.
_chunk_codes = WordMemo(_chunk_code)


def sort_key(s: str | None) -> str:
    """Return a digit string whose plain string order is Vietnamese alphabetical order."""
    if not s:
        return ""
    codes = _chunk_codes
    return "".join([codes[chunk] for chunk in unicodedata.normalize("NFC", s).lower().split()])
