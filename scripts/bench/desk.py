#!/usr/bin/env python3
"""Desk benchmark: checkout + return cycles over the API against a real server.

Starts gunicorn with two worker processes on a fresh data dir (schema, the demo, the
tables of a busy network: 20,000 open loans and 200,000 past events by default, then a few
hundred bench copies and readers), runs checkout/checkin cycles from a few client
threads for a fixed count, and prints transactions per second and p50/p95 per operation.

    .venv/bin/python scripts/bench/desk.py                       # SQLite
    .venv/bin/python scripts/bench/desk.py --database-url postgresql://postgres@127.0.0.1:5432/bench_desk
      (the PostgreSQL database is EMPTIED first: give a private one)
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = PROJECT / ".venv" / "bin"
sys.path.insert(0, str(PROJECT))


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(
    env: dict, copies: int, open_loans: int, history: int
) -> tuple[str, list[tuple[str, str]]]:
    """Fresh schema, the demo, a busy network's tables, bench copies and readers, a desk
    token; in a subprocess."""
    script = f"""
import json, os
from scripts.bench.desk import load_background
from datetime import timedelta
from sqlalchemy import select
from libsys import create_app
from libsys.extensions import db
app = create_app()
with app.app_context():
    db.drop_all()
    db.create_all()
    from libsys.demo import load_demo
    load_demo(reader_count=50)
    from libsys.accounts.services import create_token, create_user
    from libsys.readers.services import register_reader
    from libsys.core.clock import local_today
    from scripts.bench.desk import models_by_table
    models = models_by_table()
    Item, Record = models["item"], models["record"]
    Library, Store = models["library"], models["store"]
    library = db.session.scalar(select(Library).where(Library.code == "TVLC"))
    store = db.session.scalar(
        select(Store).where(Store.library_id == library.id, Store.code == "VN"))
    pairs = []
    expires = (local_today() + timedelta(days=700)).isoformat()
    for n in range({copies}):
        record = Record(marc="{{}}", title=f"Sách đo tốc độ {{n}}",
                        title_sort=f"sach do toc do {{n}}")
        db.session.add(record)
        db.session.flush()
        db.session.add(Item(record_id=record.id, library_id=library.id, store_id=store.id,
                            accession_number=f"VN.8{{n:05d}}", barcode=f"BENCH{{n:06d}}"))
        reader = register_reader({{"full_name": f"Bạn đọc {{n}}", "category": "official",
                                   "home_library": "TVLC", "card_expires": expires}})
        pairs.append((f"BENCH{{n:06d}}", reader.card_number))
    load_background(library, store, {open_loans}, {history})
    create_user("bench-desk", "bench-password-1", "circulation", "TVLC")
    token = create_token("bench-desk")
    db.session.commit()
    print(json.dumps({{"token": token, "pairs": pairs}}))
"""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"set-up failed:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["token"], [tuple(pair) for pair in data["pairs"]]


def models_by_table() -> dict:
    """The application's mapped classes by table name, wherever their modules live now (the
    domains' modules move between sub-packages; their tables do not)."""
    from libsys.extensions import db

    return {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers}


