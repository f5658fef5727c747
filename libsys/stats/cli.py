"""`libsys stats freeze` (closed months as snapshots), `libsys stats changes` (what
recomputing a frozen month would change) and `libsys stats export` (the monthly statistics,
the 6-month and annual reports as files)."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.stats.exports.models import EXPORT_FORMATS
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


@stats_group.command("export")
@click.option("--period", required=True, help="2026-10, 2026-H1, 2026 or 2026-01-01..2026-03-31")
@click.option("--library", "library_code", help="A library's code (with its rotation points).")
@click.option("--level", help="Every library of one level: provincial, district, commune...")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="xlsx", show_default=True
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(period, library_code, level, fmt, output):
    """Write a period's statistics to a file: a month (or a range of days) as the monthly
    statistics, a half-year or a year as the report by level of library with the targets."""
    from tqdm import tqdm

    from libsys.stats.exports.services import export_file

    _period(period)  # a wrong period is a usage error, said before anything is counted
    bar = tqdm(total=1, unit="part", file=sys.stderr, desc="export", dynamic_ncols=True)

    def progress(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        exported = export_file(period, library_code, fmt, level=level, progress=progress)
    except LibsysError as error:
        bar.close()
        details = " ".join(str(message) for message in error.fields.values())
        raise click.ClickException(f"{error.message or ''} {details}".strip()) from None
    bar.close()
    Path(output).write_bytes(exported.content)
    click.echo(f"written {output} ({len(exported.content)} bytes)")
