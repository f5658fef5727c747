"""Browser tests: a real libsys server over a demo-loaded SQLite data dir, driven by
Debian's chromium through Playwright (executable_path=/usr/bin/chromium).

Set LIBSYS_REQUIRE_BROWSER=1 (CI does) to fail instead of skipping when chromium is missing.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from libsys import create_app
from libsys.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_PASSWORD = "libsys-demo"
READER_PASSWORD = "bandoc123"


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test."""
    for item in items:
        if Path(__file__).parent in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium():
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("LIBSYS_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of a libsys server with the Vietnamese demo loaded, in a thread."""
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'live.db'}",
            "SECRET_KEY": "live-test",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "DATA_DIR": str(data_dir),
            "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
            "UPLOAD_DIR": str(data_dir / "uploads"),
            "SEARCH_BACKEND": "whoosh",
            # No worker runs beside the live server: a job runs in the request asking for it.
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        db.create_all()
        from libsys.demo import load_demo

        summary = load_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    live = {"url": base_url, "app": app, "summary": summary}
    yield live
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


def _watch_policy(page) -> list[str]:
    """What the Content-Security-Policy blocked on the page (Chromium says so in the
    console): a test whose page needed an inline script or style fails."""
    blocked: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    page.on("console", on_console)
    return blocked


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) at desk size."""
    context = browser.new_context(base_url=live_server["url"], locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = _watch_policy(page)
    yield page
    context.close()
    assert blocked == [], "blocked by the Content-Security-Policy"


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh browser context 360 px wide, as a reader's phone."""
    context = browser.new_context(
        base_url=live_server["url"], locale="vi-VN", viewport={"width": 360, "height": 740}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = _watch_policy(page)
    yield page
    context.close()
    assert blocked == [], "blocked by the Content-Security-Policy"
