"""`libsys reindex`: rebuild the index from the database, or check it and repair drift."""

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from libsys.extensions import db
from libsys.search.backends import current_backend
from libsys.search.indexing import all_record_ids, check_index, reindex_all
from libsys.search.sync import forget_interrupted_imports


@click.command("reindex")
@click.option("--check", is_flag=True, help="Compare index and database and repair drift.")
@with_appcontext
def reindex_command(check: bool) -> None:
    """Rebuild the search index from the database (the source of truth)."""
    backend = current_backend()
    if check and backend.health(db.session) == "absent" and all_record_ids(db.session):
        # No index yet (a new installation, or one of an older layout): build it whole.
        click.echo("no search index yet: building it")
        check = False
    if check:
        report = check_index(db.session, repair=False)
        click.echo(
            "database {database}, index {index}: missing {missing}, extra {extra}, "
            "stale {stale}".format(**report)
        )
        to_fix = report["missing"] + report["extra"] + report["stale"]
        if to_fix:
            with tqdm(total=to_fix, unit="rec", desc="repairing") as bar:
                check_index(db.session, repair=True, progress=bar.update)
            db.session.commit()
            click.echo(f"repaired {to_fix} records")
        else:
            click.echo("index and database agree")
        forget_interrupted_imports()  # what killed imports left unindexed is indexed now
        return
    total = len(all_record_ids(db.session))
    with tqdm(total=total, unit="rec", desc=f"reindex ({backend.name})") as bar:
        count = reindex_all(db.session, progress=bar.update)
    db.session.commit()
    forget_interrupted_imports()
    click.echo(f"indexed {count} records")
