"""Configuration read from the environment, with defaults that need no server."""

import os
import secrets
from pathlib import Path


def data_dir_from_env() -> Path:
    """The data directory (LIBSYS_DATA_DIR, default ./instance): database, index, uploads."""
    return Path(os.environ.get("LIBSYS_DATA_DIR", "instance")).resolve()


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and drive them with psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _kept_key(env_name: str, key_file: Path, make) -> str:
    """A key from the environment, or the one kept in `key_file`, written there once."""
    if os.environ.get(env_name):
        return os.environ[env_name]
    if key_file.exists():
        return key_file.read_text().strip()
    key = make()
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, or one generated once and kept in the data dir."""
    return _kept_key("SECRET_KEY", data_dir / "secret_key", lambda: secrets.token_hex(32))


def _pseudonym_key(data_dir: Path, secret_key: str) -> str:
    """The key of readers' pseudonyms in the event log (LIBSYS_PSEUDONYM_KEY, else kept in
    the data dir): apart from SECRET_KEY, so rotating the session key leaves statistics be."""

    def make() -> str:
        # An install that has already logged events keyed their pseudonyms with SECRET_KEY:
        # it keeps that value, so distinct readers still add up across the change.
        running = any((data_dir / name).exists() for name in ("libsys.db", "search-index"))
        return secret_key if running else secrets.token_hex(32)

    return _kept_key("LIBSYS_PSEUDONYM_KEY", data_dir / "pseudonym_key", make)


def load_config() -> dict:
    """Build the configuration mapping from the environment."""
    data_dir = data_dir_from_env()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'libsys.db'}"
    secret_key = _secret_key(data_dir)
    return {
        "DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SECRET_KEY": secret_key,
        "PSEUDONYM_KEY": _pseudonym_key(data_dir, secret_key),
        "PORT": int(os.environ.get("PORT", "5000")),
        "SEARCH_BACKEND": os.environ.get("LIBSYS_SEARCH", "whoosh"),
        "SEARCH_INDEX_DIR": str(data_dir / "search-index"),
        "UPLOAD_DIR": str(data_dir / "uploads"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LIBSYS_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": {"vi": "Tiếng Việt", "en": "English"},
        # Card numbers: prefix + zero-padded serial, e.g. "BD000123" (configurable per province).
        "CARD_NUMBER_PREFIX": os.environ.get("LIBSYS_CARD_PREFIX", "BD"),
        "CARD_NUMBER_DIGITS": int(os.environ.get("LIBSYS_CARD_DIGITS", "6")),
        "CARD_VALIDITY_DAYS": int(os.environ.get("LIBSYS_CARD_VALIDITY_DAYS", "365")),
        "SMTP_HOST": os.environ.get("LIBSYS_SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("LIBSYS_SMTP_PORT", "25")),
        "SMTP_SENDER": os.environ.get("LIBSYS_SMTP_SENDER", "libsys@localhost"),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Served over HTTPS only (Secure cookies always, HSTS); behind N trusted proxies.
        "HTTPS": os.environ.get("LIBSYS_HTTPS", "").lower() in ("1", "true", "yes", "on"),
        "PROXY_COUNT": int(os.environ.get("LIBSYS_PROXIES", "0") or 0),
        "JSON_SORT_KEYS": False,
        # What one request may carry (libsys/core/limits.py): the largest upload (a MARC
        # file), a body sent to the API, the length of an address.
        "MAX_CONTENT_LENGTH": int(os.environ.get("LIBSYS_MAX_UPLOAD_MB", "512")) * 1024 * 1024,
        "API_MAX_BODY": int(os.environ.get("LIBSYS_MAX_API_BODY_KB", "1024")) * 1024,
        "MAX_URL_LENGTH": int(os.environ.get("LIBSYS_MAX_URL_LENGTH", "4096")),
    }
