"""Public OPAC pages: home with search and shelves, results with facets, the record page."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from libsys.errors import LibsysError
from libsys.opac.labels import (
    FACET_LABELS,
    copy_status,
    facet_value_label,
    library_names,
    marc_lines,
)
from libsys.search.backends import FACETS, SORTS
from libsys.search.services import (
    MAX_PER_PAGE,
    MAX_WORDS,
    display_title,
    held_copies,
    search_catalogue,
    shelf,
)

bp = Blueprint("opac", __name__)

SHELF_SIZE = 8
# What the search parameters are called on the page (an error names them so).
FIELD_LABELS = {
    "page": _l("Page"),
    "per_page": _l("Results per page"),
    "sort": _l("Sort by"),
}
SORT_LABELS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest first"),
    "title": _l("Title A–Z"),
    "author": _l("Author A–Z"),
}


@bp.route("/opac")
def home():
    """The OPAC home: a big search box, new arrivals and the children's shelf."""
    return render_template(
        "opac/home.html",
        new_arrivals=shelf(limit=SHELF_SIZE),
        children=shelf({"audience": ["children"]}, limit=SHELF_SIZE),
    )


def _search_url(args: MultiDict, **changes) -> str:
    """The results URL with some parameters changed (None removes one); back to page 1."""
    params = MultiDict(args)
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            params.add(name, item)
    return url_for("opac.search", **params.to_dict(flat=False))


@bp.route("/search")
def search():
    """Results with facets that combine, sort, pages and did-you-mean."""
    args = request.args
    try:
        result = search_catalogue(args)
        error = None
    except LibsysError as exc:
        result, error = None, exc
    libraries = library_names()

    def facet_link(name: str, value: str) -> tuple[str, bool]:
        chosen = args.getlist(name)
        if value in chosen:
            return _search_url(args, **{name: [v for v in chosen if v != value] or None}), True
        return _search_url(args, **{name: [*chosen, value]}), False

    def page_url(page: int) -> str:
        params = MultiDict(args)
        params.pop("page", None)
        params.add("page", str(page))
        return url_for("opac.search", **params.to_dict(flat=False))

    status = 200 if error is None else 422
    # An empty search lists the newest records whatever the sort says: the box says so too.
    shown_sort = result.sort if result else "relevance"
    if result and shown_sort == "relevance" and not result.query:
        shown_sort = "newest"
    return render_template(
        "opac/search.html",
        result=result,
        error=error,
        query=args.get("q", ""),
        facet_names=FACETS,
        facet_labels=FACET_LABELS,
        facet_value_label=lambda n, v: facet_value_label(n, v, libraries),
        facet_link=facet_link,
        page_url=page_url,
        search_url=lambda **changes: _search_url(args, **changes),
        sorts=[(s, SORT_LABELS[s]) for s in SORTS],
        per_page_max=MAX_PER_PAGE,
        libraries=libraries,
        display_title=display_title,
        held_copies=held_copies,
        args=args,
        shown_sort=shown_sort,
        has_facets=bool(result) and any(result.facets.get(name) for name in FACETS),
        max_words=MAX_WORDS,
        field_labels=FIELD_LABELS,
    ), status


@bp.route("/records/<int:record_id>")
def record(record_id):
    """A record for readers: description, MARC view, and every copy with where it is."""
    from libsys.catalog.copies.services import open_loan_due_date
    from libsys.catalog.services import get_record

    try:
        found = get_record(record_id)
    except LibsysError:
        abort(404)
    copies = [
        (item, copy_status(item, open_loan_due_date(item) if item.status == "on_loan" else None))
        for item in held_copies(found)
    ]
    copies.sort(key=lambda pair: (pair[0].library.code, pair[0].accession_number))
    return render_template(
        "opac/record.html",
        record=found,
        title=display_title(found),
        copies=copies,
        marc=marc_lines(found.marc),
        available=any(item.status == "available" for item, _s in copies),
        language_label=lambda code: facet_value_label("language", code, {}),
    )
