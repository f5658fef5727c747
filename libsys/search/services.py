"""Searching the catalogue: checking the parameters, asking the backend, shaping the hits."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from libsys.catalog.models import Item, Record
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.search.backends import (
    FACETS,
    SORTS,
    SearchOutcome,
    SearchRequest,
    current_backend,
)
from libsys.search.documents import GONE_STATUSES, YEAR_RANGES, full_title
from libsys.search.query import (
    cut_to_words,
    parse_plain,
    parse_query,
    plain_words,
    query_terms,
)
from libsys.search.suggest import did_you_mean

MAX_QUERY = 500
MAX_WORDS = 12  # words searched; a longer query is cut (the work grows with its words)
MAX_PER_PAGE = 100
MAX_RESULTS = 10_000  # deepest hit a page may reach (page * per_page)
DEFAULT_PER_PAGE = 20
TRUE_VALUES = ("1", "true", "yes", "on")


@dataclass
class SearchResult:
    """One page of a catalogue search, ready for the API and the OPAC."""

    query: str
    page: int
    per_page: int
    sort: str
    filters: dict[str, list[str]]
    total: int
    records: list[Record]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    total_exact: bool = True  # False: `total` is an estimate (more hits than were read)
    facets_from: int | None = None  # the facets were counted in this many hits, not all
    suggestion: str | None = None
    # The query searched when it is not the one typed: its words without the operators that
    # made it find nothing, or its first MAX_WORDS words.
    searched_for: str | None = None
    relaxed: bool = False  # searched again as plain words
    cut: bool = False  # only the first MAX_WORDS words were searched
    no_words: bool = False  # the query has nothing to search for (only operators or marks)

    @property
    def pages(self) -> int:
        """How many pages the hits fill (never beyond MAX_RESULTS)."""
        reachable = min(self.total, MAX_RESULTS)
        return max(1, -(-reachable // self.per_page))

    @property
    def has_more(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages


def _int(args, name: str, default: int, low: int, high: int, errors: dict) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors[name] = _l("Must be a whole number.")
        return default
    if not low <= value <= high:
        errors[name] = _l("Must be between %(low)s and %(high)s.", low=low, high=high)
    return value


def _values(args, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        raw = args.getlist(name)
    else:
        raw = args.get(name) or []
        raw = raw if isinstance(raw, list) else [raw]
    values = []
    for value in raw:
        for part in str(value).split("|") if name != "subject" else [str(value)]:
            part = part.strip()
            if part and part not in values:
                values.append(part)
    return values


def read_search_args(args) -> dict:
    """Check q, page, per_page, sort and the facet filters; ValidationFailed names the bad ones."""
    errors: dict = {}
    query = str(args.get("q") or "").strip()
    if len(query) > MAX_QUERY:
        errors["q"] = _l(
            "The search is too long: shorten it to at most %(n)s characters.", n=MAX_QUERY
        )
    per_page = _int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, errors)
    page = _int(args, "page", 1, 1, MAX_RESULTS, errors)
    if "page" not in errors and "per_page" not in errors and (page - 1) * per_page >= MAX_RESULTS:
        errors["page"] = _l("Pages go no deeper than %(n)s hits.", n=MAX_RESULTS)
    sort = str(args.get("sort") or "relevance")
    if sort not in SORTS:
        errors["sort"] = _l("Sort by one of: %(choices)s.", choices=", ".join(SORTS))
    filters = {}
    for name in FACETS:
        values = _values(args, name)
        if not values:
            continue
        if any(len(v) > 200 for v in values):
            errors[name] = _l("A value is too long.")
        if name == "year":
            known = {v for v, _a, _b in YEAR_RANGES}
            if any(v not in known for v in values):
                errors[name] = _l("Choose one of: %(choices)s.", choices=", ".join(sorted(known)))
        if name == "available":
            if any(v not in TRUE_VALUES for v in values):
                errors[name] = _l("Use 1 to keep only copies on the shelf.")
            values = ["1"]
        filters[name] = values
    if errors:
        raise ValidationFailed(
            _l("Some search parameters are not valid."), code="INVALID_SEARCH", fields=errors
        )
    return {"q": query, "page": page, "per_page": per_page, "sort": sort, "filters": filters}


def search_catalogue(args, *, facets: bool = True, suggest: bool = True) -> SearchResult:
    """Run a search from request-like arguments (q, page, per_page, sort, facet filters).

    A query longer than MAX_WORDS words is cut there. A query whose operators, quotes or
    fields make it find nothing (a pasted title with " -Tập 3", stray parentheses, `AND OR
    NOT`) is searched again as plain words; a query with no word at all finds nothing (it
    is not taken for the empty search, which lists everything)."""
    params = read_search_args(args)
    query, cut = cut_to_words(params["q"], MAX_WORDS)
    backend = current_backend()

    def run(node, *, with_facets: bool = facets, offset=None, limit=None) -> SearchOutcome:
        return backend.search(
            SearchRequest(
                node=node,
                filters=params["filters"],
                sort=params["sort"],
                offset=(params["page"] - 1) * params["per_page"] if offset is None else offset,
                limit=params["per_page"] if limit is None else limit,
                facets=with_facets,
            )
        )

    node = parse_query(query)
    searched_for, relaxed, no_words = (query if cut else None), False, False
    plain = parse_plain(query) if query else None
    if node is None and query:
        # Only operators, quotes or field names: their words, if any, as plain words.
        node, relaxed, no_words = plain, plain is not None, plain is None
        searched_for = plain_words(query) if relaxed else searched_for
    if no_words:
        outcome = SearchOutcome(0, [], {})
    else:
        outcome = run(node)
        if not outcome.total and plain is not None and plain != node and not _has_field(node):
            relaxed_outcome = run(plain)
            if relaxed_outcome.total:
                outcome, node, relaxed = relaxed_outcome, plain, True
                searched_for = plain_words(query)

    suggestion = None
    if suggest and node is not None and not relaxed:
        suggestion = did_you_mean(
            query,
            node,
            backend,
            found=outcome.total,
            check=lambda text: run(parse_query(text), with_facets=False, offset=0, limit=1).total,
            session=db.session,
        )
    return SearchResult(
        query=params["q"],
        page=params["page"],
        per_page=params["per_page"],
        sort=params["sort"],
        filters=params["filters"],
        total=outcome.total,
        records=load_records(outcome.ids),
        facets=outcome.facets,
        total_exact=outcome.total_exact,
        facets_from=outcome.facets_from,
        suggestion=suggestion,
        searched_for=searched_for,
        relaxed=relaxed,
        cut=cut,
        no_words=no_words,
    )


def _has_field(node) -> bool:
    """Whether the query names a field (tác giả:, title:): those are not searched again
    as plain words, which would find the words anywhere."""
    return any(term.field for term in query_terms(node))


def load_records(ids: list[int]) -> list[Record]:
    """Records by id in the given order, with their copies, libraries and stores loaded."""
    if not ids:
        return []
    rows = db.session.scalars(
        select(Record)
        .where(Record.id.in_(ids))
        .options(
            selectinload(Record.items).selectinload(Item.library),
            selectinload(Record.items).selectinload(Item.store),
            selectinload(Record.items).selectinload(Item.location_library),
        )
    )
    by_id = {r.id: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def held_copies(record: Record) -> list[Item]:
    """The record's copies that still count (not withdrawn)."""
    return [item for item in record.items if item.status not in GONE_STATUSES]


