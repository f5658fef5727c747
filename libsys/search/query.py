"""The OPAC query language, parsed into a small tree that each backend compiles.

Words (AND by default), "phrases", prefixes (`thư vi*`), fields (`tác giả:`, `nhan đề:`,
`chủ đề:`, `isbn:` and `author:`, `title:`, `subject:`), the operators AND, OR, NOT (upper
case, so the English words "and", "or", "not" in a title stay words), `-word` and
parentheses. Unbalanced quotes or parentheses never fail: the parser reads what it can.
"""

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from libsys.search.analysis import exact_tokens, folded_tokens, identifier_forms, wants_exact
from libsys.text import fold, nfc

# Field names people type (compared folded, so `tac gia:` and `tác giả:` are the same).
FIELD_ALIASES = {
    "tac gia": "author",
    "author": "author",
    "au": "author",
    "nhan de": "title",
    "ten sach": "title",
    "title": "title",
    "ti": "title",
    "chu de": "subject",
    "subject": "subject",
    "su": "subject",
    "isbn": "isbn",
    "issn": "isbn",
    "dkcb": "isbn",
}
FIELDS = ("title", "author", "subject", "isbn")
MIN_PREFIX = 2  # shorter prefixes expand to most of the dictionary


@dataclass
class Term:
    """One word or phrase (several tokens, adjacent), maybe a prefix, maybe in one field."""

    text: str
    field: str | None = None
    prefix: bool = False
    phrase: bool = False
    folded: list[str] = dataclass_field(default_factory=list)
    exact: list[str] = dataclass_field(default_factory=list)
    ids: set[str] = dataclass_field(default_factory=set)

    @property
    def wants_exact(self) -> bool:
        """Whether exact (diacritic) matches should rank first."""
        return wants_exact(self.text)


@dataclass
class And:
    """All children must match."""

    children: list


@dataclass
class Or:
    """Any child matches."""

    children: list


@dataclass
class Not:
    """The child must not match."""

    child: object


_TOKEN = re.compile(
    r'\s*(?:(?P<lparen>\()|(?P<rparen>\))|"(?P<phrase>[^"]*)"?|(?P<word>[^\s"()]+))', re.UNICODE
)
_FIELD = re.compile(r"(?P<name>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s*:\s*", re.UNICODE)
_EDGE_PUNCT = re.compile(r"^[^\w*]+|[^\w*]+$", re.UNICODE)


def _field_at(text: str, pos: int) -> tuple[str, int] | None:
    """A field name (`tác giả:`) starting at pos: (canonical name, end), or None."""
    match = _FIELD.match(text, pos)
    if not match:
        return None
    name = fold(match.group("name")).strip()
    name = re.sub(r"\s+", " ", name)
    if name in FIELD_ALIASES:
        return FIELD_ALIASES[name], match.end()
    return None


