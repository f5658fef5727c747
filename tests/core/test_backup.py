"""Backup, restore, compare: the demo backed up with `libsys backup`, restored with
`libsys restore` into an empty database and data dir, every table equal row by row, the keys
and uploads back in place; a target that is not empty is refused."""

import tarfile
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect, select, table, text
from sqlalchemy.engine import make_url

from libsys import create_app
from libsys.config import normalise_database_url
from libsys.core.backup import backup_command, restore_command


@pytest.fixture
def empty_target(app, tmp_path):
    """A new data dir and a new, empty database of the suite's kind (URL)."""
    data_dir = tmp_path / "restored"
    data_dir.mkdir()
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield data_dir, f"sqlite:///{data_dir / 'libsys.db'}"
        return
    name = f"{url.database}_restore"
    server = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield (
        data_dir,
        url.set(drivername="postgresql", database=name).render_as_string(hide_password=False),
    )
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _target_app(app, data_dir: Path, url: str):
    return create_app(
        {
            **app.config,
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
            "DATA_DIR": str(data_dir),
            "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
            "UPLOAD_DIR": str(data_dir / "uploads"),
        }
    )


def _every_row(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, in an order that does not depend on how they were stored."""
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            names = [
                n for n in inspect(connection).get_table_names() if not n.startswith("sqlite_")
            ]
            return {
                name: sorted(
                    (
                        tuple(row)
                        for row in connection.execute(select(text("*")).select_from(table(name)))
                    ),
                    key=repr,
                )
                for name in names
            }
    finally:
        engine.dispose()


def test_a_backup_restored_into_an_empty_site_has_every_table_equal(
    app, committed_db, empty_target
):
    from libsys.demo import load_demo

    load_demo(reader_count=20)
    committed_db.session.commit()
    source_dir = Path(app.config["DATA_DIR"])
    upload = Path(app.config["UPLOAD_DIR"]) / "marc" / "backup-test.mrc"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"00026     2200025   4500\x1e\x1d")
    archive = source_dir.parent / f"{source_dir.name}-backup.tar.gz"
    try:
        result = app.test_cli_runner().invoke(backup_command, ["-o", str(archive)])
        assert result.exit_code == 0, result.output
        assert "backup written" in result.output
        with tarfile.open(archive) as opened:
            names = set(opened.getnames())
        assert {"manifest.json", "data/secret_key", "data/uploads/marc/backup-test.mrc"} <= names
        assert names & {"database.sqlite", "database.pgdump"}
        assert not any(name.startswith("data/search-index") for name in names)

        data_dir, url = empty_target
        target = _target_app(app, data_dir, url)
        with target.app_context():
            result = target.test_cli_runner().invoke(restore_command, [str(archive)])
        assert result.exit_code == 0, result.output
        assert "search index built" in result.output

        before = _every_row(app.config["SQLALCHEMY_DATABASE_URI"])
        after = _every_row(url)
        assert sorted(after) == sorted(before)
        assert sum(1 for rows in before.values() if rows) > 20  # the demo fills the tables
        for name, rows in before.items():
            assert after[name] == rows, name
        assert (data_dir / "secret_key").read_text() == (source_dir / "secret_key").read_text()
        assert (data_dir / "uploads/marc/backup-test.mrc").read_bytes() == upload.read_bytes()

        # The restored site searches its catalogue.
        with target.app_context():
            from libsys.extensions import db
            from libsys.search.indexing import check_index

            report = check_index(db.session, repair=False)
            db.session.remove()
        assert report["missing"] == report["stale"] == 0 and report["index"] > 0

        # A site that has data is never overwritten.
        with target.app_context():
            from libsys.extensions import db

            result = target.test_cli_runner().invoke(restore_command, [str(archive)])
            db.engine.dispose()
        assert result.exit_code == 1
        assert "restore refused: the database is not empty" in result.output
        assert "data dir already has search-index/" in result.output
    finally:
        archive.unlink(missing_ok=True)
        upload.unlink(missing_ok=True)


def test_a_file_that_is_not_a_backup_is_refused(app, db, tmp_path):
    not_backup = tmp_path / "notes.tar.gz"
    with tarfile.open(not_backup, "w:gz") as archive:
        archive.add(__file__, arcname="notes.py")
    result = app.test_cli_runner().invoke(restore_command, [str(not_backup)])
    assert result.exit_code == 1
    assert "not a libsys backup" in result.output
