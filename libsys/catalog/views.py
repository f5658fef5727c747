"""Staff pages of the catalogue's records: the list, a record, describing a book.

The blueprint `catalog` is defined here; the copies' pages (catalog/copies/views.py) and
the MARC import and export pages (catalog/marc/views.py) add theirs to it, so every
endpoint keeps its `catalog.` name.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from stdnum import isbn as stdnum_isbn

from libsys.accounts.access import permission_required
from libsys.catalog.copies.services import add_copies
from libsys.catalog.marc.exporter import EXPORT_FORMATS
from libsys.catalog.models import (
    ACQUISITION_SOURCES,
    ITEM_STATUS_LABELS,
    SOURCE_LABELS,
    Item,
    Record,
    RecordIsbn,
)
from libsys.catalog.services import (
    FORM_FIELDS,
    build_marc,
    get_record,
    possible_duplicates,
    record_marc,
    save_record,
)
from libsys.core.forms import save_form
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.models import Event

bp = Blueprint("catalog", __name__, url_prefix="/staff/catalog")
PAGE_SIZE = 50
EVENT_LABELS = {
    "item_acquired": _l("Acquired"),
    "checkout": _l("Lent"),
    "checkin": _l("Returned"),
    "renewal": _l("Renewed"),
    "inhouse_use": _l("Used in the library"),
    "hold_filled": _l("Put on the hold shelf"),
    "item_lost": _l("Lost"),
    "item_damaged": _l("Damaged"),
    "item_found": _l("Found"),
    "transfer_sent": _l("Sent"),
    "transfer_received": _l("Received"),
    "item_withdrawn": _l("Withdrawn"),
    "batch_dispatched": _l("Sent to a rotation point"),
    "batch_returned": _l("Back from a rotation point"),
}
LANGUAGE_OPTIONS = (
    ("vie", _l("Vietnamese")),
    ("eng", _l("English")),
    ("fre", _l("French")),
    ("rus", _l("Russian")),
    ("chi", _l("Chinese")),
    ("tha", _l("Thai (Tai Dam and other Tai scripts)")),
)


@bp.app_context_processor
def _catalog_labels():
    return {
        "item_status_labels": ITEM_STATUS_LABELS,
        "acquisition_source_labels": SOURCE_LABELS,
    }


def library_options() -> list[tuple[str, str]]:
    """Libraries new copies may go to (not rotation points), for a select."""
    libraries = db.session.scalars(
        select(Library).where(Library.level != "point").order_by(Library.code)
    )
    return [(lib.code, f"{lib.code} · {lib.name}") for lib in libraries]


def store_options() -> list[tuple[str, str]]:
    """Every store code of the network once, for a select."""
    libraries = db.session.scalars(select(Library).order_by(Library.code))
    options, seen = [], set()
    for library in libraries:
        for store in library.stores:
            if store.code not in seen:
                seen.add(store.code)
                options.append((store.code, f"{store.code} · {store.name}"))
    return options


def default_library_code() -> str:
    """The signed-in staff member's library, preselected on forms."""
    library = getattr(current_user, "library", None)
    return library.code if library is not None else ""


# --------------------------------------------------------------------------- records


def find_records(query: str, *, limit: int, offset: int) -> list[Record]:
    """Records whose title or authors contain the query, or with this ISBN or number."""
    statement = select(Record)
    query = (query or "").strip()
    if query:
        conditions = [Record.title.ilike(f"%{query}%"), Record.authors.ilike(f"%{query}%")]
        compact = stdnum_isbn.compact(query) if query[:1].isdigit() else ""
        if compact and stdnum_isbn.is_valid(compact):
            conditions.append(
                Record.id.in_(
                    select(RecordIsbn.record_id).where(
                        RecordIsbn.isbn13 == stdnum_isbn.to_isbn13(compact)
                    )
                )
            )
        if query.isdigit() and int(query) < 2**31:  # a record number, not an ISBN
            conditions.append(Record.id == int(query))
        conditions.append(Record.control_number == query)
        statement = statement.where(or_(*conditions))
    statement = statement.order_by(Record.title_sort, Record.id).limit(limit).offset(offset)
    return list(db.session.scalars(statement))


