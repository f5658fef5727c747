"""Cookies and response headers that keep a browser safe: Secure cookies over HTTPS, the
Content-Security-Policy, no framing, no type sniffing, no referrer sent to other sites.

Settings (environment, read by `libsys.config`):
- `LIBSYS_HTTPS=1`: the site is served over HTTPS only: session cookies are always
  `Secure`, and browsers are told to keep to HTTPS (Strict-Transport-Security).
  Without it a cookie is still `Secure` on any request that arrived over HTTPS, so plain
  http://127.0.0.1 (scripts/serve) keeps working.
- `LIBSYS_PROXIES=N`: N reverse proxies (nginx) stand in front; their X-Forwarded-For,
  -Proto and -Host are believed (werkzeug's ProxyFix), so the client's address (sign-in
  throttling) and HTTPS are seen through them. 0 (default): no header is believed.

Every page works under the policy: scripts only from /static (no inline <script> or on*=
attributes), styles only from /static (no style= attributes or <style> blocks).
"""

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Readers' searches and card numbers in URLs are not told to other sites.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, `Secure` when configured or when the request came
    over HTTPS (directly, or through a proxy that LIBSYS_PROXIES trusts)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        return has_request_context() and request.is_secure


def init_app(app: Flask) -> None:
    """Trust the configured proxies, set the cookie flags, add the headers to every answer."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    https = bool(app.config.get("HTTPS"))
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.session_interface = SessionCookies()

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if https and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
