#!/usr/bin/env python3
"""Statistics benchmark: the monthly export, the yearly dashboard and the indicators API over
an event log of millions of rows, on SQLite and PostgreSQL.

Generates N events (default 5,000,000) spread over 2024-01-01 .. today and ten libraries of
the demo network (its six libraries and four more communes, plus the three rotation points),
with the kinds and attribute snapshots the desk writes (visits with a reader's pseudonym or
as walk-in tallies, loans, returns, renewals, in-library uses, cards, acquisitions,
periodicals, online activity, rotation), in day order as a real log grows. Bulk-inserted:
executemany in big transactions on SQLite, COPY on PostgreSQL. Then freezes the closed months
(timed) and times, several runs each (median and max, seconds):

- the monthly export (xlsx) of the last closed month, for one library and for the network;
- the yearly dashboard of the current year, for one library and for the network;
- GET /api/v1/stats/indicators for one library and the network, this year and last year.

    .venv/bin/python scripts/bench/stats.py --data-dir /tmp/bench-stats            # SQLite
    createdb -h 127.0.0.1 -U postgres bench_stats
    .venv/bin/python scripts/bench/stats.py --data-dir /tmp/bench-stats-pg \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_stats
      (the PostgreSQL database is EMPTIED first: give a private one)
    ... --skip-generate    measure again on what is there (no new events, no freezing)
    ... --events 1000000   another size
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

# Kind -> share of the log (a busy provincial network's mix).
KIND_WEIGHTS = {
    "visit": 34,
    "checkout": 20,
    "checkin": 19,
    "renewal": 5,
    "inhouse_use": 14,
    "online_activity": 1,
    "hold_placed": 1,
    "reader_registered": 1,
    "card_renewed": 0.5,
    "item_acquired": 2,
    "periodical_received": 0.5,
    "point_loan": 1,
    "point_visit": 0.5,
    "point_tally": 0.1,
    "batch_dispatched": 0.4,
}
# Library code -> share of its events (the provincial library is the busiest).
LIBRARY_WEIGHTS = {
    "TVLC": 30, "TVTD": 14, "TVPT": 14, "TVBL": 6, "THCSBL": 7, "THTD": 7,
    "TVSB": 6, "TVMS": 6, "TVNT": 5, "TVBG": 5,
}  # fmt: skip
# The four communes added to the demo's six libraries: (code, name, admin unit).
EXTRA_LIBRARIES = (
    ("TVSB", "Thư viện xã Sơn Bình", "03505"),
    ("TVMS", "Thư viện xã Mường So", "03436"),
    ("TVNT", "Thư viện xã Nà Tăm", "03499"),
    ("TVBG", "Thư viện xã Bản Giang", "03496"),
)
POINTS = ("BDBG", "BDNT", "BDMS")
CATEGORIES = (
    ("children", 30), ("pupil", 25), ("student", 5), ("official", 12),
    ("worker", 5), ("farmer", 13), ("elderly", 5), ("disabled", 1), ("other", 4),
)  # fmt: skip
ETHNICITIES = (("01", 30), ("03", 10), ("04", 8), ("12", 25), ("16", 15), ("29", 12))
CLASSES = ("001", "100", "200", "300", "340", "370", "400", "500", "600", "630", "700",
           "800", "895", "900", "959")  # fmt: skip
COLUMNS = (
    "occurred_at", "day", "kind", "library_id", "user_id", "quantity", "reader_key",
    "reader_category", "reader_age_group", "reader_gender", "reader_ethnicity",
    "reader_admin_unit", "reader_children", "item_id", "record_id", "item_library",
    "item_store", "item_material_type", "item_class", "loan_id", "details",
)  # fmt: skip
READER_KINDS = {"visit", "online_activity", "reader_registered", "card_renewed"}
COPY_KINDS = {"checkout", "checkin", "renewal", "inhouse_use", "item_acquired", "point_loan",
              "batch_dispatched"}  # fmt: skip
BORROWER_KINDS = {"checkout", "checkin", "renewal", "hold_placed"}


def configure(args) -> None:
    """The environment create_app reads: the data dir and the database."""
    os.environ["LIBSYS_DATA_DIR"] = str(Path(args.data_dir).resolve())
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LIBSYS_PSEUDONYM_KEY", "bench-stats")


def setup_network(db) -> dict:
    """Fresh schema, the demo (few readers), four more commune libraries; library ids and
    store codes by library code."""
    from sqlalchemy import select

    from libsys.demo import load_demo
    from libsys.network.models import Library, Store

    db.drop_all()
    db.create_all()
    load_demo(reader_count=20)
    # The demo's own history and its frozen months (with their distinct counts) go: the log
    # is the benchmark's alone.
    from sqlalchemy import delete

    from libsys.stats.indicators.distinct import StatDistinct, StatSeen
    from libsys.stats.models import Event
    from libsys.stats.months import FrozenMonth, StatMonth

    for model in (StatMonth, StatDistinct, StatSeen, FrozenMonth, Event):
        db.session.execute(delete(model))
    parent = db.session.scalar(select(Library).where(Library.code == "TVTD"))
    for code, name, unit in EXTRA_LIBRARIES:
        from libsys.network.models import AdminUnit

        admin = db.session.scalar(select(AdminUnit).where(AdminUnit.code == unit))
        library = Library(code=code, name=name, level="commune", parent=parent, admin_unit=admin)
        db.session.add(library)
        db.session.flush()
        for store in ("VN", "TN"):
            db.session.add(Store(library_id=library.id, code=store, name=store, kind="lending"))
    db.session.commit()
    return network_map(db)


def network_map(db) -> dict:
    from sqlalchemy import select

    from libsys.network.models import Library, Store

    ids = {code: id_ for id_, code in db.session.execute(select(Library.id, Library.code))}
    stores: dict = {}
    for library_id, code in db.session.execute(select(Store.library_id, Store.code)):
        stores.setdefault(library_id, []).append(code)
    return {"ids": ids, "stores": stores}


def event_rows(count: int, network: dict, first: date, last: date, seed: int = 14):
    """`count` events in day order between `first` and `last`, as tuples of COLUMNS, yielded
    in chunks (one list per chunk of days)."""
    rng = random.Random(seed)
    ids, stores = network["ids"], network["stores"]
    libraries = [code for code in LIBRARY_WEIGHTS if code in ids]
    library_weights = [LIBRARY_WEIGHTS[code] for code in libraries]
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    communes = ("03390", "03490", "03493", "03496", "03499", "03505", "03430", "03436")
    readers = max(20_000, count // 50)
    categories = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES], k=readers)
    ethnic = rng.choices([c for c, _ in ETHNICITIES], [w for _, w in ETHNICITIES], k=readers)
    ages = [
        "child" if category in ("children", "pupil") else rng.choice(("youth", "adult", "elderly"))
        for category in categories
    ]
    reader_attrs = [
        (f"{n * 2654435761 % 2**64:016x}{n:016x}", categories[n], ages[n],
         rng.choice(("female", "male")), ethnic[n], rng.choice(communes),
         categories[n] == "children")
        for n in range(readers)
    ]  # fmt: skip
    items = max(50_000, count // 20)
    item_class = [rng.choice(CLASSES) for _ in range(items)]
    days = (last - first).days + 1
    per_day = count / days
    made = 0
    chunk: list = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        today_count = round(per_day * (offset + 1)) - made
        if offset == days - 1:
            today_count = count - made
        made += today_count
        day_kinds = rng.choices(kinds, kind_weights, k=today_count)
        day_libraries = rng.choices(libraries, library_weights, k=today_count)
        stamp = datetime(day.year, day.month, day.day, 8)
        for kind, code in zip(day_kinds, day_libraries, strict=True):
            if kind.startswith(("point_", "batch_")):
                code = rng.choice(POINTS)
            library_id = ids[code]
            occurred = stamp + timedelta(seconds=rng.randrange(36_000))
            quantity, details = 1, None
            key = category = age = gender = ethnicity = unit = children = None
            item_id = record_id = item_library = item_store = material = klass = None
            if kind in READER_KINDS or kind in BORROWER_KINDS:
                reader = reader_attrs[rng.randrange(readers)]
                category, age, gender, ethnicity, unit, children = reader[1:]
                if kind in READER_KINDS:
                    key = reader[0]
            if kind == "visit" and rng.random() < 0.05:  # a walk-in tally, no card
                key = age = gender = ethnicity = unit = None
                category = rng.choice(("children", "other"))
                children = None
                quantity = rng.randint(2, 30)
            if kind in COPY_KINDS:
                item_id = rng.randrange(1, items)
                record_id = item_id // 3 + 1
                item_library = code
                home_stores = stores.get(library_id) or ["LC"]
                item_store = home_stores[item_id % len(home_stores)]
                material = "book"
                klass = item_class[item_id]
            if kind == "periodical_received":
                details = {"periodical_id": rng.randrange(1, 60)}
            elif kind == "point_tally":
                quantity = rng.randint(5, 60)
                details = {"visits": rng.randint(5, 80), "uses": quantity}
            elif kind == "batch_dispatched":
                details = {"batch": rng.randrange(1, 500), "point": code}
                library_id = ids["TVTD"]
            elif kind == "online_activity":
                details = {"action": "renewal", "channel": "opac"}
            chunk.append((
                occurred, day, kind, library_id, None, quantity, key, category, age, gender,
                ethnicity, unit, children, item_id, record_id, item_library, item_store,
                material, klass, None, details,
            ))  # fmt: skip
        if len(chunk) >= 200_000:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def insert_events(db, rows_by_chunk) -> int:
    """Bulk insert: executemany on SQLite, COPY on PostgreSQL; returns the rows written."""
    from libsys.stats.models import Event

    db.session.remove()  # the session's transaction would hold SQLite's write lock
    engine = db.engine
    written = 0
    # Indexes are built once at the end: faster than keeping them up row by row.
    indexes = list(Event.__table__.indexes)
    for index in indexes:
        index.drop(engine)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            cursor = raw.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")
            sql = (
                f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
            )
            for rows in rows_by_chunk:
                cursor.executemany(sql, [_sqlite_row(row) for row in rows])
                raw.commit()
                written += len(rows)
                _progress(written)
        else:
            cursor = raw.cursor()
            for rows in rows_by_chunk:
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(_copy_text(value) for value in row))
                    buffer.write("\n")
                with cursor.copy(f"COPY event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
                raw.commit()
                written += len(rows)
                _progress(written)
    finally:
        raw.close()
    print(file=sys.stderr)
    started = time.perf_counter()
    for index in indexes:
        index.create(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "ANALYZE event" if engine.dialect.name != "sqlite" else "ANALYZE"
        )
    print(f"built {len(indexes)} indexes and analysed in {time.perf_counter() - started:.0f} s")
    return written


def _sqlite_row(row):
    occurred, day, *rest = row
    details = rest[-1]
    children = rest[10]
    rest[10] = None if children is None else int(children)
    rest[-1] = None if details is None else json.dumps(details)
    return (occurred.isoformat(" ", "microseconds"), day.isoformat(), *rest)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _progress(written: int) -> None:
    print(f"\r  {written:,} events", end="", file=sys.stderr, flush=True)


def timed(function, runs: int) -> tuple[float, float]:
    """Median and max seconds of `runs` calls (the session emptied before each)."""
    from libsys.extensions import db

    seconds = []
    for _ in range(runs):
        db.session.remove()
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    db.session.remove()
    return statistics.median(seconds), max(seconds)


def monthly_export(period_text: str, library: str | None):
    """H1's export (xlsx) when it is there, else every indicator with every breakdown."""
    try:
        from libsys.stats.exports.services import export_file

        export_file(period_text, library, "xlsx")  # fails while the exports are incomplete
    except ImportError:
        return _every_breakdown(period_text, library), False
    return (lambda: export_file(period_text, library, "xlsx")), True


