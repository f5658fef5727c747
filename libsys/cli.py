"""The `libsys` command: Flask's command group with libsys's own commands."""

import click
from flask.cli import FlaskGroup

from libsys import create_app


def _create_app():
    from libsys.core.backup import backup_command, restore_command

    app = create_app()
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(i18n_command)
    app.cli.add_command(i18n_update_command)
    return app


@click.command("demo")
@click.option("--force", is_flag=True, help="Load even when the database already has data")
def demo_command(force):
    """Load the Vietnamese demo network, staff, readers and catalogue."""
    from libsys.demo import database_is_empty, load_demo

    if not force and not database_is_empty():
        click.echo("the database already has data: demo not loaded (use --force)")
        return
    summary = load_demo()
    for line in summary:
        click.echo(line)


@click.command("i18n-compile")
def i18n_command():
    """Compile every domain's translation catalogue."""
    from libsys.i18n import compile_catalogs

    click.echo(f"compiled {compile_catalogs(force=True)} catalogues")


@click.command("i18n-update")
@click.argument("domains", nargs=-1, required=True)
def i18n_update_command(domains):
    """Refresh DOMAINS' Vietnamese catalogues and list messages still untranslated."""
    from libsys.i18n import update_catalog

    for domain in domains:
        path, missing = update_catalog(domain)
        click.echo(f"{path}: {len(missing)} untranslated")
        for msgid in missing:
            click.echo(f"  {msgid}")


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """libsys: integrated library system (run `libsys --help`)."""
