"""Database set-up: SQLite tuning and one commit per request."""

from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from libsys.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored naive-UTC by the DateTime columns."""
    return datetime.now(UTC).replace(tzinfo=None)


def _wants_write_lock() -> bool:
    """Whether a new SQLite transaction should take the write lock at once.

    A write transaction that starts as a reader can fail with "database is locked" when
    another worker wrote in between (SQLite cannot upgrade a stale snapshot), so requests
    that may write, the CLI and tests begin IMMEDIATE; page views that only read do not.
    """
    if has_request_context():
        return request.method not in READ_ONLY_METHODS or g.get("libsys_write", False)
    return True


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
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def init_db(app: Flask) -> None:
    """Bind the database to the app and commit once at the end of each request."""
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
