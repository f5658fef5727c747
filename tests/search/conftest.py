"""Fixtures for search tests: each test runs on both backends (PostgreSQL only on PostgreSQL)."""

import pytest

from libsys.extensions import db as _db

BACKENDS = ("whoosh", "postgres")


@pytest.fixture(params=BACKENDS)
def backend_name(request, app):
    """The backend under test; the postgres one needs the suite to run on PostgreSQL."""
    name = request.param
    if name == "postgres":
        with app.app_context():
            dialect = _db.engine.dialect.name
        if dialect != "postgresql":
            pytest.skip(
                "PostgreSQL search backend: the suite runs on SQLite "
                "(set LIBSYS_TEST_DATABASE_URL=postgresql://... to test it)"
            )
    previous = app.config["SEARCH_BACKEND"]
    app.config["SEARCH_BACKEND"] = name
    yield name
    app.config["SEARCH_BACKEND"] = previous


@pytest.fixture
def catalogue(app, db, network, backend_name):
    """An empty index for this test and a helper that catalogues a book and commits it."""
    from libsys.search.backends import current_backend

    current_backend().clear(db.session)
    return BookShelf(db)


class BookShelf:
    """Adds books through the catalogue's own services (MARC built, saved, copies added)."""

    def __init__(self, db):
        self.db = db

    def add(self, title, *, copies=(("TVLC", "available"),), commit=True, **fields):
        """Catalogue a book with copies [(library code, status)], commit (index it)."""
        from libsys.catalog.copies.services import add_item
        from libsys.catalog.services import build_marc, save_record

        values = {"title": title, "language": "vie", **fields}
        record = save_record(build_marc(values))
        for library, status in copies:
            item = add_item(record, library=library)
            item.status = status
        self.db.session.flush()
        if commit:
            self.db.session.commit()
        return record


def search(**args):
    """Run a catalogue search and return the SearchResult."""
    from libsys.search.services import search_catalogue

    return search_catalogue(args)


def titles(**args) -> list[str]:
    """Titles of the hits of a search, in order."""
    return [r.title for r in search(**args).records]
