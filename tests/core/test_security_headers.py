"""Security headers, the Content-Security-Policy's needs met by every template, cookie flags."""

import re

from libsys import PROJECT_DIR, create_app
from tests.factories import make_staff, sign_in

TEMPLATES = PROJECT_DIR / "templates"


def test_every_answer_carries_the_security_headers(client, network):
    for path in ("/", "/login", "/api/v1/openapi.json", "/static/css/app.css"):
        answer = client.get(path)
        answer.close()
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy, path
        assert "style-src 'self'" in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in answer.headers  # plain http, no HTTPS flag


def test_no_template_needs_an_inline_script_or_style():
    """The policy allows scripts and styles from /static only: a template with an inline
    <script>, an on*= handler, a style= attribute or a <style> block would be blocked."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            place = f"{path.relative_to(TEMPLATES)}:{number}"
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", line):
                found.append(f"{place}: inline <script>")
            if re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", line):
                found.append(f"{place}: on*= handler")
            if re.search(r"<[a-zA-Z][^>]*\sstyle\s*=", line) or "<style" in line:
                found.append(f"{place}: inline style")
            if "javascript:" in line:
                found.append(f"{place}: javascript: URL")
    assert found == []


def _session_cookie(answer) -> str:
    cookies = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, answer.headers
    return cookies[0]


def test_session_cookie_is_httponly_lax_and_secure_only_over_https(client, network):
    make_staff("circulation", "TVLC", username="cookie1")
    plain = sign_in(client, "cookie1")
    cookie = _session_cookie(plain)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # http://127.0.0.1 (scripts/serve) keeps working
    over_https = client.post(
        "/login",
        data={"username": "cookie1", "password": "secret-pass-1"},
        base_url="https://localhost",
    )
    assert over_https.status_code == 302
    assert "Secure" in _session_cookie(over_https)


def test_https_behind_a_trusted_proxy(tmp_path):
    """LIBSYS_HTTPS and LIBSYS_PROXIES: cookies always Secure, HSTS on HTTPS answers, and
    the client's address and scheme read from the proxy's headers."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}",
            "SECRET_KEY": "test-secret",
            "DATA_DIR": str(tmp_path),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "HTTPS": True,
            "PROXY_COUNT": 1,
        }
    )
    seen = {}

    @app.route("/_seen")
    def _seen():
        from flask import request

        seen.update(address=request.remote_addr, secure=request.is_secure)
        return "ok"

    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    answer = client.get("/_seen", headers=forwarded)
    assert seen == {"address": "203.0.113.9", "secure": True}
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    switched = client.post("/lang/en", headers=forwarded)
    assert "Secure" in _session_cookie(switched)
    # Even a request the proxy did not mark as HTTPS gets a Secure cookie under the flag.
    assert "Secure" in _session_cookie(client.post("/lang/vi"))
