"""`libsys circulation daily`: expire holds, send overdue and hold notices, say what was done."""

import click
from flask.cli import with_appcontext

from libsys.circulation.notices.services import run_daily
from libsys.extensions import db


@click.group("circulation")
def circulation_group():
    """Circulation jobs."""


@circulation_group.command("daily")
@with_appcontext
def daily_command():
    """Expire holds past their shelf date and send the day's notices (run once a day)."""
    try:
        lines = run_daily()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for line in lines:
        click.echo(line)
