#!/usr/bin/env python3
"""Grow a benchmark database to a province's size: records copied from those there, events
from the statistics benchmark's generator.

- Records: the catalogue already loaded (the 250,000 LC records of scripts/bench/search.py
  --setup) is copied in SQL as many times as needed to reach --records, each copy with its
  own ids, control numbers and match keys (`<number>-2`, `-3`...), and its search rows copied
  beside it (the search documents of the PostgreSQL backend, whatever columns they have
  now), so a query finds each title once per copy: what searching a bigger catalogue costs
  (more hits to rank and count), without importing the MARC file again (about 15 minutes
  per 250,000 on this machine) nor reindexing (about 5 minutes). ISBN lookups and copies are
  not copied.
- Events: --events more of them, made by scripts/bench/stats.py's generator (the kinds,
  libraries and attribute snapshots of a busy provincial network, over the last two years
  and this one), written with COPY; then the closed months are frozen, as the nightly job does.

    .venv/bin/python scripts/bench/grow.py --data-dir /tmp/bench-morning-a \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_morning \\
        --records 1000000 --events 10000000
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))


def grow_records(db, target: int) -> int:
    """Copy the catalogue until it holds `target` records; returns the records added."""
    from sqlalchemy import text

    connection = db.session.connection()
    count, top = connection.execute(text("SELECT count(*), max(id) FROM record")).one()
    if count >= target:
        return 0
    record_columns = _columns(connection, "record", skip={"id"})
    search_columns = _columns(connection, "search_document", skip={"record_id"})
    changed = {
        "control_number": "left(control_number, 90) || '-' || :copy",
        "match_key": "left(match_key, 390) || '-' || :copy",
    }
    select_record = ", ".join(changed.get(column, column) for column in record_columns)
    added, copy = 0, 1
    while count + added < target:
        copy += 1
        shift = top * (copy - 1)
        wanted = target - count - added
        started = time.perf_counter()
        connection.execute(
            text(
                f"INSERT INTO record (id, {', '.join(record_columns)}) "
                f"SELECT id + :shift, {select_record} FROM record "
                "WHERE id <= :top ORDER BY id LIMIT :wanted"
            ),
            {"shift": shift, "top": top, "wanted": wanted, "copy": str(copy)},
        )
        connection.execute(
            text(
                f"INSERT INTO search_document (record_id, {', '.join(search_columns)}) "
                f"SELECT record_id + :shift, {', '.join(search_columns)} FROM search_document "
                "WHERE record_id <= :top "
                "AND record_id + :shift IN (SELECT id FROM record WHERE id > :shift)"
            ),
            {"shift": shift, "top": top},
        )
        added += min(wanted, count)
        db.session.commit()
        connection = db.session.connection()
        print(f"  copy {copy}: {count + added:,} records ({time.perf_counter() - started:.0f} s)")
    connection.execute(text("SELECT setval('record_id_seq', (SELECT max(id) FROM record))"))
    db.session.commit()
    return added


def _columns(connection, table: str, skip: set) -> list[str]:
    from sqlalchemy import text

    rows = connection.execute(
        text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :table "
            "AND table_schema = current_schema() ORDER BY ordinal_position"
        ),
        {"table": table},
    )
    return [name for (name,) in rows if name not in skip]


def main() -> None:
    """Grow what is asked, analyse, freeze, say how long each step took."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL with a catalogue")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--records", type=int, default=0, help="records wanted in all")
    parser.add_argument("--events", type=int, default=0, help="events to add")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["LIBSYS_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ["LIBSYS_SEARCH"] = "postgres"

    from sqlalchemy import text

    from libsys import create_app
    from libsys.core.clock import local_today
    from libsys.extensions import db

    app = create_app()
    with app.app_context():
        if args.records:
            started = time.perf_counter()
            added = grow_records(db, args.records)
            print(f"{added:,} records added in {time.perf_counter() - started:.0f} s")
        if args.events:
            from libsys.stats.freezing import freeze_closed_months_job
            from scripts.bench.stats import event_rows, insert_events, network_map

            # What was frozen counted fewer events: the months are frozen again after.
            for table in ("stat_month_distinct", "stat_seen", "stat_month", "stat_month_frozen"):
                db.session.execute(text(f"DELETE FROM {table}"))
            db.session.commit()
            today = local_today()
            started = time.perf_counter()
            rows = event_rows(args.events, network_map(db), date(today.year - 2, 1, 1), today)
            written = insert_events(db, rows)
            print(f"{written:,} events added in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            frozen = freeze_closed_months_job()
            print(f"froze {len(frozen)} months in {time.perf_counter() - started:.0f} s")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            started = time.perf_counter()
            connection.execute(text("VACUUM ANALYZE"))
            print(f"VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
        records = db.session.execute(text("SELECT count(*) FROM record")).scalar()
        events = db.session.execute(text("SELECT count(*) FROM event")).scalar()
    print(f"now {records:,} records, {events:,} events; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
