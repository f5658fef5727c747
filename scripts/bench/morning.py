#!/usr/bin/env python3
"""A provincial library's morning: OPAC searches, desk checkouts and returns and a manager's
monthly export at once, through nginx in front of two app servers sharing one PostgreSQL.

Runs what docs/deployment.md describes, on 127.0.0.1: two gunicorn app servers (scripts/serve's
worker set-up, 2 workers each) with their own data dirs, the same PostgreSQL, the PostgreSQL
search backend and the same keys; the jobs worker beside the first only; nginx with
scripts/deploy/nginx-libsys.conf (its ports changed) in front. Then, all at once and bounded
by a count:

- N readers search the OPAC (`/search?q=`, the 50 queries of scripts/bench/search.py, each
  reader starting at another one), a page at a time;
- M desks lend and take back their own copies over the API (as scripts/bench/desk.py), and
  every fifth cycle all of them try to lend the same few copies (a 409 refusal is expected
  there, counted apart; two loans of one copy must never happen);
- one manager signs in (the session goes through both servers), asks for the last closed
  month's statistics export (xlsx), waits for the job and downloads the file, again and again
  until the others are done.

At the end the database is asked whether any copy has two open loans or a status that
disagrees with its loans, and the figures are printed: p50/p95/max per kind, operations per
second, errors by kind and status, how nginx spread the requests, the load average.

The database must hold a network already (the demo at least; the 250,000 LC records with
scripts/bench/search.py --setup --backend postgres, grown with scripts/bench/grow.py). The run
adds a few hundred copies and readers of its own (prefix MRN) and leaves them.

    .venv/bin/python scripts/bench/morning.py --data-dir /tmp/bench-morning-a \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_morning

Needs nginx on PATH (`apt-get install nginx-light`); nginx runs in the foreground from a
temporary folder, never as the system's service.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = PROJECT / ".venv" / "bin"
sys.path.insert(0, str(PROJECT))

from scripts.bench.desk import Desk, free_port, machine_speed, percentile  # noqa: E402
from scripts.bench.search import QUERIES  # noqa: E402

NGINX_EXAMPLE = PROJECT / "scripts" / "deploy" / "nginx-libsys.conf"
MANAGER, MANAGER_PASSWORD = "quanly", "libsys-demo"  # the demo's provincial manager
SHARED_COPIES = 4  # copies every desk tries to lend every fifth cycle


def prepare(env: dict, desks: int, per_desk: int) -> tuple[str, list, list]:
    """Bench copies and readers (a run's own prefix), the desk account and a token; in a
    subprocess with server A's environment. Returns (token, each desk's pairs, shared)."""
    prefix = f"MRN{int(time.time()) % 1_000_000:06d}"
    count = desks * per_desk + SHARED_COPIES
    script = f"""
import json
from datetime import timedelta
from sqlalchemy import select
from libsys import create_app
from libsys.extensions import db
from libsys.core.clock import local_today
from libsys.accounts.services import create_token, create_user
from libsys.readers.services import register_reader
from scripts.bench.desk import models_by_table
app = create_app()
with app.app_context():
    models = models_by_table()
    Item, Record, User = models["item"], models["record"], models["staff_user"]
    Library, Store = models["library"], models["store"]
    library = db.session.scalar(select(Library).where(Library.code == "TVLC"))
    store = db.session.scalar(
        select(Store).where(Store.library_id == library.id, Store.code == "VN"))
    expires = (local_today() + timedelta(days=700)).isoformat()
    pairs = []
    for n in range({count}):
        record = Record(marc="{{}}", title=f"Sách buổi sáng {{n}}",
                        title_sort=f"sach buoi sang {{n}}")
        db.session.add(record)
        db.session.flush()
        barcode = f"{prefix}{{n:04d}}"
        db.session.add(Item(record_id=record.id, library_id=library.id, store_id=store.id,
                            accession_number=f"VN.{prefix}{{n:04d}}", barcode=barcode))
        reader = register_reader({{"full_name": f"Bạn đọc buổi sáng {{n}}",
                                   "category": "official", "home_library": "TVLC",
                                   "card_expires": expires}})
        pairs.append((barcode, reader.card_number))
    if db.session.scalar(select(User).where(User.username == "bench-morning")) is None:
        create_user("bench-morning", "bench-password-1", "circulation", "TVLC")
    token = create_token("bench-morning")
    db.session.commit()
    print(json.dumps({{"token": token, "pairs": pairs}}))
