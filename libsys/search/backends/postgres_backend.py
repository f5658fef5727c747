"""The PostgreSQL backend: search inside the database, so several app servers share it.

Documents live in search_document (libsys.search.models) with two tsvectors built here from
the same folded and exact tokens as the Whoosh index (weights: A title, B authors, C
subjects, D the rest; identifiers as "#..." lexemes), a GIN index on the folded one, facets
counted by SQL and did-you-mean from search_term by pg_trgm similarity. Query trees become
tsquery literals, so PostgreSQL's own parser and dictionaries never change a token.

A little over the ~500 lines the rest of libsys keeps to, on purpose: one backend (its
documents, queries, facets and suggestions against one table) is one cohesive thing, the
same interface as whoosh_backend.py, best read in one place.
"""

import json
import logging
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.schema import CreateIndex, DropIndex

from libsys.extensions import db
from libsys.search.analysis import exact_tokens, folded_tokens
from libsys.search.backends import FACETS, MULTI_VALUED, SearchOutcome, SearchRequest, order_facet
from libsys.search.models import SearchDocument, SearchTerm
from libsys.search.query import And, Not, Term
from libsys.search.suggest import edit_distance, one_edit

log = logging.getLogger(__name__)

WEIGHT_OF_FIELD = {"title": "A", "author": "B", "subject": "C"}
PART_WEIGHTS = (("title", "A"), ("authors", "B"), ("subjects", "C"), ("other", "D"))
MAX_POSITION = 16383
EXACT_BOOST = 2.0
RANK_WEIGHTS = "'{0.2, 0.3, 0.5, 1.0}'"  # D, C, B, A (title counts most)
SINGLE_COLUMN = {
    "material_type": "material_type",
    "language": "language",
    "year": "year_range",
    "audience": "audience",
}
ARRAY_COLUMN = {"library": "libraries", "subject": "subjects"}
COPY_COLUMNS = (
    "record_id, text_folded, text_exact, tsv_fold, tsv_exact, libraries, subjects,"
    " material_type, language, year, year_range, audience, available, added, title_sort,"
    " author_sort, stamp"
)
COPY_DOCUMENTS = f"COPY search_document ({COPY_COLUMNS}) FROM STDIN"
# What the facets count and filter on (read once per search, see _facets).
FACET_COLUMNS = "libraries, subjects, material_type, language, year_range, audience, available"
# A search reads at most HITS matched rows, so a broad query (`the`: 90,000 hits) costs
# about what a narrow one does: Evergreen's superpage, Koha's maxRecordsForFacets. The first
# HITS hits the GIN index gives (in table order; for the empty query, the newest) are sorted
# for the first pages and their facets counted; a search with more hits gives the planner's
# estimate of their number, as "about N".
HITS = 1000
NEWEST_FIRST = "d.added DESC, d.record_id DESC"
SORT_ORDER = {
    "newest": NEWEST_FIRST,
    "title": 'd.title_sort COLLATE "C", d.record_id',
    "author": 'd.author_sort COLLATE "C", d.title_sort COLLATE "C", d.record_id',
}
# While the hits are read: the GIN index's bitmap and nothing else, so the first hits are
# the same at every search (a sequential scan may start anywhere in the table, a parallel
# one returns rows in any order) and a LIMIT stops the scan early.
IN_TABLE_ORDER = ("enable_seqscan", "enable_indexscan", "max_parallel_workers_per_gather")
TRIGRAM_INDEX = "ix_search_term_trgm"
FREQUENCY_CAP = 1000  # records counted for a did-you-mean word's frequency
NEAR_WORDS = (
    12  # near words counted per did-you-mean word  # made by `libsys reindex` (needs pg_trgm)
)
INDEX_BUILD_MEMORY = "256MB"  # maintenance_work_mem while a reindex builds the GIN indexes