def _every_breakdown(period_text, library):
    from libsys.stats.indicators.queries import BREAKDOWNS
    from libsys.stats.periods import parse_period
    from libsys.stats.scope import library_scope, network_scope
    from libsys.stats.services import indicator_values

    def run():
        scope = library_scope(library) if library else network_scope()
        for breakdown in (None, *BREAKDOWNS):
            indicator_values(parse_period(period_text), scope, breakdown=breakdown)

    return run


def yearly_dashboard(year: int, library: str | None, today: date):
    """H2's dashboard when it is there, else the year's indicators by month."""
    from libsys.stats.periods import parse_period
    from libsys.stats.scope import library_scope, network_scope
    from libsys.stats.services import indicator_values

    try:
        from libsys.stats.dashboard import dashboard
    except ImportError:
        dashboard = None

    def run():
        scope = library_scope(library) if library else network_scope()
        if dashboard is not None:
            return dashboard(year, scope, today)
        return indicator_values(parse_period(str(year)), scope, breakdown="month")

    return run, dashboard is not None


def api_call(client, token: str, period: str, library: str | None):
    query = f"/api/v1/stats/indicators?period={period}" + (f"&library={library}" if library else "")

    def run():
        response = client.get(query, headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 200:
            raise SystemExit(f"{query}: {response.status_code} {response.get_data(as_text=True)}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (EMPTIED); SQLite when absent")
    parser.add_argument("--data-dir", default="/tmp/bench-stats")
    parser.add_argument("--skip-generate", action="store_true", help="measure what is there")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--library", default="TVTD", help="the one library timed")
    args = parser.parse_args()
    configure(args)

    from sqlalchemy import func, select

    from libsys import create_app
    from libsys.core.clock import local_today
    from libsys.extensions import db

    app = create_app()
    app.config["JOBS_IMMEDIATE"] = True
    figures: list[tuple[str, float, float]] = []
    with app.app_context():
        from libsys.stats.freezing import freeze_closed_months
        from libsys.stats.models import Event

        today = local_today()
        if not args.skip_generate:
            started = time.perf_counter()
            network = setup_network(db)
            written = insert_events(
                db, event_rows(args.events, network, date(today.year - 2, 1, 1), today)
            )
            print(f"generated and inserted {written:,} events in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
            started = time.perf_counter()
            frozen = freeze_closed_months()
            db.session.commit()
            freeze_seconds = time.perf_counter() - started
            print(f"froze {len(frozen)} closed months in {freeze_seconds:.1f} s "
                  f"({freeze_seconds / max(len(frozen), 1):.2f} s a month)")  # fmt: skip
        else:
            # A log generated before the distinct counts were frozen: their tables, then the
            # frozen months' distinct counts (what the nightly job does after an upgrade).
            from libsys.stats.freezing import fill_distinct

            db.create_all()
            started = time.perf_counter()
            filled = fill_distinct()
            if filled:
                print(f"froze the distinct counts of {len(filled)} months in "
                      f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        events = db.session.scalar(select(func.count(Event.id)))
        from libsys.accounts.models import User
        from libsys.accounts.services import create_token, create_user

        if db.session.scalar(select(User).where(User.username == "bench-stats")) is None:
            create_user("bench-stats", "bench-password-1", "viewer", None)
        token = create_token("bench-stats")
        db.session.commit()

        month = date(today.year, today.month, 1) - timedelta(days=1)
        month_text = f"{month.year}-{month.month:02d}"
        cases = []
        for library in (args.library, None):
            where = library or "network"
            run, real = monthly_export(month_text, library)
            name = "export (xlsx)" if real else "every breakdown (no export yet)"
            cases.append((f"monthly {name} {month_text} {where}", run))
        for library in (args.library, None):
            where = library or "network"
            run, real = yearly_dashboard(today.year, library, today)
            name = "dashboard" if real else "year by month (no dashboard yet)"
            cases.append((f"yearly {name} {today.year} {where}", run))
        client = app.test_client()
        for year in (today.year, today.year - 1):
            for library in (args.library, None):
                where = library or "network"
                cases.append((f"API indicators {year} {where}",
                              api_call(client, token, str(year), library)))  # fmt: skip
        for name, function in cases:
            median, worst = timed(function, args.runs)
            figures.append((name, median, worst))
            print(f"  {name:55} median {median:7.3f} s   max {worst:7.3f} s", flush=True)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n{backend}, {events:,} events, {args.runs} runs each, load {os.getloadavg()[0]:.2f}")
    command = (
        f".venv/bin/python scripts/bench/stats.py --events {args.events} --data-dir {args.data_dir}"
    )
    if args.database_url:
        command += f" --database-url {args.database_url}"
    print(f"reproduce: {command}")


if __name__ == "__main__":
    main()
