"""The reader's data for her and her deletion on request, from the staff reader page."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from libsys.accounts.access import permission_required
from libsys.accounts.scope import in_scope
from libsys.core.forms import error_text
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db
from libsys.privacy.exports import data_json, data_xlsx
from libsys.privacy.services import delete_reader, deletion_refusals, reader_data
from libsys.readers.services import get_reader, readers_scope

bp = Blueprint("privacy", __name__, url_prefix="/staff/readers")

EXPORT_TYPES = {
    "json": ("application/json", data_json),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data_xlsx),
}


@bp.route("/<card_number>/data.<kind>")
@permission_required("readers.privacy")
def export(card_number, kind):
    """Everything kept about the reader, as a file for her (JSON or xlsx)."""
    if kind not in EXPORT_TYPES:
        return Response(status=404)
    reader = get_reader(card_number, scope=readers_scope(current_user))
    mimetype, render = EXPORT_TYPES[kind]
    return Response(
        render(reader_data(reader, user=current_user)),
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=reader-{reader.card_number}.{kind}"},
    )


@bp.route("/<card_number>/delete", methods=["POST"])
@permission_required("readers.privacy")
def delete(card_number):
    """Delete the reader on her request, or say why not yet."""
    reader = get_reader(card_number, scope=readers_scope(current_user))
    try:
        with db.session.begin_nested():
            delete_reader(reader, user=current_user)
    except PermissionDenied:
        raise  # another library's reader: a 403 page, nothing deleted
    except LibsysError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("readers.show", card_number=card_number))
    flash(_("The reader's personal data was deleted; her statistics stay, anonymous."), "success")
    return redirect(url_for("readers.index"))


def privacy_panel(reader) -> Markup:
    """The reader's data and deletion on request, on the staff reader page."""
    if not (current_user.is_authenticated and current_user.can("readers.privacy")):
        return Markup("")
    if not in_scope(current_user, reader.home_library_id):
        return Markup("")  # her home library gives her data and deletes it
    return Markup(
        render_template("privacy/_panel.html", reader=reader, refusals=deletion_refusals(reader))
    )