def about(number: int) -> int:
    """An estimate rounded to two significant digits (46,646 -> 47,000)."""
    places = len(str(number)) - 2
    return round(number, -places) if places > 0 else number


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(parts: list[list[str]], ids=(), *, marked_only: bool = False) -> str:
    """A tsvector literal: every token of the parts (token lists in PART_WEIGHTS order) with
    its positions and the weight of its part, and the identifiers as "#..." lexemes.

    `marked_only` (the exact tsvector): only the words with diacritics, at their positions
    among all words. Exact queries only look such words up (as the Whoosh exact field), and
    ts_rank only reads the query's lexemes, so ranks are the same with a much smaller row."""
    positions: dict[str, list[str]] = {}
    position = 0
    for tokens, (_, weight) in zip(parts, PART_WEIGHTS, strict=True):
        for token in tokens:
            position += 1
            if position > MAX_POSITION:
                break
            if not (marked_only and token.isascii()):
                positions.setdefault(token, []).append(f"{position}{weight}")
    for identifier in ids:
        positions.setdefault("#" + identifier, []).append(f"{MAX_POSITION}D")
    return " ".join(f"{_quote(lex)}:{','.join(pos[:255])}" for lex, pos in positions.items())


def _term_tsquery(node: Term, exact: bool) -> str | None:
    parts = []
    if not exact:
        parts.extend(_quote("#" + i) for i in sorted(node.ids))
    if node.field != "isbn":
        tokens = node.exact if exact else node.folded
        if exact:
            if not node.wants_exact:
                tokens = []
            elif len(tokens) > 1:
                tokens = [t for t in tokens if not t.isascii()]  # as the Whoosh exact field
        weight = WEIGHT_OF_FIELD.get(node.field, "")
        lexemes = []
        for index, token in enumerate(tokens):
            suffix = ""
            if node.prefix and index == len(tokens) - 1:
                suffix = "*"
            if suffix or weight:
                lexemes.append(f"{_quote(token)}:{suffix}{weight}")
            else:
                lexemes.append(_quote(token))
        if lexemes:
            joiner = " & " if exact else " <-> "
            parts.append("(" + joiner.join(lexemes) + ")")
    if not parts:
        return None
    return "(" + " | ".join(parts) + ")"


def tsquery_literal(node, exact: bool = False) -> str | None:
    """The tsquery of a query tree; exact=True gives the ranking-only query of marked words."""
    if isinstance(node, Term):
        return _term_tsquery(node, exact)
    if isinstance(node, Not):
        if exact:
            return None
        inner = tsquery_literal(node.child)
        return f"!{inner}" if inner else None
    parts = [tsquery_literal(c, exact) for c in node.children]
    parts = [p for p in parts if p]
    if not parts:
        return None
    joiner = " & " if isinstance(node, And) and not exact else " | "
    return "(" + joiner.join(parts) + ")"


