"""`libsys rotation due` (batches still away after their planned return) and
`libsys rotation pull-list` (what to send, move on or bring back today)."""

import json

import click
from flask.cli import with_appcontext

from libsys.core.clock import local_today
from libsys.core.formats import format_day
from libsys.network.services import get_library
from libsys.rotation.overview import overdue_batches
from libsys.rotation.pull_list import pull_list, pull_list_json


@click.group("rotation")
def rotation_group():
    """Rotation of collections to points."""


@rotation_group.command("due")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per batch.")
@with_appcontext
def due_command(as_json: bool):
    """List batches past their planned return, the longest overdue first."""
    today = local_today()
    for batch in overdue_batches(today):
        late = (today - batch.planned_return).days
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": batch.id,
                        "reference": batch.reference,
                        "state": batch.state,
                        "library": batch.library.code,
                        "point": batch.point.code,
                        "planned_return": batch.planned_return.isoformat(),
                        "days_late": late,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            click.echo(
                f"{batch.reference}\t{batch.point.code}\t{batch.state}\t"
                f"{format_day(batch.planned_return)}\t+{late}"
            )


@rotation_group.command("pull-list")
@click.option("--library", "library_code", help="Only this library's (or point's) batches.")
@click.option("--json", "as_json", is_flag=True, help="The list as one JSON object.")
@with_appcontext
def pull_list_command(library_code: str | None, as_json: bool):
    """What to send, move on or bring back today."""
    today = local_today()
    library = get_library(library_code.strip()) if library_code else None
    entries = pull_list(today, None, library)
    if as_json:
        click.echo(json.dumps(pull_list_json(entries, today), ensure_ascii=False))
        return
    for action, found in entries.items():
        for entry in found:
            batch = entry.batch
            click.echo(
                f"{action}\t{batch.reference}\t{batch.point.code}\t->{entry.to.code}\t"
                f"{format_day(entry.due)}\t+{entry.days_late(today)}\t{len(batch.lines)}"
            )
