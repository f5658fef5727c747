"""Pages of the MARC import and export (blueprint `catalog`): upload, preview, the job's
progress and rejections, the export's download."""

import uuid
from datetime import datetime
from pathlib import Path
from tempfile import NamedTemporaryFile

from flask import (
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
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.catalog.marc import Rejected, UnreadableFile, count_permissive
from libsys.catalog.marc.exporter import EXPORT_FORMATS
from libsys.catalog.marc.exporter import export_marc as write_export
from libsys.catalog.marc.import_jobs import queue_import
from libsys.catalog.marc.import_report import preview_marc, rejections_csv
from libsys.catalog.marc.importer import MATCH_POLICIES, parse_branch_map
from libsys.catalog.marc.models import ImportJob
from libsys.catalog.models import Record
from libsys.catalog.views import bp, default_library_code, library_options
from libsys.core.dates import read_date
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library

PREVIEW_RECORDS = 20

MATCH_LABELS = {
    "skip": _l("Keep the record already here (skip)"),
    "overlay": _l("Replace the record already here (overlay)"),
    "add": _l("Always add a new record"),
}


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
def import_preview(job_id, *, values: dict | None = None, errors: dict | None = None):
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
        values=values
        or {
            "library": job.library.code if job.library else default_library_code(),
            "match": "skip",
        },
        errors=errors or {},
    ), 422 if errors else 200


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
    try:
        branch_map = _branch_map(request.form.get("branch_map"))
    except ValidationFailed as problem:
        return import_preview(job.id, values=request.form, errors=problem.fields)
    queue_import(job, library=library, match=match, branch_map=branch_map)
    return redirect(url_for("catalog.import_job", job_id=job.id))


def _branch_map(text: str | None) -> dict[str, str]:
    """The branch map typed on the preview page, each library code checked."""
    try:
        mapping = parse_branch_map(text)
    except ValidationFailed:
        raise ValidationFailed(
            fields={"branch_map": _("Write each branch as CODE=LIBRARY, separated by commas.")}
        ) from None
    known = set(db.session.scalars(select(Library.code).where(Library.code.in_(mapping.values()))))
    unknown = sorted(set(mapping.values()) - known)
    if unknown:
        raise ValidationFailed(
            fields={"branch_map": _("No library has the code %(codes)s.", codes=", ".join(unknown))}
        )
    return mapping


# Records created, matches and copies not created listed on the summary page.
LISTED = 100
# What each matching rule (libsys.catalog.marc.import_report.MATCH_RULES) is called there.
MATCH_RULE_LABELS = {
    "control_number": _l("control number (001/003)"),
    "lccn": _l("LC control number (010)"),
    "koha": _l("Koha biblionumber (999 $c)"),
    "isbn": _l("ISBN"),
    "fingerprint": _l("the same record, no identifier"),
    "title_author_year": _l("title, author, year and publisher, no identifier"),
}


@bp.route("/import/<int:job_id>/progress")
@permission_required("catalog.import")
def import_job(job_id):
    """The progress and, at the end, the summary of an import: the records it created
    (linked), the records it matched and what they matched, the copies it did not create."""
    job = _job(job_id)
    outcome = job.outcome or {}
    created_ids = outcome.get("created_ids", [])[:LISTED]
    titles = dict(
        db.session.execute(select(Record.id, Record.title).where(Record.id.in_(created_ids))).all()
        if created_ids
        else []
    )
    return render_template(
        "catalog/import_job.html",
        job=job,
        created=[
            (record_id, titles[record_id]) for record_id in created_ids if record_id in titles
        ],
        matches=outcome.get("matches", [])[:LISTED],
        skipped_items=outcome.get("skipped_items", [])[:LISTED],
        match_rules=MATCH_RULE_LABELS,
    )


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
    response = current_app.response_class(rejections_csv(rejections), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="rejections-{job.id}.csv"'
    return response


# --- export


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
    write_export(handle, format=fmt, since=since, ids=ids or None)
