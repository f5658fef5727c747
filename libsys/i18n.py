"""Translations: each domain keeps its own catalogue, compiled on start when stale."""

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request, session
from flask_login import current_user

from libsys.extensions import babel

PACKAGE_DIR = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def translation_directories() -> list[Path]:
    """Every `translations/` folder inside the package (one per domain)."""
    return sorted(p for p in PACKAGE_DIR.rglob("translations") if p.is_dir())


def compile_catalogs(force: bool = False) -> int:
    """Compile each .po whose .mo is missing or older; returns how many were written."""
    written = 0
    for directory in translation_directories():
        for po_path in directory.glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if (
                not force
                and mo_path.exists()
                and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            ):
                continue
            try:
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file)
                with mo_path.open("wb") as mo_file:
                    write_mo(mo_file, catalog)
                written += 1
            except OSError as exc:  # read-only install: use what is there
                log.warning("cannot compile %s: %s", po_path, exc)
    return written


def select_locale() -> str:
    """The language chosen by the person, else the browser's if English, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False):
        preferred = getattr(current_user, "language", None)
        if preferred in languages:
            return preferred
    if request and request.path.startswith("/api/"):
        best = request.accept_languages.best_match(list(languages))
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask) -> None:
    """Compile stale catalogues and bind Flask-Babel with every domain's catalogue."""
    compile_catalogs()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(d) for d in translation_directories()
    )
    babel.init_app(app, locale_selector=select_locale)


PROJECT_DIR = PACKAGE_DIR.parent
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def domain_sources(domain: str) -> list[Path]:
    """Where a domain's messages come from: its package and its template folder.

    The "core" domain also owns the package's top-level modules and the shared templates.
    """
    if domain == "core":
        return [
            *sorted(PACKAGE_DIR.glob("*.py")),
            PACKAGE_DIR / "core",
            *sorted((PROJECT_DIR / "templates").glob("*.html")),
            PROJECT_DIR / "templates" / "core",
        ]
    return [PACKAGE_DIR / domain, PROJECT_DIR / "templates" / domain]


def extract_messages(domain: str) -> dict[str, list[str]]:
    """Every translatable string of a domain, with the places it is used."""
    from babel.messages.extract import extract_from_dir, extract_from_file

    found: dict[str, list[str]] = {}

    def add(filename, lineno, message):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")

    for source in domain_sources(domain):
        if source.is_file():
            method = "jinja2" if source.suffix == ".html" else "python"
            for lineno, message, _comments, _ctx in extract_from_file(
                method, str(source), keywords=KEYWORDS
            ):
                add(source.relative_to(PROJECT_DIR), lineno, message)
        elif source.is_dir():
            for filename, lineno, message, _comments, _ctx in extract_from_dir(
                str(source), METHOD_MAP, keywords=KEYWORDS
            ):
                if "translations" in filename:
                    continue
                add(source.relative_to(PROJECT_DIR) / filename, lineno, message)
    return found


def update_catalog(domain: str, locale: str = "vi") -> tuple[Path, list[str]]:
    """Write the domain's .po with every current message, keeping translations made.

    Returns the .po path and the messages still without a translation.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    folder = PACKAGE_DIR / domain if domain != "core" else PACKAGE_DIR / "core"
    po_path = folder / "translations" / locale / "LC_MESSAGES" / "messages.po"
    old = {}
    if po_path.exists():
        with po_path.open("rb") as handle:
            old = {m.id: m.string for m in read_po(handle) if m.id}
    catalog = Catalog(locale=locale, project="libsys", fuzzy=False)
    missing = []
    for msgid, places in sorted(extract_messages(domain).items()):
        translation = old.get(msgid, "")
        if not translation:
            missing.append(msgid)
        catalog.add(
            msgid,
            translation,
            locations=[(p.split(":")[0], int(p.split(":")[1])) for p in places[:3]],
        )
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    return po_path, missing
