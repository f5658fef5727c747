"""`libsys rotation due`: batches still away after their planned return."""

import json

import click
from flask.cli import with_appcontext

from libsys.core.clock import local_today
from libsys.core.formats import format_day
from libsys.rotation.overview import overdue_batches


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
