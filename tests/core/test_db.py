"""libsys.db: SQLite writers taking turns on the queue file, and writing one object at once."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import select

from libsys.core.clock import local_today
from libsys.db import (
    QueuedSqliteConnection,
    insert_now,
    pending_columns,
    sqlite_engine_options,
    update_now,
)
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


def _event_row(db, event_id, *names):
    """The event's columns as stored (read past the session)."""
    columns = [Event.__table__.c[name] for name in names]
    statement = select(*columns).where(Event.__table__.c.id == event_id)
    return db.session.connection().execute(statement).one()


def test_insert_now_writes_at_once_with_the_defaults_and_keeps_the_object(db):
    event = insert_now(Event(kind="visit", day=local_today(), quantity=3))
    assert event.id is not None
    assert event in db.session and event not in db.session.new
    assert event.occurred_at is not None and event.reader_key is None
    row = _event_row(db, event.id, "quantity", "occurred_at")
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


def test_a_writer_gives_up_its_place_after_the_timeout_and_leaves_no_turn_taken(
    tmp_path, monkeypatch
):
    import libsys.db as libsys_db

    monkeypatch.setattr(libsys_db, "WRITER_QUEUE_TIMEOUT", 0.2)
    path = str(tmp_path / "queue.db")
    first, second, third = _connect(path), _connect(path), _connect(path)
    _begin_writing(first)
    started = time.monotonic()
    second.wait_for_turn()  # the first never lets go in time
    assert 0.15 < time.monotonic() - started < 2
    assert not second._queued  # it goes on to SQLite's busy handler instead
    first.commit()
    time.sleep(0.1)  # the abandoned wait gets the turn and passes it on at once
    started = time.monotonic()
    _begin_writing(third)
    assert time.monotonic() - started < 0.1
    third.rollback()
    for connection in (first, second, third):
        connection.close()


def test_start_writing_ends_a_read_and_takes_the_write_lock(tmp_path):
    path = str(tmp_path / "queue.db")
    reader, other = _connect(path), _connect(path)
    reader.execute("CREATE TABLE t (n INTEGER)")
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    _begin_writing(other)  # a read does not hold writers back
    other.execute("INSERT INTO t VALUES (1)")
    other.commit()
    reader.start_writing()  # a fresh snapshot, and now the writer's turn
    assert reader.writing
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)
    with pytest.raises(sqlite3.OperationalError):
        other.execute("BEGIN IMMEDIATE")  # no busy handler here: locked
    reader.execute("INSERT INTO t VALUES (2)")
    reader.commit()
    assert not reader.writing
    assert [n for (n,) in other.execute("SELECT n FROM t ORDER BY n")] == [1, 2]
    reader.close()
    other.close()


def test_update_now_writes_at_once_and_leaves_nothing_to_flush(db):
    event = insert_now(Event(kind="visit", day=local_today(), quantity=3))
    update_now(event, quantity=5, record_id=7)
    assert event.quantity == 5 and event.record_id == 7
    assert event not in db.session.dirty
    assert tuple(_event_row(db, event.id, "quantity", "record_id")) == (5, 7)


def test_pending_columns_names_what_a_flush_would_write(db, network):
    from libsys.network.models import Library

    library = db.session.scalar(select(Library).where(Library.code == "TVLC"))
    assert pending_columns(library) == {}
    library.name = "Thư viện mới"
    assert pending_columns(library) == {"name": "Thư viện mới"}
    library.parent = db.session.scalar(select(Library).where(Library.code == "TVTD"))
    assert pending_columns(library) is None  # a relationship changed: only a flush will do
