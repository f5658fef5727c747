"""Backups: `libsys backup -o FILE` and `libsys restore FILE`.

A backup is one gzipped tar archive holding
  manifest.json      what it is: libsys's format, the database kind, the migration, the date,
                     every table with its number of rows (checked after a restore)
  database.sqlite    the SQLite database, copied page by page with SQLite's online backup
                     API (readers and writers keep working while it runs), or
  database.pgdump    pg_dump's custom format of the PostgreSQL database (one consistent
                     snapshot; huey's queue schema left out: it only says what to run next)
  data/...           the data dir's secret and pseudonym keys, uploads and exports
The search index is not kept: a restore builds it again from the database.

A restore goes only into an empty target: a database without tables (a new SQLite file,
or a database just made with `createdb`) and a data dir without uploads, exports or search
index; anything else is refused, so a restore never mixes two libraries' data.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url
from tqdm import tqdm

from libsys.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
POSTGRES_MEMBER = "database.pgdump"
# What of the data dir travels with the database (the search index is rebuilt).
DATA_FILES = ("secret_key", "pseudonym_key")
DATA_FOLDERS = ("uploads", "exports")
QUEUE_SCHEMA = "libsys_jobs"  # libsys.core.jobs.POSTGRES_SCHEMA
SQLITE_PAGES_PER_STEP = 1024


class BackupError(click.ClickException):
    """A backup or restore that cannot go on, with the reason for the person at the keyboard."""


def _database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _kind() -> str:
    return "sqlite" if _database_url().get_backend_name() == "sqlite" else "postgresql"


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return _database_url().set(drivername="postgresql").render_as_string(hide_password=False)


def table_counts(connection) -> dict[str, int]:
    """Every table of libsys's schema (and Alembic's) with its number of rows."""
    names = [
        name for name in inspect(connection).get_table_names() if not name.startswith("sqlite_")
    ]
    return {
        name: connection.execute(
            select(func.count()).select_from(text(_quoted(connection, name)))
        ).scalar_one()
        for name in sorted(names)
    }


def _quoted(connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _revision(connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001  (a database never migrated has no such table)
        return None


# ------------------------------------------------------------------ backup


def backup(output: Path, *, echo=click.echo) -> dict:
    """Write the backup archive of this installation to `output`; returns its manifest."""
    output = Path(output)
    data_dir = Path(current_app.config["DATA_DIR"])
    with db.engine.connect() as connection:
        counts = table_counts(connection)
        revision = _revision(connection)
    manifest = {
        "format": FORMAT,
        "libsys": "backup",
        "database": _kind(),
        "revision": revision,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": counts,
        "rows": sum(counts.values()),
        "files": [],
    }
    with tempfile.TemporaryDirectory(prefix="libsys-backup-") as scratch:
        scratch_dir = Path(scratch)
        if manifest["database"] == "sqlite":
            dump = scratch_dir / SQLITE_MEMBER
            _sqlite_copy(Path(_database_url().database), dump, desc="database (SQLite)")
        else:
            dump = scratch_dir / POSTGRES_MEMBER
            _pg_dump(dump, tables=len(counts))
        files = _data_files(data_dir)
        manifest["files"] = [str(path.relative_to(data_dir)) for path in files]
        partial = output.with_name(output.name + ".partial")
        total = dump.stat().st_size + sum(path.stat().st_size for path in files)
        with (
            tarfile.open(partial, "w:gz", compresslevel=6) as archive,
            tqdm(total=total, unit="B", unit_scale=True, desc="archive", file=sys.stderr) as bar,
        ):
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
            archive.addfile(info, io.BytesIO(body))
            archive.add(dump, arcname=dump.name)
            bar.update(dump.stat().st_size)
            for path in files:
                archive.add(path, arcname=f"data/{path.relative_to(data_dir)}", recursive=False)
                bar.update(path.stat().st_size)
        partial.chmod(0o600)  # the archive holds readers' personal data and the keys
        partial.replace(output)
    echo(
        f"backup written to {output}: {len(counts)} tables, {manifest['rows']} rows, "
        f"{len(files)} files of the data dir"
    )
    return manifest


def _data_files(data_dir: Path) -> list[Path]:
    files = [data_dir / name for name in DATA_FILES if (data_dir / name).is_file()]
    for folder in DATA_FOLDERS:
        if (data_dir / folder).is_dir():
            files.extend(sorted(p for p in (data_dir / folder).rglob("*") if p.is_file()))
    return files


def _sqlite_copy(source: Path, target: Path, *, desc: str) -> None:
    """Copy a SQLite database with the online backup API, a progress bar over its pages."""
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin,
        sqlite3.connect(target) as copy,
        tqdm(unit="page", desc=desc, file=sys.stderr) as bar,
    ):

        def progress(_status, remaining, total):
            bar.total = total
            bar.n = total - remaining
            bar.refresh()

        origin.backup(copy, pages=SQLITE_PAGES_PER_STEP, progress=progress)
    origin.close()
    copy.close()


def _run_with_progress(command: list[str], *, marker: str, total: int, desc: str) -> None:
    """Run pg_dump or pg_restore (verbose), a progress bar over the tables it names."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client "
            "(Debian: apt-get install postgresql-client) of the server's version or newer"
        )
    said: list[str] = []
    with (
        subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as process,
        tqdm(total=total, unit="table", desc=desc, file=sys.stderr) as bar,
    ):
        for line in process.stderr:
            said.append(line)
            if marker in line:
                bar.update(1)
        process.wait()
    if process.returncode:
        raise BackupError(f"{command[0]} failed:\n" + "".join(said[-20:]))


