"""Catalogue commands: `libsys import-marc` and `libsys export-marc`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from libsys.catalog.marc import UnreadableFile, count_permissive
from libsys.catalog.marc.exporter import EXPORT_FORMATS, count_export, export_marc
from libsys.catalog.marc.importer import (
    MATCH_POLICIES,
    default_commit_every,
    import_marc,
    parse_branch_map,
)
from libsys.catalog.marc.parallel import default_workers
from libsys.errors import LibsysError
from libsys.extensions import db


@click.command("import-marc")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--library", "library_code", help="Library code whose copies the holdings become")
@click.option(
    "--match",
    type=click.Choice(MATCH_POLICIES),
    default="skip",
    show_default=True,
    help="What to do with a record the catalogue already holds",
)
@click.option(
    "--branch-map",
    help="Library codes for the source's branch codes (Koha's 952 $a): MPL=TVLC,CPL=TVTD",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    help="CSV file of rejected and matched records and of copies not created",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary on stdout")
@with_appcontext
def import_marc_command(files, library_code, match, branch_map, report, as_json):
    """Import MARC 21 files (ISO 2709, MARCXML, MARC-in-JSON) into the catalogue."""
    try:
        branches = parse_branch_map(branch_map)
    except LibsysError as exc:
        reason = " ".join(map(str, exc.fields.values()))
        raise click.BadParameter(reason, param_hint="--branch-map") from None
    total = 0
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise click.ClickException(f"{name}: no such file")
        try:
            total += count_permissive(path)
        except UnreadableFile as problem:
            raise click.ClickException(f"cannot import {name}: {problem.reason}") from None
        except OSError as problem:
            raise click.ClickException(f"cannot read {name}: {problem.strerror}") from None
    bar = tqdm(total=total, unit="rec", file=sys.stderr, desc="import", dynamic_ncols=True)
    done = 0

    def progress(summary):
        nonlocal done
        bar.update(summary.read - done)
        done = summary.read

    try:
        summary = import_marc(
            [Path(name) for name in files],
            library=library_code,
            match=match,
            report=report,
            progress=progress,
            commit_every=default_commit_every(),
            workers=default_workers(),
            branch_map=branches,
        )
    except LibsysError as exc:
        db.session.rollback()
        bar.close()
        details = " ".join(str(m) for m in exc.fields.values())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    bar.close()
    db.session.commit()
    for name, reason in summary.unreadable:
        click.echo(f"cannot import {name}: {reason}", err=True)
    if as_json:
        click.echo(json.dumps(summary.as_json()))
    else:
        click.echo(
            f"read {summary.read}, created {summary.created}, matched {summary.matched}, "
            f"rejected {summary.rejected}, copies created {summary.items_created}, "
            f"copies not created {summary.items_skipped}"
        )
        if (summary.rejected or summary.matched or summary.items_skipped) and report:
            click.echo(f"rejections, matches and copies not created: {report}")
        elif summary.rejected:
            for rejected in summary.rejections[:20]:
                click.echo(
                    f"  #{rejected.position} {rejected.control_number or '-'}: {rejected.reason}",
                    err=True,
                )
        if summary.items_skipped and not report:
            for skipped in summary.skipped_items[:20]:
                click.echo(
                    f"  copy {skipped.barcode or '-'} of #{skipped.position}: {skipped.reason}",
                    err=True,
                )
    if summary.unreadable:
        sys.exit(1)


def _parse_ids(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise click.BadParameter("write record numbers separated by commas: 1,2,3") from None


@click.command("export-marc")
@click.option(
    "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="iso2709", show_default=True
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only records changed on or after this date (YYYY-MM-DD)",
)
@click.option("--ids", help="Only these record numbers, separated by commas")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@click.option(
    "--copies/--no-copies",
    default=True,
    show_default=True,
    help="Write each record's copies as Koha 952 fields",
)
@with_appcontext
def export_marc_command(fmt, since, ids, output, copies):
    """Export catalogue records as ISO 2709 (UTF-8) or MARCXML, with their copies (952)."""
    id_list = _parse_ids(ids)
    since_day: date | None = since.date() if since else None
    total = count_export(since=since_day, ids=id_list)
    with (
        tqdm(total=total, unit="rec", file=sys.stderr, desc="export") as bar,
        open(output, "wb") as handle,
    ):
        report = export_marc(
            handle, format=fmt, since=since_day, ids=id_list, progress=bar.update, copies=copies
        )
    click.echo(f"written {report.written} records to {output}")
    for left_out in report.not_written:
        click.echo(
            f"  not written #{left_out.position} {left_out.control_number or '-'}: "
            f"{left_out.reason}",
            err=True,
        )