class PostgresBackend:
    """Search inside PostgreSQL (see the module docstring)."""

    name = "postgres"

    def __init__(self):
        self._trigram_ready = False

    def _session(self, session):
        if session is None:
            session = db.session
        return session

    # -- writing ----------------------------------------------------------------------
    def write(self, documents: dict[int, dict | None], session=None) -> None:
        """Upsert or delete document rows inside the caller's transaction."""
        if documents:
            with self.batch_writer(session) as write:
                write(documents)

    def batch_writer(self, session=None, *, fresh: bool = False):
        """A context manager yielding write(documents) (rows go into the current transaction).

        Rows are sent with COPY. `fresh` (a new index, for `libsys reindex`): both tables are
        emptied and their indexes dropped first, the indexes are built once at the end on
        the whole data (a GIN index built at once is many times cheaper than one kept up to
        date row by row), and the tables analysed. Searches wait for the reindex's commit.
        """
        session = self._session(session)

        @contextmanager
        def writer():
            known_terms: set = set()
            if fresh:
                self._drop_indexes(session)

            def write(documents: dict[int, dict | None]) -> None:
                gone = [i for i, d in documents.items() if d is None]
                rows = [self._row(d) for d in documents.values() if d is not None]
                if gone or (rows and not fresh):
                    ids = gone + [r[0] for r in rows]
                    session.execute(
                        text("DELETE FROM search_document WHERE record_id = ANY(:ids)"),
                        {"ids": ids},
                    )
                if not rows:
                    return
                terms = set()
                for row in rows:
                    terms.update((False, t) for t in row[1].split() if 2 < len(t) <= 100)
                    terms.update((True, t) for t in row[2].split() if 2 < len(t) <= 100)
                terms -= known_terms
                known_terms.update(terms)
                with self._raw_cursor(session) as cursor:
                    with cursor.copy(COPY_DOCUMENTS) as copy:
                        for row in rows:
                            copy.write_row(row)
                    if fresh:
                        # The table was emptied and every word met so far is in known_terms.
                        with cursor.copy("COPY search_term (exact, term) FROM STDIN") as copy:
                            for term in terms:
                                copy.write_row(term)
                    elif terms:
                        exact, words = zip(*terms, strict=True)
                        cursor.execute(
                            "INSERT INTO search_term (exact, term)"
                            " SELECT * FROM unnest(%s::boolean[], %s::text[])"
                            " ON CONFLICT DO NOTHING",
                            (list(exact), list(words)),
                        )

            yield write
            if fresh:
                self._create_indexes(session)

        return writer()

    @staticmethod
    def _raw_cursor(session):
        """A psycopg cursor on the session's connection (so inside its transaction)."""
        return session.connection().connection.driver_connection.cursor()

    def _drop_indexes(self, session) -> None:
        """Empty the search tables for good and drop their secondary indexes before a fresh
        load (after `clear` the deleted rows would stay in the files until a VACUUM)."""
        session.execute(text("TRUNCATE search_document, search_term"))
        session.execute(text(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}"))
        for index in SearchDocument.__table__.indexes:
            session.execute(DropIndex(index, if_exists=True))

    def _create_indexes(self, session) -> None:
        """Build the search tables' indexes on the loaded rows, then analyse the tables."""
        session.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"))
        for index in SearchDocument.__table__.indexes:
            session.execute(CreateIndex(index, if_not_exists=True))
        if self._ensure_trigram(session):
            session.execute(
                text(
                    f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON search_term"
                    " USING gin (term gin_trgm_ops)"
                )
            )
        # The planner's row counts (autovacuum may be off, or not have run yet).
        session.execute(text("ANALYZE search_document"))
        session.execute(text("ANALYZE search_term"))

    @staticmethod
    def _row(doc: dict) -> tuple:
        """The COPY row of a document (columns as COPY_COLUMNS)."""
        folded_parts = [folded_tokens(doc[part]) for part, _ in PART_WEIGHTS]
        exact_parts = [exact_tokens(doc[part]) for part, _ in PART_WEIGHTS]
        return (
            doc["id"],
            " ".join(t for tokens in folded_parts for t in tokens),
            " ".join(t for tokens in exact_parts for t in tokens if not t.isascii()),
            tsvector_literal(folded_parts, doc["ids"]),
            tsvector_literal(exact_parts, marked_only=True),
            doc["library"],
            doc["subject"],
            doc["material_type"],
            doc["language"],
            doc["year"],
            doc["year_range"],
            doc["audience"],
            bool(doc["available"]),
            doc["added"],
            doc["title_sort"][:80],
            doc["author_sort"][:80],
            doc["stamp"],
        )

    def clear(self, session=None) -> None:
        """Remove every document and word."""
        session = self._session(session)
        session.execute(SearchDocument.__table__.delete())
        session.execute(SearchTerm.__table__.delete())

    # -- reading ----------------------------------------------------------------------
    def health(self, session=None) -> str:
        """ "ok" when the documents table answers, "error" otherwise."""
        try:
            self._session(session).execute(text("SELECT 1 FROM search_document LIMIT 1"))
            return "ok"
        except Exception:  # noqa: BLE001  (health must report, not raise)
            log.exception("search table health check failed")
            return "error"

    def stamps(self, session=None) -> dict[int, str]:
        """Every indexed record id with its stamp."""
        rows = self._session(session).execute(text("SELECT record_id, stamp FROM search_document"))
        return dict(rows.all())

    def count(self, session=None) -> int:
        """How many records are indexed."""
        return (
            self._session(session)
            .execute(text("SELECT count(*) FROM search_document"))
            .scalar_one()
        )

    def _filter_sql(self, filters: dict, skip: str | None, params: dict) -> list[str]:
        clauses = []
        for name, values in filters.items():
            if not values or name == skip:
                continue
            key = f"f_{name}"
            if name in ARRAY_COLUMN:
                clauses.append(f"d.{ARRAY_COLUMN[name]} && CAST(:{key} AS text[])")
                params[key] = list(values)
            elif name == "available":
                clauses.append("d.available")
            else:
                clauses.append(f"d.{SINGLE_COLUMN[name]} = ANY(CAST(:{key} AS text[]))")
                params[key] = list(values)
        return clauses

    def search(self, request: SearchRequest, session=None) -> SearchOutcome:
        """Read the first HITS hits once: sort them for the page, count their facets (each
        facet under the other facets' filters), and count them, or estimate the hits when
        there are more (see HITS)."""
        session = self._session(session)
        params: dict = {"hits": HITS}
        match = "TRUE"
        if request.node is not None:
            query = tsquery_literal(request.node)
            if query is None:
                return SearchOutcome(0, [], {})
            params["q"] = query
            match = "d.tsv_fold @@ CAST(:q AS tsquery)"
        where = " AND ".join([match, *self._filter_sql(request.filters, None, params)])
        sort = request.sort
        if sort == "relevance" and request.node is None:
            sort = "newest"
        # Without words the hits are the newest records (the index on `added`).
        first = "" if request.node is not None else f" ORDER BY {NEWEST_FIRST}"
        samples = {where: "hits"}
        selects = [self._ordered_hits(request, sort, params)]
        if request.facets:
            selects += self._facet_counts(request, match, params, samples)
        with_ = ", ".join(
            f"{name} AS MATERIALIZED (SELECT {self._sample_columns(name, sort)}"
            f" FROM search_document d WHERE {sample_where}{first} LIMIT :hits)"
            for sample_where, name in samples.items()
        )
        ordered: list[int] = []
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        read = {}
        with self._in_table_order(session, request.node is not None):
            rows = session.execute(text(f"WITH {with_} " + " UNION ALL ".join(selects)), params)
            for facet, value, number in rows:
                if facet == "#":
                    ordered.append((number, int(value)))
                elif facet == "":
                    read[value] = number
                else:
                    counts[facet][value] = number
            ids = [record_id for _, record_id in sorted(ordered)]
            total, exact = len(ids), len(ids) < HITS
            page = ids[request.offset : request.offset + request.limit]
            beyond = request.offset + request.limit - max(request.offset, HITS)
            if not exact and beyond > 0:
                page += self._ids_beyond(session, where, first, params, request, beyond)
        if not exact:
            total = about(max(total, self._estimate(session, where, params)))
        facets, facets_from = {}, None
        if request.facets:
            facets = {name: order_facet(name, counts[name]) for name in FACETS}
            if any(n >= HITS for n in read.values()):
                facets_from = HITS
        return SearchOutcome(total, page, facets, total_exact=exact, facets_from=facets_from)

    @staticmethod
    def _sample_columns(name: str, sort: str) -> str:
        if name != "hits":
            return FACET_COLUMNS
        columns = f"d.record_id, d.added, d.title_sort, d.author_sort, {FACET_COLUMNS}"
        if sort == "relevance":
            columns += ", d.tsv_fold, d.tsv_exact"
        return columns

    @staticmethod
    def _ordered_hits(request, sort: str, params: dict) -> str:
        """The first hits with their places in the order asked for ('#', id, place)."""
        if sort == "relevance":
            rank = f"ts_rank({RANK_WEIGHTS}, d.tsv_fold, CAST(:q AS tsquery))"
            exact = tsquery_literal(request.node, exact=True)
            if exact:
                params["qx"] = exact
                rank += (
                    f" + {EXACT_BOOST} * ts_rank({RANK_WEIGHTS}, d.tsv_exact, CAST(:qx AS tsquery))"
                )
            order = f"{rank} DESC, d.record_id"
        else:
            order = SORT_ORDER[sort]
        return (
            "(SELECT '#' AS facet, CAST(d.record_id AS text) AS value,"
            f" row_number() OVER (ORDER BY {order}) AS n FROM hits d)"
        )

    def _facet_counts(self, request, match, params, samples) -> list[str]:
        """A facet's counts come from the first hits under the other facets' filters."""
        selects = []
        for name in FACETS:
            where = " AND ".join([match, *self._filter_sql(request.filters, name, params)])
            sample = samples.setdefault(where, f"hits{len(samples)}")
            if name in MULTI_VALUED:
                value = "v"
                source = f"{sample} d CROSS JOIN LATERAL unnest(d.{ARRAY_COLUMN[name]}) AS v"
                condition = ""
            elif name == "available":
                value, source, condition = "'1'", f"{sample} d", " WHERE d.available"
            else:
                value, source = f"d.{SINGLE_COLUMN[name]}", f"{sample} d"
                condition = f" WHERE d.{SINGLE_COLUMN[name]} IS NOT NULL"
            limit = " LIMIT 20" if name == "subject" else ""
            selects.append(
                f"(SELECT '{name}', CAST({value} AS text), count(*) AS n"
                f" FROM {source}{condition} GROUP BY 2"
                f' ORDER BY n DESC, CAST({value} AS text) COLLATE "C"{limit})'
            )
        for sample in samples.values():
            selects.append(f"(SELECT '', '{sample}', count(*) FROM {sample})")
        return selects

    @staticmethod
    def _ids_beyond(session, where, first, params, request, beyond) -> list[int]:
        """Hits after the first HITS, in the order they were read (pages deeper than HITS)."""
        rows = session.execute(
            text(
                f"SELECT d.record_id FROM search_document d WHERE {where}{first}"
                " LIMIT :limit OFFSET :offset"
            ),
            {**params, "limit": beyond, "offset": max(request.offset, HITS)},
        )
        return [row[0] for row in rows]

    @staticmethod
    def _estimate(session, where, params) -> int:
        """The planner's estimate of the number of hits (from the words' statistics)."""
        plan = session.execute(
            text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document d WHERE {where}"), params
        ).scalar_one()
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    @staticmethod
    @contextmanager
    def _in_table_order(session, with_words: bool):
        """Plans that read the hits from the GIN index's bitmap (see IN_TABLE_ORDER), for
        this transaction, then the settings as they were (one round trip each way)."""
        if not with_words:
            yield
            return
        values = {"enable_seqscan": "off", "enable_indexscan": "off"}
        values["max_parallel_workers_per_gather"] = "0"
        old = ", ".join(f"current_setting('{name}') AS {name}" for name in IN_TABLE_ORDER)
        new = ", ".join(f"set_config('{name}', '{values[name]}', true)" for name in IN_TABLE_ORDER)
        before = session.execute(
            text(f"WITH old AS MATERIALIZED (SELECT {old}) SELECT old.*, {new} FROM old")
        ).one()
        try:
            yield
        finally:
            restore = ", ".join(f"set_config('{name}', :{name}, true)" for name in IN_TABLE_ORDER)
            session.execute(
                text(f"SELECT {restore}"), dict(zip(IN_TABLE_ORDER, before[:3], strict=True))
            )

    # -- did you mean -----------------------------------------------------------------
    def _ensure_trigram(self, session) -> bool:
        if self._trigram_ready:
            return True
        try:
            # Its own connection: an extension is the database's, not this transaction's.
            # The trigram index on search_term is made by `libsys reindex` (it would wait
            # here for the caller's own transaction, which holds locks on the table).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("SET lock_timeout = '5s'"))
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            self._trigram_ready = True
        except Exception:  # noqa: BLE001  (no suggestions is better than a failed search)
            log.exception("pg_trgm is not available: no did-you-mean suggestions")
        return self._trigram_ready

    def knows_word(self, token: str, session=None) -> bool:
        """Whether a folded word is in the indexed text."""
        return bool(
            self._session(session)
            .execute(text("SELECT 1 FROM search_term WHERE NOT exact AND term = :t"), {"t": token})
            .first()
        )

    @staticmethod
    def _frequencies(session, words: list[str]) -> dict[str, int]:
        """Record counts of known folded words (each counted up to FREQUENCY_CAP)."""
        if not words:
            return {}
        rows = session.execute(
            text(
                "SELECT w, (SELECT count(*) FROM (SELECT 1 FROM search_document"
                " WHERE tsv_fold @@ CAST(quote_literal(w) AS tsquery) LIMIT :cap) AS found)"
                " FROM unnest(CAST(:words AS text[])) AS w"
            ),
            {"words": words, "cap": FREQUENCY_CAP},
        )
        return dict(rows.all())

    def near_words(self, token: str, session=None) -> list[tuple[str, int]]:
        """Folded words near token with their record counts: every word one edit away
        (looked up by equality, so a swap as in hao/hoa is found) and the most similar
        by trigrams (pg_trgm), at most NEAR_WORDS of them counted."""
        session = self._session(session)
        words = set(one_edit(token))
        if self._ensure_trigram(session):
            words.update(
                session.scalars(
                    text(
                        "SELECT term FROM search_term WHERE NOT exact AND term % :t"
                        " ORDER BY similarity(term, :t) DESC, term LIMIT 20"
                    ),
                    {"t": token},
                ).all()
            )
        words.discard(token)
        known = session.scalars(
            text("SELECT term FROM search_term WHERE NOT exact AND term = ANY(:w)"),
            {"w": sorted(words)},
        ).all()
        known = sorted(known, key=lambda w: (edit_distance(token, w), w))[:NEAR_WORDS]
        return sorted(self._frequencies(session, known).items())
