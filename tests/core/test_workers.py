"""The server's worker class: two desks' kept-alive connections land on two workers."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# A WSGI app that answers with the pid of the worker that served the request.
APP = """
import os

def app(environ, start_response):
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid(connection) -> int:
    connection.request("GET", "/")
    return int(connection.getresponse().read())


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this venv")
@pytest.mark.parametrize("round_", range(3))
def test_a_second_kept_alive_connection_goes_to_the_idle_worker(tmp_path, round_):
    (tmp_path / "pidapp.py").write_text(APP)
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", "2", "--threads", "1", "--keep-alive", "30",
         "--worker-class", "libsys.core.workers.BalancedThreadWorker",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "pidapp:app"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{PROJECT}"},
    )  # fmt: skip
    try:
        # Both workers up: short-lived connections until each has answered once.
        deadline, seen = time.monotonic() + 60, set()
        while len(seen) < 2:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                seen.add(_pid(probe))
                probe.close()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        time.sleep(0.3)  # the probes' closes reach the workers
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        first_pid = _pid(first)
        second = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        second_pid = _pid(second)
        # Without the balancing, either worker may take the second connection (half the
        # time the same one as the first, and the two desks then wait for each other).
        assert second_pid != first_pid
        assert _pid(first) == first_pid and _pid(second) == second_pid  # kept alive
        first.close()
        second.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
