"""Cataloguing: MARC records, copies (bản), import and export, the cataloguer's tools.

    models.py services.py views.py   records (Record, the book form, the record pages)
    editor.py                        the MARC editor (blueprint `cataloguing`)
    states.py                        a copy's states (ITEM_STATES)
    copies/                          accession and call numbers, adding and editing copies
    marc/                            MARC read, write, describe, holdings; import, export
    inventory/                       registers, stocktaking (kiểm kê), withdrawal (thanh lý)
    periodicals/                     newspapers and magazines, subscriptions, issues
    labels.py                        spine and barcode labels
    acting.py                        the library a cataloguer's tool page acts for
    api.py  demo.py

Each package reads models -> services -> views. The `catalog` blueprint lives in views.py;
copies/views.py and marc/views.py add their pages to it, so endpoint names stay `catalog.*`.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the catalogue's staff pages, its tools' pages, its API endpoints and commands."""
    from libsys.catalog import (
        api,  # noqa: F401  (its endpoints join the API blueprint)
        editor,
        labels,
        views,
    )
    from libsys.catalog.copies import views as copies_views  # noqa: F401  (pages join views.bp)
    from libsys.catalog.inventory import views as inventory_views
    from libsys.catalog.marc import cli
    from libsys.catalog.marc import views as marc_views  # noqa: F401  (pages join views.bp)
    from libsys.catalog.periodicals import views as periodicals_views

    for blueprint in (
        views.bp,
        editor.bp,
        labels.bp,
        periodicals_views.bp,
        inventory_views.registers_bp,
        inventory_views.stocktaking_bp,
    ):
        app.register_blueprint(blueprint)
    from libsys.catalog.languages import language_name

    app.add_template_filter(language_name)
    app.cli.add_command(cli.import_marc_command)
    app.cli.add_command(cli.export_marc_command)