def _pg_dump(target: Path, *, tables: int) -> None:
    _run_with_progress(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--exclude-schema={QUEUE_SCHEMA}",
            "--verbose",
            f"--file={target}",
            f"--dbname={_libpq_url()}",
        ],
        marker="dumping contents of table",
        total=tables,
        desc="database (pg_dump)",
    )


# ------------------------------------------------------------------ restore


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not manifest or manifest.get("libsys") != "backup":
        raise BackupError("this file is not a libsys backup (no manifest.json)")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not known to this libsys")
    return manifest


def target_problems(data_dir: Path) -> list[str]:
    """Why this installation is not an empty target for a restore (nothing: it is)."""
    problems = []
    with db.engine.connect() as connection:
        tables = [
            name for name in inspect(connection).get_table_names() if not name.startswith("sqlite_")
        ]
    if tables:
        problems.append(
            f"the database is not empty ({len(tables)} tables, among them "
            f"{', '.join(sorted(tables)[:3])})"
        )
    for folder in (*DATA_FOLDERS, "search-index"):
        path = data_dir / folder
        if path.is_dir() and any(path.iterdir()):
            problems.append(f"the data dir already has {folder}/ ({path})")
    return problems


def restore(source: Path, *, echo=click.echo) -> dict:
    """Restore a backup archive into this (empty) installation; returns its manifest."""
    source = Path(source)
    data_dir = Path(current_app.config["DATA_DIR"])
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115  (closed by the with below)
    except (OSError, tarfile.TarError) as problem:
        raise BackupError(f"cannot read {source}: {problem}") from None
    with archive:
        manifest = _read_manifest(archive)
        if manifest["database"] != _kind():
            raise BackupError(
                f"this backup holds a {manifest['database']} database and this installation "
                f"uses {_kind()}: restore it into a {manifest['database']} database"
            )
        problems = target_problems(data_dir)
        if problems:
            raise BackupError(
                "restore refused: "
                + "; ".join(problems)
                + ". Restore only into a new, empty database and data dir (a new "
                "LIBSYS_DATA_DIR, and for PostgreSQL a database made with createdb)."
            )
        db.session.remove()
        db.engine.dispose()
        with tempfile.TemporaryDirectory(prefix="libsys-restore-", dir=data_dir) as scratch:
            scratch_dir = Path(scratch)
            member = SQLITE_MEMBER if manifest["database"] == "sqlite" else POSTGRES_MEMBER
            archive.extract(member, scratch_dir, filter="data")
            dump = scratch_dir / member
            if manifest["database"] == "sqlite":
                _sqlite_copy(dump, Path(_database_url().database), desc="database (SQLite)")
            else:
                _run_with_progress(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "--single-transaction",
                        "--verbose",
                        f"--dbname={_libpq_url()}",
                        str(dump),
                    ],
                    marker="processing data for table",
                    total=len(manifest["tables"]),
                    desc="database (pg_restore)",
                )
        files = [m for m in archive.getmembers() if m.name.startswith("data/") and m.isfile()]
        for member in tqdm(files, unit="file", desc="data dir", file=sys.stderr):
            relative = member.name[len("data/") :]
            member.name = relative
            archive.extract(member, data_dir, filter="data")
            (data_dir / relative).chmod(0o600 if relative in DATA_FILES else 0o644)
    db.engine.dispose()
    with db.engine.connect() as connection:
        counts = table_counts(connection)
    differ = {
        name: (rows, counts.get(name))
        for name, rows in manifest["tables"].items()
        if counts.get(name) != rows
    }
    if differ:
        raise BackupError(f"the restored database differs from the backup: {differ}")
    echo(
        f"restored {len(counts)} tables, {sum(counts.values())} rows and {len(files)} files "
        f"of the data dir (backup of {manifest['created_at']})"
    )
    _rebuild_index(echo)
    return manifest


def _rebuild_index(echo) -> None:
    from libsys.search.backends import current_backend
    from libsys.search.indexing import all_record_ids, reindex_all

    backend = current_backend()
    total = len(all_record_ids(db.session))
    with tqdm(
        total=total, unit="rec", desc=f"search index ({backend.name})", file=sys.stderr
    ) as bar:
        count = reindex_all(db.session, progress=bar.update)
    db.session.commit()
    echo(f"search index built: {count} records")


# ------------------------------------------------------------------ commands


@click.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="The archive to write (.tar.gz); keep copies away from this machine",
)
@with_appcontext
def backup_command(output):
    """Back up the database, the keys and the uploaded files into one archive."""
    backup(Path(output))


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(archive):
    """Restore a backup into an empty database and data dir, then build the search index."""
    restore(Path(archive))
