"""Indexing many records at once: after a commit in bulk, `reindex` and `reindex --check`."""

from collections.abc import Callable

from sqlalchemy import func, select

from libsys.catalog.models import Item, Record
from libsys.search.backends import current_backend
from libsys.search.documents import _stamp, build_documents

CHUNK = 2000


def index_records(
    session,
    record_ids,
    *,
    fresh: bool = False,
    progress: Callable | None = None,
    lock_wait: float | None = None,
):
    """Index (or, when gone from the database, remove) these records with one writer.

    `lock_wait`: seconds to wait for another process's Whoosh writer before giving up
    with whoosh.index.LockError (default: the backend's long wait)."""
    ids = list(record_ids)
    backend = current_backend()
    options = {} if lock_wait is None or backend.name != "whoosh" else {"timeout": lock_wait}
    with backend.batch_writer(session, fresh=fresh, **options) as write:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            write(build_documents(session, chunk))
            if progress:
                progress(len(chunk))
    return len(ids)


def all_record_ids(session) -> list[int]:
    """Every record id in the database, in order."""
    return list(session.scalars(select(Record.id).order_by(Record.id)))


def reindex_all(session, progress: Callable | None = None) -> int:
    """Empty the index and index every record of the database again."""
    backend = current_backend()
    ids = all_record_ids(session)
    backend.clear(session)
    index_records(session, ids, fresh=True, progress=progress)
    if hasattr(backend, "optimize"):
        backend.optimize()
    return len(ids)


def database_stamps(session) -> dict[int, str]:
    """Every record id with its stamp (latest change of the record or one of its copies)."""
    latest_copy = (
        select(Item.record_id, func.max(Item.updated_at).label("latest"))
        .group_by(Item.record_id)
        .subquery()
    )
    rows = session.execute(
        select(Record.id, Record.updated_at, latest_copy.c.latest).outerjoin(
            latest_copy, latest_copy.c.record_id == Record.id
        )
    )
    return {record_id: _stamp(updated, latest) for record_id, updated, latest in rows}


def check_index(session, *, repair: bool = True, progress: Callable | None = None) -> dict:
    """Compare index and database by id and stamp; with repair, fix every difference."""
    backend = current_backend()
    in_database = database_stamps(session)
    in_index = backend.stamps(session)
    missing = sorted(set(in_database) - set(in_index))
    extra = sorted(set(in_index) - set(in_database))
    stale = sorted(i for i in set(in_database) & set(in_index) if in_database[i] != in_index[i])
    report = {
        "database": len(in_database),
        "index": len(in_index),
        "missing": len(missing),
        "extra": len(extra),
        "stale": len(stale),
    }
    if repair and (missing or extra or stale):
        index_records(session, [*missing, *stale, *extra], progress=progress)
    return report
