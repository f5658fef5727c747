"""Did you mean: a query made of the catalogue's own words that finds something.

Each word of the query is weighed against the catalogue's words near it (Damerau-Levenshtein
distance at most 2, so a swapped pair as in `hao` -> `hoa` is one edit): the nearer and the
more common, the likelier. Candidate queries are tried cheapest first, and only one that
finds records (under the same filters) is suggested. A word the catalogue knows is kept,
unless the query finds nothing as typed: then a known word may be one mistyped too
(`kinh van hao`). The work is bounded: only the first SUGGEST_TERMS words are weighed, at
most LOOKUPS of them looked up in the word lists, and at most CHECKS queries tried.
"""

import itertools
import math
import re

from libsys.search.query import parse_query, query_terms

SUGGEST_TERMS = 6  # words of a query weighed (the rest stay as typed)
LOOKUPS = 4  # words looked up in the word lists per query
MAX_WORD = 20  # longer words are not looked up (no one mistypes a word that long)
CANDIDATES = 3  # other words kept per word, best first
CHECKS = 6  # candidate queries searched before giving up


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap two neighbours);
    anything above limit is limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


def one_edit(word: str, *, first_letter_only: bool = False) -> set[str]:
    """Every string one deletion, swap of neighbours, change or insertion away (or only
    those that change its first letter)."""
    stop = 1 if first_letter_only else len(word) + 1
    splits = [(word[:i], word[i:]) for i in range(min(stop, len(word) + 1))]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return deletes | swaps | changes | inserts


def _choices(token: str, known: bool, near: list[tuple[str, int]], relax_known: bool):
    """(cost, word) choices for one word: itself when known, then its nearest common words."""
    choices = []
    if known:
        choices.append((0.0, token))
        if not relax_known:
            return choices
    scored = []
    for word, frequency in near:
        if word == token:
            continue
        distance = edit_distance(token, word)
        if distance > 2:
            continue
        # One edit costs 1, a common word a little less than a rare one.
        scored.append((distance - 0.1 * math.log10(frequency + 1), word))
    scored.sort()
    choices.extend(scored[:CANDIDATES])
    return choices


def did_you_mean(query: str, node, backend, *, found: int, check, session=None) -> str | None:
    """A better query, checked to find something (check(query) -> hits), or None."""
    terms = [
        t
        for t in query_terms(node)
        if t.field != "isbn" and not t.prefix and len(t.folded) == 1 and not t.folded[0].isdigit()
    ][:SUGGEST_TERMS]
    if not terms:
        return None
    relax_known = found == 0
    options, lookups = [], 0
    for term in terms:
        token = term.folded[0]
        known = backend.knows_word(token, session=session)
        near: list[tuple[str, int]] = []
        wanted = not known or relax_known
        if wanted and 3 <= len(token) <= MAX_WORD and lookups < LOOKUPS:
            lookups += 1
            near = backend.near_words(token, session=session)
        choices = _choices(token, known, near, relax_known)
        options.append(choices or [(0.0, token)])
    if all(len(o) == 1 and o[0][1] == t.folded[0] for o, t in zip(options, terms, strict=True)):
        return None
    combos = sorted(
        (sum(cost for cost, _w in combo), [w for _c, w in combo])
        for combo in itertools.product(*options)
    )
    checked = 0
    for _cost, words in combos:
        if all(w == t.folded[0] for w, t in zip(words, terms, strict=True)):
            continue
        suggestion = query
        for term, word in zip(terms, words, strict=True):
            if word != term.folded[0]:
                pattern = r"(?<!\w)" + re.escape(term.text) + r"(?!\w)"
                suggestion = re.sub(pattern, word, suggestion, count=1, flags=re.IGNORECASE)
        if suggestion == query or parse_query(suggestion) is None:
            continue
        checked += 1
        if check(suggestion):
            return suggestion
        if checked >= CHECKS:
            break
    return None