def _lex(text: str) -> list[tuple[str, str]]:
    """Split the query into (kind, value) tokens: ( ) phrase word field and or not."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        found = _field_at(text, pos)
        if found:
            out.append(("field", found[0]))
            pos = found[1]
            continue
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            pos += 1
            continue
        pos = match.end()
        if match.group("lparen"):
            out.append(("(", "("))
        elif match.group("rparen"):
            out.append((")", ")"))
        elif match.group("phrase") is not None:
            out.append(("phrase", match.group("phrase")))
        else:
            word = match.group("word")
            if word in ("AND", "OR", "NOT", "&&", "||"):
                out.append(({"&&": "AND", "||": "OR"}.get(word, word).lower(), word))
            elif word.startswith("-") and len(word) > 1:
                out.append(("not", "-"))
                out.append(("word", word[1:]))
            else:
                out.append(("word", word))
    return out


def make_term(text: str, field_name: str | None = None, *, phrase: bool = False):
    """A Term with its exact, folded and identifier forms, or None when nothing is left."""
    text = nfc(text)
    prefix = False
    if field_name == "isbn":
        forms = set()
        for part in text.split():
            forms |= identifier_forms(part)
        return Term(text, "isbn", ids=forms) if forms else None
    if not phrase:
        text = _EDGE_PUNCT.sub("", text)
        if text.endswith("*"):
            prefix = True
            text = text.rstrip("*")
    folded, exact = folded_tokens(text), exact_tokens(text)
    if not folded:
        return None
    if prefix and len(folded[-1]) < MIN_PREFIX:
        prefix = False
    # Identifiers have digits; looking every plain word up as one would only cost time.
    has_digit = any(c.isdigit() for c in text)
    ids = set() if (phrase or field_name or prefix or not has_digit) else identifier_forms(text)
    return Term(
        text,
        field_name,
        prefix=prefix,
        phrase=phrase or len(folded) > 1,
        folded=folded,
        exact=exact,
        ids=ids,
    )


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse_or(self, field_name):
        parts = [self.parse_and(field_name)]
        while self.peek() == "or":
            self.take()
            parts.append(self.parse_and(field_name))
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(parts)

    def parse_and(self, field_name):
        parts = []
        while self.peek() not in (None, "or", ")"):
            if self.peek() == "and":
                self.take()
                continue
            node = self.parse_unary(field_name)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(parts)

    def parse_unary(self, field_name):
        if self.peek() == "not":
            self.take()
            if self.peek() in (None, "or", ")"):
                return None  # a NOT with nothing after it ("AND OR NOT") excludes nothing
            node = self.parse_unary(field_name)
            return Not(node) if node is not None else None
        return self.parse_primary(field_name)

    def parse_primary(self, field_name):
        if self.peek() is None:
            return None  # an operator or field name at the very end of the query
        kind, value = self.take()
        if kind == "field":
            if self.peek() == "word":
                # `tác giả: Nguyễn Du` means the author Nguyễn Du: the field takes every
                # plain word up to the next field, operator, phrase or parenthesis.
                words = []
                while self.peek() == "word":
                    words.append(self.parse_primary(value))
                words = [w for w in words if w is not None]
                if not words:
                    return None
                return words[0] if len(words) == 1 else And(words)
            if self.peek() in ("phrase", "("):
                return self.parse_primary(value)
            return None
        if kind == "(":
            node = self.parse_or(field_name)
            if self.peek() == ")":
                self.take()
            return node
        if kind == "phrase":
            return make_term(value, field_name, phrase=True)
        if kind == "word":
            return make_term(value, field_name)
        return None  # a stray ")" or operator


def parse_query(text: str | None):
    """Parse what the reader typed into a tree of Term/And/Or/Not, or None for "everything"."""
    text = nfc(text or "").strip()
    if not text:
        return None
    parser = _Parser(_lex(text))
    parts = []
    while parser.pos < len(parser.tokens):
        node = parser.parse_or(None)
        if node is not None:
            parts.append(node)
        if parser.peek() == ")":
            parser.take()
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def query_terms(node) -> list[Term]:
    """Every positive Term of the tree, in order (for suggestions and highlighting)."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [t for child in node.children for t in query_terms(child)]


_PLAIN_WORD = re.compile(r"[\w\u0300-\u036f]+", re.UNICODE)


def cut_to_words(text: str, limit: int) -> tuple[str, bool]:
    """The query up to its limit-th word (operators and punctuation are not words), and
    whether anything was cut: the work a query causes grows with its words."""
    for number, match in enumerate(_PLAIN_WORD.finditer(text), 1):
        if number == limit:
            rest = text[match.end() :]
            return text[: match.end()], bool(_PLAIN_WORD.search(rest))
    return text, False


def plain_words(text: str | None) -> str:
    """The words of a query without its operators, quotes, parentheses and field names, in
    lower case; AND, OR and NOT count as words only in a query of nothing else."""
    words, operators = [], []
    for kind, value in _lex(nfc(text or "").strip()):
        if kind in ("word", "phrase"):
            words.extend(w.lower() for w in _PLAIN_WORD.findall(value))
        elif kind != "field" and value.isalpha():
            operators.append(value.lower())
    return " ".join(words or operators)


def parse_plain(text: str | None):
    """A tree that asks for every word of text, whatever operators it had."""
    terms = [t for t in (make_term(w) for w in plain_words(text).split()) if t is not None]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else And(terms)
