#!/usr/bin/env python3
"""Concurrency check: bursts of simultaneous API writes against a real server, outcomes read
back from the database.

Creates a fresh database (a SQLite file in a temporary data dir, or a new PostgreSQL
database that it drops at the end), migrates it with `libsys db upgrade`, loads the network,
readers, copies, one lending rule (2 renewals, 5 loans, 3 holds, 1,000 VND a day late) and a
desk token, and serves it with gunicorn as scripts/serve does (two workers, one thread each,
on a free loopback port). Then each scenario sends one burst of requests released together
by a barrier (one thread and one connection per request), on rows of its own, for a number
of rounds, and counts in the database what the burst left behind: issue 12's exactly-once
checks, against the server rather than in-process (tests/circulation/test_concurrent_writes.py).

    .venv/bin/python scripts/bench/concurrency.py                      # SQLite, 10 rounds
    .venv/bin/python scripts/bench/concurrency.py --database-url postgresql://postgres@127.0.0.1:5432/libsys_bench_h
      (the database must not exist: it is created, and dropped at the end unless --keep)

Prints one line per scenario (rounds, rounds correct, 5xx answers, the answers' statuses)
and the command that reproduces the run; exits 1 when a round is wrong. Bounded: a fixed
number of rounds and requests, a timeout on every request and wait, and --max-seconds for
the whole measurement.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = PROJECT / ".venv" / "bin"
sys.path.insert(0, str(PROJECT))

from scripts.bench.desk import free_port, models_by_table, wait_until_up  # noqa: E402

RACE_LOANS = 5  # loans per round in the renewal-against-return race (max_loans is 5)
BURST = {
    "returns": 20,
    "renewals": 10,
    "race": 2 * RACE_LOANS,
    "registrations": 20,
    "one_hold": 10,
    "hold_limit": 20,
    "loan_limit": 20,
    "cancels": 10,
}
TITLES = {
    "returns": "20 returns of one overdue copy",
    "renewals": "10 renewals of a loan allowed 2",
    "race": f"a renewal racing a return ({RACE_LOANS} loans)",
    "registrations": "20 registrations, no card number",
    "one_hold": "10 holds, one reader, one title",
    "hold_limit": "hold limit 3, 20 holds at once",
    "loan_limit": "loan limit 5, 20 checkouts at once",
    "cancels": "10 cancels of one hold",
}
EXPECTED = {
    "returns": "one loan closed, one checkin event, one fine",
    "renewals": "2 succeed, loan.renewals == 2, 2 renewal events",
    "race": "no renewal after the return; loan.renewals == its renewal events",
    "registrations": "20 readers with 20 different card numbers",
    "one_hold": "one hold, one hold_placed event",
    "hold_limit": "3 holds",
    "loan_limit": "5 open loans, 5 checkout events",
    "cancels": "hold cancelled, one hold_cancelled event",
}


# --- Data: made in a subprocess with the application ------------------------------------


def load_fixtures(rounds: int) -> dict:
    """The network, the lending rule, a desk token and each round's readers and copies,
    committed; what the bursts need (cards, barcodes, record ids) as plain JSON.

    Models are found by table name, so the script survives modules moving between
    packages."""
    from sqlalchemy import select

    from libsys.accounts.services import create_token, create_user
    from libsys.demo.network import load_network, load_reader_categories
    from libsys.extensions import db
    from libsys.readers.services import register_reader

    models = models_by_table()
    Library, Store = models["library"], models["store"]
    Record, Item = models["record"], models["item"]
    load_reader_categories()
    load_network()
    library = db.session.scalar(select(Library).where(Library.code == "TVLC"))
    store = db.session.scalar(
        select(Store).where(Store.library_id == library.id, Store.code == "VN")
    )
    db.session.add(
        models["circulation_policy"](
            renewals_allowed=2, max_loans=5, holds_allowed=3, fine_per_day=1000
        )
    )
    expires = (date.today() + timedelta(days=400)).isoformat()
    serial = iter(range(1, 1_000_000))

    def reader() -> str:
        number = next(serial)
        return register_reader(
            {"full_name": f"Bạn đọc đo {number}", "category": "official",
             "home_library": "TVLC", "card_expires": expires}
        ).card_number  # fmt: skip

    def title() -> tuple[int, str]:
        number = next(serial)
        record = Record(marc="{}", title=f"Sách đo {number}", title_sort=f"sach do {number}")
        db.session.add(record)
        db.session.flush()
        item = Item(record_id=record.id, library_id=library.id, store_id=store.id,
                    accession_number=f"VN.7{number:05d}", barcode=f"CC{number:06d}")  # fmt: skip
        db.session.add(item)
        db.session.flush()
        return record.id, item.barcode

    fixtures: dict = {key: [] for key in BURST}
    for _round in range(rounds):
        fixtures["returns"].append({"card": reader(), "barcode": title()[1]})
        fixtures["renewals"].append({"card": reader(), "barcode": title()[1]})
        fixtures["race"].append(
            {"card": reader(), "barcodes": [title()[1] for _n in range(RACE_LOANS)]}
        )
        fixtures["registrations"].append({})
        for key in ("one_hold", "cancels"):
            record_id, barcode = title()
            fixtures[key].append(
                {"card": reader(), "other": reader(), "record": record_id, "barcode": barcode}
            )
        fixtures["hold_limit"].append(
            {"card": reader(), "records": [title()[0] for _n in range(BURST["hold_limit"])]}
        )
        fixtures["loan_limit"].append(
            {"card": reader(), "barcodes": [title()[1] for _n in range(BURST["loan_limit"])]}
        )
    create_user("bench-concurrency", "bench-password-1", "circulation", "TVLC")
    token = create_token("bench-concurrency")
    db.session.commit()
    return {"token": token, "fixtures": fixtures}


def prepare(env: dict, rounds: int) -> dict:
    """Migrate the empty database and load the fixtures, in subprocesses."""
    for command in (
        [str(VENV_BIN / "libsys"), "db", "upgrade"],
        [
            str(VENV_BIN / "python"),
            "-c",
            "import json\n"
            "from libsys import create_app\n"
            "from scripts.bench.concurrency import load_fixtures\n"
            "with create_app().app_context():\n"
            f"    print(json.dumps(load_fixtures({rounds})))\n",
        ],
    ):
        result = subprocess.run(
            command, env=env, cwd=PROJECT, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            sys.exit(f"set-up failed ({command[1]}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- PostgreSQL: a database of its own -------------------------------------------------


def _maintenance_url(url: str) -> tuple[str, str]:
    """The server's `postgres` database URL and the bench database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        sys.exit("give a database name of its own, e.g. .../libsys_bench_concurrency")
    scheme = parts.scheme.split("+")[0]
    return urlunsplit((scheme, parts.netloc, "/postgres", "", "")), name