def load_background(library, store, open_loans: int, history: int) -> None:
    """The tables of a network that has been lending for a while: `open_loans` copies out
    to other readers (five each) and `history` past events, so the desk's lookups and
    inserts run against tables of a real size. Written with Core INSERTs (fast)."""
    from datetime import date, datetime, timedelta

    from sqlalchemy import insert, select

    from libsys.extensions import db
    from libsys.readers.services import register_reader

    models = models_by_table()
    Item, Record, Loan = models["item"], models["record"], models["loan"]
    Reader, Event = models["reader"], models["event"]

    if not open_loans and not history:
        return
    template = register_reader(
        {"full_name": "Bạn đọc nền", "category": "official", "home_library": library.code}
    )
    db.session.flush()
    columns = {c.key: getattr(template, c.key) for c in Reader.__table__.columns if c.key != "id"}
    today = date.today()
    for start in range(0, open_loans, 5000):
        numbers = range(start, min(open_loans, start + 5000))
        first_record = db.session.scalar(select(Record.id).order_by(Record.id.desc()).limit(1))
        db.session.execute(
            insert(Record),
            [{"marc": "{}", "title": f"Sách nền {n}", "title_sort": f"sach nen {n}"}
             for n in numbers],
        )  # fmt: skip
        record_ids = db.session.scalars(
            select(Record.id).where(Record.id > first_record).order_by(Record.id)
        ).all()
        db.session.execute(
            insert(Item),
            [{"record_id": record_id, "library_id": library.id, "store_id": store.id,
              "accession_number": f"VN.9{n:06d}", "barcode": f"NEN{n:07d}",
              "status": "on_loan"} for n, record_id in zip(numbers, record_ids, strict=True)],
        )  # fmt: skip
        db.session.execute(
            insert(Reader),
            [{**columns, "card_number": f"NEN{n:06d}", "full_name": f"Bạn đọc nền {n}"}
             for n in numbers if n % 5 == 0],
        )  # fmt: skip
        item_ids = db.session.scalars(
            select(Item.id).where(Item.barcode.like("NEN%"), Item.record_id.in_(record_ids))
            .order_by(Item.id)
        ).all()  # fmt: skip
        reader_ids = db.session.scalars(
            select(Reader.id).where(Reader.card_number.like("NEN%")).order_by(Reader.id.desc())
            .limit(len(item_ids) // 5 + 1)
        ).all()[::-1]  # fmt: skip
        db.session.execute(
            insert(Loan),
            [{"item_id": item_id, "reader_id": reader_ids[i // 5], "library_id": library.id,
              "status": "on_loan", "checked_out_at": datetime.now() - timedelta(days=i % 30),
              "due_date": today + timedelta(days=14 - i % 30)}
             for i, item_id in enumerate(item_ids)],
        )  # fmt: skip
    kinds = ("checkout", "checkin", "visit", "renewal", "inhouse_use")
    for start in range(0, history, 20000):
        db.session.execute(
            insert(Event),
            [{"day": today - timedelta(days=n % 365), "kind": kinds[n % len(kinds)],
              "library_id": library.id, "reader_key": f"{n % 3000:032x}",
              "reader_category": "official", "item_id": n % 5000 + 1,
              "occurred_at": datetime.now() - timedelta(days=n % 365)}
             for n in range(start, min(history, start + 20000))],
        )  # fmt: skip
    db.session.flush()


def wait_until_up(port: int, timeout: float = 60) -> None:
    """Poll until the server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start")


class Desk:
    """One desk's HTTP client: a kept-alive connection, JSON POSTs with the bearer token."""

    def __init__(self, port: int, token: str, keep_alive: bool):
        self.port, self.keep_alive = port, keep_alive
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = None

    def post(self, path: str, body: dict) -> tuple[int, float, dict]:
        """POST JSON; (status, seconds, body). A kept connection the server closed is
        reopened once (the request never reached it); a fresh connection's error is raised."""
        payload = json.dumps(body)
        started = time.perf_counter()
        while True:
            reused = self.conn is not None
            if not reused:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request("POST", path, body=payload, headers=self.headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if not reused:
                    raise
        elapsed = time.perf_counter() - started
        if not self.keep_alive or response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, elapsed, json.loads(data or b"{}")


def run_clients(port: int, token: str, pairs, threads: int, cycles: int, keep_alive: bool) -> dict:
    """Each thread lends and takes back its own copies; returns the timings per operation.

    A thread's copies are used in turn, so each cycle lends a copy other than the last one.
    """
    timings = {"checkout": [], "checkin": []}
    finished: list[float] = []  # when each operation ended (throughput over the run)
    errors: list = []
    lock = threading.Lock()
    share = [pairs[i::threads] for i in range(threads)]

    def client(own):
        desk = Desk(port, token, keep_alive)
        local = {"checkout": [], "checkin": []}
        ends = []
        for n in range(cycles):
            barcode, card = own[n % len(own)]
            status, elapsed, body = desk.post(
                "/api/v1/checkouts", {"item": barcode, "reader": card}
            )
            if status != 201:
                errors.append(("checkout", status, body))
            local["checkout"].append(elapsed)
            ends.append(time.perf_counter())
            status, elapsed, body = desk.post("/api/v1/checkins", {"item": barcode})
            if status != 200:
                errors.append(("checkin", status, body))
            local["checkin"].append(elapsed)
            ends.append(time.perf_counter())
        with lock:
            for name, values in local.items():
                timings[name].extend(values)
            finished.extend(ends)

    workers = [threading.Thread(target=client, args=(own,)) for own in share]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    return {
        "timings": timings,
        "wall": wall,
        "errors": errors,
        "over_time": throughput_over_time(finished, started, wall),
    }


def throughput_over_time(finished: list[float], started: float, wall: float, parts=5) -> list:
    """Operations per second in each fifth of the run: a long run that slows down shows it."""
    counts = [0] * parts
    for end in finished:
        counts[min(parts - 1, int((end - started) / wall * parts))] += 1
    return [count / (wall / parts) for count in counts]


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def server_workers(master_pid: int) -> list[int]:
    """The gunicorn master's child processes."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def machine_speed() -> float:
    """Seconds a pure-Python loop of 5 million additions takes here now (lower is faster).

    Printed with each run: on a shared VM the same code runs up to 1.6 times slower from one
    hour to the next, and this tells two runs' machines apart.
    """
    started = time.perf_counter()
    total = 0
    for number in range(5_000_000):
        total += number
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))
    return ordered[index]


def main() -> int:
    """Set up, serve, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (emptied first); default SQLite")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--cycles", type=int, default=250, help="checkout+checkin per thread")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-class",
        default="libsys.core.workers.BalancedThreadWorker",
        help="gunicorn worker class: scripts/serve's (gthread that spreads connections over "
        "the workers), gthread, or sync",
    )
    parser.add_argument("--server-threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument(
        "--no-keep-alive",
        action="store_true",
        help="a new TCP connection per request (as the sync worker does anyway)",
    )
    parser.add_argument("--copies", type=int, default=200, help="bench copies and readers")
    parser.add_argument(
        "--open-loans",
        type=int,
        default=20_000,
        help="copies out on loan to other readers before the run (a province's network)",
    )
    parser.add_argument(
        "--history", type=int, default=200_000, help="events logged before the run (a year's)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    parser.add_argument(
        "--no-search-sync",
        action="store_true",
        help="serve with SEARCH_SYNC off, to measure the desk without the index writes",
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="libsys-bench-desk-"))
    env = {**os.environ, "LIBSYS_DATA_DIR": str(data_dir), "SECRET_KEY": "bench"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"setting up ({database}, data dir {data_dir}) ...", flush=True)
    token, pairs = prepare(env, args.copies, args.open_loans, args.history)

    port = free_port()
    gunicorn = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if args.worker_class != "sync":
        gunicorn += ["--threads", str(args.server_threads), "--keep-alive", "30"]
    app = (
        "libsys:create_app({'SEARCH_SYNC': False})"
        if args.no_search_sync
        else "libsys:create_app()"
    )
    server = subprocess.Popen([*gunicorn, app], env=env, cwd=PROJECT)
    keep_alive = not args.no_keep_alive
    load_before = os.getloadavg()
    try:
        wait_until_up(port)
        run_clients(port, token, pairs, args.threads, 5, keep_alive)  # warm-up: imports, caches
        pids = server_workers(server.pid)
        server_cpu, client_cpu = cpu_seconds(pids), time.process_time()
        result = run_clients(port, token, pairs, args.threads, args.cycles, keep_alive)
        server_cpu, client_cpu = cpu_seconds(pids) - server_cpu, time.process_time() - client_cpu
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    load_after = os.getloadavg()
    speed = machine_speed()

    timings = result["timings"]
    operations = sum(len(v) for v in timings.values())
    sync = "search sync OFF" if args.no_search_sync else "search sync on"
    connection = "kept-alive connections" if keep_alive else "a connection per request"
    print(f"\nDesk benchmark — {database}, gunicorn {args.workers} {args.worker_class} workers, "
          f"{sync}; client: {args.threads} Python threads (http.client, {connection}), "
          f"{args.cycles} cycles each")  # fmt: skip
    print(f"machine: {os.cpu_count()} CPUs, load {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after (1 min); speed: 5M Python additions "
          f"in {speed:.2f} s")  # fmt: skip
    print(f"operations: {operations} in {result['wall']:.2f} s = "
          f"{operations / result['wall']:.0f} checkouts/returns per second")  # fmt: skip
    print("ops/s in each fifth of the run: "
          + " ".join(f"{rate:.0f}" for rate in result["over_time"]))  # fmt: skip
    for name, values in timings.items():
        print(
            f"{name:9} n={len(values):5}  p50 {percentile(values, 0.5) * 1000:6.1f} ms  "
            f"p95 {percentile(values, 0.95) * 1000:6.1f} ms  "
            f"mean {statistics.mean(values) * 1000:6.1f} ms"
        )
    print(f"CPU per operation: server workers {server_cpu / operations * 1000:.2f} ms, "
          f"client {client_cpu / operations * 1000:.2f} ms")  # fmt: skip
    print("reproduce: " + " ".join([".venv/bin/python", "scripts/bench/desk.py", *sys.argv[1:]]))
    if result["errors"]:
        print(f"errors: {len(result['errors'])}, first: {result['errors'][:3]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
