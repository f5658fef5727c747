"""The Whoosh backend: an index in SEARCH_INDEX_DIR shared by every worker process.

Writers take Whoosh's file lock, waiting for one another (one writer at a time); readers
never lock and reopen their searcher when a newer generation is on disk. Matching sets and
facet counts are worked out with numpy over per-segment arrays read once from a column
(segments never change once written), so counting facets over many thousand hits does not
touch stored fields; Whoosh scores only the page of hits asked for.

A little over the ~500 lines the rest of libsys keeps to, on purpose: one backend (its
index, writers, queries and facets) is one cohesive thing, the same interface as
postgres_backend.py, best read in one place.
"""

import logging
import shutil
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from whoosh import columns, index
from whoosh import query as wq
from whoosh.codec.whoosh3 import (
    W3LeafMatcher,
)
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema

from libsys.search.analysis import exact_analyzer, exact_tokens, folded_analyzer, folded_tokens
from libsys.search.backends import (
    FACET_LIMIT,
    FACETS,
    SearchOutcome,
    SearchRequest,
    order_facet,
)
from libsys.search.backends.whoosh_arrays import FacetValues, IndexView, SegmentData

# Every Fast* class is found here too: indexes pickle them under this module's name.
from libsys.search.backends.whoosh_codec import (  # noqa: F401
    WRITER_MB,
    FastCodec,
    FastExistence,
    FastFieldWriter,
    FastPositions,
    FastPostingPool,
    FastPostingsWriter,
    fast_writer,
)
from libsys.search.documents import facet_blob
from libsys.search.query import And, Not, Or, Term
from libsys.search.suggest import one_edit

log = logging.getLogger(__name__)

# The parts of a record's text, each an exact and a folded field. A query without a field
# searches them all; there is no "all" field repeating their postings.
TEXT_FIELDS = ("title", "authors", "subjects", "other")
# Which index fields a query field searches, with their boosts (default: every part; a word
# in the title counts most).
FIELD_MAP = {
    None: (("title", 4.0), ("authors", 3.0), ("subjects", 2.5), ("other", 1.0)),
    "title": (("title", 1.0),),
    "author": (("authors", 1.0),),
    "subject": (("subjects", 1.0),),
}
# The layout of the index on disk: an index written with another layout is not read (it
# lives in another folder) and `libsys reindex --check` rebuilds it.
SCHEMA_VERSION = 2
EXACT_BOOST = 2.0  # how much more an exact (diacritic) match weighs than a folded one
WRITE_TIMEOUT = 120.0  # seconds a writer waits for another process's writer


def _add_document(writer, schema, fields: dict) -> None:
    """What SegmentWriter.add_document does for this schema, with the postings appended to
    the pool directly (no generator per field, no per-posting method call)."""
    pool = writer.pool
    current = pool.current
    perdoc = writer.perdocwriter
    docnum = writer.docnum
    size = 0
    perdoc.start_doc(docnum)
    for fieldname in sorted(fields):
        value = fields[fieldname]
        field = schema[fieldname]
        if field.indexed:
            for word, _freq, weight, vbytes in field.format.word_values(value, field.analyzer):
                term = word.encode("utf-8")
                current.append((fieldname, term, docnum, weight, vbytes))
                size += 120 + len(term) + len(vbytes)
        perdoc.add_field(fieldname, field, value if field.stored else None, 0)
        if field.column_type:
            perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1
    pool.currentsize += size
    if pool.currentsize > pool.limit:
        pool.save()


def _unscored(field):
    field.scorable = False
    return field


def make_schema() -> Schema:
    """Exact and folded text fields per part, identifiers, and one column of facet/sort
    values. Folded fields keep positions (phrases); exact fields only which marked words a
    record has (they boost exact matches); nothing keeps field lengths."""
    fields = {
        "id": ID(stored=True, unique=True),
        "ids": _unscored(KEYWORD(lowercase=True)),
        "blob": COLUMN(columns.VarBytesColumn()),
    }
    for name in TEXT_FIELDS:
        exact = fields[f"{name}_x"] = _unscored(TEXT(analyzer=exact_analyzer(), phrase=False))
        exact.format = FastExistence()
        folded = fields[f"{name}_f"] = _unscored(TEXT(analyzer=folded_analyzer(), phrase=True))
        folded.format = FastPositions()
    return Schema(**fields)


