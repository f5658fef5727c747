"""Alembic: one head, `upgrade head` on an empty database, and models equal to migrations."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from libsys import PROJECT_DIR, create_app
from libsys.config import normalise_database_url
from libsys.extensions import db

MIGRATION_DB = "libsys_migration_test"


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the kind the suite runs on (SQLite file or a new PG database)."""
    server_url = os.environ.get("LIBSYS_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin = create_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {MIGRATION_DB}"))
        connection.execute(text(f"CREATE DATABASE {MIGRATION_DB}"))
    base = normalise_database_url(server_url).rsplit("/", 1)[0]
    yield f"{base}/{MIGRATION_DB}"
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {MIGRATION_DB} WITH (FORCE)"))
    admin.dispose()


def test_one_head():
    from alembic.config import Config

    config = Config(str(PROJECT_DIR / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


# SQLite cannot reflect an index on an expression (upper(item.barcode)): it is compared on
# PostgreSQL only, and SQLAlchemy and Alembic say so.
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index:sqlalchemy.exc.SAWarning")
def test_upgrade_head_on_empty_database_matches_models(empty_database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(empty_database_url),
            "SECRET_KEY": "migration-test",
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
            )
        db.engine.dispose()
    assert differences == [], f"models and migrations differ: {differences}"


def test_card_numbers_are_put_in_capitals_unless_two_cards_would_clash(empty_database_url):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(empty_database_url),
            "SECRET_KEY": "migration-test",
        }
    )
    with app.app_context():
        upgrade(revision="760dd30efa56")
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO reader_category (id, code, name, name_en, is_children, position)"
                     " VALUES (1, 'official', 'Cán bộ', 'Officials', false, 0)")
            )  # fmt: skip
            connection.execute(
                text("INSERT INTO library (id, code, name, level, active, created_at)"
                     " VALUES (1, 'TVLC', 'Thư viện tỉnh', 'province', true, '2026-01-01')")
            )  # fmt: skip
            for number, card in enumerate(["bd000777", "BD000001", "ab123", "AB123", "xy9", "Xy9"]):
                connection.execute(
                    text(
                        "INSERT INTO reader (id, card_number, full_name, name_folded, category_id,"
                        " home_library_id, card_issued, card_expires, status, disability,"
                        " keep_history, created_at, updated_at) VALUES (:id, :card, 'A', 'a', 1,"
                        " 1, '2026-01-01', '2027-01-01', 'active', false, false, '2026-01-01',"
                        " '2026-01-01')"
                    ),
                    {"id": number + 1, "card": card},
                )
        upgrade()
        with db.engine.connect() as connection:
            cards = connection.execute(text("SELECT card_number FROM reader ORDER BY id")).scalars()
            assert list(cards) == ["BD000777", "BD000001", "ab123", "AB123", "xy9", "Xy9"]
        db.engine.dispose()
