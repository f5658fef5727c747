"""The rotation officer's pages: points, batches, building a batch by scanning, its moves,
the close, the handover minutes and the histories of a point and of a copy."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.catalog.copies.services import get_item
from libsys.core.clock import local_today
from libsys.core.forms import run_action, save_form
from libsys.core.pdf import pdf_response
from libsys.errors import Conflict, LibsysError, NotFound
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation import at_point, batches
from libsys.rotation.access import can_see, find_batch, require_seen
from libsys.rotation.forms import (
    CloseForm,
    NewBatchForm,
    ScanForm,
    barcodes_in,
    form_errors,
)
from libsys.rotation.minutes import MINUTES_KINDS, handover_minutes_pdf
from libsys.rotation.models import BATCH_STATES as STATE_NAMES
from libsys.rotation.models import PRIORITY_GROUPS, RotationBatch
from libsys.rotation.overview import (
    AWAY_STATES,
    batches_for,
    copy_history,
    open_batch_counts,
    point_history,
)
from libsys.rotation.points import visible_points

bp = Blueprint("rotation", __name__, url_prefix="/staff/rotation")

STATE_LABELS = {
    "draft": _l("Draft"),
    "packed": _l("Packed"),
    "in_transit": _l("In transit"),
    "at_point": _l("At the point"),
    "returning": _l("Returning"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}
GROUP_LABELS = {
    "children": _l("Children"),
    "ethnic_minorities": _l("Ethnic minorities"),
    "disabilities": _l("People with disabilities"),
    "local_development": _l("Local development"),
}
# The moves a button on the batch page makes (the close has its own form).
MOVE_LABELS = {
    "pack": _l("Mark as packed"),
    "unpack": _l("Back to draft"),
    "dispatch": _l("Dispatch to the point"),
    "receive": _l("The point received everything"),
    "start_return": _l("The batch is coming back"),
    "cancel": _l("Cancel the batch"),
}
MOVE_DONE = {
    "pack": _l("The batch is packed."),
    "unpack": _l("The batch is a draft again."),
    "dispatch": _l("The batch is on its way to the point."),
    "receive": _l("The point's receipt is recorded."),
    "start_return": _l("The batch is on its way back."),
    "cancel": _l("The batch is cancelled; its copies are free."),
}
OUTCOME_LABELS = {
    "returned": _l("Returned"),
    "damaged": _l("Damaged"),
    "missing": _l("Missing"),
}


@bp.app_context_processor
def rotation_labels():
    """The labels of states, tags, moves and outcomes for every rotation template."""
    return {
        "batch_state_labels": STATE_LABELS,
        "priority_group_labels": GROUP_LABELS,
        "batch_outcome_labels": OUTCOME_LABELS,
    }


def _is_overdue(batch: RotationBatch) -> bool:
    return batch.state in AWAY_STATES and batch.planned_return < local_today()


def _seen(batch_id: int) -> RotationBatch:
    return require_seen(current_user, find_batch(batch_id))


def _owning_libraries() -> list[Library]:
    """The libraries this account may build batches for (its own, or any for the network)."""
    statement = select(Library).where(Library.level != "point", Library.active.is_(True))
    if current_user.library_id is not None:
        statement = statement.where(Library.id == current_user.library_id)
    return list(db.session.scalars(statement.order_by(Library.code)))


@bp.route("/", methods=["GET"])
@permission_required("rotation.manage")
def index():
    """The points with their open batches, and the batches filtered by state and point."""
    points = visible_points(current_user)
    state = request.args.get("state") or None
    state = state if state in STATE_NAMES else None
    point = next((p for p in points if p.code == request.args.get("point")), None)
    overdue_only = request.args.get("overdue") == "1"
    found = batches_for(current_user, state=state, point=point)
    if overdue_only:
        found = [batch for batch in found if _is_overdue(batch)]
    return render_template(
        "rotation/index.html",
        points=points,
        open_counts=open_batch_counts(points),
        batches=found,
        overdue={batch.id for batch in found if _is_overdue(batch)},
        state=state,
        point=point,
        overdue_only=overdue_only,
        states=STATE_NAMES,
    )


@bp.route("/batches/new", methods=["GET", "POST"])
@permission_required("rotation.manage")
def new_batch():
    """Start a batch: from a library to a point, with its dates and priority tags."""
    form = NewBatchForm()
    libraries = _owning_libraries()
    points = [p for p in visible_points(current_user) if p.active]
    form.library.choices = [(lib.code, lib.name) for lib in libraries]
    form.point.choices = [("", "—")] + [(p.code, f"{p.name} ({p.code})") for p in points]
    groups = [g for g in request.form.getlist("priority_groups") if g]
    errors = {}
    if request.method == "POST":
        if form.validate():

            def start():
                library = next((lib for lib in libraries if lib.code == form.library.data), None)
                if library is None:
                    raise NotFound(_l("Choose the owning library."))
                return batches.create_batch(
                    current_user,
                    library=library,
                    point=batches.receiving_library(form.point.data),
                    planned_return=form.planned_return.data,
                    planned_dispatch=form.planned_dispatch.data,
                    priority_groups=groups,
                    approve_long_stay=form.approve_long_stay.data,
                    note=form.note.data or None,
                )

            response, errors = save_form(
                start,
                lambda batch: url_for("rotation.batch", batch_id=batch.id),
                lambda batch: _("Batch %(batch)s started: scan its copies.", batch=batch.reference),
            )
            if response is not None:
                return response
        else:
            errors = form_errors(form)
    values = {
        "library": form.library.data or (libraries[0].code if libraries else ""),
        "point": form.point.data or request.args.get("point", ""),
        "planned_dispatch": (request.form.get("planned_dispatch") or ""),
        "planned_return": (request.form.get("planned_return") or ""),
        "approve_long_stay": form.approve_long_stay.data,
        "note": form.note.data or "",
    }
    return render_template(
        "rotation/new_batch.html",
        values=values,
        errors=errors,
        libraries=libraries,
        points_options=[(p.code, f"{p.name} ({p.code})") for p in points],
        groups=groups,
        priority_groups=PRIORITY_GROUPS,
        can_approve=current_user.can("rotation.approve"),
    )


@bp.route("/batches/<int:batch_id>", methods=["GET"])
@permission_required("rotation.manage")
def batch(batch_id):
    """A batch: its state, copies, the scan field while a draft, its moves and the close."""
    found = _seen(batch_id)
    moves = [m for m in batches.BATCH_STATES.triggers_from(found.state) if m in MOVE_LABELS]
    return render_template(
        "rotation/batch.html",
        batch=found,
        counts=batches.batch_counts(found),
        moves=[(m, MOVE_LABELS[m]) for m in moves],
        can_close="close" in batches.BATCH_STATES.triggers_from(found.state),
        overdue=_is_overdue(found),
        scan_result=request.args.get("scan"),
    )


def _back_to(batch_id: int, **args):
    return redirect(url_for("rotation.batch", batch_id=batch_id, **args))


@bp.route("/batches/<int:batch_id>/items", methods=["POST"])
@permission_required("rotation.manage")
def add_item(batch_id):
    """Scan a copy into the batch: the result line says added, with warnings, or refused
    with every reason."""
    form = ScanForm()
    if not form.validate():
        flash(form_errors(form)["barcode"], "error")
        return _back_to(batch_id)
    barcode = form.barcode.data.strip()
    try:
        with db.session.begin_nested():
            added = batches.add_copy(current_user, batch_id, barcode)
    except Conflict as exc:
        reasons = exc.details.get("reasons") or [{"message": str(exc.message)}]
        flash(
            _("Refused: %(barcode)s.", barcode=barcode)
            + " "
            + " ".join(reason["message"] for reason in reasons),
            "error",
        )
        return _back_to(batch_id)
    except LibsysError as exc:
        flash(_("Refused: %(barcode)s.", barcode=barcode) + " " + str(exc.message), "error")
        return _back_to(batch_id)
    item = added.line.item
    message = _("Added: %(barcode)s, %(title)s.", barcode=item.barcode, title=item.record.title)
    if added.already:
        message = _(
            "Already in this batch: %(barcode)s, %(title)s. Nothing changed.",
            barcode=item.barcode,
            title=item.record.title,
        )
        flash(message, "info")
    elif added.warnings:
        warning = " ".join(w["message"] for w in added.warnings)
        flash(message + " " + _("Warning:") + " " + warning, "warning")
    else:
        flash(message, "success")
    return _back_to(batch_id)


@bp.route("/batches/<int:batch_id>/items/<barcode>/remove", methods=["POST"])
@permission_required("rotation.manage")
def remove_item(batch_id, barcode):
    """Take a copy out of a draft batch."""
    run_action(
        lambda: batches.remove_copy(current_user, batch_id, barcode),
        _("Copy %(barcode)s taken out of the batch.", barcode=barcode),
    )
    return _back_to(batch_id)


@bp.route("/batches/<int:batch_id>/move/<move>", methods=["POST"])
@permission_required("rotation.manage")
def move(batch_id, move):
    """One of the batch's moves (pack, unpack, dispatch, receive, start_return, cancel)."""
    if move not in MOVE_LABELS:
        raise NotFound(_l("No such move for a batch."), code="UNKNOWN_TRANSITION")
    _seen(batch_id)
    if move == "receive":
        action = lambda: at_point.receive(current_user, batch_id)  # noqa: E731
    else:
        action = lambda: getattr(batches, move)(current_user, batch_id)  # noqa: E731
    run_action(action, str(MOVE_DONE[move]))
    return _back_to(batch_id)


