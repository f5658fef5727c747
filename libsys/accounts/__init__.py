"""Staff accounts, roles and permissions, sign-in, API tokens."""

import click
from flask import Flask, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from libsys.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Register sign-in, the user loader and the account commands."""
    from libsys.accounts import staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    from libsys.accounts.services import new_password_ends_sessions

    if not event.contains(Session, "before_flush", new_password_ends_sessions):
        event.listen(Session, "before_flush", new_password_ends_sessions)
    app.after_request(_keep_own_session)
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)


def load_user(session_id: str):
    """Staff ids are "staff:N:V", readers "reader:N:V" (V the session version): a session
    whose version is no longer the account's was ended (sign-out, new password)."""
    from libsys.accounts.models import User
    from libsys.readers.models import Reader

    kind, raw_id, version = (session_id.split(":") + ["", ""])[:3]
    if not raw_id.isdigit() or not version.isdigit():
        return None
    model = {"staff": User, "reader": Reader}.get(kind)
    if model is None:
        return None
    person = db.session.get(model, int(raw_id))
    if person is None or not person.is_active or person.session_version != int(version):
        return None
    return person


def _keep_own_session(response):
    """The request that ended its own account's sessions (a new password) stays signed in:
    its session takes the new version. Failed requests change nothing (they roll back)."""
    if response.status_code >= 400 or "_user_id" not in session:
        return response
    if current_user.is_authenticated and session["_user_id"] != current_user.get_id():
        session["_user_id"] = current_user.get_id()
    return response


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help="admin, manager, cataloguer, circulation, ...")
@click.option("--library", "library_code", default=None, help="Library code; none = network")
@click.option("--password", default=None, help="Prompted for when not given")
@click.option("--name", "full_name", default="", help="Full name")
def create_user_command(username, role, library_code, password, full_name):
    """Create a staff account."""
    from libsys.accounts.services import create_user
    from libsys.errors import LibsysError

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(username, password, role, library_code, full_name=full_name)
        db.session.commit()
    except LibsysError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
    click.echo(f"created {username} ({role})")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for")
def create_token_command(username, name):
    """Create an API token for a staff account and print it once."""
    from libsys.accounts.services import create_token
    from libsys.errors import LibsysError

    try:
        token = create_token(username, name)
        db.session.commit()
    except LibsysError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(token)
