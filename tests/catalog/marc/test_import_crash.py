"""A long import killed with SIGKILL: no process stays behind, and the records it committed
are found in the OPAC without anyone running `libsys reindex`."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from sqlalchemy import func, select

from libsys import create_app
from libsys.catalog.models import Record
from libsys.core.jobs import run_start_hooks
from libsys.search.backends import current_backend
from tests.catalog.helpers import marc_file

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux processes")

# 1,000 real records (MARC-8, Evergreen's test set); read several times over with "add",
# the import lasts long enough to be killed in the middle.
SOURCE = "evergreen/jazz_1k.mrc"
COPIES = 12
# Small commits and an early follower: the killed import has read workers, a follower and
# several commits behind it.
IMPORTER = """
import sys
from libsys import create_app
from libsys.catalog.marc.cli import import_marc_command

app = create_app({"IMPORT_COMMIT_EVERY": 250, "IMPORT_WORKERS": 2, "SEARCH_FOLLOWER_FROM": 250})
with app.app_context():
    import_marc_command.main(args=sys.argv[1:], prog_name="libsys import-marc")
"""


def _environment(app, data_dir: Path) -> dict:
    return {
        **os.environ,
        "LIBSYS_DATA_DIR": str(data_dir),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "LIBSYS_PSEUDONYM_KEY": "test-pseudonym",
    }


def _start_import(app, data_dir: Path, path: Path, *options) -> subprocess.Popen:
    with (data_dir / "import.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(path), *options],
            env=_environment(app, data_dir),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _count(db) -> int:
    db.session.remove()  # read what the other process committed
    try:
        return db.session.scalar(select(func.count(Record.id)))
    finally:
        db.session.remove()  # and hold no lock while it writes


@contextmanager
def _site(app, data_dir: Path):
    """The app as the next start-up on that data dir sees it."""
    site = create_app(
        {
            **app.config,
            "TESTING": False,
            "DATA_DIR": str(data_dir),
            "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
            "UPLOAD_DIR": str(data_dir / "uploads"),
        }
    )
    try:
        yield site
    finally:
        from libsys.extensions import db

        with site.app_context():
            db.session.remove()
            db.engine.dispose()


def _indexed_ids(site) -> set[int]:
    from libsys.extensions import db

    with site.app_context():
        try:
            return set(current_backend().stamps(db.session))
        finally:
            db.session.remove()


def _kill_mid_import(app, committed_db, tmp_path) -> tuple[Path, set[int], list[int]]:
    """Start the import, SIGKILL it once commits have landed while its children run; the
    data dir, the record ids committed and the children's process ids."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    source = marc_file(SOURCE).read_bytes()
    big = tmp_path / "jazz_many.mrc"
    big.write_bytes(source * COPIES)
    importing = _start_import(app, data_dir, big, "--match", "add")
    children: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and importing.poll() is None:
            try:
                found = psutil.Process(importing.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                break
            children = sorted({*children, *(child.pid for child in found)})
            # The follower starts at 250 committed records: two readers and it are running.
            if len(found) >= 3 and _count(committed_db) >= 1500:
                break
            time.sleep(0.2)
        assert importing.poll() is None, (data_dir / "import.log").read_text()
        assert len(children) >= 3, children
        importing.send_signal(signal.SIGKILL)
        importing.wait()
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait()
    committed = {
        row for row in committed_db.session.scalars(select(Record.id))
    }  # the commits that landed before the kill
    committed_db.session.remove()
    assert 0 < len(committed) < len(source) * COPIES // 1000 * 1000
    return data_dir, committed, children


def _assert_no_process_left(children: list[int]) -> None:
    deadline = time.monotonic() + 20
    left = children
    while time.monotonic() < deadline:
        left = [pid for pid in children if psutil.pid_exists(pid) and _alive(pid)]
        if not left:
            return
        time.sleep(0.2)
    raise AssertionError(f"processes left behind by the killed import: {left}")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _opac_finds(site, record_id: int) -> bool:
    from libsys.extensions import db

    with site.app_context():
        title = db.session.get(Record, record_id).title
        db.session.remove()
    page = site.test_client().get("/search", query_string={"q": f'"{title}"'})
    return f"/records/{record_id}" in page.get_data(as_text=True)


def test_a_killed_import_leaves_no_process_and_the_next_import_indexes_its_records(
    app, committed_db, tmp_path
):
    data_dir, committed, children = _kill_mid_import(app, committed_db, tmp_path)
    _assert_no_process_left(children)
    with _site(app, data_dir) as site:
        assert committed - _indexed_ids(site), "the kill came after everything was indexed"

        # The next import (of another file) indexes them first.
        again = _start_import(app, data_dir, marc_file("dnb/ada.mrc"))
        assert again.wait(timeout=240) == 0, (data_dir / "import.log").read_text()
        assert not committed - _indexed_ids(site)
        assert _opac_finds(site, max(committed))
    assert not list((data_dir / "search-pending").iterdir())


def test_a_killed_import_is_indexed_when_the_jobs_worker_starts(app, committed_db, tmp_path):
    data_dir, committed, children = _kill_mid_import(app, committed_db, tmp_path)
    _assert_no_process_left(children)
    with _site(app, data_dir) as site:
        missing = committed - _indexed_ids(site)
        assert missing

        run_start_hooks(site)  # what `libsys jobs worker` does as it starts (scripts/serve)
        assert not committed - _indexed_ids(site)
        assert _opac_finds(site, min(missing))
    assert not list((data_dir / "search-pending").iterdir())


# The jobs worker of scripts/serve, with the same small commits and early follower.
WORKER = """
from libsys import create_app
from libsys.core.jobs import worker_command

app = create_app({"IMPORT_COMMIT_EVERY": 250, "SEARCH_FOLLOWER_FROM": 250})
with app.app_context():
    worker_command.main(args=[], prog_name="libsys jobs worker")
"""
# About 2,000 different real records: the page's import (one process) takes a while.
JOB_SOURCES = ("evergreen/jazz_1k.mrc", "solrmarc/uva_001_2000.mrc")


def _start_worker(app, data_dir: Path) -> subprocess.Popen:
    with (data_dir / "worker.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=_environment(app, data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def test_a_killed_jobs_worker_leaves_no_process_and_the_next_one_indexes_and_resumes(
    app, committed_db, tmp_path
):
    from libsys.catalog.marc.models import ImportJob
    from libsys.db import utcnow
    from libsys.demo.network import load_network, load_reader_categories

    load_reader_categories()
    libraries = load_network()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    upload = tmp_path / "upload.mrc"
    upload.write_bytes(b"".join(marc_file(name).read_bytes() for name in JOB_SOURCES))
    # A job the page queued whose worker is gone: a new worker takes it up as it starts.
    ended = subprocess.Popen(["true"])
    ended.wait()
    job = ImportJob(
        filename=upload.name,
        path=str(upload),
        total=1999,
        library_id=libraries["TVLC"].id,
        match_policy="skip",
        state="running",
        worker=f"{__import__('socket').gethostname()}:{ended.pid}",
        heartbeat_at=utcnow(),
    )
    committed_db.session.add(job)
    committed_db.session.commit()
    job_id = job.id
    committed_db.session.remove()  # hold no lock: the worker writes

    worker = _start_worker(app, data_dir)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and worker.poll() is None:
            found = psutil.Process(worker.pid).children(recursive=True)
            children = sorted({*children, *(child.pid for child in found)})
            if len(found) >= 2 and _count(committed_db) >= 750:  # the follower runs
                break
            time.sleep(0.2)
        assert worker.poll() is None, (data_dir / "worker.log").read_text()
        assert len(children) >= 2 and _count(committed_db) < 1999, children
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    committed = set(committed_db.session.scalars(select(Record.id)))
    committed_db.session.remove()
    _assert_no_process_left(children)

    with _site(app, data_dir) as site:
        assert committed - _indexed_ids(site)
        # The next worker (scripts/serve started again) indexes them, then resumes the job.
        worker = _start_worker(app, data_dir)
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and worker.poll() is None:
                committed_db.session.remove()
                state = committed_db.session.get(ImportJob, job_id).state
                committed_db.session.remove()
                if state in ("done", "failed"):
                    break
                time.sleep(0.3)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        assert state == "done", (data_dir / "worker.log").read_text()
        assert not committed - _indexed_ids(site)
        assert _opac_finds(site, min(committed - {0}))
        everything = set(committed_db.session.scalars(select(Record.id)))
        committed_db.session.remove()
        assert not everything - _indexed_ids(site)
