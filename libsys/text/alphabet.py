"""Vietnamese alphabet data shared by normalisation and collation: letters, tone marks, onsets."""

import unicodedata

# Combining tone marks, in the collation order ngang (none), huyền, hỏi, ngã, sắc, nặng.
GRAVE, HOOK, TILDE, ACUTE, DOT_BELOW = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONE_MARKS = (GRAVE, HOOK, TILDE, ACUTE, DOT_BELOW)

# Vowel marks that make a different letter (ă â ê ô ơ ư), not a tone.
BREVE, CIRCUMFLEX, HORN = "\u0306", "\u0302", "\u031b"
VIETNAMESE_MARKS = frozenset(TONE_MARKS + (BREVE, CIRCUMFLEX, HORN))

# The 29 letters in Vietnamese order, with f j w z slotted where Latin puts them so that
# foreign names and loanwords file sensibly among Vietnamese ones.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

BASE_VOWELS = "aăâeêioôơuưy"

# Initial consonants of a Vietnamese syllable; used to tell a Vietnamese word from a foreign
# one before moving a tone mark ("Chloé" must stay as written).
_ONSET_LIST = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph r s t th tr v x"
ONSETS = frozenset([*_ONSET_LIST.split(" "), ""])


def split_tone(char: str) -> tuple[str, str]:
    """Split one composed character into (character without tone, tone mark or "")."""
    decomposed = unicodedata.normalize("NFD", char)
    for mark in TONE_MARKS:
        if mark in decomposed:
            rest = decomposed.replace(mark, "")
            return unicodedata.normalize("NFC", rest), mark
    return char, ""


def toned_vowels() -> dict[str, tuple[str, str]]:
    """Map every toned Vietnamese vowel (both cases, NFC) to (vowel without tone, tone mark)."""
    table = {}
    for vowel in BASE_VOWELS + BASE_VOWELS.upper():
        for mark in TONE_MARKS:
            table[unicodedata.normalize("NFC", vowel + mark)] = (vowel, mark)
    return table
