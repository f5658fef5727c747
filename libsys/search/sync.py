"""Keeping the index in step with the database (microblog's SearchableMixin pattern).

Changed records are collected while the session flushes (ORM changes to Record and Item,
bulk INSERTs of copies, and the ids services note with `mark_changed`), their documents are
built in `before_commit` from the transaction's own data, and written after the commit:
the PostgreSQL backend writes its rows inside the same transaction, the Whoosh backend
writes its files in `after_commit`. Inside `bulk_indexing()` the writes of both backends wait
and are made in big batches, which is what a long import needs.

A commit that only changed copies' status or location (a checkout, a return, a transfer)
does not write the Whoosh index on the request path: its record ids go to this process's
`BackgroundIndexer`, a thread that indexes them in batches (every INDEX_INTERVAL seconds or
INDEX_BATCH ids) from the committed data, with one writer, skipping a turn when another
process holds the index lock. Record edits stay synchronous. `wait_for_index()` indexes the
queue at once (tests); the queue is also flushed at process exit.

A long import killed mid-way (SIGKILL, a power cut) has committed records that its bulk
block never indexed. Each bulk block leaves a marker file in DATA_DIR/search-pending while
it runs; a marker whose process is gone is found by the next long import, by the jobs
worker as it starts and every five minutes, and by `libsys reindex`, which compare index and
database and index what is missing (repair_interrupted_imports).
"""

import atexit
import logging
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from whoosh.index import LockError

from libsys.catalog.models import Item, Record
from libsys.extensions import db
from libsys.search.backends import backend_for, current_backend
from libsys.search.documents import build_documents
from libsys.search.follower import IndexFollower
from libsys.search.indexing import check_index, index_records

# The same key as libsys.catalog.services.CHANGED_RECORDS_KEY: services note ids there.
CHANGED_RECORDS_KEY = "libsys_changed_record_ids"
CHANGED_ITEMS_KEY = "libsys_search_changed_item_ids"
PREPARED_KEY = "libsys_search_prepared"
DEFERRED_KEY = "libsys_search_deferred"
RECORD_WRITE_KEY = "libsys_search_record_write"  # this transaction changed a record itself
AVAILABILITY_KEY = "libsys_search_availability"  # ...or only copies' status/location
BULK_FLUSH_EVERY = 25_000  # documents buffered in bulk mode before a write
FOLLOWER_FROM = 5_000  # committed records in bulk mode that start an index follower process
INDEX_INTERVAL = 3.0  # seconds between background index writes (each costs the desk a pause)
INDEX_BATCH = 500  # ids that start a background write at once
LOCK_WAIT = 0.2  # seconds the background writer waits for another process's writer
# Copy attributes whose change only moves the copy or changes its availability. Any other
# change (call number, barcode, a new or deleted copy) is indexed with the commit.
AVAILABILITY_ATTRIBUTES = frozenset(
    {"status", "store_id", "store", "location_library_id", "location_library", "updated_at"}
)

log = logging.getLogger(__name__)
_state = threading.local()
_installed = False


def sync_enabled() -> bool:
    """Whether commits update the index (SEARCH_SYNC, or LIBSYS_SEARCH_SYNC=0 to load then
    `libsys reindex` once, the fastest way to fill a new installation)."""
    configured = current_app.config.get("SEARCH_SYNC")
    if configured is not None:
        return bool(configured)
    return os.environ.get("LIBSYS_SEARCH_SYNC", "1") != "0"


def _pending(session) -> set:
    return session.info.setdefault(CHANGED_RECORDS_KEY, set())


def _after_flush(session, _flush_context):
    """Note the records whose document changes with this flush."""

    changed = None
    dirty = session.dirty
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, Record):
            changed = _pending(session) if changed is None else changed
            changed.add(obj.id)
            # A title whose copy collection only changed (a loan loads it) is not edited.
            if obj not in dirty or session.is_modified(obj, include_collections=False):
                session.info[RECORD_WRITE_KEY] = True
        elif isinstance(obj, Item):
            changed = _pending(session) if changed is None else changed
            changed.add(obj.record_id)
            state = inspect(obj)
            previous = state.committed_state.get("record_id")
            if isinstance(previous, int):
                changed.add(previous)  # a copy moved to another title
            if obj in dirty and not (set(state.committed_state) - AVAILABILITY_ATTRIBUTES):
                session.info[AVAILABILITY_KEY] = True
            else:
                session.info[RECORD_WRITE_KEY] = True


