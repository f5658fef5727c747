"""Background jobs: one huey queue, the tasks it runs, and the `libsys jobs worker` command.

Work too long for a request (a MARC import today; the monthly statistics exports and the
scheduled MARC exports next) is enqueued here and run by a worker process that
`scripts/serve` starts next to gunicorn. The queue lives where the data does: a SQLite file
in the data directory (`jobs.db`) beside the embedded SQLite database, or huey's tables in
their own `libsys_jobs` schema of the PostgreSQL database (kept out of Alembic's sight).
A job's state for people (queued, running with progress, done, failed and why) is kept by
the task in its own table, not in the queue: the queue only says what to run next.

Tests run tasks at once, inside the request that enqueues them (huey's immediate mode,
config JOBS_IMMEDIATE, on by default when TESTING).
"""

from __future__ import annotations

import logging
import os
import socket
from functools import update_wrapper
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup
from huey import Huey, MemoryHuey, PostgresHuey, SqliteHuey, crontab
from sqlalchemy.engine import make_url
from werkzeug.utils import import_string

# The task registry: name -> the function that runs it (by import path, so that `core`
# does not import the domains that use it). A task takes JSON-like arguments (ids, not ORM
# objects) and runs in an app context of its own.
TASKS = {
    "catalog.import_marc": "libsys.catalog.marc.import_jobs:run_import",
    "stats.export": "libsys.stats.exports.jobs:run_export",
    "stats.freeze_closed_months": "libsys.stats.freezing:freeze_closed_months_job",
    "accounts.forget_quiet_sign_in_counters": "libsys.accounts.throttle:forget_quiet_counters",
}
# Run once by every worker as it starts, before it takes any task (and every few minutes
# after): they pick up the jobs a stopped worker left behind.
ON_WORKER_START = {
    # Records a killed import committed but never indexed are indexed first.
    "search.repair_interrupted_imports": "libsys.search.sync:repair_interrupted_imports",
    "catalog.resume_imports": "libsys.catalog.marc.import_jobs:resume_interrupted_imports",
}
# Name (of ON_WORKER_START or TASKS) -> when a worker runs it by itself. Times are UTC
# (the queue is utc=True): Vietnam is UTC+7 all year.
PERIODIC = {
    # A worker on another machine may die without this one's start-up noticing.
    "catalog.resume_imports": crontab(minute="*/5"),
    # An import killed on the command line is noticed within five minutes (a cheap look
    # at DATA_DIR/search-pending when nothing was killed).
    "search.repair_interrupted_imports": crontab(minute="*/5"),
    # Every night at 00:30 in Vietnam the month that ended is frozen (and any missed).
    "stats.freeze_closed_months": crontab(hour="17", minute="30"),
    # At 01:00 in Vietnam, sign-in counters quiet for a week are forgotten.
    "accounts.forget_quiet_sign_in_counters": crontab(hour="18", minute="0"),
}
POSTGRES_SCHEMA = "libsys_jobs"

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the `libsys jobs` commands; the queue itself is opened on first use."""
    app.cli.add_command(jobs_cli)


def queue(app: Flask | None = None) -> Huey:
    """The application's queue, opened (and its storage created) the first time it is used."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("libsys.jobs")
    if found is None:
        found = app.extensions["libsys.jobs"] = make_queue(app)
    return found[0]


def make_queue(app: Flask) -> tuple[Huey, dict]:
    """A huey instance for the app's database, and every task of the registry put on it."""
    # Job state lives in the database, so huey keeps no results.
    options = {"name": "libsys", "results": False, "utc": True}
    if app.config.get("JOBS_IMMEDIATE", app.testing):
        huey = MemoryHuey(immediate=True, **options)
    else:
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        if url.get_backend_name() == "sqlite":
            path = Path(app.config["DATA_DIR"]) / "jobs.db"
            huey = SqliteHuey(filename=str(path), **options)
        else:
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            _create_schema(dsn)
            huey = PostgresHuey(dsn=dsn, options=f"-c search_path={POSTGRES_SCHEMA}", **options)
    tasks = {}
    for name, target in TASKS.items():
        function = _in_app_context(app, import_string(target))
        if name in PERIODIC:  # run on schedule, and still queued by hand when asked
            tasks[name] = huey.periodic_task(PERIODIC[name], name=name)(function)
        else:
            tasks[name] = huey.task(name=name)(function)
    for name, target in ON_WORKER_START.items():
        if name in PERIODIC:
            huey.periodic_task(PERIODIC[name], name=name)(
                _in_app_context(app, import_string(target))
            )
    return huey, tasks


def _create_schema(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {POSTGRES_SCHEMA}")


def _in_app_context(app: Flask, function):
    """Run `function` in an app context: the worker's threads have none of their own."""

    def run(*args, **kwargs):
        if has_app_context():  # immediate mode: inside the request that enqueued it
            return function(*args, **kwargs)
        with app.app_context():
            return function(*args, **kwargs)

    return update_wrapper(run, function)


def enqueue(name: str, *args) -> None:
    """Queue the task `name` of the registry with `args`; a worker runs it soon."""
    queue()  # opened on first use
    current_app.extensions["libsys.jobs"][1][name](*args)


def worker_name() -> str:
    """This process as a job records it ("host:pid"), to tell later whether it still runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_is_gone(name: str | None) -> bool:
    """True when `name` is a worker of this machine that no longer runs.

    A worker of another machine cannot be seen from here: the caller decides by its
    heartbeat instead.
    """
    if not name or ":" not in name:
        return True
    host, _sep, pid = name.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def run_start_hooks(app: Flask) -> None:
    """Pick up the jobs stopped workers left behind (run by each worker as it starts)."""
    for name, target in ON_WORKER_START.items():
        try:
            with app.app_context():
                import_string(target)()
        except Exception:  # one domain's trouble must not keep the worker from starting
            log.exception("start-up hook %s failed", name)


jobs_cli = AppGroup("jobs", help="Background jobs: the worker that runs them.")


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="tasks run at once (threads)")
def worker_command(workers):
    """Run queued jobs until stopped (SIGINT waits for the running job, SIGTERM does not)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()
    huey = queue(app)
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run where they are enqueued")
    run_start_hooks(app)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    click.echo(f"libsys jobs worker {worker_name()}: waiting for jobs")
    consumer.run()
