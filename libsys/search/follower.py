"""An index writer in its own process that follows a long import's commits.

A big import (`libsys import-marc`, the upload job) commits every thousand records. In bulk
mode (libsys.search.sync.bulk_indexing) the ids of committed records are sent to an
`IndexFollower`: a separate process with its own app and database connection, which builds
their documents from the committed data and adds them to one Whoosh writer, committing a new
segment every FOLLOWER_SEGMENT documents (no merging of big segments while the import runs).
The import and the indexing then run side by side on two cores instead of one after the
other; when the import ends, the follower indexes what is left and the bulk block waits for
it, so records are searchable when the import returns, as before.

A record sent twice (an overlay of a record created earlier in the same import) is indexed
again after the follower's last commit, since a Whoosh writer cannot replace a document of
its own uncommitted segment.

Other writers (the server's record edits, its background indexer) get Whoosh's lock between
segments and whenever the import pauses for IDLE_COMMIT seconds. A follower whose importing
process died stops within a second, letting go of the lock (a busy one is ended a few
seconds later); if the follower dies, the import indexes what it sent in its own process at
the end.
"""

import logging
import multiprocessing
import os
import queue
import time
import traceback

log = logging.getLogger(__name__)

FOLLOWER_SEGMENT = 25_000  # documents per segment the follower commits
TURN_PAUSE = 0.3  # seconds between segments when other writers may be waiting for the lock
IDLE_COMMIT = 2.0  # seconds without ids after which the follower commits and lets go
PARENT_GRACE = 5.0  # seconds a follower whose import died has to stop by itself
_IDLE = object()
# Configuration a follower needs to open the same database and index as its parent.
_CONFIG_TYPES = (str, int, float, bool, type(None))


def _plain_config(config) -> dict:
    """The app's configuration values a child process can be given (plain values only)."""
    return {k: v for k, v in config.items() if isinstance(v, _CONFIG_TYPES) and k.isupper()}


class _ParentGone(Exception):
    """The importing process ended without saying so: stop (its index lock must go)."""


def _next_ids(inbox, idle: float | None = None):
    """The next list of ids (None: the import is done), watching that the parent lives.

    With `idle`, give up after that many seconds without ids (queue.Empty)."""
    parent = multiprocessing.parent_process()
    deadline = None if idle is None else time.monotonic() + idle
    while True:
        try:
            return inbox.get(timeout=1.0 if idle is None else min(1.0, idle))
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                raise _ParentGone from None
            if deadline is not None and time.monotonic() >= deadline:
                raise


def _follow(config: dict, inbox, outbox, parent_pid: int | None = None) -> None:
    """The follower process: index the ids it receives until None arrives."""
    if parent_pid is not None:
        # Killed with its import (SIGKILL): gone a few seconds later at most, even when busy
        # (the index lock goes with the process; the next import or start-up indexes what
        # the import committed, libsys.search.sync.repair_interrupted_imports).
        from libsys.core.processes import die_with_parent

        die_with_parent(parent_pid, kernel=False, grace=PARENT_GRACE)
    try:
        from sqlalchemy.orm import Session

        from libsys import create_app
        from libsys.extensions import db
        from libsys.search.backends import current_backend
        from libsys.search.documents import build_documents
        from libsys.search.indexing import index_records

        app = create_app(config)
        # A read-only request context: libsys.db then begins SQLite transactions as plain
        # readers (BEGIN, not BEGIN IMMEDIATE), so the import writing beside us never waits.
        with app.test_request_context(method="GET"), Session(db.engine) as session:
            backend = current_backend()
            written: set[int] = set()
            again: set[int] = set()
            indexed: set[int] = set()
            examined: set[str] = set()
            ids = _next_ids(inbox)
            while ids is not None:
                # Records already in the index are replaced; the others (this import's, not
                # indexed meanwhile by another writer) are only added, which spares a
                # look-up in every segment per record. Before each segment, the segments
                # written since the last look (ours and other writers') add their ids.
                indexed |= backend.ids_in_new_segments(examined)
                in_segment = 0
                # The writer (and Whoosh's lock) is taken once ids are waiting, and let go
                # every FOLLOWER_SEGMENT records so that the server's own writes get their turn.
                with backend.batch_writer(session) as write:
                    while ids is not None:
                        fresh = [i for i in ids if i not in written]
                        again.update(i for i in ids if i in written)
                        written.update(fresh)
                        documents = build_documents(session, fresh)
                        new = {i: d for i, d in documents.items() if i not in indexed}
                        write(new, replace=False)
                        write({i: d for i, d in documents.items() if i in indexed}, replace=True)
                        session.rollback()  # end the read: the next batch sees newer commits
                        in_segment += len(fresh)
                        if in_segment >= FOLLOWER_SEGMENT:
                            break
                        try:
                            ids = _next_ids(inbox, idle=IDLE_COMMIT)
                        except queue.Empty:
                            ids = _IDLE  # the import pauses: commit, let go of the lock
                            break
                if ids is _IDLE:
                    ids = _next_ids(inbox)
                elif ids is not None:
                    time.sleep(TURN_PAUSE)  # a writer waiting for the lock takes it now
                    ids = _next_ids(inbox)
            if again:
                index_records(session, sorted(again))
                session.rollback()
        outbox.put(("done", len(written)))
    except _ParentGone:
        return  # leaving the writer's block cancelled it and freed the lock
    except BaseException:  # noqa: BLE001  (the parent reports it and indexes itself)
        outbox.put(("failed", traceback.format_exc()))


class IndexFollower:
    """The parent's handle on a follower process: send ids, then finish and wait."""

    def __init__(self, app):
        context = multiprocessing.get_context("spawn")
        self.inbox = context.Queue()
        # Should the follower die, ids still queued must not keep this process from exiting.
        self.inbox.cancel_join_thread()
        self.outbox = context.Queue()
        self.sent: list[int] = []
        self.process = context.Process(
            target=_follow,
            args=(_plain_config(app.config), self.inbox, self.outbox, os.getpid()),
            name="libsys-index-follower",
            daemon=True,
        )
        self.process.start()

    def send(self, record_ids) -> None:
        """Index these committed records (soon, in the follower)."""
        ids = sorted(record_ids)
        if ids:
            self.sent.extend(ids)
            if self.process.is_alive():  # else finish() hands them back to be indexed here
                self.inbox.put(ids)

    def finish(self) -> list[int]:
        """Wait until everything sent is indexed and committed. Returns the ids the
        follower could not index (all of them when it failed), for the caller to index."""
        self.inbox.put(None)
        while True:
            try:
                status, detail = self.outbox.get(timeout=1.0)
                break
            except queue.Empty:
                if not self.process.is_alive():
                    status, detail = "failed", "the index follower process ended unexpectedly"
                    break
        self.process.join(timeout=30)
        if status == "done":
            return []
        log.error("the index follower failed; indexing in this process instead:\n%s", detail)
        return self.sent
