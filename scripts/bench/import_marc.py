#!/usr/bin/env python3
"""Benchmark: import the 250,000 Library of Congress records into a fresh data dir.

Prints records per second, peak memory (RSS) and the time split between parsing (reading,
describing, serialising), the database (matching and bulk inserts), the commits, and the
final indexing (with search on, an index follower process indexes committed records beside
the import; the import then waits for it to finish).

    .venv/bin/python scripts/bench/import_marc.py [--limit N] [--database-url URL]
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))


def fetch_records() -> Path:
    """Run scripts/fetch_lc_records (downloads once) and return the file's path."""
    output = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "fetch_lc_records")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(output.strip().splitlines()[-1])


def first_records(path: Path, limit: int) -> io.BytesIO:
    """The first `limit` records of an ISO 2709 file, in memory."""
    chunks = []
    with path.open("rb") as handle:
        pending = b""
        while len(chunks) < limit:
            block = handle.read(1 << 20)
            if not block:
                break
            pieces = (pending + block).split(b"\x1d")
            pending = pieces.pop()
            chunks.extend(pieces[: limit - len(chunks)])
    return io.BytesIO(b"".join(chunk + b"\x1d" for chunk in chunks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-search", action="store_true", help="database only: no search index updates"
    )
    parser.add_argument("--limit", type=int, default=0, help="import only the first N records")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--batch", type=int, default=1000, help="records per commit")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="reading processes (1: none)"
    )
    args = parser.parse_args()

    path = fetch_records()
    with tempfile.TemporaryDirectory(prefix="libsys-bench-") as data_dir:
        os.environ["LIBSYS_DATA_DIR"] = data_dir
        if args.no_search:
            os.environ["LIBSYS_SEARCH_SYNC"] = "0"
        from libsys import create_app
        from libsys.config import normalise_database_url
        from libsys.extensions import db

        database_url = args.database_url or f"sqlite:///{data_dir}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url)})
        app.config["IMPORT_COMMIT_EVERY"] = args.batch
        with app.app_context():
            db.drop_all()
            db.create_all()
            from libsys.catalog.marc.importer import import_marc

            source = path
            if args.limit:
                # Parallel reading needs a file: the first N records go to the temp dir.
                source = Path(data_dir) / "records.mrc"
                source.write_bytes(first_records(path, args.limit).getvalue())
            started = time.perf_counter()
            summary = import_marc(source, commit_every=args.batch, workers=args.workers)
            elapsed = time.perf_counter() - started
            db.session.remove()
            if args.database_url:
                db.drop_all()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The reading processes and the index follower have their own memory; ru_maxrss of
    # children is the largest of them.
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = summary.read / elapsed if elapsed else 0
    print(f"records read      {summary.read:>10,}")
    print(f"created           {summary.created:>10,}")
    print(f"matched           {summary.matched:>10,}")
    print(f"rejected          {summary.rejected:>10,}")
    print(f"elapsed           {elapsed:>10.1f} s")
    print(f"records/s         {rate:>10,.0f}")
    print(
        f"peak RSS          {peak_mb:>10,.0f} MB  (largest child process, reading or index "
        f"follower: {child_mb:,.0f} MB)"
    )
    print(f"parse             {summary.parse_seconds:>10.1f} s")
    print(f"database          {summary.database_seconds:>10.1f} s")
    print(f"commit           {summary.commit_seconds:>10.1f} s  (includes indexing hooks)")
    print(
        f"final indexing    {summary.index_seconds:>10.1f} s  (waiting for the index follower "
        "to finish, or the last bulk write)"
    )
    print(f"python            {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"workers           {args.workers:>10}  (reading processes)")
    command = ".venv/bin/python scripts/bench/import_marc.py"
    if args.limit:
        command += f" --limit {args.limit}"
    if args.no_search:
        command += " --no-search"
    if args.database_url:
        command += f" --database-url {args.database_url}"
    if args.workers != (os.cpu_count() or 1):
        command += f" --workers {args.workers}"
    print(f"reproduce         {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
