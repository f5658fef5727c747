"""Readers' privacy: anonymising old loans, a reader's data for her, deletion on request."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the export and deletion pages, the panel on the reader page, the commands."""
    from libsys.privacy import cli, views
    from libsys.readers.views import READER_PANELS

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.privacy_group)
    if views.privacy_panel not in READER_PANELS:
        READER_PANELS.append(views.privacy_panel)
