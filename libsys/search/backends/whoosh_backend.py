"""The Whoosh backend: an index in SEARCH_INDEX_DIR shared by every worker process.

Writers take Whoosh's file lock, waiting for one another (one writer at a time); readers
never lock and reopen their searcher when a newer generation is on disk. Matching sets and
facet counts are worked out with numpy over per-segment arrays read once from a column
(segments never change once written), so counting facets over many thousand hits does not
touch stored fields; Whoosh scores only the page of hits asked for.
"""

import json
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from whoosh import columns, formats, index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema
from whoosh.system import pack_uint

from libsys.search.analysis import exact_analyzer, exact_tokens, folded_analyzer, folded_tokens
from libsys.search.backends import (
    FACET_LIMIT,
    FACETS,
    MULTI_VALUED,
    SearchOutcome,
    SearchRequest,
    order_facet,
)
from libsys.search.documents import facet_blob
from libsys.search.query import And, Not, Or, Term

log = logging.getLogger(__name__)

TEXT_FIELDS = ("all", "title", "authors", "subjects")
# Which index fields a query field searches, with their boosts (default: all text).
FIELD_MAP = {
    None: (("all", 1.0), ("title", 3.0), ("authors", 2.0), ("subjects", 1.5)),
    "title": (("title", 1.0),),
    "author": (("authors", 1.0),),
    "subject": (("subjects", 1.0),),
}
EXACT_BOOST = 2.0  # how much more an exact (diacritic) match weighs than a folded one
WRITE_TIMEOUT = 120.0  # seconds a writer waits for another process's writer
# Whoosh's posting pool before it spills sorted runs to disk. Its estimate counts bytes, not
# Python objects: 256 took about 420 MB more RSS in a bulk import; 64 keeps it near 150 MB.
WRITER_MB = int(os.environ.get("LIBSYS_INDEX_MB", "64"))
# Blob positions (libsys.search.documents.facet_blob).
B_ID, B_LIB, B_MT, B_LANG, B_YEAR, B_YR, B_SUBJ, B_AUD, B_AVAIL, B_ADDED, B_TS, B_AS, B_STAMP = (
    range(13)
)
FACET_SLOT = {
    "library": B_LIB,
    "material_type": B_MT,
    "language": B_LANG,
    "year": B_YR,
    "subject": B_SUBJ,
    "audience": B_AUD,
    "available": B_AVAIL,
}


class FastPositions(formats.Positions):
    """Whoosh's Positions format, the same postings, without a Token object per word.

    Takes the word list from the analyzer's `words()` (or an already tokenized list), which
    costs a regex findall instead of a Python generator step per token."""

    def word_values(self, value, analyzer, **kwargs):
        """(word, frequency, weight, encoded positions) for each distinct word of value."""
        words = getattr(analyzer, "words", None)
        if words is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: dict[str, list[int]] = {}
        for pos, word in enumerate(words(value)):
            found = positions.get(word)
            if found is None:
                positions[word] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        encode = self.encode
        for word, poslist in positions.items():
            yield (word, len(poslist), len(poslist) * boost, encode(poslist))


class FastFrequency(formats.Frequency):
    """Whoosh's Frequency format, the same postings, fed by the analyzer's `words()`."""

    def word_values(self, value, analyzer, **kwargs):
        """(word, frequency, weight, encoded frequency) for each distinct word of value."""
        words = getattr(analyzer, "words", None)
        if words is None:
            return super().word_values(value, analyzer, **kwargs)
        counts: dict[str, int] = {}
        for word in words(value):
            counts[word] = counts.get(word, 0) + 1
        boost = self.field_boost
        return [(w, n, n * boost, pack_uint(n)) for w, n in counts.items()]


class _LengthCache:
    """Field lengths of a new segment, read once per field instead of once per posting.

    Whoosh looks up the document's field length for every posting it writes (about 55 per
    record here); reading the column per posting was a tenth of the indexing time."""

    def __init__(self, reader):
        self.reader = reader
        self.count = reader.doc_count_all()
        self.lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        """The length of a field in a document of the new segment."""
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            lookup = self.reader.doc_field_length
            lengths = self.lengths[fieldname] = [
                lookup(d, fieldname, default) for d in range(self.count)
            ]
        return lengths[docnum] if docnum < self.count else default

    def close(self):
        """Close the segment's per-document reader."""
        self.reader.close()


