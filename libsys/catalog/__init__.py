"""Cataloguing: MARC records, copies (bản), import and export, the cataloguer's tools."""

import pkgutil

from flask import Blueprint, Flask

from libsys.modules import import_optional

# Modules whose init_app(app) is this package's own (called below, not by discovery).
_CORE_MODULES = frozenset({"views", "cli", "api", "demo"})


def init_app(app: Flask) -> None:
    """Register the catalogue's staff pages and commands, then each tool module's.

    A module of this package that defines `init_app(app)` or a blueprint `bp` (the MARC
    editor, registers, labels, periodicals, stocktaking) is registered without editing this
    file.
    """
    from libsys.catalog import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.import_marc_command)
    app.cli.add_command(cli.export_marc_command)
    for info in pkgutil.iter_modules(__path__):
        if info.name in _CORE_MODULES or info.name.startswith("_"):
            continue
        module = import_optional(f"{__name__}.{info.name}")
        if module is None:
            continue
        if callable(getattr(module, "init_app", None)):
            module.init_app(app)
        elif isinstance(getattr(module, "bp", None), Blueprint) and module.bp.name not in (
            app.blueprints
        ):
            app.register_blueprint(module.bp)
