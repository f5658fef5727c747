"""The web import as a background job: queued, running with progress, done or failed.

The staff page queues the job (`queue_import`); a `libsys jobs worker` process runs it
(`run_import`), writing its counts to the ImportJob row after every batch so the progress
page can poll them. Whichever process touches the row moves it with a guarded UPDATE
(`... WHERE state = <what it expects>`), so a job runs once even if it was queued twice.

A worker that stops mid-import (restart, crash, deploy) leaves its job "running". Each
worker, as it starts and every five minutes after, takes such jobs up again
(`resume_interrupted_imports`): a job whose worker process is gone from this machine, or
whose last progress is older than JOBS_STALE_MINUTES (default 30; a worker elsewhere),
is queued again and imports the file from the start. With the "skip" and "overlay"
policies that is safe: the records the first run committed are matched (and counted as
already in the catalogue), and copies with a barcode are never added twice. With "add",
which always creates, a second run would duplicate what the first one wrote, so the job
is marked failed instead, saying how far it got.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from libsys.catalog.marc import importer
from libsys.catalog.marc.models import ImportJob
from libsys.core import jobs
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library

IMPORT_TASK = "catalog.import_marc"
RESUMABLE_POLICIES = ("skip", "overlay")
# Ids of the records created that the job keeps for its summary page.
KEPT_CREATED_IDS = 1000

log = logging.getLogger(__name__)


def queue_import(
    job: ImportJob, *, library: Library | None, match: str, branch_map: dict | None = None
) -> None:
    """Queue an uploaded file's import with the chosen library, policy and branch codes
    (the source's branch code -> a library code here); commits."""
    job.library = library
    job.match_policy = match
    job.branch_map = branch_map or None
    job.state = "queued"
    db.session.commit()  # the worker must see the job and its choices
    _enqueue(job.id)


def _enqueue(job_id: int) -> None:
    try:
        jobs.enqueue(IMPORT_TASK, job_id)
    except Exception as exc:  # the queue's storage is unwritable: say so on the page
        log.exception("MARC import %s could not be queued", job_id)
        _fail(job_id, _("The import could not be queued: %(reason)s", reason=str(exc)))


def _take(job_id: int) -> bool:
    """Mark a queued job running for this worker; False when it is not queued any more."""
    now = utcnow()
    taken = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.state == "queued")
        .values(state="running", worker=jobs.worker_name(), heartbeat_at=now)
    ).rowcount
    db.session.commit()
    return taken == 1


def run_import(job_id: int) -> None:
    """Import a queued job's file, keeping its counts current (the worker's task)."""
    if not _take(job_id):
        return  # done, failed, or taken by another worker: nothing to do
    job = db.session.get(ImportJob, job_id)
    db.session.refresh(job)

    def progress(summary):
        for name, value in summary.as_dict().items():
            setattr(job, name, value)
        job.heartbeat_at = utcnow()
        db.session.commit()

    try:
        summary = importer.import_marc(
            job.path,
            library=job.library,
            match=job.match_policy,
            progress=progress,
            commit_every=importer.default_commit_every(),
            user_id=job.user_id,
            branch_map=job.branch_map,
        )
    except Exception as exc:  # the page must say the job failed, whatever happened
        db.session.rollback()
        current_app.logger.exception("MARC import %s failed", job_id)
        _fail(job_id, str(exc))
        return
    finish_import(job, summary)
    db.session.commit()


def finish_import(job: ImportJob, summary) -> None:
    """Write an import's summary and rejections to its job: done, or failed if unreadable."""
    for name, value in summary.as_dict().items():
        setattr(job, name, value)
    job.rejections = [
        {
            "position": r.position,
            "offset": r.offset,
            "control_number": r.control_number,
            "reason": r.reason,
        }
        for r in summary.rejections
    ]
    job.outcome = {
        "created_ids": summary.created_ids[:KEPT_CREATED_IDS],
        "matches": [match.as_dict() for match in summary.matches],
        "skipped_items": [item.as_dict() for item in summary.skipped_items],
    }
    if summary.unreadable:
        job.state = "failed"
        job.error = "; ".join(reason for _name, reason in summary.unreadable)
    else:
        job.state = "done"
    job.finished_at = utcnow()
    job.heartbeat_at = job.finished_at


def _fail(job_id: int, reason: str) -> None:
    job = db.session.get(ImportJob, job_id)
    job.state = "failed"
    job.error = reason[:2000]
    job.finished_at = utcnow()
    db.session.commit()


def interrupted_imports() -> list[ImportJob]:
    """Jobs left running by a worker that stopped (gone from here, or silent too long)."""
    stale_before = utcnow() - timedelta(minutes=current_app.config.get("JOBS_STALE_MINUTES", 30))
    running = db.session.scalars(select(ImportJob).where(ImportJob.state == "running"))
    return [
        job
        for job in running
        if jobs.worker_is_gone(job.worker)
        or job.heartbeat_at is None
        or job.heartbeat_at < stale_before
    ]


def resume_interrupted_imports() -> int:
    """Queue again (or, for policy "add", fail) the interrupted imports; returns how many."""
    resumed = 0
    for job in interrupted_imports():
        unchanged = (
            ImportJob.id == job.id,
            ImportJob.state == "running",
            ImportJob.worker.is_(None) if job.worker is None else ImportJob.worker == job.worker,
        )
        if job.match_policy in RESUMABLE_POLICIES:
            moved = db.session.execute(
                update(ImportJob).where(*unchanged).values(state="queued", worker=None)
            ).rowcount
            db.session.commit()
            if moved:
                log.warning("MARC import %s was interrupted: queued again", job.id)
                _enqueue(job.id)
                resumed += 1
        else:
            reason = _(
                "The import stopped with its worker after %(read)s of %(total)s records. "
                "With “Always add a new record”, importing the file again would add the "
                "records already imported a second time.",
                read=job.read,
                total=job.total,
            )
            moved = db.session.execute(
                update(ImportJob)
                .where(*unchanged)
                .values(state="failed", error=reason, finished_at=utcnow())
            ).rowcount
            db.session.commit()
            if moved:
                log.warning("MARC import %s was interrupted: marked failed", job.id)
    return resumed