"""
    data = in_app(env, script)
    pairs = [tuple(pair) for pair in data["pairs"]]
    own = [pairs[i * per_desk : (i + 1) * per_desk] for i in range(desks)]
    return data["token"], own, pairs[desks * per_desk :]


def in_app(env: dict, script: str) -> dict:
    """Run `script` (which prints JSON last) in a Python of the venv with `env`."""
    command = [str(VENV_BIN / "python"), "-c", script]
    result = subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def second_data_dir(first: Path) -> Path:
    """Server B's data dir: its own folder, with server A's keys (the same sessions and the
    same readers' pseudonyms) and A's uploads and exports (on two machines: a shared mount)."""
    second = first.with_name(first.name + "-b")
    second.mkdir(exist_ok=True)
    for key in ("secret_key", "pseudonym_key"):
        if (first / key).exists():
            shutil.copy2(first / key, second / key)
    for folder in ("uploads", "exports"):
        (first / folder).mkdir(exist_ok=True)
        link = second / folder
        if not link.is_symlink():
            if link.exists():
                shutil.rmtree(link)
            link.symlink_to(first / folder)
    return second


def start_app_server(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn as scripts/serve starts it."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "--workers", str(workers), "--threads", "1",
        "--worker-class", "libsys.core.workers.BalancedThreadWorker",
        "--keep-alive", "30", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
        "--limit-request-line", "8190", "--log-level", "warning",
        "libsys:create_app()",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=PROJECT, stdout=log.open("w"), stderr=None)


def nginx_config(folder: Path, port: int, upstreams: tuple[int, int]) -> Path:
    """The example config with this run's ports, inside a minimal nginx.conf of its own."""
    site = NGINX_EXAMPLE.read_text()
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{upstreams[0]}")
    site = site.replace("127.0.0.1:8002", f"127.0.0.1:{upstreams[1]}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        "http {\n"
        "    log_format upstream '$status $upstream_addr $request_time \"$request\"';\n"
        f"    access_log {folder / 'access.log'} upstream;\n{temp}{site}\n}}\n"
    )
    return conf


def wait_for(port: int, path: str = "/healthz", timeout: float = 120) -> None:
    """Poll until `path` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"nothing answers on port {port}")


class Tally:
    """Timings and errors of every client, by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {}
        self.errors: Counter = Counter()
        self.refusals: Counter = Counter()
        self.ends: list[float] = []

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.timings.setdefault(kind, []).append(seconds)
            self.ends.append(time.perf_counter())
            if error:
                self.errors[(kind, error)] += 1


def reader(port: int, number: int, searches: int, tally: Tally) -> None:
    """One reader at the OPAC: `searches` result pages, queries in turn from her own start."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for n in range(searches):
        kind, params = QUERIES[(number * 7 + n) % len(QUERIES)]
        url = "/search?" + urllib.parse.urlencode(params)
        started = time.perf_counter()
        try:
            conn.request("GET", url)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            status = type(exc).__name__
        tally.add("search", time.perf_counter() - started, None if status == 200 else str(status))


def desk(port: int, token: str, own: list, shared: list, cycles: int, tally: Tally) -> None:
    """One desk: lend and take back its own copies; every fifth cycle, the shared ones."""
    client = Desk(port, token, keep_alive=True)
    for n in range(cycles):
        barcode, card = own[n % len(own)]
        status, seconds, body = client.post("/api/v1/checkouts", {"item": barcode, "reader": card})
        tally.add("checkout", seconds, None if status == 201 else f"{status} {_code(body)}")
        status, seconds, body = client.post("/api/v1/checkins", {"item": barcode})
        tally.add("checkin", seconds, None if status == 200 else f"{status} {_code(body)}")
        if n % 5 == 4:
            copy, _card = shared[n // 5 % len(shared)]
            status, seconds, body = client.post("/api/v1/checkouts", {"item": copy, "reader": card})
            if status == 201:
                tally.add("contended checkout", seconds)
                status, seconds, body = client.post("/api/v1/checkins", {"item": copy})
                tally.add("checkin", seconds, None if status == 200 else f"{status} {_code(body)}")
            elif status == 409:  # another desk lends it now: a refusal, as at a real desk
                tally.add("contended checkout", seconds)
                with tally.lock:
                    tally.refusals[_code(body)] += 1
            else:
                tally.add("contended checkout", seconds, f"{status} {_code(body)}")


def _code(body: dict) -> str:
    return (body.get("error") or {}).get("code", "") if isinstance(body, dict) else ""


def manager(port: int, period: str, done: threading.Event, tally: Tally, files: list) -> None:
    """The manager: sign in, then export the month (xlsx) again and again until `done`."""
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()

    def timed(kind, method, path, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(method, base + path, timeout=300, **kwargs)
        except requests.RequestException as exc:
            tally.add(kind, time.perf_counter() - started, type(exc).__name__)
            return None
        ok = response.status_code in (200, 302)
        tally.add(kind, time.perf_counter() - started, None if ok else str(response.status_code))
        return response if ok else None

    page = timed("manager page", "GET", "/login")
    form = {"csrf_token": _csrf(page.text), "username": MANAGER, "password": MANAGER_PASSWORD}
    if timed("manager page", "POST", "/login", data=form, allow_redirects=False) is None:
        return
    while True:
        started = time.perf_counter()
        page = timed("manager page", "GET", "/staff/stats/exports")
        if page is None:
            return
        form = {"csrf_token": _csrf(page.text), "period": period, "format": "xlsx"}
        answer = timed("manager page", "POST", "/staff/stats/exports", data=form,
                       allow_redirects=False)  # fmt: skip
        job = answer is not None and re.search(r"/exports/(\d+)", answer.headers["Location"])
        if not job:
            return
        while True:
            time.sleep(0.5)
            page = timed("manager page", "GET", f"/staff/stats/exports/{job[1]}")
            if page is None or f"/exports/{job[1]}/file" in page.text:
                break
            if "export-state" in page.text and 'http-equiv="refresh"' not in page.text:
                tally.add("export (request to file)", time.perf_counter() - started, "failed")
                break
        file = timed("manager page", "GET", f"/staff/stats/exports/{job[1]}/file")
        if file is not None:
            ok = file.content[:2] == b"PK"
            tally.add("export (request to file)", time.perf_counter() - started,
                      None if ok else "not an xlsx")  # fmt: skip
            files.append(len(file.content))
        if done.is_set():
            return


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    return found[1] if found else ""


def check_loans(env: dict) -> dict:
    """Copies with two open loans, and copies whose status disagrees with their loans."""
    script = """
import json
from sqlalchemy import text
from libsys import create_app
from libsys.extensions import db
app = create_app()
with app.app_context():
    q = lambda sql: db.session.execute(text(sql)).scalar()
    print(json.dumps({
        "copies with two open loans": q(
            "SELECT count(*) FROM (SELECT item_id FROM loan WHERE returned_at IS NULL "
            "GROUP BY item_id HAVING count(*) > 1) t"),
        "run's open loans of a copy not on loan": q(
            "SELECT count(*) FROM loan JOIN item ON item.id = loan.item_id "
            "WHERE loan.returned_at IS NULL AND item.status <> 'on_loan' "
            "AND item.barcode LIKE 'MRN%'"),
        "run's copies on loan without an open loan": q(
            "SELECT count(*) FROM item WHERE barcode LIKE 'MRN%' AND status = 'on_loan' "
            "AND NOT EXISTS (SELECT 1 FROM loan WHERE loan.item_id = item.id "
            "AND loan.returned_at IS NULL)"),
        "records": q("SELECT count(*) FROM record"),
        "events": q("SELECT count(*) FROM event"),
    }))
"""
    return in_app(env, script)


def spread(access_log: Path) -> Counter:
    """Requests per app server, from nginx's log."""
    counts: Counter = Counter()
    for line in access_log.read_text().splitlines():
        parts = line.split(" ")
        if len(parts) > 1:
            counts[parts[1]] += 1
    return counts


def main() -> int:
    """Set up, serve behind nginx, run the morning, check the loans, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL with a network in it")
    parser.add_argument("--data-dir", required=True, help="server A's data dir (B's is made)")
    parser.add_argument("--readers", type=int, default=6, help="readers searching the OPAC")
    parser.add_argument("--searches", type=int, default=50, help="result pages per reader")
    parser.add_argument("--desks", type=int, default=4, help="desks lending and taking back")
    parser.add_argument("--cycles", type=int, default=50, help="checkout+return per desk")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--period", help="the month exported (default: the last closed one)")
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        sys.exit("nginx is not installed: apt-get install nginx-light")
    today = date.today()
    last_month = today.replace(day=1) - timedelta(days=1)
    period = args.period or f"{last_month.year}-{last_month.month:02d}"

    first = Path(args.data_dir).resolve()
    second = second_data_dir(first)
    base_env = {**os.environ, "DATABASE_URL": args.database_url, "LIBSYS_SEARCH": "postgres"}
    env_a = {**base_env, "LIBSYS_DATA_DIR": str(first)}
    env_b = {**base_env, "LIBSYS_DATA_DIR": str(second)}
    print("preparing the run's copies and readers ...", flush=True)
    token, own, shared = prepare(env_a, args.desks, 10)

    folder = Path(tempfile.mkdtemp(prefix="libsys-morning-"))
    folder.chmod(0o755)
    ports = (free_port(), free_port())
    proxy_port = free_port()
    env_proxied = {"LIBSYS_PROXIES": "1"}
    processes = [
        start_app_server({**env_a, **env_proxied}, ports[0], args.workers, folder / "a.log"),
        start_app_server({**env_b, **env_proxied}, ports[1], args.workers, folder / "b.log"),
        subprocess.Popen(
            [str(VENV_BIN / "libsys"), "jobs", "worker"],
            env=env_a,
            cwd=PROJECT,
            stdout=(folder / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        ),
    ]
    conf = nginx_config(folder, proxy_port, ports)
    try:
        for port in ports:
            wait_for(port)
        processes.append(
            subprocess.Popen(["nginx", "-c", str(conf), "-p", str(folder), "-g", "daemon off;"])
        )
        wait_for(proxy_port)
        # Warm each worker: imports, the search statements, the desk's prepared lookups.
        warm = Tally()
        for n in range(4):
            reader(proxy_port, n, 4, warm)
        print(f"serving: nginx :{proxy_port} -> app servers :{ports[0]} (A, jobs worker) and "
              f":{ports[1]} (B); logs in {folder}", flush=True)  # fmt: skip

        tally, done, files = Tally(), threading.Event(), []
        load_before, speed = os.getloadavg(), machine_speed()
        threads = [
            threading.Thread(target=reader, args=(proxy_port, n, args.searches, tally))
            for n in range(args.readers)
        ] + [
            threading.Thread(
                target=desk, args=(proxy_port, token, own[n], shared, args.cycles, tally)
            )  # fmt: skip
            for n in range(args.desks)
        ]
        boss = threading.Thread(target=manager, args=(proxy_port, period, done, tally, files))
        started = time.perf_counter()
        for thread in [*threads, boss]:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        boss.join()
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    checks = check_loans(env_a)
    print(f"\n{checks['records']:,} records, {checks['events']:,} events; {args.readers} "
          f"readers x {args.searches} searches, {args.desks} desks x {args.cycles} cycles, "
          f"1 manager exporting {period}; {wall:.1f} s")  # fmt: skip
    print(f"{'kind':28} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'per s':>7}")
    for kind, values in sorted(tally.timings.items()):
        print(
            f"{kind:28} {len(values):6} {percentile(values, 0.5) * 1000:8.0f} "
            f"{percentile(values, 0.95) * 1000:8.0f} {max(values) * 1000:8.0f} "
            f"{len(values) / wall:7.1f}"
        )
    total = sum(len(v) for k, v in tally.timings.items() if k != "export (request to file)")
    print(f"all requests: {total} in {wall:.1f} s = {total / wall:.1f}/s; exports downloaded: "
          f"{len(files)} ({', '.join(f'{size:,} B' for size in files[:3])})")  # fmt: skip
    print(f"errors: {dict(tally.errors) or 0}; expected refusals on shared copies: "
          f"{dict(tally.refusals)}")  # fmt: skip
    print(f"nginx sent requests to: {dict(spread(folder / 'access.log'))}")
    for name, value in checks.items():
        if name not in ("records", "events"):
            print(f"{name}: {value}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
          f"machine speed {speed:.2f} s")  # fmt: skip
    command = " ".join(a if " " not in a else repr(a) for a in sys.argv)
    print(f"reproduce: .venv/bin/python {command}")
    bad = checks["copies with two open loans"] or checks["run's open loans of a copy not on loan"]
    return 1 if tally.errors or bad else 0


if __name__ == "__main__":
    sys.exit(main())