def whoosh_fields(doc: dict) -> dict:
    """The Whoosh field values of an index document, already tokenized (folded and exact)."""
    fields = {"id": str(doc["id"]), "blob": facet_blob(doc)}
    if doc["ids"]:
        fields["ids"] = " ".join(doc["ids"])
    for name in TEXT_FIELDS:
        value = doc[name]
        if not value:
            continue
        fields[f"{name}_f"] = folded_tokens(value)
        if not value.isascii():
            # Exact fields keep only the words with diacritics (analysis.exact_analyzer).
            exact = [w for w in exact_tokens(value) if not w.isascii()]
            if exact:
                fields[f"{name}_x"] = exact
    return fields


class WhooshBackend:
    """Search over a Whoosh index on disk (see the module docstring)."""

    name = "whoosh"

    def __init__(self, index_dir: str):
        # One folder per layout: an index of an older layout is left alone, not misread.
        self.index_dir = Path(index_dir) / f"v{SCHEMA_VERSION}"
        self._lock = threading.RLock()
        self._ix = None
        self._searcher = None
        self._view: IndexView | None = None
        self._segments: dict[str, SegmentData] = {}
        self._tables = {name: FacetValues() for name in FACETS}

    # -- the index on disk ------------------------------------------------------------
    def exists(self) -> bool:
        """Whether an index has been created in the index folder."""
        return self.index_dir.is_dir() and index.exists_in(str(self.index_dir))

    def _open(self, create: bool = False):
        if self._ix is None:
            if self.exists():
                self._ix = index.open_dir(str(self.index_dir))
            elif create:
                self.index_dir.mkdir(parents=True, exist_ok=True)
                self._ix = index.create_in(str(self.index_dir), make_schema())
        return self._ix

    def clear(self, session=None) -> None:
        """Empty the index (a new, empty index in the same folder)."""
        with self._lock:
            self._close_searcher()
            self._ix = None
            if self.index_dir.exists():
                shutil.rmtree(self.index_dir)
            self._segments.clear()
            self._open(create=True)

    def _close_searcher(self):
        if self._searcher is not None:
            # Closing a stale searcher must never fail a search.
            with suppress(Exception):
                self._searcher.close()
        self._searcher, self._view = None, None

    def write(self, documents: dict[int, dict | None], session=None) -> None:
        """Add, replace or (for None) delete documents, in one commit."""
        if documents:
            with self.batch_writer() as write:
                write(documents)

    @contextmanager
    def batch_writer(self, session=None, *, fresh: bool = False, timeout: float = WRITE_TIMEOUT):
        """One writer (and one commit) for many batches: yields write(documents).

        The writer holds Whoosh's lock; another process's writer waits for it (up to
        WRITE_TIMEOUT seconds). `fresh` adds without looking for an older version (and is
        the default of write()'s `replace=False`, for records known to be new).
        """
        with self._lock:
            ix = self._open(create=True)
            writer = fast_writer(ix, timeout=timeout, delay=0.05, limitmb=WRITER_MB)

            schema = writer.schema

            def write(documents: dict[int, dict | None], *, replace: bool = not fresh) -> None:
                # Replacing: delete the older version (one searcher for the batch), then add.
                # replace=False adds records known not to be in the index yet.
                if not documents:
                    return
                searcher = writer.searcher() if replace else None
                try:
                    for record_id, doc in documents.items():
                        if searcher is not None:
                            writer.delete_by_term("id", str(record_id), searcher=searcher)
                        if doc is not None:
                            _add_document(writer, schema, whoosh_fields(doc))
                finally:
                    if searcher is not None:
                        searcher.close()

            try:
                yield write
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def ids_in_new_segments(self, examined: set[str]) -> set[int]:
        """Record ids held by the segments not in `examined` (which this adds them to): read
        from their stored ids only, a few seconds for a quarter of a million records and no
        search view in memory. The index follower uses it before each of its segments."""
        from whoosh.reading import SegmentReader

        found: set[int] = set()
        with self._lock:
            ix = self._open(create=True)
            for segment in ix._segments():
                key = segment.segment_id()
                if key in examined:
                    continue
                examined.add(key)
                reader = SegmentReader(ix.storage, ix.schema, segment)
                try:
                    found.update(int(stored["id"]) for _docnum, stored in reader.iter_docs())
                finally:
                    reader.close()
        return found

    def optimize(self) -> None:
        """Merge every segment into one (after a full reindex)."""
        with self._lock:
            ix = self._open()
            # One segment already (a fresh reindex writes one): rewriting it gains nothing.
            if ix is not None and len(ix._segments()) > 1:
                fast_writer(ix).commit(optimize=True)

    # -- reading ----------------------------------------------------------------------
    def _current_view(self) -> IndexView | None:
        ix = self._open()
        if ix is None:
            return None
        for attempt in range(5):
            try:
                if self._searcher is None:
                    self._searcher = ix.searcher()
                elif not self._searcher.up_to_date():
                    # A new searcher, not refresh(): refresh reuses segment readers whose
                    # deletions have changed since, and would still see replaced documents.
                    self._close_searcher()
                    self._searcher = ix.searcher()
                if self._view is None:
                    self._view = self._build_view(self._searcher)
                return self._view
            except (OSError, index.IndexError, EOFError) as exc:
                # A writer replaced files between our listing and opening them: read again.
                log.info("search index changed while opening (%s), retrying", exc)
                self._close_searcher()
                self._ix = None
                time.sleep(0.05 * (attempt + 1))
                ix = self._open()
                if ix is None:
                    return None
        raise RuntimeError("the search index could not be opened")

    def _build_view(self, searcher) -> IndexView:
        reader = searcher.reader()
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        segments, seen = [], set()
        for leaf, offset in leaves:
            segment = leaf.segment()
            key = segment.segment_id() if segment is not None else str(id(leaf))
            seen.add(key)
            data = self._segments.get(key)
            if data is None:
                data = self._segments[key] = SegmentData(leaf, self._tables)
            deleted = set()
            if leaf.has_deletions():
                found = leaf.deleted_docs_set
                deleted = set(found() if callable(found) else found)
            segments.append((data, offset, deleted))
        for key in list(self._segments):
            if key not in seen:
                del self._segments[key]
        return IndexView(searcher, segments, self._tables)

    def health(self, session=None) -> str:
        """ "ok" when the index opens, "absent" when there is none, "error" otherwise."""
        try:
            with self._lock:
                if not self.exists():
                    return "absent"
                return "ok" if self._current_view() is not None else "absent"
        except Exception:  # noqa: BLE001  (health must report, not raise)
            log.exception("search index health check failed")
            return "error"

    def stamps(self, session=None) -> dict[int, str]:
        """Every indexed record id with the stamp it was indexed with."""
        with self._lock:
            view = self._current_view()
            if view is None:
                return {}
            return {int(view.ids[d]): view.stamps[d] for d in view.live_docs}

    def count(self, session=None) -> int:
        """How many records are indexed."""
        with self._lock:
            view = self._current_view()
            return 0 if view is None else len(view.live_docs)

    # -- queries ----------------------------------------------------------------------
    def _leaf_query(self, field: str, tokens: list[str], prefix: bool, boost: float = 1.0):
        if len(tokens) == 1:
            if prefix:
                return wq.Prefix(field, tokens[0], boost=boost)
            return wq.Term(field, tokens[0], boost=boost)
        if field.endswith("_x"):
            # Exact fields hold only marked words, without positions: boost on those words.
            marked = [t for t in tokens if not t.isascii()]
            if not marked:
                return wq.NullQuery
            return wq.And([wq.Term(field, t, boost=boost) for t in marked])
        return wq.Phrase(field, tokens, boost=boost)

    def _leaf_docs(self, view: IndexView, query) -> np.ndarray:
        key = repr(query)
        cached = view.leaf_cache.get(key)
        if cached is not None:
            view.leaf_cache.move_to_end(key)
            return cached
        if isinstance(query, (wq.Term, wq.Prefix)):
            docs = self._term_docs(view, query)
        else:
            docs = np.fromiter(view.searcher.docs_for_query(query), dtype=np.int64)
        docs.sort()
        docs = docs[view.live[docs]]  # postings still list deleted (replaced) documents
        view.leaf_cache[key] = docs
        if len(view.leaf_cache) > 2000:
            view.leaf_cache.popitem(last=False)
        return docs

    def _term_docs(self, view: IndexView, query) -> np.ndarray:
        """Document numbers of a term or prefix, read a posting block at a time."""
        parts = []
        reader = view.searcher.reader()
        leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        for leaf, offset in leaves:
            if isinstance(query, wq.Prefix):
                words = list(leaf.expand_prefix(query.fieldname, query.text))
            else:
                words = [query.text]
            for word in words:
                if (query.fieldname, word) not in leaf:
                    continue
                parts.append(_posting_ids(leaf.postings(query.fieldname, word)) + offset)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]

    def _match(self, view: IndexView, node) -> np.ndarray:
        """Sorted document numbers matching the tree (folded forms decide what matches)."""
        if isinstance(node, Term):
            parts = []
            if node.ids:
                parts.append(self._leaf_docs(view, wq.Or([wq.Term("ids", i) for i in node.ids])))
            if node.field != "isbn":
                for field, _boost in FIELD_MAP[node.field]:
                    query = self._leaf_query(f"{field}_f", node.folded, node.prefix)
                    parts.append(self._leaf_docs(view, query))
            return _union(parts)
        if isinstance(node, Not):
            return np.setdiff1d(view.live_docs, self._match(view, node.child), assume_unique=True)
        if isinstance(node, Or):
            return _union([self._match(view, c) for c in node.children])
        positives = [c for c in node.children if not isinstance(c, Not)]
        negatives = [c.child for c in node.children if isinstance(c, Not)]
        docs = view.live_docs
        for child in positives:
            docs = np.intersect1d(docs, self._match(view, child), assume_unique=True)
        for child in negatives:
            docs = np.setdiff1d(docs, self._match(view, child), assume_unique=True)
        return docs

    def search(self, request: SearchRequest) -> SearchOutcome:
        """Match, filter by facets, count facets, order and cut one page."""
        with self._lock:
            view = self._current_view()
            if view is None:
                return SearchOutcome(0, [], {})
            matched = view.live_docs if request.node is None else self._match(view, request.node)
            masks = {
                name: view.facet_mask(name, values)
                for name, values in request.filters.items()
                if values
            }
            hits = matched
            for mask in masks.values():
                hits = hits[mask[hits]]
            facets = {}
            facet_key = (repr(request.node), repr(sorted(request.filters.items())))
            if request.facets and facet_key in view.facet_cache:
                facets = view.facet_cache[facet_key]
            elif request.facets:
                for name in FACETS:
                    docs = matched
                    # Counts of a facet ignore its own selection, so other values stay
                    # visible and can be added (OR within a facet, AND between facets).
                    for other, mask in masks.items():
                        if other != name:
                            docs = docs[mask[docs]]
                    limit = None if name == "library" else FACET_LIMIT
                    facets[name] = order_facet(name, view.count(name, docs, limit))
                # The index has not changed since this view opened: same query, same counts.
                view.facet_cache[facet_key] = facets
                if len(view.facet_cache) > 500:
                    view.facet_cache.popitem(last=False)
            page = self._order(view, request, hits)
            return SearchOutcome(len(hits), [int(view.ids[d]) for d in page], facets)

    def _score(self, view: IndexView, node, hits: np.ndarray) -> np.ndarray:
        """Relevance of each hit: idf-weighted matches, title and author boosted, exact
        (diacritic) matches boosted again. Computed with numpy over cached postings, so a
        broad word over many thousand hits costs milliseconds, not a Python loop per hit."""
        scores = np.zeros(len(hits), dtype=np.float64)
        if isinstance(node, Not) or node is None:
            return scores
        if isinstance(node, (And, Or)):
            for child in node.children:
                scores += self._score(view, child, hits)
            return scores
        total = max(view.size, 1)

        def add(query, boost):
            docs = self._leaf_docs(view, query)
            if not len(docs):
                return
            found = np.searchsorted(docs, hits)
            found[found >= len(docs)] = 0
            present = docs[found] == hits
            idf = np.log(total / (len(docs) + 1.0)) + 1.0
            scores[present] += boost * idf

        if node.ids:
            add(wq.Or([wq.Term("ids", i) for i in sorted(node.ids)]), 10.0)
        if node.field != "isbn":
            for field, boost in FIELD_MAP[node.field]:
                add(self._leaf_query(f"{field}_f", node.folded, node.prefix), boost)
                if node.wants_exact:
                    exact = self._leaf_query(f"{field}_x", node.exact, node.prefix)
                    if exact is not wq.NullQuery:
                        add(exact, boost * EXACT_BOOST)
        return scores

    def _order(self, view: IndexView, request: SearchRequest, hits) -> list[int]:
        start, stop = request.offset, request.offset + request.limit
        if not len(hits) or start >= len(hits):
            return []
        sort = request.sort
        if sort == "relevance" and request.node is None:
            sort = "newest"
        if sort == "relevance":
            scores = self._score(view, request.node, hits)
            # Best score first; then the shorter title (a closer match), then index order.
            keys = (hits, view.rank("title_length")[hits], -np.round(scores, 6))
        elif sort == "newest":
            keys = (view.rank("newest")[hits],)
        elif sort == "title":
            keys = (view.ids[hits], view.rank("title")[hits])
        else:
            keys = (view.ids[hits], view.rank("title")[hits], view.rank("author")[hits])
        if len(keys) == 1 and stop < len(hits):
            # One key: a partial sort of the first `stop` hits is enough.
            top = np.argpartition(keys[0], stop - 1)[:stop]
            order = top[np.argsort(keys[0][top], kind="stable")]
        else:
            order = np.lexsort(keys)
        return hits[order[start:stop]].tolist()

    # -- did you mean -----------------------------------------------------------------
    def knows_word(self, token: str, session=None) -> bool:
        """Whether a folded word is in any part of the indexed text."""
        with self._lock:
            view = self._current_view()
            if view is None:
                return False
            return any(view.searcher.doc_frequency(f"{n}_f", token) for n in TEXT_FIELDS)

    def near_words(self, token: str, session=None) -> list[tuple[str, int]]:
        """The folded words within two edits of token, each with its record count: those
        with its first letter from the word lists (a walk bounded by that letter), those
        with another first letter one edit away by looking each up."""
        with self._lock:
            view = self._current_view()
            if view is None:
                return []
            key = ("near", token)
            if key not in view.leaf_cache:  # walking the word lists is slow: remember it
                reader = view.searcher.reader()
                counts: dict[str, int] = {}
                for name in TEXT_FIELDS:
                    field = f"{name}_f"
                    words = set(reader.terms_within(field, token, 2, prefix=1))
                    words.update(one_edit(token, first_letter_only=True))
                    for word in words:
                        if (field, word) in reader:
                            counts[word] = counts.get(word, 0) + reader.doc_frequency(field, word)
                view.leaf_cache[key] = sorted(counts.items())
            return view.leaf_cache[key]


def _posting_ids(matcher) -> np.ndarray:
    """All document numbers of a posting list; block by block for Whoosh 3 leaf matchers."""
    if not isinstance(matcher, W3LeafMatcher):
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        blocks.append(np.asarray(matcher._ids[matcher._i :], dtype=np.int64))
        matcher._next_block()
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)


def _union(parts: list[np.ndarray]) -> np.ndarray:
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    if len(parts) == 1:
        return parts[0]
    return np.unique(np.concatenate(parts))