def _do_orm_execute(state):
    """Bulk INSERT/UPDATE of copies bypass the flush: note their records from the rows, and
    whether the statement edits records/copies or only changes copies' status/location."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return

    mapper = state.bind_arguments.get("mapper")
    if mapper is None or mapper.class_ not in (Item, Record):
        return
    rows = state.parameters
    if isinstance(rows, dict):
        rows = [rows]
    if mapper.class_ is Record or not state.is_update:
        state.session.info[RECORD_WRITE_KEY] = True
    else:
        columns = {
            str(getattr(key, "key", key)) for key in getattr(state.statement, "_values", None) or ()
        }
        for row in rows or ():
            columns |= set(row)
        if columns - AVAILABILITY_ATTRIBUTES - {"id"}:
            state.session.info[RECORD_WRITE_KEY] = True
        else:
            state.session.info[AVAILABILITY_KEY] = True
    if mapper.class_ is not Item or state.is_delete:
        return
    for row in rows or ():
        if "record_id" in row:
            _pending(state.session).add(row["record_id"])
        elif "id" in row:
            state.session.info.setdefault(CHANGED_ITEMS_KEY, set()).add(row["id"])


def _before_commit(session):
    """Build the changed records' documents while the transaction can still read them."""
    if session.in_nested_transaction():
        return  # a savepoint released: the outer commit indexes (and classifies) it all
    if not has_app_context() or not sync_enabled():
        _forget_kind(session)
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    only_availability = session.info.pop(AVAILABILITY_KEY, False) and not session.info.pop(
        RECORD_WRITE_KEY, False
    )
    _forget_kind(session)
    record_ids = session.info.pop(CHANGED_RECORDS_KEY, None) or set()
    item_ids = session.info.pop(CHANGED_ITEMS_KEY, None)
    if item_ids:
        record_ids |= set(
            session.scalars(select(Item.record_id).where(Item.id.in_(list(item_ids))))
        )
    record_ids.discard(None)
    if not record_ids:
        return

    backend = current_backend()
    bulk = getattr(_state, "bulk", None)
    if only_availability and bulk is None and backend.name == "whoosh" and _defers():
        # Only availability changed: the background indexer writes it, off the request path.
        session.info.setdefault(DEFERRED_KEY, set()).update(record_ids)
        return
    if bulk is not None:
        # Index what earlier commits made once enough has gathered (it is committed, so
        # readable here; PostgreSQL rows go into this transaction); this transaction's
        # records wait for its own commit.
        if len(bulk["ids"]) >= BULK_FLUSH_EVERY and bulk["follower"] is None:
            _flush_bulk(bulk, session)
        session.info.setdefault(PREPARED_KEY, {}).update(dict.fromkeys(record_ids))
        return

    documents = build_documents(session, record_ids)
    if backend.name == "postgres":
        backend.write(documents, session=session)
    else:
        session.info.setdefault(PREPARED_KEY, {}).update(documents)


def _after_commit(session):
    """Write the prepared documents to the index files; queue the deferred ids."""
    deferred = session.info.pop(DEFERRED_KEY, None)
    if deferred and has_app_context():
        indexer_for(current_app._get_current_object()).add(deferred)
    prepared = session.info.pop(PREPARED_KEY, None)
    if not prepared or not has_app_context():
        return
    bulk = getattr(_state, "bulk", None)
    if bulk is not None:
        bulk["ids"].update(prepared)  # the session cannot read now: index at the next chance
        _follow(bulk)
        return

    try:
        current_backend().write(prepared)
    except Exception:  # noqa: BLE001  (the commit stands; `libsys reindex --check` repairs)
        log.exception("could not index %d records after commit", len(prepared))


def _after_rollback(session):
    """Forget documents built for a commit that did not happen."""
    session.info.pop(PREPARED_KEY, None)
    session.info.pop(DEFERRED_KEY, None)
    _forget_kind(session)


def _forget_kind(session) -> None:
    session.info.pop(RECORD_WRITE_KEY, None)
    session.info.pop(AVAILABILITY_KEY, None)


def _defers() -> bool:
    """Whether availability-only changes are queued (SEARCH_DEFER_AVAILABILITY, or
    LIBSYS_SEARCH_DEFER=0 to index them with the commit as before; default on)."""
    configured = current_app.config.get("SEARCH_DEFER_AVAILABILITY")
    if configured is not None:
        return bool(configured)
    return os.environ.get("LIBSYS_SEARCH_DEFER", "1") != "0"


