"""Vietnamese text: NFC, tone-mark normalisation, diacritic folding, tokens and collation."""

from libsys.text.collation import sort_key
from libsys.text.normalize import (
    exact_form,
    fold,
    has_diacritics,
    name_search_form,
    nfc,
    normalize_tones,
    tokens,
)

__all__ = [
    "exact_form",
    "fold",
    "has_diacritics",
    "name_search_form",
    "nfc",
    "normalize_tones",
    "sort_key",
    "tokens",
]
