"""Fixtures: one app per test session, each test inside a transaction rolled back after it.

The database is SQLite in a temporary folder, or LIBSYS_TEST_DATABASE_URL (PostgreSQL on CI).
"""

import os
from pathlib import Path

import flask
import flask_babel
import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete

from libsys import create_app
from libsys.extensions import db as _db
from tests.factories import MARC_DIR, SHARED_DIR, make_staff, sign_in  # noqa: F401


def test_database_url(tmp_dir: Path) -> str:
    """PostgreSQL when LIBSYS_TEST_DATABASE_URL is set, else a fresh SQLite file."""
    return os.environ.get("LIBSYS_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application with an empty schema, shared by the whole session."""
    from libsys.config import normalise_database_url

    data_dir = tmp_path_factory.mktemp("data")
    os.environ["LIBSYS_DATA_DIR"] = str(data_dir)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(test_database_url(data_dir)),
            "SECRET_KEY": "test-secret",
            "PSEUDONYM_KEY": "test-pseudonym",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
            "DATA_DIR": str(data_dir),
            "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
            "UPLOAD_DIR": str(data_dir / "uploads"),
        }
    )
    with app.app_context():
        _db.drop_all()
        _db.create_all()

    def _fresh_request_state():
        # Tests keep one app context around their requests; in production each request has
        # its own, so forget what the previous request cached on it (locale, API user).
        flask_babel.refresh()
        # What the test set up before the request is committed, as it would be for real
        # (inside the outer transaction, so still rolled back after the test).
        _db.session.commit()
        for name in list(vars(flask.g)):
            if not name.startswith("_"):
                delattr(flask.g, name)
        # Flask-Login's user of the previous request (another client's, or one signed out
        # since): each request loads its own from its cookie, as in production.
        flask.g.pop("_login_user", None)

    # First of all hooks, before CSRF protection can refuse the request.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)

    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session always asks the engine; this one keeps to its connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture
def db(app):
    """A session inside an outer transaction that is rolled back after the test."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": ConnectionBoundSession,
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            if transaction.is_active:
                transaction.rollback()
            connection.close()


@pytest.fixture
def committed_db(app):
    """Real commits (for concurrency and live-server tests); every table emptied after."""
    with app.app_context():
        yield _db
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(delete(table))


@pytest.fixture
def network(db):
    """The demo network: reader categories, libraries, points and stores."""
    from libsys.demo.network import load_network, load_reader_categories

    load_reader_categories()
    return load_network()


@pytest.fixture
def client(app, db):
    """A test client whose requests share the test's rolled-back transaction."""
    return app.test_client()


@pytest.fixture
def staff_client(client, network):
    """A client signed in as an administrator of the network."""
    make_staff("admin", None, "admin")
    sign_in(client, "admin")
    return client
