"""`libsys stats freeze` (closed months as snapshots) and `libsys stats changes` (what
recomputing a frozen month would change)."""

import click
from flask.cli import with_appcontext

from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.stats.freezing import freeze_closed_months, freeze_month, month_changes
from libsys.stats.months import is_closed
from libsys.stats.periods import parse_period


@click.group("stats")
def stats_group():
    """Statistics: frozen months and reports."""


def _period(text):
    try:
        return parse_period(text)
    except LibsysError as error:
        raise click.BadParameter(str(error.message)) from None


@stats_group.command("freeze")
@click.option("--period", help="Only the months of this period (2026, 2026-H1, 2026-10...).")
@click.option("--again", is_flag=True, help="Freeze the period's closed months anew.")
@with_appcontext
def freeze_command(period, again):
    """Freeze every closed month not frozen yet (run it daily, after midnight)."""
    chosen = _period(period) if period else None
    if again:
        if chosen is None:
            raise click.UsageError("--again needs --period.")
        months = [month for month in chosen.months() if is_closed(*month)]
        for year, month in months:
            freeze_month(year, month, again=True)
    else:
        months = freeze_closed_months(chosen)
    db.session.commit()
    for year, month in months:
        click.echo(f"frozen {year}-{month:02d}")


@stats_group.command("changes")
@click.argument("month")
@with_appcontext
def changes_command(month):
    """What recomputing a frozen MONTH (2026-10) from the event log would change."""
    period = _period(month)
    if len(period.months()) != 1 or period.start.day != 1:
        raise click.BadParameter("Give one month, as 2026-10.")
    year, number = period.months()[0]
    changes = month_changes(year, number)
    for change in changes:
        group = f" {change['breakdown']}={change['group']}" if change["breakdown"] else ""
        click.echo(
            f"{change['indicator']} {change['library'] or '-'}{group}: "
            f"{change['frozen']} -> {change['now']}"
        )
    if not changes:
        click.echo("no change")
