"""Whole-index arrays of the Whoosh backend: facet ordinals, ids, sort keys, per segment.

Read once per segment from the `blob` column (segments never change once written) and
joined per searcher, so matching sets and facet counts are numpy work, not stored fields.
"""

import json
from collections import OrderedDict

import numpy as np

from libsys.search.backends import FACETS, MULTI_VALUED

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


class FacetValues:
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


class SegmentData:
    """Arrays of one segment's documents: ids, facet ordinals, sort values, stamps."""

    def __init__(self, reader, tables: dict[str, FacetValues]):
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


class IndexView:
    """One searcher's whole-index arrays (segments concatenated), built from segment data."""

    def __init__(self, searcher, segments: list[tuple[SegmentData, int, set]], tables):
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