@bp.route("/")
@permission_required("catalog.view")
def index():
    """The records of the catalogue, filtered by title, author or ISBN."""
    query = request.args.get("q", "")
    page = max(request.args.get("page", 1, type=int), 1)
    records = find_records(query, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    counts = {}
    if records:
        counts = dict(
            db.session.execute(
                select(Item.record_id, func.count(Item.id))
                .where(Item.record_id.in_([r.id for r in records]))
                .group_by(Item.record_id)
            ).all()
        )
    return render_template(
        "catalog/index.html",
        records=records[:PAGE_SIZE],
        counts=counts,
        has_more=len(records) > PAGE_SIZE,
        page=page,
        query=query,
        formats=list(EXPORT_FORMATS),
    )


def _marc_lines(record: Record) -> list[tuple[str, str, str]]:
    """The MARC record as (tag, indicators, content) lines for display."""
    try:
        marc = record_marc(record)
    except ValueError:
        return []
    lines = [("LDR", "", str(marc.leader))]
    for found in marc.fields:
        if found.control_field:
            lines.append((found.tag, "", found.data or ""))
        else:
            indicators = (found.indicator1 or " ") + (found.indicator2 or " ")
            content = " ".join(f"${code} {value}" for code, value in found.subfields)
            lines.append((found.tag, indicators.replace(" ", "_"), content))
    return lines


def copy_history(item_ids: list[int]) -> dict[int, list[Event]]:
    """Each copy's events (acquired, lent, returned...), oldest first."""
    history: dict[int, list[Event]] = {}
    if not item_ids:
        return history
    events = db.session.scalars(
        select(Event).where(Event.item_id.in_(item_ids)).order_by(Event.occurred_at, Event.id)
    )
    for event in events:
        history.setdefault(event.item_id, []).append(event)
    return history


@bp.route("/records/<int:record_id>")
@permission_required("catalog.view")
def record(record_id):
    """One record: its description, its MARC fields, its copies and their history."""
    return record_page(get_record(record_id))


def record_page(found: Record, *, holds: dict | None = None, status: int = 200):
    """The record page; `holds` is the hold block's context when its form comes back."""
    return render_template(
        "catalog/record.html",
        record=found,
        marc_lines=_marc_lines(found),
        history=copy_history([item.id for item in found.items]),
        event_labels=EVENT_LABELS,
        library_options=library_options(),
        store_options=store_options(),
        source_options=[(code, SOURCE_LABELS[code]) for code in ACQUISITION_SOURCES],
        values={"library": default_library_code(), "copies": "1"},
        errors={},
        holds=holds if holds is not None else _hold_block(found),
    ), status


def _hold_block(found: Record) -> dict | None:
    """The title's hold queue and hold form, for staff who work at a desk (circulation)."""
    # Circulation's init_app hands its block in: the catalogue does not import the desk.
    record_holds = current_app.extensions.get("libsys_record_holds")
    if record_holds is None or not current_user.can("circulation.desk"):
        return None
    return record_holds(found)


def _describe(values: dict) -> tuple:
    """Save the described record and its copies: (record, items)."""
    found = save_record(build_marc(values))
    return found, add_copies(found, values, user=current_user)


@bp.route("/describe", methods=["GET", "POST"])
@permission_required("catalog.edit")
def describe():
    """The Vietnamese form for describing a book: writes a MARC 21 record and its copies."""
    values = {"language": "vie", "copies": "1", "library": default_library_code()}
    errors: dict = {}
    duplicates: list[Record] = []
    if request.method == "POST":
        values = request.form.to_dict()
        if not values.get("save_anyway"):
            duplicates = _duplicates_of(values)
    if request.method == "POST" and not duplicates:
        response, errors = save_form(
            lambda: _describe(values),
            lambda saved: url_for("catalog.record", record_id=saved[0].id),
            lambda saved: _("Record saved with %(count)s copies.", count=len(saved[1])),
        )
        if response:
            return response
    return render_template(
        "catalog/describe.html",
        values=values,
        errors=errors,
        fields=FORM_FIELDS,
        language_options=LANGUAGE_OPTIONS,
        library_options=library_options(),
        store_options=store_options(),
        source_options=[(code, SOURCE_LABELS[code]) for code in ACQUISITION_SOURCES],
        duplicates=duplicates,
    ), (422 if errors else 200)


def _duplicates_of(values: dict) -> list[Record]:
    """Records the form may describe a second time (same ISBN, or same title, first author
    and year); none while the form itself is wrong (saving it says what is wrong)."""
    try:
        return possible_duplicates(build_marc(values))
    except LibsysError:
        return []
