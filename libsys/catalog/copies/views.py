"""Pages of a copy (blueprint `catalog`): add copies to a record, edit one copy."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.accounts.scope import require_library_scope
from libsys.catalog.copies.services import EDITABLE_STATUSES, add_copies, get_item, update_item
from libsys.catalog.models import ITEM_STATUS_LABELS, ITEM_STATUSES
from libsys.catalog.services import get_record
from libsys.catalog.views import EVENT_LABELS, bp, copy_history
from libsys.core.forms import error_text, save_form
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db


@bp.route("/records/<int:record_id>/items", methods=["POST"])
@permission_required("catalog.edit")
def add_items(record_id):
    """Add copies to a record, numbered in the chosen store."""
    found = get_record(record_id)
    values = request.form.to_dict()
    try:
        with db.session.begin_nested():
            items = add_copies(found, values, user=current_user)
        flash(
            _(
                "%(count)s copies added: %(numbers)s.",
                count=len(items),
                numbers=", ".join(i.accession_number for i in items),
            ),
            "success",
        )
    except PermissionDenied:
        raise  # another library's copies: a 403 page, nothing written
    except LibsysError as exc:
        flash(error_text(exc), "error")
        db.session.expire_all()
    return redirect(url_for("catalog.record", record_id=found.id))


@bp.route("/items/<path:barcode>", methods=["GET", "POST"])
@permission_required("catalog.edit")
def item(barcode):
    """Edit a copy: store, call number, price, notes, and the statuses set by hand."""
    found = get_item(barcode)
    require_library_scope(current_user, found.library_id)  # the form of its own copies only
    errors: dict = {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: update_item(found, values, user=current_user),
            lambda _result: url_for("catalog.record", record_id=found.record_id),
        )
        if response:
            return response
        db.session.refresh(found)
    else:
        values = {
            "store": found.store.code if found.store else "",
            "call_number": found.call_number or "",
            "price": "" if found.price is None else str(found.price),
            "notes": found.notes or "",
            "status": found.status,
        }
    editable = found.status in EDITABLE_STATUSES
    status_options = [
        (code, ITEM_STATUS_LABELS[code])
        for code in ITEM_STATUSES
        if code == found.status or (editable and code in EDITABLE_STATUSES)
    ]
    return render_template(
        "catalog/item.html",
        item=found,
        values=values,
        errors=errors,
        store_options=[(s.code, f"{s.code} · {s.name}") for s in found.library.stores],
        status_options=status_options,
        history=copy_history([found.id]).get(found.id, []),
        event_labels=EVENT_LABELS,
    ), (422 if errors else 200)
