"""Background jobs: a real `libsys jobs worker` runs a queued import, and takes up a job a
stopped worker left running; the rule that decides which interrupted jobs run again."""

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from libsys import create_app
from libsys.catalog.marc.import_jobs import resume_interrupted_imports
from libsys.catalog.marc.models import ImportJob
from libsys.catalog.models import Record
from libsys.core.jobs import queue, worker_is_gone, worker_name
from libsys.db import utcnow
from libsys.network.models import Library
from tests.catalog.helpers import marc_file
from tests.factories import make_staff, sign_in

LIBSYS = Path(sys.executable).with_name("libsys")
# 8 records: 3 rejected, 5 readable, which are one record five times over (no identifier):
# 1 created, 4 matched.
SMALL_FILE = "pymarc/bad_records.mrc"


def _dead_worker() -> str:
    """The name of a worker process of this machine that has already ended."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return f"{socket.gethostname()}:{ended.pid}"


@contextmanager
def _worker(app, log_path: Path):
    """A `libsys jobs worker` process on the test's database and data directory."""
    env = {
        **os.environ,
        "LIBSYS_DATA_DIR": app.config["DATA_DIR"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(LIBSYS), "jobs", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_end(db, job_id: int, worker, log_path: Path, seconds: float = 120) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None:
        db.session.remove()  # read what the worker committed
        job = db.session.get(ImportJob, job_id)
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job still {job.state}; the worker said:\n{log_path.read_text()}")


def _network_and_cataloguer(db):
    from libsys.demo.network import load_network, load_reader_categories

    load_reader_categories()
    load_network()
    make_staff("cataloguer", "TVLC", username="bienmuc")
    db.session.commit()


def test_a_worker_process_runs_the_import_queued_by_the_page(app, committed_db, tmp_path):
    _network_and_cataloguer(committed_db)
    # The web side with a real queue (the suite's app runs jobs at once, in the request).
    web = create_app({**app.config, "JOBS_IMMEDIATE": False})
    client = web.test_client()
    sign_in(client, "bienmuc")
    path = marc_file(SMALL_FILE)
    response = client.post(
        "/staff/catalog/import",
        data={"file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    response = client.post(
        f"/staff/catalog/import/{job_id}/start", data={"library": "TVLC", "match": "skip"}
    )
    assert response.status_code == 302
    status = client.get(f"/staff/catalog/import/{job_id}/status").get_json()
    assert status["state"] == "queued"  # nothing runs in the request
    page = client.get(f"/staff/catalog/import/{job_id}/progress").get_data(as_text=True)
    assert 'data-state="queued"' in page

    log_path = tmp_path / "worker.log"
    with _worker(app, log_path) as worker:
        job = _wait_for_end(committed_db, job_id, worker, log_path)
    assert job.state == "done", job.error
    assert (job.read, job.created, job.matched, job.rejected) == (8, 1, 4, 3)
    assert job.worker and job.worker != worker_name()
    status = client.get(f"/staff/catalog/import/{job_id}/status").get_json()
    assert status["state"] == "done" and status["created"] == 1
    with web.app_context():
        from libsys.extensions import db

        queue(web).storage.close()
        db.session.remove()
        db.engine.dispose()


def test_a_job_left_running_by_a_stopped_worker_runs_again(app, committed_db, tmp_path):
    _network_and_cataloguer(committed_db)
    upload = tmp_path / "upload.marc"
    shutil.copy(marc_file(SMALL_FILE), upload)
    library = committed_db.session.scalar(select(Library).where(Library.code == "TVLC"))
    job = ImportJob(
        filename="bad_records.mrc",
        path=str(upload),
        total=8,
        read=4,
        library_id=library.id,
        match_policy="skip",
        state="running",
        worker=_dead_worker(),
        heartbeat_at=utcnow(),
    )
    committed_db.session.add(job)
    committed_db.session.commit()
    job_id = job.id

    log_path = tmp_path / "worker.log"
    with _worker(app, log_path) as worker:
        job = _wait_for_end(committed_db, job_id, worker, log_path)
    assert job.state == "done", job.error
    assert (job.read, job.created, job.matched, job.rejected) == (8, 1, 4, 3)
    assert committed_db.session.scalar(select(func.count(Record.id))) == 1


def _running_job(tmp_path, network, relative=SMALL_FILE, **columns) -> ImportJob:
    from libsys.extensions import db

    upload = tmp_path / "upload.marc"
    shutil.copy(marc_file(relative), upload)
    job = ImportJob(
        filename=Path(relative).name,
        path=str(upload),
        total=8,
        library_id=network["TVLC"].id,
        state="running",
        **{"match_policy": "skip", "heartbeat_at": utcnow(), **columns},
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_an_interrupted_import_is_queued_again_and_skips_what_it_imported(db, network, tmp_path):
    job = _running_job(tmp_path, network, "pymarc/test.dat", worker=_dead_worker())
    assert resume_interrupted_imports() == 1
    db.session.refresh(job)
    assert job.state == "done" and job.created > 0
    created, imported = job.created, job.created + job.matched
    # Run again as if its worker had stopped after committing everything: nothing is added.
    job.state, job.worker = "running", _dead_worker()
    db.session.commit()
    assert resume_interrupted_imports() == 1
    db.session.refresh(job)
    assert (job.state, job.created, job.matched) == ("done", 0, imported)
    assert db.session.scalar(select(func.count(Record.id))) == created


def test_a_running_import_with_a_live_worker_is_left_alone(db, network, tmp_path):
    job = _running_job(tmp_path, network, worker=worker_name())
    assert not worker_is_gone(job.worker)
    assert resume_interrupted_imports() == 0
    db.session.refresh(job)
    assert job.state == "running"


def test_a_worker_elsewhere_silent_too_long_counts_as_stopped(db, network, tmp_path):
    quiet = _running_job(
        tmp_path, network, worker="elsewhere:123", heartbeat_at=utcnow() - timedelta(hours=2)
    )
    busy = _running_job(tmp_path, network, worker="elsewhere:456")
    assert resume_interrupted_imports() == 1
    db.session.refresh(quiet)
    db.session.refresh(busy)
    assert (quiet.state, busy.state) == ("done", "running")


def test_an_interrupted_import_that_always_adds_fails_with_its_reason(db, network, tmp_path):
    job = _running_job(tmp_path, network, worker=_dead_worker(), match_policy="add", read=3)
    assert resume_interrupted_imports() == 0
    db.session.refresh(job)
    assert job.state == "failed"
    assert "3" in job.error and "8" in job.error
    assert db.session.scalar(select(func.count(Record.id))) == 0
