"""Whoosh's codec made fast for libsys's index: positions, posting pool and writers.

Subclasses of Whoosh 2.7's own codec classes (whoosh-reloaded is pinned to 2.7.x for this):
positions encoded once per common case, posting runs spilled with `marshal`, blocks written
without zlib. The files written are the ones Whoosh's own classes write (checked byte for
byte without spilling), so any Whoosh reader reads them.
"""

import marshal
import os
import pickle
import struct

from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.writing import PostingPool

# Whoosh's posting pool before it spills sorted runs to disk. Its estimate counts bytes, not
# Python objects: 256 took about 420 MB more RSS in a bulk import; 64 keeps it near 150 MB.
WRITER_MB = int(os.environ.get("LIBSYS_INDEX_MB", "64"))

# Encoded position lists of one word: most words occur once in a field.
_SINGLE_POSITION: dict[int, bytes] = {}


class FastPositions(formats.Positions):
    """Whoosh's Positions format without a Token object per word, and with weight 1.

    Takes the word list from the analyzer's `words()` (or an already tokenized list), which
    costs a regex findall instead of a Python generator step per token. Relevance is worked
    out from the postings' presence (WhooshBackend._score), never from Whoosh's weights, so
    every posting weighs 1 and posting blocks store no weights."""

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
        encode = self.encode
        single = _SINGLE_POSITION
        for word, poslist in positions.items():
            if len(poslist) == 1:
                value = single.get(poslist[0])
                if value is None:
                    value = single[poslist[0]] = encode(poslist)
            else:
                value = encode(poslist)
            yield (word, len(poslist), 1.0, value)


class FastExistence(formats.Existence):
    """Whoosh's Existence format (the word is there, nothing else), fed by `words()`."""

    def word_values(self, value, analyzer, **kwargs):
        """(word, 1, 1.0, b"") for each distinct word of value."""
        words = getattr(analyzer, "words", None)
        if words is None:
            return super().word_values(value, analyzer, **kwargs)
        return [(w, 1, 1.0, b"") for w in dict.fromkeys(words(value))]


_CHUNK_LENGTH = struct.Struct("<Q")


class FastPostingPool(PostingPool):
    """Whoosh's posting pool with cheap bookkeeping and sorted runs written in big chunks.

    Whoosh pickles each posting to its temporary run files and unpickles it again for the
    merge (two fifths of indexing time in a big import); here a run is a few marshal dumps
    of 20,000 postings each."""

    CHUNK = 20_000

    def add(self, item):
        """Add a posting (fieldname, term bytes, docnum, weight, value bytes)."""
        self.current.append(item)
        self.currentsize += 120 + len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()

    def _write_run(self, f, items):
        chunk = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= self.CHUNK:
                self._write_chunk(f, chunk)
                chunk = []
        if chunk:
            self._write_chunk(f, chunk)
        f.close()

    @staticmethod
    def _write_chunk(f, chunk):
        data = marshal.dumps(chunk)
        f.write(_CHUNK_LENGTH.pack(len(data)))
        f.write(data)

    def _read_run(self, path):
        # Whole chunks read then unmarshalled from bytes: marshal.load on a file reads in
        # tiny pieces.
        f = self._open_run(path)
        try:
            while True:
                head = f.read(_CHUNK_LENGTH.size)
                if len(head) < _CHUNK_LENGTH.size:
                    return
                yield from marshal.loads(f.read(_CHUNK_LENGTH.unpack(head)[0]))
        finally:
            f.close()
            self._remove_run(path)


class FastFieldWriter(W3FieldWriter):
    """Whoosh 3's term and posting writer with the per-posting work in one loop.

    The same files as W3FieldWriter; postings come sorted from the pool, so the order
    checks, the field-length lookups (no field is scored by length here) and three method
    calls per posting are left out."""

    def add_postings(self, schema, lengths, items):
        """Write sorted (fieldname, term bytes, docnum, weight, value bytes) postings."""
        blocklimit = self._codec._blocklimit
        lastfn = lasttext = writer = None
        ids = weights = values = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                writer = self._postwriter
                ids, weights, values = writer._ids, writer._weights, writer._values
            elif len(ids) >= blocklimit:
                writer._write_block()
                ids, weights, values = writer._ids, writer._weights, writer._values
            ids.append(docnum)
            weights.append(weight)
            if weight > writer._maxweight:
                writer._maxweight = weight
            if value:
                values.append(value)
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class FastPostingsWriter(W3PostingsWriter):
    """Whoosh 3's posting-block writer, the same bytes, with less work per block.

    Most terms of a catalogue occur in one or two records, so a block is written for almost
    every term; this does what W3PostingsWriter._write_block and W3TermInfo.add_block do,
    knowing that no field length is kept (FastCodec) and blocks are not compressed."""

    def _write_block(self, last=False):
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        ids = self._ids
        count = len(ids)
        terminfo = self._terminfo
        terminfo._weight += sum(self._weights)
        terminfo._df += count
        if self._maxweight > terminfo._maxweight:
            terminfo._maxweight = self._maxweight
        if terminfo._minid is None:
            terminfo._minid = ids[0]
        terminfo._maxid = ids[-1]
        if count == 1:
            mini_ids = (ids[0],)
        else:
            mini_ids = tuple([b - a for a, b in zip((0, *ids[:-1]), ids, strict=True)])
        weights = self._weights
        mini_weights = None if weights.count(1.0) == count else self._mini_weights()
        data = pickle.dumps((mini_ids, mini_weights, self._mini_values()), 2)
        info = pickle.dumps((count, ids[-1], self._maxweight, 0, 0, 0), 2)
        postfile.write_int(-(len(info) + len(data)) if last else len(info) + len(data))
        postfile.write(info)
        postfile.write(data)
        self._blockcount += 1
        self._new_block()


class FastCodec(W3Codec):
    """Whoosh 3's codec writing through FastFieldWriter, with uncompressed posting blocks
    (zlib cost a tenth of indexing; blocks are small and mostly single postings) and no
    field-length statistics (nothing is scored by field length)."""

    length_stats = False

    def __init__(self):
        super().__init__(compression=0)

    def field_writer(self, storage, segment):
        return FastFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:
            return super().postings_writer(dbfile, byteids=byteids)
        return FastPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=0,
            inlinelimit=self._inlinelimit,
        )


def fast_writer(ix, **options):
    """A Whoosh segment writer with the fast codec and posting pool."""
    writer = ix.writer(codec=FastCodec(), **options)
    writer.pool = FastPostingPool(
        writer._tempstorage, writer.newsegment, limitmb=options.get("limitmb", WRITER_MB)
    )
    return writer


# An index's table of contents pickles its schema (whose fields name the formats) and each
# segment's codec, by module: these classes keep the path they had when the first indexes
# were written, so an index written before or after this module was split from
# whoosh_backend opens with either version.
for _class in (FastPositions, FastExistence, FastPostingPool, FastFieldWriter,
               FastPostingsWriter, FastCodec):  # fmt: skip
    _class.__module__ = "libsys.search.backends.whoosh_backend"