def display_title(record: Record) -> str:
    """Title and subtitle as a reader reads them, the subtitle once: the title column is
    245 $a $b $n $p, so it holds the subtitle already (records that kept only $a in it
    get the subtitle added)."""
    return full_title(record.title, record.subtitle)


def hit_json(record: Record) -> dict:
    """A search hit as the API shows it."""
    from libsys.catalog.copies.services import copy_json

    copies = held_copies(record)
    call_numbers = [c.call_number for c in copies if c.call_number]
    return {
        "id": record.id,
        "title": display_title(record),
        "authors": record.author_list,
        "year": record.year,
        "publisher": record.publisher,
        "call_number": call_numbers[0] if call_numbers else None,
        "available": any(c.status == "available" for c in copies),
        "holdings": [copy_json(c) for c in copies],
    }


def result_json(result: SearchResult) -> dict:
    """A search result as the API shows it."""
    return {
        "total": result.total,
        "total_exact": result.total_exact,
        "page": result.page,
        "per_page": result.per_page,
        "hits": [hit_json(r) for r in result.records],
        "facets": {
            name: [{"value": v, "count": c} for v, c in values]
            for name, values in result.facets.items()
        },
        "facets_from": result.facets_from,
        "suggestion": result.suggestion,
        "searched_for": result.searched_for,
        "relaxed": result.relaxed,
    }


def shelf(filters: dict | None = None, limit: int = 12) -> list[Record]:
    """Newest records (optionally filtered, e.g. the children's shelf) for the OPAC home."""
    outcome = current_backend().search(
        SearchRequest(node=None, filters=filters or {}, sort="newest", limit=limit, facets=False)
    )
    return load_records(outcome.ids)
