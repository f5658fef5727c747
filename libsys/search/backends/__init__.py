"""Search backends: the same search over Whoosh files or inside PostgreSQL.

A backend indexes the documents of libsys.search.documents and answers a SearchRequest with
a SearchOutcome. Both implement the same rules (what matches, how facets combine, the sort
orders); only relevance scores differ in detail.
"""

from dataclasses import dataclass, field

from flask import Flask, current_app

from libsys.search.documents import YEAR_RANGES

# Facets shown to readers, in this order. Multi-valued ones may hold several values per record.
FACETS = ("library", "material_type", "language", "year", "subject", "audience", "available")
MULTI_VALUED = frozenset({"library", "subject"})
FACET_LIMIT = 20  # values shown per facet (most frequent first)
SORTS = ("relevance", "newest", "title", "author")


@dataclass
class SearchRequest:
    """What to search: the parsed query (None = everything), facet filters, order and page."""

    node: object = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True


@dataclass
class SearchOutcome:
    """How many records match, the ids of the page asked for, and the facet counts."""

    total: int
    ids: list[int]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # False when more records match than were read: total is then an estimate.
    total_exact: bool = True
    # When the facets were counted in only the first hits found: how many (None = all).
    facets_from: int | None = None


def facet_value(doc: dict, name: str) -> list[str]:
    """The values of one facet in a document, as strings."""
    if name == "year":
        return [doc["year_range"]] if doc.get("year_range") else []
    if name == "available":
        return ["1"] if doc.get("available") else []
    value = doc.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def order_facet(name: str, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Facet values to show: years in range order, others by count then value."""
    counts = {v: c for v, c in counts.items() if c > 0}
    if name == "year":
        return [(v, counts[v]) for v, _first, _last in YEAR_RANGES if v in counts]
    ordered = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
    return ordered if name == "library" else ordered[:FACET_LIMIT]


def backend_for(app: Flask):
    """The app's search backend, created once (SEARCH_BACKEND: whoosh or postgres)."""
    name = app.config.get("SEARCH_BACKEND", "whoosh")
    backends = app.extensions.setdefault("libsys_search_backends", {})
    if name not in backends:
        if name == "postgres":
            from libsys.search.backends.postgres_backend import PostgresBackend

            backends[name] = PostgresBackend()
        else:
            from libsys.search.backends.whoosh_backend import WhooshBackend

            backends[name] = WhooshBackend(app.config["SEARCH_INDEX_DIR"])
    return backends[name]


def current_backend():
    """The search backend of the current app."""
    return backend_for(current_app)
