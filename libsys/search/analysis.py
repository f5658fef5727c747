"""Vietnamese analysis for the index: an exact form and a folded form of every text.

The exact form keeps diacritics (NFC, lower case, one tone-mark placement), the folded form
drops them (đ -> d). Both backends index both forms; a query term typed without diacritics is
matched against the folded form only, a term with diacritics against both, exact matches
ranking first. Every document term is a token of one of these two functions, so query terms
made with them always meet the indexed ones.
"""

import re

from whoosh.analysis import Token, Tokenizer

from libsys.text import exact_form, fold, has_diacritics

# Same letters-and-digits class as libsys.text.tokens (combining marks stay inside a word).
_WORD = re.compile(r"[\w\u0300-\u036f]+")


def exact_tokens(text: str | None) -> list[str]:
    """Word tokens of the exact form (diacritics kept)."""
    return _WORD.findall(exact_form(text).replace("_", " "))


def folded_tokens(text: str | None) -> list[str]:
    """Word tokens of the folded form (no diacritics, đ as d)."""
    return _WORD.findall(fold(text).replace("_", " "))


_SEPARATORS = re.compile(r"[\s-]")
_ISBN_SHAPE = re.compile(r"\d{9}[\dx]|\d{13}")


def identifier_forms(text: str | None, *, checked: bool = False) -> set[str]:
    """The forms an identifier is indexed and looked up under (ISBN, ISSN, barcode, ĐKCB).

    `checked`: the text is already a validated ISBN-13 (a record's ISBNs), so its ISBN-13
    form is itself and the check digit need not be verified again."""
    raw = (text or "").strip().lower()
    if not raw:
        return set()
    forms = {raw}
    compact = _SEPARATORS.sub("", raw)
    forms.add(compact)
    if not checked and _ISBN_SHAPE.fullmatch(compact):
        from stdnum import isbn

        if isbn.is_valid(compact):
            forms.add(isbn.to_isbn13(compact))
    return forms


def wants_exact(text: str) -> bool:
    """Whether a query term carries diacritics, so exact matches should rank first."""
    return has_diacritics(text)


class VietnameseTokenizer(Tokenizer):
    """Whoosh tokenizer yielding exact or folded tokens (kept at module level: pickled)."""

    def __init__(self, folded: bool = False, marked_only: bool = False):
        self.folded = folded
        # An exact field only needs the words that carry diacritics: for the others the
        # exact form is the folded one, already in the folded field (English records then
        # cost nothing extra, and queries look exact forms up only for marked words).
        self.marked_only = marked_only

    def __eq__(self, other):
        return (
            isinstance(other, VietnameseTokenizer)
            and other.folded == self.folded
            and getattr(other, "marked_only", False) == getattr(self, "marked_only", False)
        )

    def words(self, value) -> list[str]:
        """The token texts of value, as a plain list (the fast path of the index formats);
        a list is taken as already tokenized."""
        if isinstance(value, list | tuple):
            return list(value)
        form = fold(value) if self.folded else exact_form(value)
        if getattr(self, "marked_only", False):
            if form.isascii():
                return []
            return [w for w in _WORD.findall(form.replace("_", " ")) if not w.isascii()]
        return _WORD.findall(form.replace("_", " "))

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        """Yield one Token per word of the exact or folded form of value."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        form = fold(value) if self.folded else exact_form(value)
        marked_only = getattr(self, "marked_only", False)
        if marked_only and form.isascii():
            return
        for pos, match in enumerate(_WORD.finditer(form.replace("_", " "))):
            token.text = match.group()
            if marked_only and token.text.isascii():
                continue
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def exact_analyzer() -> VietnameseTokenizer:
    """Analyzer for the exact fields: only the words with diacritics."""
    return VietnameseTokenizer(folded=False, marked_only=True)


def folded_analyzer() -> VietnameseTokenizer:
    """Analyzer for the folded fields."""
    return VietnameseTokenizer(folded=True)
