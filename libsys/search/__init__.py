"""Search: Vietnamese-aware index of the catalogue (Whoosh files or PostgreSQL), kept in step.

`bulk_indexing()` is for long imports: inside it the Whoosh index is written in a few big
batches instead of once per commit.
"""

from flask import Flask

from libsys.search.sync import bulk_indexing, wait_for_index

__all__ = ["bulk_indexing", "init_app", "wait_for_index"]


def init_app(app: Flask) -> None:
    """Keep the index in step with commits; add `libsys reindex`, the health probe, the API."""
    from libsys.search import api, sync  # noqa: F401  (api: its endpoints join the API blueprint)
    from libsys.search.cli import reindex_command

    sync.install()
    app.cli.add_command(reindex_command)

    def _health() -> str:
        from libsys.extensions import db
        from libsys.search.backends import backend_for

        return backend_for(app).health(session=db.session)

    app.extensions["libsys_search_health"] = _health