@bp.route("/batches/<int:batch_id>/close", methods=["POST"])
@permission_required("rotation.manage")
def close(batch_id):
    """Check the batch in: scanned or ticked copies are back or damaged; the rest missing."""
    form = CloseForm()
    form.validate()
    returned = barcodes_in(form.returned_scans.data) + request.form.getlist("returned")
    damaged = barcodes_in(form.damaged_scans.data) + request.form.getlist("damaged")
    returned = [b for b in dict.fromkeys(returned) if b not in damaged]

    def check_in():
        return batches.close(
            current_user, batch_id, returned=returned, damaged=list(dict.fromkeys(damaged))
        )

    if run_action(check_in):
        counts = batches.batch_counts(find_batch(batch_id))
        flash(
            _(
                "Batch closed: %(returned)s returned, %(damaged)s damaged, %(missing)s missing.",
                **{k: counts[k] for k in ("returned", "damaged", "missing")},
            ),
            "success",
        )
    return _back_to(batch_id)


@bp.route("/batches/<int:batch_id>/minutes.pdf", methods=["GET"])
@permission_required("rotation.manage")
def minutes(batch_id):
    """The handover minutes (biên bản giao nhận) of the dispatch or of the return."""
    found = _seen(batch_id)
    kind = request.args.get("kind") or ("return" if found.state == "closed" else "dispatch")
    if kind not in MINUTES_KINDS:
        raise NotFound(_l("Choose dispatch or return."))
    return pdf_response(handover_minutes_pdf(found, kind), f"{found.reference}-{kind}.pdf")


@bp.route("/points/<code>", methods=["GET"])
@permission_required("rotation.manage")
def point(code):
    """A point: its details and every batch it has had."""
    found = next((p for p in visible_points(current_user) if p.code == code), None)
    if found is None:
        raise NotFound(_l("No rotation point has this code."), code="UNKNOWN_POINT")
    history = [b for b in point_history(found) if can_see(current_user, b)]
    return render_template("rotation/point.html", point=found, history=history)


@bp.route("/copies", methods=["GET"])
@permission_required("rotation.manage")
def copy():
    """Every point a copy has visited (the barcode comes from the form or a batch page)."""
    barcode = (request.args.get("barcode") or "").strip()
    item, history, error = None, [], None
    if barcode:
        try:
            item = get_item(barcode)
            history = copy_history(item)
        except LibsysError as exc:
            error = str(exc.message)
    return render_template(
        "rotation/copy.html", barcode=barcode, item=item, history=history, error=error
    )
