"""`libsys privacy anonymise --before DATE`, `libsys privacy export CARD`,
`libsys privacy delete CARD`."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from libsys.core.dates import InvalidDate, parse_date
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.privacy.exports import data_json, data_xlsx
from libsys.privacy.services import anonymise, delete_reader, reader_data
from libsys.readers.services import get_reader


@click.group("privacy")
def privacy_group():
    """Readers' privacy: anonymise old loans, export or delete a reader's data."""


def _reader(card_number):
    try:
        return get_reader(card_number)
    except LibsysError as error:
        raise click.BadParameter(str(error.message)) from None


@privacy_group.command("anonymise")
@click.option("--before", required=True, help="A day (dd/mm/yyyy or yyyy-mm-dd).")
@with_appcontext
def anonymise_command(before):
    """Remove readers from loans returned, holds closed and visits made before a day."""
    try:
        day = parse_date(before)
    except InvalidDate:
        day = None
    if day is None:
        raise click.BadParameter("Write the day as dd/mm/yyyy or yyyy-mm-dd.")
    counts = anonymise(day)
    db.session.commit()
    click.echo(
        f"before {day.isoformat()}: {counts['loans']} loans, {counts['holds']} holds, "
        f"{counts['visits']} visits, {counts['fines']} fines anonymised"
    )


@privacy_group.command("export")
@click.argument("card_number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="A file (.json or .xlsx); the JSON on the screen without it.")  # fmt: skip
@with_appcontext
def export_command(card_number, output):
    """Everything kept about the reader with CARD_NUMBER, for her."""
    data = reader_data(_reader(card_number))
    if output is None:
        sys.stdout.write(data_json(data).decode() + "\n")
        return
    path = Path(output)
    path.write_bytes(data_xlsx(data) if path.suffix.lower() == ".xlsx" else data_json(data))
    click.echo(f"written {path}")


@privacy_group.command("delete")
@click.argument("card_number")
@click.option("--yes", is_flag=True, help="Do it without asking.")
@with_appcontext
def delete_command(card_number, yes):
    """Delete the reader with CARD_NUMBER on her request (not while she has loans)."""
    reader = _reader(card_number)
    if not yes:
        click.confirm(f"Delete {reader.card_number} {reader.full_name}?", abort=True)
    try:
        delete_reader(reader)
    except LibsysError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"deleted {card_number}")
