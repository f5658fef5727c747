"""libsys: an integrated library system for Vietnamese provincial library networks."""

from pathlib import Path

from flask import Flask

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, then each domain."""
    from libsys.config import load_config
    from libsys.db import init_db
    from libsys.extensions import csrf, db, login_manager, migrate
    from libsys.i18n import init_i18n

    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(load_config())
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    init_db(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    init_i18n(app)

    import libsys.models  # noqa: F401  (every model known before anything queries)
    from libsys import (
        accounts,
        api,
        audit,
        catalog,
        circulation,
        core,
        network,
        opac,
        privacy,
        readers,
        rotation,
        search,
        stats,
    )

    # Each domain registers its own blueprints, commands and hooks. The API comes last: its
    # blueprint is registered once every domain's init_app has added its endpoints to it.
    for domain in (
        core,
        accounts,
        network,
        readers,
        catalog,
        search,
        opac,
        circulation,
        rotation,
        stats,
        audit,
        privacy,
        api,
    ):
        domain.init_app(app)
    return app
