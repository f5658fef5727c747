"""`libsys circulation daily`: expire holds, send overdue and hold notices, say what was done."""

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("daily")
@with_appcontext
def daily_command():
    """Expire holds past their shelf date and send the day's notices (run once a day)."""
    from libsys.circulation.notices import run_daily
    from libsys.extensions import db

    try:
        lines = run_daily()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for line in lines:
        click.echo(line)


@click.group("circulation")
def circulation_group():
    """Circulation jobs."""


def init_app(app: Flask) -> None:
    """Add `daily` to the `circulation` command group (created here when nobody made one)."""
    group = app.cli.commands.get("circulation")
    if not isinstance(group, click.Group):
        group = circulation_group
        app.cli.add_command(group)
    if "daily" not in group.commands:
        group.add_command(daily_command)