def create_database(url: str) -> None:
    """CREATE DATABASE; refuses a database that exists (it is someone's)."""
    import psycopg
    from psycopg import sql

    server, name = _maintenance_url(url)
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            sys.exit(f"database {name} exists: give a new name, or drop it first (dropdb {name})")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    """DROP DATABASE ... WITH (FORCE): the server's connections are gone by now anyway."""
    import psycopg
    from psycopg import sql

    server, name = _maintenance_url(url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- HTTP: bursts released together -----------------------------------------------------


class Api:
    """The desk token's JSON calls to the server on a loopback port."""

    def __init__(self, port: int, token: str, timeout: float):
        self.port, self.timeout = port, timeout
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def connect(self) -> http.client.HTTPConnection:
        """An open connection (connected now, so a burst's requests leave together)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        conn.connect()
        return conn

    def send(self, conn, method: str, path: str, body=None) -> tuple[int, dict]:
        """One request on the connection; (status, JSON body), status 0 for no answer."""
        try:
            payload = json.dumps(body) if body is not None else None
            conn.request(method, path, body=payload, headers=self.headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            return 0, {"error": repr(error)}
        finally:
            conn.close()
        try:
            return response.status, json.loads(data or b"{}")
        except ValueError:
            return response.status, {"text": data[:200].decode("utf-8", "replace")}

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        """One request on its own connection."""
        return self.send(self.connect(), method, path, body)

    def burst(self, calls: list[tuple[str, str, dict | None]]) -> list[tuple[int, dict]]:
        """Every (method, path, body) at once: connect all, wait at a barrier, send."""
        barrier = threading.Barrier(len(calls))
        answers: list = [(0, {"error": "no answer"})] * len(calls)

        def run(index, method, path, body):
            try:
                conn = self.connect()
                barrier.wait(timeout=30)
            except (OSError, threading.BrokenBarrierError) as error:
                answers[index] = (0, {"error": repr(error)})
                return
            answers[index] = self.send(conn, method, path, body)

        threads = [
            threading.Thread(target=run, args=(index, *call), daemon=True)
            for index, call in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + self.timeout + 35
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        return answers


# --- Scenarios: prepare the round's rows, burst, read back ------------------------------


class Database:
    """Plain SQL on the bench database, by table name (no application models)."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        from libsys.config import normalise_database_url

        options = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
        self.engine = create_engine(normalise_database_url(url), **options)

    def all(self, sql: str, **params) -> list:
        """Rows of a query, read in a transaction of its own (ended at once)."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def one(self, sql: str, **params):
        """The first column of the only row."""
        return self.all(sql, **params)[0][0]

    def write(self, sql: str, **params) -> None:
        """One statement, committed."""
        from sqlalchemy import text

        with self.engine.begin() as conn:
            conn.execute(text(sql), params)

    def events(self, kind: str) -> int:
        """Events of a kind logged so far (the scenarios run one at a time)."""
        return self.one("SELECT count(*) FROM event WHERE kind = :kind", kind=kind)

    def reader_id(self, card: str) -> int:
        """A reader's id by card number."""
        return self.one("SELECT id FROM reader WHERE card_number = :card", card=card)


def _lend(api: Api, barcode: str, card: str) -> int:
    status, body = api.call("POST", "/api/v1/checkouts", {"item": barcode, "reader": card})
    if status != 201:
        raise RuntimeError(f"checkout of {barcode} to {card}: {status} {body}")
    return body["loan_id"]


def _count(answers, status: int) -> int:
    return sum(1 for answer_status, _body in answers if answer_status == status)


def run_returns(api, database, fixture, _round):
    """An overdue loan, then 20 returns of its copy."""
    loan_id = _lend(api, fixture["barcode"], fixture["card"])
    database.write(
        "UPDATE loan SET due_date = :due WHERE id = :id",
        due=date.today() - timedelta(days=10),
        id=loan_id,
    )
    before = database.events("checkin")
    answers = api.burst([("POST", "/api/v1/checkins", {"item": fixture["barcode"]})] * 20)
    returned = database.one("SELECT returned_at FROM loan WHERE id = :id", id=loan_id)
    fines = database.one("SELECT count(*) FROM fine WHERE loan_id = :id", id=loan_id)
    checkins = database.events("checkin") - before
    problems = []
    if returned is None:
        problems.append("loan still open")
    if checkins != 1:
        problems.append(f"{checkins} checkin events")
    if fines != 1:  # ten days late at 1,000 VND a day: one fine, charged once
        problems.append(f"{fines} fines")
    return answers, problems


def run_renewals(api, database, fixture, _round):
    """A loan allowed 2 renewals, then 10 renewals at once."""
    loan_id = _lend(api, fixture["barcode"], fixture["card"])
    answers = api.burst([("POST", f"/api/v1/loans/{loan_id}/renew", {})] * 10)
    renewals = database.one("SELECT renewals FROM loan WHERE id = :id", id=loan_id)
    events = database.one(
        "SELECT count(*) FROM event WHERE kind = 'renewal' AND loan_id = :id", id=loan_id
    )
    problems = []
    if _count(answers, 200) != 2:
        problems.append(f"{_count(answers, 200)} renewals answered 200")
    if renewals != 2:
        problems.append(f"loan.renewals {renewals}")
    if events != 2:
        problems.append(f"{events} renewal events")
    return answers, problems


def run_race(api, database, fixture, _round):
    """Five loans, each renewed and returned at the same moment."""
    loans = [_lend(api, barcode, fixture["card"]) for barcode in fixture["barcodes"]]
    calls = []
    for loan_id, barcode in zip(loans, fixture["barcodes"], strict=True):
        calls.append(("POST", f"/api/v1/loans/{loan_id}/renew", {}))
        calls.append(("POST", "/api/v1/checkins", {"item": barcode}))
    answers = api.burst(calls)
    problems = []
    for loan_id in loans:
        returned, renewals = database.all(
            "SELECT returned_at, renewals FROM loan WHERE id = :id", id=loan_id
        )[0]
        kinds = [
            row[0]
            for row in database.all(
                "SELECT kind FROM event WHERE loan_id = :id ORDER BY id", id=loan_id
            )
        ]
        if returned is None:
            problems.append(f"loan {loan_id} still open")
        if not kinds or kinds[-1] != "checkin":
            problems.append(f"loan {loan_id} events {kinds}")
        if renewals != kinds.count("renewal"):
            problems.append(f"loan {loan_id} renewals {renewals}, events {kinds}")
    return answers, problems


def run_registrations(api, database, _fixture, round_number):
    """20 registrations of the same person at once, no card number given."""
    name = f"Lò Thị Đồng Thời {round_number}"
    body = {"full_name": name, "category": "official", "home_library": "TVLC"}
    answers = api.burst([("POST", "/api/v1/readers", body)] * 20)
    rows = database.all("SELECT card_number FROM reader WHERE full_name = :name", name=name)
    answered = {body.get("card_number") for status, body in answers if status == 201}
    problems = []
    if _count(answers, 201) != 20:
        problems.append(f"{_count(answers, 201)} answered 201")
    if len(answered) != _count(answers, 201):
        problems.append(f"{len(answered)} different numbers answered")
    if len(rows) != 20 or len({row[0] for row in rows}) != 20:
        problems.append(f"{len(rows)} readers, {len({row[0] for row in rows})} numbers")
    return answers, problems


def _out_on_loan(api, fixture) -> None:
    """The title's only copy lent to another reader, so a hold on it is worth placing."""
    _lend(api, fixture["barcode"], fixture["other"])


def run_one_hold(api, database, fixture, _round):
    """10 holds by one reader on one title at once."""
    _out_on_loan(api, fixture)
    before = database.events("hold_placed")
    body = {"record": fixture["record"], "reader": fixture["card"], "pickup_library": "TVLC"}
    answers = api.burst([("POST", "/api/v1/holds", body)] * 10)
    holds = database.one(
        "SELECT count(*) FROM hold WHERE reader_id = :reader AND record_id = :record",
        reader=database.reader_id(fixture["card"]),
        record=fixture["record"],
    )
    placed = database.events("hold_placed") - before
    problems = []
    if holds != 1 or _count(answers, 201) != 1:
        problems.append(f"{holds} holds, {_count(answers, 201)} answered 201")
    if placed != 1:
        problems.append(f"{placed} hold_placed events")
    return answers, problems


def run_hold_limit(api, database, fixture, _round):
    """20 holds by one reader on 20 titles at once; 3 allowed."""
    answers = api.burst(
        [("POST", "/api/v1/holds",
          {"record": record, "reader": fixture["card"], "pickup_library": "TVLC"})
         for record in fixture["records"]]
    )  # fmt: skip
    holds = database.one(
        "SELECT count(*) FROM hold WHERE reader_id = :reader",
        reader=database.reader_id(fixture["card"]),
    )
    problems = []
    if holds != 3 or _count(answers, 201) != 3:
        problems.append(f"{holds} holds, {_count(answers, 201)} answered 201")
    return answers, problems


def run_loan_limit(api, database, fixture, _round):
    """20 checkouts to one reader at once; 5 allowed."""
    before = database.events("checkout")
    answers = api.burst(
        [("POST", "/api/v1/checkouts", {"item": barcode, "reader": fixture["card"]})
         for barcode in fixture["barcodes"]]
    )  # fmt: skip
    loans = database.one(
        "SELECT count(*) FROM loan WHERE reader_id = :reader AND returned_at IS NULL",
        reader=database.reader_id(fixture["card"]),
    )
    checkouts = database.events("checkout") - before
    problems = []
    if loans != 5 or _count(answers, 201) != 5:
        problems.append(f"{loans} open loans, {_count(answers, 201)} answered 201")
    if checkouts != 5:
        problems.append(f"{checkouts} checkout events")
    return answers, problems


def run_cancels(api, database, fixture, _round):
    """One waiting hold, then 10 cancels of it at once."""
    _out_on_loan(api, fixture)
    status, body = api.call(
        "POST",
        "/api/v1/holds",
        {"record": fixture["record"], "reader": fixture["card"], "pickup_library": "TVLC"},
    )
    if status != 201:
        raise RuntimeError(f"hold for the cancels: {status} {body}")
    hold_id = body["hold_id"]
    before = database.events("hold_cancelled")
    answers = api.burst([("DELETE", f"/api/v1/holds/{hold_id}", None)] * 10)
    state = database.one("SELECT status FROM hold WHERE id = :id", id=hold_id)
    cancelled = database.events("hold_cancelled") - before
    problems = []
    if state != "cancelled":
        problems.append(f"hold {state}")
    if cancelled != 1 or _count(answers, 200) != 1:
        problems.append(f"{cancelled} hold_cancelled events, {_count(answers, 200)} answered 200")
    return answers, problems


SCENARIOS = {
    "returns": run_returns,
    "renewals": run_renewals,
    "race": run_race,
    "registrations": run_registrations,
    "one_hold": run_one_hold,
    "hold_limit": run_hold_limit,
    "loan_limit": run_loan_limit,
    "cancels": run_cancels,
}


def measure(api, database, fixtures, rounds: int, deadline: float) -> dict:
    """Each scenario's rounds, one after the other; per scenario its tallies."""
    results = {}
    for key, scenario in SCENARIOS.items():
        tally = {"rounds": 0, "correct": 0, "5xx": 0, "statuses": Counter(), "wrong": []}
        for round_number in range(rounds):
            if time.monotonic() > deadline:
                tally["wrong"].append("stopped: --max-seconds reached")
                break
            answers, problems = scenario(api, database, fixtures[key][round_number], round_number)
            statuses = [status for status, _body in answers]
            tally["rounds"] += 1
            tally["statuses"].update(statuses)
            server_errors = sum(1 for status in statuses if status >= 500 or status == 0)
            tally["5xx"] += server_errors
            if server_errors:
                firsts = [body for status, body in answers if status >= 500 or status == 0][:2]
                problems.append(f"{server_errors} answers 5xx or none: {firsts}")
            if problems:
                tally["wrong"].append(f"round {round_number + 1}: {'; '.join(problems)}")
            else:
                tally["correct"] += 1
        results[key] = tally
        print(f"  {TITLES[key]}: {tally['correct']}/{tally['rounds']} correct", flush=True)
    return results


def report(results: dict, header: str) -> bool:
    """Print the table; True when every round was right."""
    print(f"\n{header}")
    print(f"{'scenario':38} {'rounds':>6} {'correct':>7} {'5xx':>4}  answers (status x count)")
    every = True
    for key, tally in results.items():
        answers = ", ".join(f"{s} x{n}" for s, n in sorted(tally["statuses"].items()))
        print(
            f"{TITLES[key]:38} {tally['rounds']:6} {tally['correct']:7} {tally['5xx']:4}  {answers}"
        )
        if tally["wrong"] or tally["correct"] != tally["rounds"]:
            every = False
    print("\nexpected: " + "; ".join(f"{TITLES[k]}: {v}" for k, v in EXPECTED.items()))
    for key, tally in results.items():
        for line in tally["wrong"][:5]:
            print(f"WRONG {TITLES[key]}: {line}")
    return every


def main() -> int:
    """Set up, serve, burst, read back, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of a database that does not exist yet (created, then dropped); "
        "default a SQLite file in a temporary data dir",
    )
    parser.add_argument("--rounds", type=int, default=10, help="rounds of each scenario")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--server-threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument("--max-seconds", type=float, default=900, help="for the bursts, at most")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and database")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds is 1 to 100")

    data_dir = Path(tempfile.mkdtemp(prefix="libsys-bench-concurrency-"))
    env = {**os.environ, "LIBSYS_DATA_DIR": str(data_dir), "SECRET_KEY": "bench"}
    if args.database_url:
        create_database(args.database_url)
        env["DATABASE_URL"] = database_url = args.database_url
        kind = "PostgreSQL"
    else:
        env.pop("DATABASE_URL", None)
        database_url = f"sqlite:///{data_dir / 'libsys.db'}"
        kind = "SQLite"
    server = None
    log = data_dir / "gunicorn.log"
    try:
        print(f"setting up ({kind}, data dir {data_dir}) ...", flush=True)
        loaded = prepare(env, args.rounds)
        port = free_port()
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(args.workers),
             "--threads", str(args.server_threads),
             "--worker-class", "libsys.core.workers.BalancedThreadWorker",
             "--keep-alive", "30", "--timeout", "120", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "--error-logfile", str(log), "libsys:create_app()"],
            env=env, cwd=PROJECT,
        )  # fmt: skip
        wait_until_up(port)
        api = Api(port, loaded["token"], args.timeout)
        database = Database(database_url)
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        results = measure(
            api, database, loaded["fixtures"], args.rounds, started + args.max_seconds
        )
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]
        database.engine.dispose()
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if args.database_url and not args.keep:
            drop_database(args.database_url)
        if server is None and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)  # the set-up failed: nothing to read
    header = (
        f"Concurrency — {kind}, gunicorn {args.workers} workers x {args.server_threads} "
        f"thread(s) (BalancedThreadWorker); one connection per request, released by a "
        f"barrier; {elapsed:.0f} s; {os.cpu_count()} CPUs, load {load_before:.2f} before, "
        f"{load_after:.2f} after (1 min)"
    )
    every = report(results, header)
    if not every and log.exists():
        print("\nserver log (end):\n" + log.read_text()[-2000:])
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(
        "reproduce: "
        + " ".join([".venv/bin/python", "scripts/bench/concurrency.py", *sys.argv[1:]])
    )
    return 0 if every else 1


if __name__ == "__main__":
    sys.exit(main())
