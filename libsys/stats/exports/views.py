"""Staff pages for statistics exports: ask for one, follow its progress, download it."""

import io
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.network.forms import form_errors
from libsys.network.labels import LEVEL_LABELS
from libsys.network.models import Library
from libsys.stats.exports.document import period_words
from libsys.stats.exports.forms import ExportForm
from libsys.stats.exports.jobs import create_export, queue_export
from libsys.stats.exports.models import EXPORT_FORMATS, ExportJob
from libsys.stats.exports.report import REPORT_LEVELS
from libsys.stats.periods import parse_period

bp = Blueprint("stats_exports", __name__, url_prefix="/staff/stats/exports")

FORMAT_LABELS = {
    "xlsx": _l("Excel workbook (xlsx)"),
    "csv": _l("CSV table"),
    "pdf": _l("PDF for printing"),
}
assert set(FORMAT_LABELS) == set(EXPORT_FORMATS)


def _library_options() -> list[tuple[str, str]]:
    """The libraries this account may export: all for a network account, else its own and
    those under it."""
    libraries = db.session.scalars(select(Library).order_by(Library.code)).all()
    own = current_user.library_id
    if own is None:
        return [(lib.code, f"{lib.code} · {lib.name}") for lib in libraries]
    by_id = {lib.id: lib for lib in libraries}

    def within(lib):
        while lib is not None:
            if lib.id == own:
                return True
            lib = by_id.get(lib.parent_id)
        return False

    return [(lib.code, f"{lib.code} · {lib.name}") for lib in libraries if within(lib)]


def _render_form(values: dict, errors: dict, status: int = 200):
    recent = db.session.scalars(
        select(ExportJob)
        .where(ExportJob.user_id == current_user.id)
        .order_by(ExportJob.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "stats/exports/index.html",
        values=values,
        errors=errors,
        library_options=_library_options(),
        level_options=[(level, LEVEL_LABELS[level]) for level in REPORT_LEVELS]
        if current_user.library_id is None
        else [],
        format_options=list(FORMAT_LABELS.items()),
        recent=recent,
    ), status


@bp.route("", methods=["GET", "POST"])
@permission_required("stats.view")
def start():
    """The export form; posted, it queues the export and shows its page."""
    if request.method == "GET":
        values = {"period": local_today().strftime("%Y-%m"), "format": "xlsx"}
        return _render_form({**values, **request.args.to_dict()}, {})
    form = ExportForm()
    values = request.form.to_dict()
    if not form.validate():
        return _render_form(values, form_errors(form), 422)
    try:
        with db.session.begin_nested():
            job = create_export(
                current_user,
                period=form.period.data,
                library_code=form.library.data,
                level=form.level.data,
                fmt=form.format.data,
            )
    except LibsysError as exc:
        errors = dict(exc.fields) or {"period": exc.message}
        return _render_form(values, errors, exc.status if exc.status in (403, 404) else 422)
    queue_export(job)
    return redirect(url_for("stats_exports.show", job_id=job.id))


def _own_job(job_id: int) -> ExportJob:
    """The job, for the account that asked for it or an administrator; else 404."""
    job = db.session.get(ExportJob, job_id)
    if job is None or (job.user_id != current_user.id and current_user.role != "admin"):
        abort(404)
    return job


@bp.app_template_filter("period_words")
def _period_words(text: str) -> str:
    """An export's period as its file names it (6 tháng đầu năm 2026), not its code."""
    try:
        return period_words(parse_period(text))
    except LibsysError:
        return text


@bp.route("/<int:job_id>")
@permission_required("stats.view")
def show(job_id):
    """An export's state and progress (the page refreshes itself while it runs), then
    the link to its file."""
    job = _own_job(job_id)
    library = (
        db.session.scalar(select(Library).where(Library.code == job.library_code))
        if job.library_code
        else None
    )
    return render_template(
        "stats/exports/show.html",
        job=job,
        library=library,
        format_labels=FORMAT_LABELS,
        level_labels=LEVEL_LABELS,
    )


@bp.route("/<int:job_id>/file")
@permission_required("stats.view")
def download(job_id):
    """The finished export's file."""
    job = _own_job(job_id)
    if job.state != "done" or not job.path or not Path(job.path).exists():
        abort(404)
    # Read whole: a statistics file is small, and no file handle outlives the request.
    return send_file(
        io.BytesIO(Path(job.path).read_bytes()),
        mimetype=job.content_type,
        as_attachment=True,
        download_name=job.filename,
    )
