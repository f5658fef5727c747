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
"""

import logging
import multiprocessing
import queue
import traceback

log = logging.getLogger(__name__)

FOLLOWER_SEGMENT = 25_000  # documents per segment the follower commits
# Configuration a follower needs to open the same database and index as its parent.
_CONFIG_TYPES = (str, int, float, bool, type(None))


def _plain_config(config) -> dict:
    """The app's configuration values a child process can be given (plain values only)."""
    return {k: v for k, v in config.items() if isinstance(v, _CONFIG_TYPES) and k.isupper()}


def _follow(config: dict, inbox, outbox) -> None:
    """The follower process: index the ids it receives until None arrives."""
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
            # Records already in the index are replaced; the others (a new import's) are
            # only added, which spares a look-up in every segment per record.
            indexed = set(backend.stamps(session))
            written: set[int] = set()
            again: set[int] = set()
            finished = False
            while not finished:
                in_segment = 0
                with backend.batch_writer(session) as write:
                    while in_segment < FOLLOWER_SEGMENT:
                        ids = inbox.get()
                        if ids is None:
                            finished = True
                            break
                        fresh = [i for i in ids if i not in written]
                        again.update(i for i in ids if i in written)
                        written.update(fresh)
                        documents = build_documents(session, fresh)
                        new = {i: d for i, d in documents.items() if i not in indexed}
                        write(new, replace=False)
                        write({i: d for i, d in documents.items() if i in indexed}, replace=True)
                        session.rollback()  # end the read: the next batch sees newer commits
                        in_segment += len(fresh)
            if again:
                index_records(session, sorted(again))
                session.rollback()
        outbox.put(("done", len(written)))
    except BaseException:  # noqa: BLE001  (the parent reports it and indexes itself)
        outbox.put(("failed", traceback.format_exc()))


class IndexFollower:
    """The parent's handle on a follower process: send ids, then finish and wait."""

    def __init__(self, app):
        context = multiprocessing.get_context("spawn")
        self.inbox = context.Queue()
        self.outbox = context.Queue()
        self.sent: list[int] = []
        self.process = context.Process(
            target=_follow,
            args=(_plain_config(app.config), self.inbox, self.outbox),
            name="libsys-index-follower",
            daemon=True,
        )
        self.process.start()

    def send(self, record_ids) -> None:
        """Index these committed records (soon, in the follower)."""
        ids = sorted(record_ids)
        if ids:
            self.sent.extend(ids)
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
