"""Circulation: policies, calendars, loans, holds, visits, transfers, notices, reader cards."""

from flask import Flask

from libsys.modules import import_optional

# Modules of this package that bring pages: each may define `bp` (registered here) and/or
# `init_app(app)` (called here). The desk (views) comes first; the rest are optional.
PAGE_MODULES = (
    "libsys.circulation.views",
    "libsys.circulation.cards",
    "libsys.circulation.inhouse",
    "libsys.circulation.transfers",
    "libsys.circulation.notices",
    "libsys.circulation.losses",
    "libsys.circulation.account",
    "libsys.circulation.hold_views",
    "libsys.circulation.daily",
    "libsys.circulation.commands",
)


def init_app(app: Flask) -> None:
    """Register the desk and the other circulation pages, the reader panel and API extension."""
    for name in PAGE_MODULES:
        module = import_optional(name)
        if module is None:
            continue
        blueprint = getattr(module, "bp", None)
        if blueprint is not None and blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
        if hasattr(module, "init_app"):
            module.init_app(app)
    from libsys.circulation.panels import register_reader_extensions

    register_reader_extensions()
    import_optional("libsys.circulation.extras").init_extras(app)
