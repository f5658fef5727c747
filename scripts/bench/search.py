#!/usr/bin/env python3
"""Search benchmark: 50 fixed queries through the HTTP API of a running gunicorn (2 workers).

Set-up once (a data dir with the demo network and the 250,000 LC records, indexed):

    scripts/fetch_lc_records
    .venv/bin/python scripts/bench/search.py --setup --data-dir /tmp/bench-search

Then measure (Whoosh, or PostgreSQL with a database loaded the same way):

    .venv/bin/python scripts/bench/search.py --data-dir /tmp/bench-search
    .venv/bin/python scripts/bench/search.py --data-dir /tmp/bench-search-pg \\
        --backend postgres --database-url postgresql://postgres@127.0.0.1:5432/bench_search_pg

(the PostgreSQL set-up is the same command with --setup, into an empty database made with
`createdb -h 127.0.0.1 -U postgres bench_search_pg`).

Every response carries facet counts (library, material type, language, year, subject,
audience, available); some queries also filter by facets. The first round warms each worker
(its searcher, facet arrays, caches); the figures are from the rounds after it.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
VENV = PROJECT_DIR / ".venv" / "bin"

QUERIES = [
    # single words
    ("word", {"q": "history"}),
    ("word", {"q": "poetry"}),
    ("word", {"q": "chemistry"}),
    ("word", {"q": "lincoln"}),
    ("word", {"q": "shakespeare"}),
    ("word", {"q": "dinosaurs"}),
    ("word", {"q": "vietnam"}),
    ("word", {"q": "railroads"}),
    # broad words with many hits
    ("broad", {"q": "united states"}),
    ("broad", {"q": "the"}),
    ("broad", {"q": "history", "sort": "title"}),
    ("broad", {"q": "american"}),
    ("broad", {"q": "congresses"}),
    ("broad", {"q": "law"}),
    ("broad", {"q": "", "sort": "newest"}),
    # phrases
    ("phrase", {"q": '"civil war"'}),
    ("phrase", {"q": '"world war"'}),
    ("phrase", {"q": '"united states"'}),
    ("phrase", {"q": '"new york"'}),
    ("phrase", {"q": '"case studies"'}),
    # prefixes
    ("prefix", {"q": "educat*"}),
    ("prefix", {"q": "comput*"}),
    ("prefix", {"q": "philosoph*"}),
    ("prefix", {"q": "econom*"}),
    # fields and operators
    ("field", {"q": "author: twain"}),
    ("field", {"q": "title: economics"}),
    ("field", {"q": "subject: juvenile"}),
    ("field", {"q": "music OR songs"}),
    ("field", {"q": "history NOT europe"}),
    # Vietnamese with and without diacritics
    ("vi", {"q": "truyện kiều"}),
    ("vi", {"q": "truyen kieu"}),
    ("vi", {"q": "văn hóa"}),
    ("vi", {"q": "van hoa"}),
    ("vi", {"q": "VĂN HOÁ"}),
    ("vi", {"q": "lịch sử việt nam"}),
    ("vi", {"q": "lich su viet nam"}),
    ("vi", {"q": "thiếu nhi"}),
    ("vi", {"q": "tác giả: Nguyễn Du"}),
    ("vi", {"q": "dương"}),
    ("vi", {"q": "thư vi*"}),
    # facets selected
    ("facet", {"q": "history", "language": "eng"}),
    ("facet", {"q": "history", "year": "1975-1999"}),
    ("facet", {"q": "", "library": "TVLC", "available": "1"}),
    ("facet", {"q": "war", "material_type": "book", "language": "eng"}),
    ("facet", {"q": "van hoc", "library": "TVLC"}),
    ("facet", {"q": "", "audience": "children"}),
    ("facet", {"q": "science", "year": "2000-2009"}),
    ("facet", {"q": "art", "sort": "author"}),
    ("facet", {"q": "education", "page": "3"}),
    ("facet", {"q": "biography", "per_page": "50"}),
]
assert len(QUERIES) == 50


def run(cmd: list[str], env: dict) -> float:
    """Run a libsys command, failing loudly; return (and print) how long it took."""
    print("$", " ".join(cmd), flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=PROJECT_DIR)
    elapsed = time.perf_counter() - started
    print(f"  {elapsed:.0f} s, load average {os.getloadavg()[0]:.1f}", flush=True)
    return elapsed


def setup(args, env: dict) -> None:
    """Create the schema, load the demo, import the LC records, build the index once."""
    records = (
        subprocess.run(
            [sys.executable, str(PROJECT_DIR / "scripts" / "fetch_lc_records")],
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    code = (
        "from libsys import create_app\nfrom libsys.extensions import db\n"
        "app = create_app()\nwith app.app_context(): db.create_all()\n"
    )
    run([str(VENV / "python"), "-c", code], env)
    run([str(VENV / "libsys"), "demo"], env)
    # Loading first and indexing once is the fastest way to fill a new installation.
    import_env = {**env, "LIBSYS_SEARCH_SYNC": "0"}
    if args.backend == "postgres":
        # A PostgreSQL without autovacuum (as on CI) never analyses the growing tables, and
        # psycopg's prepared duplicate lookups then keep a plan made for an empty table
        # (a sequential scan per batch: 2,000 falling to 200 records/s). Plan each time.
        import_env["PGOPTIONS"] = "-c plan_cache_mode=force_custom_plan"
    imported = run([str(VENV / "libsys"), "import-marc", "--library", "TVLC", records], import_env)
    indexed = run([str(VENV / "libsys"), "reindex"], env)
    if args.backend == "postgres":
        # What autovacuum does on a server that runs it: the planner's statistics and the
        # visibility map (counts without visiting every row).
        code = (
            "from sqlalchemy import text\nfrom libsys import create_app\n"
            "from libsys.extensions import db\napp = create_app()\nwith app.app_context():\n"
            "    with db.engine.connect().execution_options("
            "isolation_level='AUTOCOMMIT') as c:\n        c.execute(text('VACUUM ANALYZE'))\n"
        )
        run([str(VENV / "python"), "-c", code], env)
    print(f"set-up: import {imported:.0f} s, reindex {indexed:.0f} s", flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(args, env: dict) -> dict:
    """Start gunicorn, warm it, time the queries, stop it."""
    server = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "libsys:create_app()",
        ],
        env=env,
        cwd=PROJECT_DIR,
    )
    try:
        deadline = time.time() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                conn.request("GET", "/healthz")
                health = json.loads(conn.getresponse().read())
                break
            except (OSError, ValueError):
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        print("health:", health, flush=True)
        timings: dict[str, list[float]] = {}
        cold: list[float] = []
        totals = {}
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        for round_number in range(args.rounds + 1):
            for kind, params in QUERIES:
                url = "/api/v1/search?" + urllib.parse.urlencode(params)
                started = time.perf_counter()
                conn.request("GET", url)
                response = conn.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    raise SystemExit(f"{url}: HTTP {response.status} {body[:200]!r}")
                if round_number == 0:
                    totals[url] = json.loads(body)["total"]
                    cold.append(elapsed)
                    continue  # the warm-up round: reported apart, as "cold"
                timings.setdefault(kind, []).append(elapsed)
        every = [t for values in timings.values() for t in values]
        return {
            "backend": args.backend,
            "requests": len(every),
            "p50": percentile(every, 0.50),
            "p95": percentile(every, 0.95),
            "p99": percentile(every, 0.99),
            "mean": statistics.fmean(every),
            "by_kind_p95": {k: round(percentile(v, 0.95), 1) for k, v in timings.items()},
            "cold_first_round": {
                "p50": round(percentile(cold, 0.50), 1),
                "p95": round(percentile(cold, 0.95), 1),
                "p99": round(percentile(cold, 0.99), 1),
            },
            "records": totals.get("/api/v1/search?q=&sort=newest"),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    """Parse arguments, set up or measure, print the figures and how to reproduce them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in the data dir)")
    parser.add_argument("--setup", action="store_true", help="Create and fill the data dir")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {
        **os.environ,
        "LIBSYS_DATA_DIR": str(Path(args.data_dir).resolve()),
        "LIBSYS_SEARCH": args.backend,
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.setup:
        setup(args, env)
        return
    result = measure(args, env)
    print(json.dumps(result, indent=2))
    command = " ".join(a if " " not in a else repr(a) for a in sys.argv)
    print(f"\nreproduce: .venv/bin/python {command}")
    print(
        f"{args.backend}: {result['records']} records, {result['requests']} requests, "
        f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms"
    )


if __name__ == "__main__":
    main()