def install() -> None:
    """Listen to every SQLAlchemy session (tests swap Flask-SQLAlchemy's for their own)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _installed = True


def _flush_bulk(bulk: dict, session) -> None:
    ids = sorted(bulk["ids"])
    bulk["ids"].clear()
    index_records(session, ids)


def _follow(bulk: dict) -> None:
    """Hand committed ids to the index follower process (started once enough gathered)."""
    if bulk["follower"] is None:
        app = current_app._get_current_object()
        if not _follower_wanted(app) or len(bulk["ids"]) < app.config.get(
            "SEARCH_FOLLOWER_FROM", FOLLOWER_FROM
        ):
            return

        bulk["follower"] = IndexFollower(app)
    bulk["follower"].send(bulk["ids"])
    bulk["ids"] = set()


def _follower_wanted(app) -> bool:
    """Whether a long import's Whoosh indexing runs in a follower process (SEARCH_FOLLOWER,
    default on outside tests: a test's data is not committed where a process can read it)."""

    configured = app.config.get("SEARCH_FOLLOWER")
    wanted = (not app.testing) if configured is None else bool(configured)
    return wanted and backend_for(app).name == "whoosh"


@contextmanager
def bulk_indexing():
    """Within this block, index writes (both backends) wait and are made in big batches.

    For long imports that commit every few hundred records: each commit only notes its
    records; every BULK_FLUSH_EVERY records, and at the end of the block, they are indexed
    in one writer. With Whoosh, once FOLLOWER_FROM records have been committed, an index
    follower process (libsys.search.follower) indexes them beside the import instead.
    Records are searchable when the block ends. Nested use is fine.
    """
    if getattr(_state, "bulk", None) is not None:
        yield
        return
    marker = None
    if has_app_context() and sync_enabled():
        repair_interrupted_imports()
        marker = _mark_bulk_started()
    _state.bulk = bulk = {"ids": set(), "follower": None}
    failed: BaseException | None = None
    try:
        yield
    except BaseException as exc:
        failed = exc
        raise
    finally:
        _state.bulk = None
        follower = bulk["follower"]
        if follower is not None:
            # The follower indexes what is left; anything it could not, we index here.
            follower.send(bulk["ids"])
            bulk["ids"] = set(follower.finish())
        if isinstance(failed, KeyboardInterrupt):
            # Stopped by hand: leave now; the marker stays, so the next import or start-up
            # indexes what is missing.
            bulk["ids"] = set()
        if bulk["ids"]:
            session = db.session()  # the scoped session's current Session
            if failed is not None:
                # The block's own unfinished work is abandoned (its caller rolls it back);
                # what earlier commits wrote is indexed, in a transaction of its own.
                session.rollback()
            was_open = session.in_transaction()
            _flush_bulk(bulk, session)
            if not was_open:
                if current_backend().name == "postgres":
                    session.commit()  # the search rows were written in this transaction
                else:
                    session.rollback()  # end our read: SQLite would keep its write lock
        if marker is not None and not isinstance(failed, KeyboardInterrupt):
            marker.unlink(missing_ok=True)  # every committed record is indexed


PENDING_DIR = "search-pending"


def _pending_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / PENDING_DIR


def _mark_bulk_started() -> Path:
    """A file saying this process's long import is indexing (removed when all is indexed)."""
    folder = _pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z") + "\n")
    return marker


def interrupted_import_markers() -> list[Path]:
    """The markers of long imports whose process ended before indexing what it committed
    (processes of this machine only: another machine's imports have their own data dir)."""
    from libsys.core.jobs import worker_is_gone

    folder = _pending_dir()
    if not folder.is_dir():
        return []
    gone = []
    for marker in sorted(folder.iterdir()):
        host, _sep, rest = marker.name.partition(":")
        pid = rest.partition(":")[0]
        if host == socket.gethostname() and worker_is_gone(f"{host}:{pid}"):
            gone.append(marker)
    return gone


def forget_interrupted_imports() -> None:
    """Remove the markers of dead imports (after `libsys reindex` has compared everything)."""
    for marker in interrupted_import_markers():
        marker.unlink(missing_ok=True)


