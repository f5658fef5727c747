"""libsys.db: SQLite writers taking turns on the queue file, and writing one object at once."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import select

from libsys.db import QueuedSqliteConnection, insert_now, sqlite_engine_options
from libsys.stats.events import local_today
from libsys.stats.models import Event


def _connect(path):
    connection = sqlite3.connect(
        path,
        factory=QueuedSqliteConnection,
        isolation_level=None,
        check_same_thread=False,
        timeout=0,  # no busy handler: a writer that did not wait its turn fails at once
    )
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def _begin_writing(connection):
    connection.wait_for_turn()
    connection.execute("BEGIN IMMEDIATE")


def test_a_second_writer_waits_in_the_queue_until_the_first_commits(tmp_path):
    path = str(tmp_path / "queue.db")
    first, second = _connect(path), _connect(path)
    first.execute("CREATE TABLE t (n INTEGER)")
    _begin_writing(first)
    first.execute("INSERT INTO t VALUES (1)")
    got_turn = threading.Event()

    def other_desk():
        _begin_writing(second)
        got_turn.set()
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()

    thread = threading.Thread(target=other_desk)
    thread.start()
    time.sleep(0.1)
    assert not got_turn.is_set()  # queued on the lock file, not inside SQLite's lock
    first.commit()
    assert got_turn.wait(2)
    thread.join(2)
    assert [n for (n,) in first.execute("SELECT n FROM t ORDER BY n")] == [1, 2]
    first.close()
    second.close()


def test_a_rollback_or_a_close_lets_the_next_writer_in(tmp_path):
    path = str(tmp_path / "queue.db")
    first, second, third = _connect(path), _connect(path), _connect(path)
    started = time.monotonic()
    _begin_writing(first)
    first.rollback()
    _begin_writing(second)
    second.close()  # closed in the middle of a write transaction
    _begin_writing(third)
    third.rollback()
    assert time.monotonic() - started < 1  # nobody waited for a turn left taken
    first.close()
    third.close()


@pytest.mark.parametrize(
    ("uri", "queued"),
    [
        ("sqlite:////srv/libsys/libsys.db", True),
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("postgresql+psycopg://postgres@127.0.0.1/libsys", False),
    ],
)
def test_only_sqlite_files_queue_their_writers(uri, queued):
    assert bool(sqlite_engine_options(uri)) is queued


def test_insert_now_writes_at_once_with_the_defaults_and_keeps_the_object(db):
    event = insert_now(Event(kind="visit", day=local_today(), quantity=3))
    assert event.id is not None
    assert event in db.session and event not in db.session.new
    assert event.occurred_at is not None and event.reader_key is None
    row = (
        db.session.connection()
        .execute(
            select(Event.__table__.c.quantity, Event.__table__.c.occurred_at).where(
                Event.__table__.c.id == event.id
            )
        )
        .one()
    )
    assert row.quantity == 3 and row.occurred_at == event.occurred_at
    # Still an ordinary persistent object: a later change is flushed as an UPDATE.
    event.record_id = 42
    db.session.flush()
    assert (
        db.session.connection()
        .execute(select(Event.__table__.c.record_id).where(Event.__table__.c.id == event.id))
        .scalar()
        == 42
    )
