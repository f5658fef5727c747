"""Staff pages of the catalogue's records: the list, a record, describing a book.

The blueprint `catalog` is defined here; the copies' pages (catalog/copies/views.py) and
the MARC import and export pages (catalog/marc/views.py) add theirs to it, so every
endpoint keeps its `catalog.` name.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from tempfile import NamedTemporaryFile

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from stdnum import isbn as stdnum_isbn

from libsys.accounts.access import permission_required
from libsys.catalog import exporter, importer
from libsys.catalog.copies.services import add_copies
from libsys.catalog.exporter import EXPORT_FORMATS
from libsys.catalog.import_jobs import queue_import
from libsys.catalog.importer import MATCH_POLICIES, preview_marc
from libsys.catalog.marc import Rejected, UnreadableFile, count_permissive
from libsys.catalog.models import (
    ACQUISITION_SOURCES,
    ITEM_STATUS_LABELS,
    SOURCE_LABELS,
    ImportJob,
    Item,
    Record,
    RecordIsbn,
)
from libsys.catalog.services import FORM_FIELDS, build_marc, get_record, record_marc, save_record
from libsys.core.dates import read_date
from libsys.core.forms import save_form
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.models import Event

bp = Blueprint("catalog", __name__, url_prefix="/staff/catalog")
PAGE_SIZE = 50
PREVIEW_RECORDS = 20

MATCH_LABELS = {
    "skip": _l("Keep the record already here (skip)"),
    "overlay": _l("Replace the record already here (overlay)"),
    "add": _l("Always add a new record"),
}
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
    return found, add_copies(found, values)


@bp.route("/describe", methods=["GET", "POST"])
@permission_required("catalog.edit")
def describe():
    """The Vietnamese form for describing a book: writes a MARC 21 record and its copies."""
    values = {"language": "vie", "copies": "1", "library": default_library_code()}
    errors: dict = {}
    if request.method == "POST":
        values = request.form.to_dict()
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
    ), (422 if errors else 200)


# --------------------------------------------------------------------------- import


def _upload_dir() -> Path:
    directory = Path(current_app.config["UPLOAD_DIR"]) / "marc"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _job(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/import", methods=["GET", "POST"])
@permission_required("catalog.import")
def import_marc():
    """Upload a MARC file; it is read and shown before anything is imported."""
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("Choose a MARC file to upload."), "error")
            return render_template("catalog/import.html", jobs=_recent_jobs()), 422
        path = _upload_dir() / f"{uuid.uuid4().hex}.marc"
        try:
            upload.save(path)
        finally:
            upload.close()  # a large upload is spooled to a temporary file
        try:
            total = count_permissive(path)
        except UnreadableFile as problem:
            path.unlink(missing_ok=True)
            flash(_("This file cannot be imported: %(reason)s", reason=problem.reason), "error")
            return render_template("catalog/import.html", jobs=_recent_jobs()), 422
        job = ImportJob(
            filename=Path(upload.filename).name[:300],
            path=str(path),
            total=total,
            user_id=getattr(current_user, "id", None),
            library_id=getattr(getattr(current_user, "library", None), "id", None),
        )
        db.session.add(job)
        db.session.flush()
        return redirect(url_for("catalog.import_preview", job_id=job.id))
    return render_template("catalog/import.html", jobs=_recent_jobs())


def _recent_jobs() -> list[ImportJob]:
    return list(db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(10)))


@bp.route("/import/<int:job_id>")
@permission_required("catalog.import")
def import_preview(job_id):
    """The first records of an uploaded file and its rejections, before the import."""
    job = _job(job_id)
    if job.state != "uploaded":
        return redirect(url_for("catalog.import_job", job_id=job.id))
    try:
        preview = preview_marc(job.path, limit=PREVIEW_RECORDS, name=job.filename)
    except (UnreadableFile, OSError):
        flash(_("The uploaded file can no longer be read."), "error")
        return redirect(url_for("catalog.import_marc"))
    return render_template(
        "catalog/import_preview.html",
        job=job,
        preview=preview,
        library_options=library_options(),
        match_options=[(code, MATCH_LABELS[code]) for code in MATCH_POLICIES],
        values={
            "library": job.library.code if job.library else default_library_code(),
            "match": "skip",
        },
    )


@bp.route("/import/<int:job_id>/start", methods=["POST"])
@permission_required("catalog.import")
def import_start(job_id):
    """Queue the import of an uploaded file with the chosen library and policy."""
    job = _job(job_id)
    if job.state != "uploaded":
        return redirect(url_for("catalog.import_job", job_id=job.id))
    match = request.form.get("match", "skip")
    if match not in MATCH_POLICIES:
        abort(400)
    code = request.form.get("library") or ""
    library = db.session.scalar(select(Library).where(Library.code == code)) if code else None
    queue_import(job, library=library, match=match)
    return redirect(url_for("catalog.import_job", job_id=job.id))


@bp.route("/import/<int:job_id>/progress")
@permission_required("catalog.import")
def import_job(job_id):
    """The progress and, at the end, the summary of an import."""
    return render_template("catalog/import_job.html", job=_job(job_id))


@bp.route("/import/<int:job_id>/status")
@permission_required("catalog.import")
def import_status(job_id):
    """The progress of an import as JSON, polled by the progress page."""
    job = _job(job_id)
    db.session.refresh(job)
    return jsonify(
        {
            "state": job.state,
            "total": job.total,
            **job.summary(),
            "error": job.error,
        }
    )


@bp.route("/import/<int:job_id>/rejections.csv")
@permission_required("catalog.import")
def import_rejections(job_id):
    """The rejected records of an import as CSV."""
    job = _job(job_id)
    rejections = [
        Rejected(r["position"], r["offset"], r["control_number"], r["reason"])
        for r in job.rejections or []
    ]
    response = current_app.response_class(importer.rejections_csv(rejections), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="rejections-{job.id}.csv"'
    return response


# --------------------------------------------------------------------------- export


@bp.route("/export")
@permission_required("catalog.import")
def export_marc():
    """Download all records, a selection or those changed since a date, as MARC."""
    args = request.args
    if not args.get("download"):
        return render_template(
            "catalog/export.html", formats=list(EXPORT_FORMATS), values=args, errors={}
        )
    fmt = args.get("format", "iso2709")
    errors = {}
    if fmt not in EXPORT_FORMATS:
        errors["format"] = _("Choose ISO 2709 or MARCXML.")
    since = read_date(args.get("since"), "since", errors)
    ids = [int(v) for v in args.getlist("ids") if v.strip().isdigit()]
    for chunk in args.getlist("id_list"):
        ids.extend(int(part) for part in chunk.replace(" ", "").split(",") if part.isdigit())
    if errors:
        return render_template(
            "catalog/export.html", formats=list(EXPORT_FORMATS), values=args, errors=errors
        ), 422
    extension, mimetype = EXPORT_FORMATS[fmt]
    # Written to a file first: a large catalogue does not have to fit in memory.
    handle = NamedTemporaryFile(dir=_upload_dir(), suffix="." + extension, delete=False)  # noqa: SIM115
    with handle:
        export_marc_file(handle, fmt, since, ids)
    response = send_file(
        handle.name,
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"libsys-{datetime.now():%Y%m%d}.{extension}",
    )
    response.call_on_close(lambda: Path(handle.name).unlink(missing_ok=True))
    return response


def export_marc_file(handle, fmt: str, since, ids: list[int]) -> None:
    """Write the export to an open binary file."""
    exporter.export_marc(handle, format=fmt, since=since, ids=ids or None)