def repair_interrupted_imports() -> int:
    """Index the records that long imports killed mid-way committed but never indexed.

    Cheap when there is nothing to do (a look at DATA_DIR/search-pending); when an import
    died, the index is compared with the database (ids and stamps) and what differs is
    indexed, in a session of its own. Returns the number of records indexed again."""
    markers = interrupted_import_markers()
    if not markers:
        return 0
    app = current_app._get_current_object()
    # A read-only request context: SQLite transactions begin as plain readers, so a writer
    # beside us (the import that calls this) never waits for us.
    with app.test_request_context(method="GET"), Session(db.engine) as own:
        report = check_index(own, repair=True)
        own.commit()  # PostgreSQL: the search rows; Whoosh: only the end of the read
    for marker in markers:
        marker.unlink(missing_ok=True)
    repaired = report["missing"] + report["extra"] + report["stale"]
    log.warning(
        "%d interrupted import(s): %d records indexed that were committed but not indexed",
        len(markers),
        repaired,
    )
    return repaired


class BackgroundIndexer:
    """This process's queue of records whose availability changed, indexed in batches.

    A daemon thread writes the queue every INDEX_INTERVAL seconds (at once from INDEX_BATCH
    ids on), building documents from the committed data with its own session, so the index
    always gets the latest state whatever order processes write in. When another process
    holds the index lock it keeps the ids and tries again next time. Under app.testing no
    thread runs (the test's data is only visible in its own transaction): `wait_for_index()`
    writes the queue.
    """

    def __init__(self, app):
        self.app = app
        self.pid = os.getpid()
        self.pending: set[int] = set()
        self.condition = threading.Condition()
        self.writing = threading.Lock()
        self.thread: threading.Thread | None = None
        self.threaded = app.config.get("SEARCH_BACKGROUND_INDEXER", not app.testing)
        atexit.register(self.close)

    def add(self, record_ids) -> None:
        """Queue record ids; the thread indexes them soon."""
        with self.condition:
            self.pending.update(record_ids)
            if self.threaded and self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="libsys-search-indexer", daemon=True
                )
                self.thread.start()
            if len(self.pending) >= INDEX_BATCH:
                self.condition.notify()

    def _run(self) -> None:
        while True:
            with self.condition:
                self.condition.wait(timeout=INDEX_INTERVAL)
                if not self.pending:
                    continue
            try:
                self.flush(lock_wait=LOCK_WAIT)
            except Exception:  # noqa: BLE001  (keep the thread alive; reindex --check repairs)
                log.exception("background indexing failed")
                time.sleep(INDEX_INTERVAL)

    def flush(self, session=None, lock_wait: float | None = None) -> bool:
        """Index the queued records now; False when the index lock was busy (ids kept)."""

        with self.writing:
            with self.condition:
                ids, self.pending = self.pending, set()
            if not ids:
                return True
            try:
                if session is not None:
                    index_records(session, sorted(ids), lock_wait=lock_wait)
                    return True
                # A read-only request context: libsys.db then begins SQLite transactions as
                # plain readers (BEGIN, not BEGIN IMMEDIATE), so the desk's writers never wait.
                with self.app.test_request_context(method="GET"), Session(db.engine) as own:
                    index_records(own, sorted(ids), lock_wait=lock_wait)
                return True
            except LockError:
                with self.condition:
                    self.pending |= ids
                return False
            except BaseException:
                with self.condition:
                    self.pending |= ids
                raise

    def close(self) -> None:
        """At exit: index what is still queued (waiting for the lock as long as needed)."""
        if os.getpid() != self.pid or not self.pending:
            return
        try:
            self.flush()
        except Exception:  # noqa: BLE001  (exiting; reindex --check repairs)
            log.exception("could not index %d queued records at exit", len(self.pending))


_indexers: dict = {}
_indexers_lock = threading.Lock()


def indexer_for(app) -> BackgroundIndexer:
    """This process's background indexer for the app (a new one after a fork)."""
    key = (os.getpid(), id(app))
    indexer = _indexers.get(key)
    if indexer is None:
        with _indexers_lock:
            indexer = _indexers.get(key)
            if indexer is None:
                indexer = _indexers[key] = BackgroundIndexer(app)
    return indexer


def wait_for_index() -> None:
    """Index every queued availability change now, with the current session (tests)."""

    indexer = indexer_for(current_app._get_current_object())
    session = db.session()
    was_open = session.in_transaction()
    indexer.flush(session=session)
    if not was_open:
        session.rollback()  # end our read: SQLite would keep its write lock
