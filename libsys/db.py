"""Database set-up: SQLite tuning and one commit per request."""

import fcntl
import os
import sqlite3
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached

from libsys.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored naive-UTC by the DateTime columns."""
    return datetime.now(UTC).replace(tzinfo=None)


_INSERTS: dict = {}


def insert_now(obj):
    """Write a new ORM object with one INSERT at once, and keep it in the session as loaded.

    For the desk's hot path: a flush costs several times the statement. Columns never set
    take their default (as a flush would); the object must not be in the session yet and
    must not need a flush of others first. Returns the object, now persistent with its id.
    """
    state = inspect(obj)
    table = state.mapper.local_table
    values = {}
    for column in table.columns:
        if column.primary_key:
            continue
        if column.key in state.dict:
            values[column.key] = state.dict[column.key]
        elif column.default is not None and (
            column.default.is_scalar or column.default.is_callable
        ):
            value = column.default.arg(None) if column.default.is_callable else column.default.arg
            setattr(obj, column.key, value)
            values[column.key] = value
        else:
            setattr(obj, column.key, None)
            values[column.key] = None
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = table.insert()
    result = db.session.connection().execute(statement, values)
    (obj.id,) = result.inserted_primary_key
    make_transient_to_detached(obj)
    db.session.add(obj)
    return obj


def _wants_write_lock() -> bool:
    """Whether a new SQLite transaction should take the write lock at once.

    A write transaction that starts as a reader can fail with "database is locked" when
    another worker wrote in between (SQLite cannot upgrade a stale snapshot), so requests
    that may write, the CLI and tests begin IMMEDIATE; page views that only read do not.
    """
    if has_request_context():
        return request.method not in READ_ONLY_METHODS or g.get("libsys_write", False)
    return True


# How long a writer waits in the queue before it falls back on SQLite's own busy handler,
# and how often it looks (SQLite's handler sleeps 1, 2, 5, 10 ... 100 ms between tries).
WRITER_QUEUE_TIMEOUT = 15.0
WRITER_QUEUE_POLL = 0.0001  # the first look again; then twice as long each time...
WRITER_QUEUE_POLL_MAX = 0.001  # ...up to this (a waiting worker must not burn a core)


class QueuedSqliteConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions take turns on a lock file.

    SQLite lets one writer at a time; one that finds the database locked retries with
    sleeps growing to 100 ms, so under a steady stream of writes from two server processes
    one can wait a second while the other keeps taking the lock back. Before BEGIN
    IMMEDIATE, `wait_for_turn` takes an exclusive flock() on "<database>-writers" (looking
    again after 0.1 ms, then up to every 1 ms), released as soon as the transaction ends.
    SQLite's lock still decides who writes: the queue only makes waiting short and fair,
    and a writer that does not queue (another program) is served by the busy handler.
    """

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._queued = False
        self._queue_fd = None
        name = os.fspath(database)
        if name and name != ":memory:" and not name.startswith("file:"):
            # The same permissions as the database (as SQLite gives its -wal and -shm files);
            # where the file cannot be opened, writers fall back on SQLite's busy handler.
            try:
                mode = os.stat(name).st_mode & 0o666
            except OSError:
                mode = 0o644
            try:
                self._queue_fd = os.open(f"{name}-writers", os.O_RDWR | os.O_CREAT, mode)
            except OSError:
                self._queue_fd = None

    def wait_for_turn(self) -> None:
        """Queue for the write lock; after WRITER_QUEUE_TIMEOUT go on (the busy handler waits)."""
        if self._queue_fd is None or self._queued:
            return
        deadline = time.monotonic() + WRITER_QUEUE_TIMEOUT
        pause = WRITER_QUEUE_POLL
        while True:
            try:
                fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._queued = True
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return
                time.sleep(pause)
                pause = min(pause * 2, WRITER_QUEUE_POLL_MAX)

    def leave_queue(self) -> None:
        """Let the next writer in (the transaction has ended)."""
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def commit(self):
        try:
            return super().commit()
        finally:
            self.leave_queue()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self.leave_queue()

    def close(self):
        try:
            return super().close()
        finally:
            self.leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None


def sqlite_engine_options(uri: str) -> dict:
    """Engine options for a SQLite file database: connections that queue their writes."""
    if not uri.startswith("sqlite") or ":memory:" in uri or uri.rstrip("/") == "sqlite:":
        return {}
    return {"connect_args": {"factory": QueuedSqliteConnection}}


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and explicit BEGIN so savepoints work."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if not _wants_write_lock():
            conn.exec_driver_sql("BEGIN")
            return
        dbapi_connection = conn.connection.dbapi_connection
        queued = isinstance(dbapi_connection, QueuedSqliteConnection)
        if queued:
            dbapi_connection.wait_for_turn()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except Exception:
            if queued:
                dbapi_connection.leave_queue()
            raise


def init_db(app: Flask) -> None:
    """Bind the database to the app and commit once at the end of each request."""
    options = sqlite_engine_options(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    if options:
        engine_options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        connect_args = engine_options.setdefault("connect_args", {})
        connect_args.setdefault("factory", options["connect_args"]["factory"])
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    @app.after_request
    def _commit_request(response):
        # One commit per request: services only flush; a failed request leaves nothing.
        if response.status_code < 400 and not g.get("libsys_rollback"):
            db.session.commit()
        else:
            db.session.rollback()
        return response