def _cache_lengths(writer) -> None:
    """Let a segment writer read field lengths through a _LengthCache when it flushes."""
    original = getattr(writer, "per_document_reader", None)
    if original is None:
        return
    writer.per_document_reader = lambda: _LengthCache(original())


def make_schema() -> Schema:
    """Exact and folded text fields, identifiers, and one column of facet/sort values."""
    fields = {
        "id": ID(stored=True, unique=True),
        "ids": KEYWORD(lowercase=True, scorable=True),
        "blob": COLUMN(columns.VarBytesColumn()),
    }
    for name in TEXT_FIELDS:
        # Exact fields only boost: no positions (phrases are checked on the folded form).
        exact = fields[f"{name}_x"] = TEXT(analyzer=exact_analyzer(), phrase=False)
        exact.format = FastFrequency(field_boost=exact.format.field_boost)
        folded = fields[f"{name}_f"] = TEXT(analyzer=folded_analyzer(), phrase=True)
        folded.format = FastPositions(field_boost=folded.format.field_boost)
    return Schema(**fields)


def whoosh_fields(doc: dict) -> dict:
    """The Whoosh field values of an index document, already tokenized.

    Each text is folded and tokenized once: "all" (title, authors, subjects, other, as in
    documents.document_text) is the concatenation of the parts' tokens, which is what
    tokenizing the joined text gives, since the joints hold no word characters."""
    fields = {"id": str(doc["id"]), "blob": facet_blob(doc)}
    if doc["ids"]:
        fields["ids"] = " ".join(doc["ids"])
    all_folded: list[str] = []
    all_exact: list[str] = []
    for name in ("title", "authors", "subjects", "other"):
        value = doc[name]
        if not value:
            continue
        folded = folded_tokens(value)
        # Exact fields keep only the words with diacritics (analysis.exact_analyzer).
        exact = [] if value.isascii() else [w for w in exact_tokens(value) if not w.isascii()]
        all_folded += folded
        all_exact += exact
        if name != "other":
            fields[f"{name}_f"] = folded
            fields[f"{name}_x"] = exact
    fields["all_f"] = all_folded
    fields["all_x"] = all_exact
    return fields


class _Values:
    """Global value <-> ordinal table of one facet (grows, shared by every segment)."""

    def __init__(self):
        self.ordinal: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str) -> int:
        number = self.ordinal.get(value)
        if number is None:
            number = self.ordinal[value] = len(self.values)
            self.values.append(value)
        return number


class _SegmentData:
    """Arrays of one segment's documents: ids, facet ordinals, sort values, stamps."""

    def __init__(self, reader, tables: dict[str, _Values]):
        count = reader.doc_count_all()
        column = reader.column_reader("blob") if reader.has_column("blob") else None
        self.ids = np.zeros(count, dtype=np.int64)
        self.added = np.zeros(count, dtype=np.float64)
        self.single = {
            name: np.full(count, -1, dtype=np.int32) for name in FACETS if name not in MULTI_VALUED
        }
        multi_values = {name: [] for name in MULTI_VALUED}
        multi_lengths = {name: np.zeros(count, dtype=np.int64) for name in MULTI_VALUED}
        self.title_sort: list[str] = [""] * count
        self.author_sort: list[str] = [""] * count
        self.stamps: list[str] = [""] * count
        for docnum in range(count):
            raw = column[docnum] if column is not None else b""
            if not raw:
                continue
            blob = json.loads(raw)
            self.ids[docnum] = blob[B_ID]
            self.added[docnum] = blob[B_ADDED]
            self.title_sort[docnum] = blob[B_TS]
            self.author_sort[docnum] = blob[B_AS]
            self.stamps[docnum] = blob[B_STAMP]
            for name, array in self.single.items():
                value = blob[FACET_SLOT[name]]
                if name == "available":
                    value = "1" if value else None
                if value is not None:
                    array[docnum] = tables[name](str(value))
            for name in MULTI_VALUED:
                values = blob[FACET_SLOT[name]] or []
                multi_lengths[name][docnum] = len(values)
                multi_values[name].extend(tables[name](v) for v in values)
        self.multi_lengths = multi_lengths
        self.multi_values = {n: np.array(v, dtype=np.int32) for n, v in multi_values.items()}


