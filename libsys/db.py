"""Database set-up: SQLite tuning and one commit per request."""

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from libsys.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Ids and counts are 32-bit integer columns: a larger number names nothing.
MAX_INTEGER = 2**31 - 1


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored naive-UTC by the DateTime columns."""
    return datetime.now(UTC).replace(tzinfo=None)


def plain_rows(statement, **params) -> list:
    """Plain rows of a prebuilt statement, run on the session's connection.

    Pending ORM changes are flushed first, as a session query would (autoflush).
    """
    db.session.flush()
    return db.session.connection().execute(statement, params).all()


_INSERTS: dict = {}


def _insert_plan(table) -> tuple:
    """The prebuilt INSERT of a table and, per column, where its value comes from."""
    plan = _INSERTS.get(table)
    if plan is None:
        columns = []
        for column in table.columns:
            if column.primary_key:
                continue
            default = column.default
            if default is not None and default.is_callable:
                columns.append((column.key, default.arg, None))
            elif default is not None and default.is_scalar:
                columns.append((column.key, None, default.arg))
            else:
                columns.append((column.key, None, None))
        plan = _INSERTS[table] = (table.insert(), tuple(columns))
    return plan


def insert_now(obj):
    """Write a new ORM object with one INSERT at once, and keep it in the session as loaded.

    For the desk's hot path: a flush costs several times the statement. Columns never set
    take their default (as a flush would); the object must not be in the session yet and
    must not need a flush of others first. Returns the object, now persistent with its id.
    """
    state = inspect(obj)
    statement, columns = _insert_plan(state.mapper.local_table)
    given = state.dict
    values = {}
    for key, make_default, default in columns:
        if key in given:
            values[key] = given[key]
            continue
        value = make_default(None) if make_default is not None else default
        setattr(obj, key, value)
        values[key] = value
    result = db.session.connection().execute(statement, values)
    (obj.id,) = result.inserted_primary_key
    make_transient_to_detached(obj)
    db.session.add(obj)
    return obj


_UPDATES: dict = {}


def update_now(obj, **values) -> None:
    """Change a persistent ORM object's columns with one UPDATE by primary key, at once.

    The object keeps the new values as if it had been loaded with them, so no flush
    follows. For the desk's hot path, like `insert_now`. Columns with an `onupdate`
    (updated_at) are set too. The object must have no other pending change to these columns.
    """
    state = inspect(obj)
    table = state.mapper.local_table
    for column in table.columns:
        if column.onupdate is not None and column.key not in values:
            if column.onupdate.is_callable:
                values[column.key] = column.onupdate.arg(None)
            elif column.onupdate.is_scalar:
                values[column.key] = column.onupdate.arg
    key = (table, tuple(sorted(values)))
    statement = _UPDATES.get(key)
    if statement is None:
        (primary_key,) = table.primary_key.columns
        statement = _UPDATES[key] = (
            table.update()
            .where(primary_key == bindparam("_row_id"))
            .values({name: bindparam(f"_new_{name}") for name in key[1]})
        )
    db.session.connection().execute(
        statement,
        {"_row_id": state.identity[0], **{f"_new_{name}": value for name, value in values.items()}},
    )
    for name, value in values.items():
        set_committed_value(obj, name, value)
    if not state.committed_state and state.modified and state.session_id is not None:
        # Nothing else is pending: take the object off the session's to-flush list, as
        # a flush does after writing it (else the next flush walks the whole session).
        state._commit_all(state.dict, db.session.identity_map)


def lock_row(model, row_id):
    """The row of `model` with this id, read afresh and locked until the transaction ends.

    For every check-then-write: on PostgreSQL the row lock (FOR NO KEY UPDATE, which still
    lets other transactions insert rows that point at it) makes a second request deciding
    on the same row wait for the first to commit, then read what it wrote. The session's
    copy of the object is refreshed (`populate_existing`), so the check sees the latest
    values. SQLite has no row locks: there each writing request holds the database's single
    write lock from its first statement (BEGIN IMMEDIATE), which serialises the same checks.
    Returns None when the row is gone.
    """
    statement = (
        select(model)
        .where(model.id == row_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(statement).one_or_none()


def pending_columns(obj) -> dict | None:
    """The column values of a persistent object changed since it was loaded, not yet
    written; None when one of its relationships changed too (that needs a flush)."""
    state = inspect(obj)
    columns = state.mapper.column_attrs
    changed = {}
    for key in state.committed_state:
        if key not in columns:
            return None
        changed[key] = state.dict.get(key)
    return changed


def _wants_write_lock() -> bool:
    """Whether a new SQLite transaction should take the write lock at once.

    A write transaction that starts as a reader can fail with "database is locked" when
    another worker wrote in between (SQLite cannot upgrade a stale snapshot), so requests
    that may write, the CLI and tests begin IMMEDIATE; page views that only read do not.
    """
    if has_request_context():
        if g.get("libsys_reading_first"):
            return False
        return request.method not in READ_ONLY_METHODS or g.get("libsys_write", False)
    return True


@contextmanager
def reading_first():
    """Run what the block reads before the request's write lock (SQLite); then call
    `begin_writing()` before anything that may write.

    The API authenticates a call before its service runs: that read needs no write lock,
    and on SQLite, where one writer works at a time, every statement outside the lock is
    time the other server process may write in. The block's statements run in a plain read
    transaction. Elsewhere (PostgreSQL, a transaction already writing, the tests' outer
    transaction) the block runs as usual.
    """
    if not has_request_context() or request.method in READ_ONLY_METHODS:
        yield
        return
    g.libsys_reading_first = True
    try:
        yield
    finally:
        g.libsys_reading_first = False


def begin_writing() -> None:
    """End the read that `reading_first()` began and take the write lock (SQLite).

    The read transaction is committed and the write transaction begins (BEGIN IMMEDIATE,
    after the writers' queue) in the same ORM transaction, so what was loaded stays loaded.
    When nothing was read yet, the first statement begins writing anyway.
    """
    session = db.session()
    if not _wants_write_lock() or not session.in_transaction():
        return  # a page that only reads; or the first statement will begin writing
    dbapi_connection = session.connection().connection.dbapi_connection
    if isinstance(dbapi_connection, QueuedSqliteConnection) and not dbapi_connection.writing:
        dbapi_connection.start_writing()


# How long a writer waits in the queue before it falls back on SQLite's own busy handler
# (which sleeps 1, 2, 5, 10 ... 100 ms between tries).
WRITER_QUEUE_TIMEOUT = 15.0


class QueuedSqliteConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions take turns on a lock file.

    SQLite lets one writer at a time; one that finds the database locked retries with
    sleeps growing to 100 ms, so under a steady stream of writes from two server processes
    one can wait a second while the other keeps taking the lock back. Before BEGIN
    IMMEDIATE, `wait_for_turn` takes an exclusive flock() on "<database>-writers" (the
    kernel hands it to the next waiter), released as soon as the transaction ends.
    SQLite's lock still decides who writes: the queue only makes waiting short and fair,
    and a writer that does not queue (another program) is served by the busy handler.
    """

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._queued = False
        self._queue_fd = None
        self.writing = False  # inside a transaction begun IMMEDIATE
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
        """Queue for the write lock; after WRITER_QUEUE_TIMEOUT go on (the busy handler waits).

        When another writer is in, a helper thread waits in flock() itself, so the kernel
        wakes it the moment that writer lets go (looking again every so often left the
        lock idle up to a millisecond per turn), while this thread can still give up.
        """
        if self._queue_fd is None or self._queued:
            return
        try:
            fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._queued = True
            return
        except BlockingIOError:
            pass
        fd, turn, guard, gave_up = self._queue_fd, threading.Event(), threading.Lock(), []

        def wait_in_kernel():
            fcntl.flock(fd, fcntl.LOCK_EX)
            with guard:
                if gave_up:  # too late: pass the turn on at once
                    fcntl.flock(fd, fcntl.LOCK_UN)
                else:
                    turn.set()

        threading.Thread(target=wait_in_kernel, name="libsys-writer-queue", daemon=True).start()
        turn.wait(WRITER_QUEUE_TIMEOUT)
        with guard:
            if turn.is_set():
                self._queued = True
            else:
                gave_up.append(True)

    def begin_immediate(self) -> None:
        """BEGIN IMMEDIATE after our turn in the queue (SQLAlchemy's begin, or start_writing)."""
        self.wait_for_turn()
        try:
            self.execute("BEGIN IMMEDIATE")
        except Exception:
            self.leave_queue()
            raise
        self.writing = True

    def start_writing(self) -> None:
        """End the read transaction in progress and begin a write transaction instead."""
        if self.in_transaction:
            super().commit()  # a read: nothing to keep, nothing queued
        self.begin_immediate()

    def leave_queue(self) -> None:
        """Let the next writer in (the transaction has ended)."""
        self.writing = False
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
        if isinstance(dbapi_connection, QueuedSqliteConnection):
            dbapi_connection.begin_immediate()
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


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
