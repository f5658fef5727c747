"""Keeping the index in step with the database (microblog's SearchableMixin pattern).

Changed records are collected while the session flushes (ORM changes to Record and Item,
bulk INSERTs of copies, and the ids services note with `mark_changed`), their documents are
built in `before_commit` from the transaction's own data, and written after the commit:
the PostgreSQL backend writes its rows inside the same transaction, the Whoosh backend
writes its files in `after_commit`. Inside `bulk_indexing()` the Whoosh writes wait and are
made in big batches, which is what a long import needs.
"""

import logging
import os
import threading
from contextlib import contextmanager

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

# The same key as libsys.catalog.services.CHANGED_RECORDS_KEY: services note ids there.
CHANGED_RECORDS_KEY = "libsys_changed_record_ids"
CHANGED_ITEMS_KEY = "libsys_search_changed_item_ids"
PREPARED_KEY = "libsys_search_prepared"
BULK_FLUSH_EVERY = 25_000  # documents buffered in bulk mode before a write

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
    from libsys.catalog.models import Item, Record

    changed = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Record):
            changed = _pending(session) if changed is None else changed
            changed.add(obj.id)
        elif isinstance(obj, Item):
            changed = _pending(session) if changed is None else changed
            changed.add(obj.record_id)
            history = getattr(obj, "_sa_instance_state", None)
            previous = history.committed_state.get("record_id") if history is not None else None
            if isinstance(previous, int):
                changed.add(previous)  # a copy moved to another title


def _do_orm_execute(state):
    """Bulk INSERT/UPDATE of copies bypass the flush: note their records from the rows."""
    if not (state.is_insert or state.is_update):
        return
    from libsys.catalog.models import Item

    mapper = state.bind_arguments.get("mapper")
    if mapper is None or mapper.class_ is not Item:
        return
    rows = state.parameters
    if isinstance(rows, dict):
        rows = [rows]
    for row in rows or ():
        if "record_id" in row:
            _pending(state.session).add(row["record_id"])
        elif "id" in row:
            state.session.info.setdefault(CHANGED_ITEMS_KEY, set()).add(row["id"])


def _before_commit(session):
    """Build the changed records' documents while the transaction can still read them."""
    if not has_app_context() or not sync_enabled():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    record_ids = session.info.pop(CHANGED_RECORDS_KEY, None) or set()
    item_ids = session.info.pop(CHANGED_ITEMS_KEY, None)
    if item_ids:
        from libsys.catalog.models import Item

        record_ids |= set(
            session.scalars(select(Item.record_id).where(Item.id.in_(list(item_ids))))
        )
    record_ids.discard(None)
    if not record_ids:
        return
    from libsys.search.backends import current_backend

    backend = current_backend()
    bulk = getattr(_state, "bulk", None)
    if bulk is not None and backend.name == "whoosh":
        # Index what earlier commits made once enough has gathered (it is committed, so
        # readable here); this transaction's records wait for its own commit.
        if len(bulk["ids"]) >= BULK_FLUSH_EVERY:
            _flush_bulk(bulk, session)
        session.info.setdefault(PREPARED_KEY, {}).update(dict.fromkeys(record_ids))
        return
    from libsys.search.documents import build_documents

    documents = build_documents(session, record_ids)
    if backend.name == "postgres":
        backend.write(documents, session=session)
    else:
        session.info.setdefault(PREPARED_KEY, {}).update(documents)


def _after_commit(session):
    """Write the prepared documents to the index files."""
    prepared = session.info.pop(PREPARED_KEY, None)
    if not prepared or not has_app_context():
        return
    bulk = getattr(_state, "bulk", None)
    if bulk is not None:
        bulk["ids"].update(prepared)  # the session cannot read now: index at the next chance
        return
    from libsys.search.backends import current_backend

    try:
        current_backend().write(prepared)
    except Exception:  # noqa: BLE001  (the commit stands; `libsys reindex --check` repairs)
        log.exception("could not index %d records after commit", len(prepared))


def _after_rollback(session):
    """Forget documents built for a commit that did not happen."""
    session.info.pop(PREPARED_KEY, None)


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
    from libsys.search.indexing import index_records

    ids = sorted(bulk["ids"])
    bulk["ids"].clear()
    index_records(session, ids)


@contextmanager
def bulk_indexing():
    """Within this block, Whoosh index writes wait and are made in a few big batches.

    For long imports that commit every few hundred records: each commit only notes its
    records; every BULK_FLUSH_EVERY records, and at the end of the block, they are indexed
    in one writer. Records are searchable when the block ends. Nested use is fine.
    """
    if getattr(_state, "bulk", None) is not None:
        yield
        return
    _state.bulk = bulk = {"ids": set()}
    try:
        yield
    finally:
        _state.bulk = None
        if bulk["ids"]:
            from libsys.extensions import db

            session = db.session()  # the scoped session's current Session
            was_open = session.in_transaction()
            _flush_bulk(bulk, session)
            if not was_open:
                session.rollback()  # end our read: SQLite would keep its write lock