class _View:
    """One searcher's whole-index arrays (segments concatenated), built from segment data."""

    def __init__(self, searcher, segments: list[tuple[_SegmentData, int, set]], tables):
        self.searcher = searcher
        self.tables = tables
        total = searcher.doc_count_all()
        self.size = total
        self.ids = np.zeros(total, dtype=np.int64)
        self.added = np.zeros(total, dtype=np.float64)
        self.live = np.ones(total, dtype=bool)
        self.single = {
            n: np.full(total, -1, dtype=np.int32) for n in FACETS if n not in MULTI_VALUED
        }
        lengths = {n: np.zeros(total, dtype=np.int64) for n in MULTI_VALUED}
        values = {n: [] for n in MULTI_VALUED}
        self.title_sort: list[str] = []
        self.author_sort: list[str] = []
        self.stamps: list[str] = []
        for data, offset, deleted in segments:
            end = offset + len(data.ids)
            self.ids[offset:end] = data.ids
            self.added[offset:end] = data.added
            for name in self.single:
                self.single[name][offset:end] = data.single[name]
            for name in MULTI_VALUED:
                lengths[name][offset:end] = data.multi_lengths[name]
                values[name].append(data.multi_values[name])
            for docnum in deleted:
                self.live[offset + docnum] = False
            self.title_sort.extend(data.title_sort)
            self.author_sort.extend(data.author_sort)
            self.stamps.extend(data.stamps)
        self.multi_values = {
            n: (np.concatenate(v) if v else np.zeros(0, dtype=np.int32)) for n, v in values.items()
        }
        self.multi_offsets = {n: np.concatenate(([0], np.cumsum(lengths[n]))) for n in MULTI_VALUED}
        self.multi_owner = {
            n: np.repeat(np.arange(total, dtype=np.int64), lengths[n]) for n in MULTI_VALUED
        }
        self.live_docs = np.flatnonzero(self.live)
        self._ranks: dict[str, np.ndarray] = {}
        self.leaf_cache: OrderedDict = OrderedDict()
        self.facet_cache: OrderedDict = OrderedDict()

    def rank(self, name: str) -> np.ndarray:
        """Position of every document in title, author or newest order (worked out once)."""
        if name not in self._ranks:
            if name == "newest":
                order = np.lexsort((-self.ids, -self.added))
                ranks = np.empty(self.size, dtype=np.int64)
                ranks[order] = np.arange(self.size)
                self._ranks[name] = ranks
                return ranks
            if name == "title_length":
                self._ranks[name] = np.fromiter(
                    (len(k) for k in self.title_sort), dtype=np.int64, count=self.size
                )
                return self._ranks[name]
            keys = self.title_sort if name == "title" else self.author_sort
            order = sorted(range(self.size), key=keys.__getitem__)
            ranks = np.empty(self.size, dtype=np.int64)
            ranks[np.array(order, dtype=np.int64)] = np.arange(self.size)
            self._ranks[name] = ranks
        return self._ranks[name]

    def facet_mask(self, name: str, wanted: list[str]) -> np.ndarray:
        """Documents having any of the wanted values of a facet."""
        table = self.tables[name]
        ordinals = [table.ordinal[v] for v in wanted if v in table.ordinal]
        mask = np.zeros(self.size, dtype=bool)
        if not ordinals:
            return mask
        if name in MULTI_VALUED:
            hit = np.isin(self.multi_values[name], ordinals)
            mask[self.multi_owner[name][hit]] = True
        else:
            mask[np.isin(self.single[name], ordinals)] = True
        return mask

    def count(self, name: str, docs: np.ndarray, limit: int | None = None) -> dict[str, int]:
        """Facet counts over a set of document numbers."""
        values = self.tables[name].values
        if not len(docs):
            return {}
        if name in MULTI_VALUED and len(docs) * 8 > self.size:
            # Many hits: one pass over every value beats gathering each hit's values.
            chosen = np.zeros(self.size, dtype=bool)
            chosen[docs] = True
            ordinals = self.multi_values[name][chosen[self.multi_owner[name]]]
        elif name in MULTI_VALUED:
            offsets = self.multi_offsets[name]
            starts, ends = offsets[docs], offsets[docs + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            if not total:
                return {}
            index_of = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
            ordinals = self.multi_values[name][index_of]
        else:
            ordinals = self.single[name][docs]
            ordinals = ordinals[ordinals >= 0]
        counts = np.bincount(ordinals, minlength=len(values))
        found = np.flatnonzero(counts)
        if limit is not None and len(found) > limit:
            # Keep every value counted at least as often as the limit-th one (ties included),
            # so the final cut by (count, value) is the same as the PostgreSQL backend's.
            threshold = np.partition(counts[found], len(found) - limit)[len(found) - limit]
            found = found[counts[found] >= threshold]
        return {values[i]: int(counts[i]) for i in found}


class WhooshBackend:
    """Search over a Whoosh index on disk (see the module docstring)."""

    name = "whoosh"

    def __init__(self, index_dir: str):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._ix = None
        self._searcher = None
        self._view: _View | None = None
        self._segments: dict[str, _SegmentData] = {}
        self._tables = {name: _Values() for name in FACETS}

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
        WRITE_TIMEOUT seconds). `fresh` adds without looking for an older version.
        """
        with self._lock:
            ix = self._open(create=True)
            writer = ix.writer(timeout=timeout, delay=0.05, limitmb=WRITER_MB)
            _cache_lengths(writer)

            def write(documents: dict[int, dict | None]) -> None:
                for record_id, doc in documents.items():
                    if doc is None:
                        if not fresh:
                            writer.delete_by_term("id", str(record_id))
                    elif fresh:
                        writer.add_document(**whoosh_fields(doc))
                    else:
                        writer.update_document(**whoosh_fields(doc))

            try:
                yield write
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def optimize(self) -> None:
        """Merge every segment into one (after a full reindex)."""
        with self._lock:
            ix = self._open()
            # One segment already (a fresh reindex writes one): rewriting it gains nothing.
            if ix is not None and len(ix._segments()) > 1:
                ix.optimize()

    # -- reading ----------------------------------------------------------------------
    def _current_view(self) -> _View | None:
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

    def _build_view(self, searcher) -> _View:
        reader = searcher.reader()
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        segments, seen = [], set()
        for leaf, offset in leaves:
            segment = leaf.segment()
            key = segment.segment_id() if segment is not None else str(id(leaf))
            seen.add(key)
            data = self._segments.get(key)
            if data is None:
                data = self._segments[key] = _SegmentData(leaf, self._tables)
            deleted = set()
            if leaf.has_deletions():
                found = leaf.deleted_docs_set
                deleted = set(found() if callable(found) else found)
            segments.append((data, offset, deleted))
        for key in list(self._segments):
            if key not in seen:
                del self._segments[key]
        return _View(searcher, segments, self._tables)

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

    def _leaf_docs(self, view: _View, query) -> np.ndarray:
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

    def _term_docs(self, view: _View, query) -> np.ndarray:
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

    def _match(self, view: _View, node) -> np.ndarray:
        """Sorted document numbers matching the tree (folded forms decide what matches)."""
        if isinstance(node, Term):
            parts = []
            if node.ids:
                parts.append(self._leaf_docs(view, wq.Or([wq.Term("ids", i) for i in node.ids])))
            if node.field != "isbn":
                field = {"title": "title", "author": "authors", "subject": "subjects"}.get(
                    node.field, "all"
                )
                parts.append(
                    self._leaf_docs(view, self._leaf_query(f"{field}_f", node.folded, node.prefix))
                )
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

    def _score(self, view: _View, node, hits: np.ndarray) -> np.ndarray:
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

    def _order(self, view: _View, request: SearchRequest, hits) -> list[int]:
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
    def suggest_word(self, token: str, exact: bool, session=None) -> str | None:
        """The closest indexed word to an unknown one, or None when the word is known."""
        field = "all_x" if exact else "all_f"
        with self._lock:
            view = self._current_view()
            if view is None:
                return None
            searcher = view.searcher
            if searcher.doc_frequency(field, token):
                return None
            key = ("suggest", field, token)
            if key not in view.leaf_cache:  # the corrector walks the word list: remember it
                found = searcher.corrector(field).suggest(token, limit=1, maxdist=2)
                view.leaf_cache[key] = found[0] if found else None
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
