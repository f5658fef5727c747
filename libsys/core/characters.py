"""Characters a text field refuses: controls (NUL above all) and names that show nothing.

Shared by the API's schemas (core/schemas.py), the request checks (core/limits.py) and the
pages' forms (core/forms.py), so a zero-width space is no name on a page or in the API.
"""

import unicodedata

from flask_babel import lazy_gettext as _l

CONTROL_MESSAGE = _l("Remove the control characters from this text.")
INVISIBLE_MESSAGE = _l("Write this with visible letters or digits, not only invisible characters.")
# Line breaks and tabs belong in addresses and notes; other control characters (NUL above
# all, which PostgreSQL refuses) and lone surrogates never come from a keyboard.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Characters that show nothing: format characters (zero-width space and joiners, the byte
# order mark, bidi marks), separators, and the blank letters some fonts draw as nothing.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def has_control_characters(text: str) -> bool:
    """True when the text holds a control character other than a tab or line break (NUL
    above all, which PostgreSQL refuses), or half of a surrogate pair."""
    return any(
        (ord(char) < 32 and char not in _ALLOWED_CONTROLS) or 0xD800 <= ord(char) <= 0xDFFF
        for char in text
    )


def invisible(text: str) -> bool:
    """True when the text shows nothing at all (a name of only zero-width spaces)."""
    return all(
        unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _BLANK_LETTERS
        for char in text
    )
