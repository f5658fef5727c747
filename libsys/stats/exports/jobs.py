"""An export asked for on a staff page, run by the worker: queued, running with progress,
done with its file in DATA_DIR/exports/, or failed with the reason.

The job moves from queued to running with a guarded UPDATE, so a job queued twice runs once.
What the asker may see is checked before the job is written (the same `scope_for` the
export runs with), so a refused export leaves no row behind.
"""

import logging
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from libsys.core import jobs
from libsys.db import utcnow
from libsys.extensions import db
from libsys.stats.exports.models import ExportJob
from libsys.stats.exports.services import check_format, export_file
from libsys.stats.periods import parse_period
from libsys.stats.scope import scope_for

EXPORT_TASK = "stats.export"

log = logging.getLogger(__name__)


def exports_dir() -> Path:
    """Where finished exports are kept: DATA_DIR/exports."""
    directory = Path(current_app.config["DATA_DIR"]) / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def create_export(
    user, *, period: str, library_code: str | None, level: str | None, fmt: str
) -> ExportJob:
    """Check what is asked (period, format, scope) and write the job; flushes.

    Raises the same 422/403/404 errors as the API for a wrong period or a library the
    account may not see.
    """
    fmt = check_format(fmt)
    parsed = parse_period(period)
    library_code = (library_code or "").strip() or None
    level = (level or "").strip() or None
    scope_for(user, library_code, level)  # refuses what the account may not see
    job = ExportJob(
        user_id=getattr(user, "id", None),
        period=parsed.label,
        library_code=library_code,
        level=level,
        format=fmt,
        state="queued",
    )
    db.session.add(job)
    db.session.flush()
    return job


def queue_export(job: ExportJob) -> None:
    """Commit the job (the worker must see it) and queue its task."""
    db.session.commit()
    try:
        jobs.enqueue(EXPORT_TASK, job.id)
    except Exception as exc:  # the queue's storage is unwritable: say so on the page
        log.exception("statistics export %s could not be queued", job.id)
        _fail(job.id, _("The export could not be queued: %(reason)s", reason=str(exc)))


def run_export(job_id: int) -> None:
    """Write a queued job's file, keeping its progress current (the worker's task)."""
    taken = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.state == "queued")
        .values(state="running", worker=jobs.worker_name())
    ).rowcount
    db.session.commit()
    if taken != 1:
        return  # done, failed, or taken by another worker
    job = db.session.get(ExportJob, job_id)
    db.session.refresh(job)
    user = job.user

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        db.session.commit()

    try:
        exported = export_file(
            job.period, job.library_code, job.format, level=job.level, user=user, progress=progress
        )
        path = exports_dir() / f"{job.id}.{job.format}"
        path.write_bytes(exported.content)
    except Exception as exc:  # the page must say the export failed, whatever happened
        db.session.rollback()
        current_app.logger.exception("statistics export %s failed", job_id)
        _fail(job_id, str(getattr(exc, "message", None) or exc))
        return
    job.filename = exported.filename
    job.content_type = exported.content_type
    job.path = str(path)
    job.state = "done"
    job.done = job.total = max(job.total, 1)
    job.finished_at = utcnow()
    db.session.commit()


def _fail(job_id: int, reason: str) -> None:
    job = db.session.get(ExportJob, job_id)
    job.state = "failed"
    job.error = reason[:2000]
    job.finished_at = utcnow()
    db.session.commit()
