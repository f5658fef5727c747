"""Cataloguing: MARC records, copies (bản), import and export, the cataloguer's tools."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the catalogue's staff pages, its tools' pages, its API endpoints and commands."""
    from libsys.catalog import (
        api,  # noqa: F401  (its endpoints join the API blueprint)
        cli,
        editor,
        labels,
        periodicals,
        registers,
        stocktaking,
        views,
    )

    for module in (views, editor, registers, labels, periodicals, stocktaking):
        app.register_blueprint(module.bp)
    app.cli.add_command(cli.import_marc_command)
    app.cli.add_command(cli.export_marc_command)
