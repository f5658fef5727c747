"""Schemathesis over the API's own OpenAPI document: hostile and random input, never a 500.

Every operation of /api/v1 is called with bodies, paths and query strings generated from the
document, valid ones and broken ones (schemathesis' positive and negative modes), with an
administrator's Bearer token over the demo network; then once more with the path naming
things that exist (a record, a copy, a reader, a loan, a hold, a point, a batch), so the
answers about real things are checked against the document too. Every answer must be
something other than a server error, with a status, a content type and a body the document
lists for that operation.

The same runs over real HTTP against the app served as scripts/serve serves it (gunicorn with
two workers, the demo loaded by `libsys demo`, its own database: SQLite, or a PostgreSQL
database beside the suite's), so what the server adds (its parsing, its limits) is checked
too. The examples per operation and pass are bounded for the suite (LIBSYS_SCHEMATHESIS_EXAMPLES,
default 15); docs/development.md says how to run it with many more.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from libsys.core.clock import local_today
from tests.circulation.conftest import adult, make_item
from tests.factories import api_headers

EXAMPLES = int(os.environ.get("LIBSYS_SCHEMATHESIS_EXAMPLES", "15"))
# Over real HTTP each call costs more: fewer examples, the same checks.
LIVE_EXAMPLES = max(1, EXAMPLES // 3)
PROJECT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
LIBSYS = Path(sys.executable).with_name("libsys")
# How scripts/serve starts gunicorn (its request lines up to 8190 bytes reach the app).
SERVE_FLAGS = (
    "--workers", "2", "--threads", "1", "--keep-alive", "30", "--timeout", "120",
    "--worker-class", "libsys.core.workers.BalancedThreadWorker", "--limit-request-line", "8190",
)  # fmt: skip
# No server error; every answer's status, content type and body as the document says.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _existing_things(client, headers) -> dict:
    """Path parameters that name real things: a lent copy, its reader, a hold, a batch."""
    lent, held = make_item(), make_item(library_code="TVTD", store_code="LC")
    reader = adult()
    loan = client.post(
        "/api/v1/checkouts",
        json={"reader": reader.card_number, "item": lent.barcode, "library": "TVLC"},
        headers=headers,
    )
    hold = client.post(
        "/api/v1/holds",
        json={"reader": reader.card_number, "record": held.record_id, "pickup_library": "TVLC"},
        headers=headers,
    )
    batch = client.post(
        "/api/v1/rotation/batches",
        json={"library": "TVTD", "point": "BDBG",
              "planned_return": (local_today() + timedelta(days=90)).isoformat()},
        headers=headers,
    )  # fmt: skip
    assert (loan.status_code, hold.status_code, batch.status_code) == (201, 201, 201), (
        loan.json,
        hold.json,
        batch.json,
    )
    return {
        "record_id": lent.record_id,
        "barcode": lent.barcode,
        "card_number": reader.card_number,
        "loan_id": loan.json["loan_id"],
        "hold_id": hold.json["hold_id"],
        "code": "BDBG",
        "batch_id": batch.json["id"],
    }


def _run(schema, headers: dict, existing: dict, examples: int) -> None:
    """Every operation with generated valid and broken input (and the known things in its
    path); fails with every operation's first failure."""
    failures: dict[str, str] = {}
    calls: Counter = Counter()
    statuses: Counter = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.iter_parameters() if p.location == "path"}
        known = {name: existing[name] for name in names if name in existing}
        strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
        if known:
            strategies.append(operation.as_strategy(path_parameters=known))
        for strategy in strategies:

            @given(case=strategy)
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case):
                calls[case.operation.label] += 1
                try:
                    response = case.call(headers=headers)
                    statuses[response.status_code] += 1
                    case.validate_response(response, checks=CHECKS)
                except Exception as exc:  # every operation is tried; all failures reported
                    statuses[type(exc).__name__] += 1
                    failures.setdefault(
                        case.operation.label, f"{case.as_curl_command()}\n{exc}"[:3000]
                    )

            call()

    print(f"schemathesis: {sum(calls.values())} calls over {len(calls)} operations, {statuses}")
    assert calls and not failures, "\n\n".join(f"{k}: {text}" for k, text in failures.items())


def test_the_api_answers_hostile_input_without_a_server_error(app, client, network):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = api_headers("admin")
    _run(schema, headers, _existing_things(client, headers), EXAMPLES)


def _libsys(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(LIBSYS), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@contextmanager
def _live_database(tmp_path):
    """The live server's own database: a new PostgreSQL database beside the suite's when it
    runs on PostgreSQL (dropped after), else SQLite in the server's data folder."""
    url = os.environ.get("LIBSYS_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'libsys.db'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_live"
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this venv")
def test_the_live_server_answers_hostile_input_without_a_server_error(tmp_path):
    """The app as scripts/serve runs it (gunicorn, two workers, the demo), over real HTTP."""
    with _live_database(tmp_path) as database_url:
        env = {**os.environ, "LIBSYS_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url}
        env.pop("LIBSYS_TEST_DATABASE_URL", None)
        _libsys(env, "db", "upgrade")
        _libsys(env, "demo")
        _libsys(env, "reindex", "--check")
        token = _libsys(env, "create-token", "admin").strip().splitlines()[-1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [str(GUNICORN), *SERVE_FLAGS, "--bind", f"127.0.0.1:{port}", "libsys:create_app()"],
            env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=5).close()
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, "no server"
                    time.sleep(0.2)
            schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
            _run(schema, {"Authorization": f"Bearer {token}"}, {}, LIVE_EXAMPLES)
        finally:
            server.terminate()
            _out, errors = server.communicate(timeout=30)
        assert "Traceback" not in errors, errors[-3000:]
