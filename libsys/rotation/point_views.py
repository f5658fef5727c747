"""The point keeper's pages, made for a cheap phone: the point's batches, receipt, loans at
the point, the periodic tally and handing a batch back.

A keeper sees only their own point: every batch is read through `require_seen`, so another
point's batch is "not found", and the services check the point side again.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.core.forms import run_action, save_form
from libsys.core.pdf import pdf_response
from libsys.errors import NotFound
from libsys.rotation import at_point, batches
from libsys.rotation.access import find_batch, require_seen
from libsys.rotation.forms import (
    PointLoanForm,
    ReceiveForm,
    TallyForm,
    barcodes_in,
    form_errors,
)
from libsys.rotation.minutes import MINUTES_KINDS, handover_minutes_pdf
from libsys.rotation.models import RotationBatch
from libsys.rotation.overview import batches_for

bp = Blueprint("point", __name__, url_prefix="/staff/point")

# What the keeper has in hand now, shown first; drafts are still the library's business.
CURRENT_STATES = ("in_transit", "at_point", "returning")


def _seen(batch_id: int) -> RotationBatch:
    return require_seen(current_user, find_batch(batch_id))


def _back_to(batch_id: int):
    return redirect(url_for("point.batch", batch_id=batch_id))


@bp.route("/", methods=["GET"])
@permission_required("rotation.point")
def home():
    """The keeper's point and its batches: those here or on the road first, then past ones."""
    found = [b for b in batches_for(current_user) if b.state not in ("draft", "packed")]
    return render_template(
        "rotation/point_home.html",
        point=current_user.library,
        current=[b for b in found if b.state in CURRENT_STATES],
        past=[b for b in found if b.state not in CURRENT_STATES][:10],
    )


def _render_batch(found: RotationBatch, *, errors=None, values=None, status: int = 200):
    today = local_today()
    defaults = {"period": f"{today.year:04d}-{today.month:02d}"}
    return (
        render_template(
            "rotation/point_batch.html",
            batch=found,
            counts=batches.batch_counts(found),
            serving=found.state in at_point.SERVING_STATES,
            errors=errors or {},
            values={**defaults, **(values or {})},
        ),
        status,
    )


@bp.route("/batches/<int:batch_id>", methods=["GET"])
@permission_required("rotation.point")
def batch(batch_id):
    """One batch at the point: receipt, a loan, the tally, handing it back."""
    return _render_batch(_seen(batch_id))


@bp.route("/batches/<int:batch_id>/receive", methods=["POST"])
@permission_required("rotation.point")
def receive(batch_id):
    """Confirm receipt: of everything, or only of the copies scanned (the rest missing)."""
    _seen(batch_id)
    form = ReceiveForm()
    form.validate()
    scanned = barcodes_in(form.scans.data)
    everything = request.form.get("everything") == "1"
    if not everything and not scanned:
        flash(_("Scan the copies that arrived, or confirm that everything came."), "error")
        return _back_to(batch_id)
    done = run_action(
        lambda: at_point.receive(current_user, batch_id, None if everything else scanned)
    )
    if done:
        counts = batches.batch_counts(find_batch(batch_id))
        flash(
            _(
                "Receipt recorded: %(received)s copies arrived, %(missing)s missing.",
                received=counts["dispatched"] - counts["missing"],
                missing=counts["missing"],
            ),
            "success",
        )
    return _back_to(batch_id)


@bp.route("/batches/<int:batch_id>/loans", methods=["POST"])
@permission_required("rotation.point")
def lend(batch_id):
    """A copy lent at the point (the reader's name or card stays in the point's register)."""
    found = _seen(batch_id)
    form = PointLoanForm()
    values = {"barcode": form.barcode.data or "", "reader": form.reader.data or ""}
    if not form.validate():
        return _render_batch(found, errors=form_errors(form), values=values, status=422)
    barcode = form.barcode.data.strip()
    reader = (form.reader.data or "").strip()

    def record():
        return at_point.record_point_loan(
            current_user, batch_id, barcode, children=form.children.data
        )

    def said(_event):
        if reader:
            return _("Loan of %(barcode)s to %(reader)s recorded.", barcode=barcode, reader=reader)
        return _("Loan of %(barcode)s recorded.", barcode=barcode)

    response, errors = save_form(record, lambda _event: url_for("point.batch", batch_id=batch_id),
                                 said)  # fmt: skip
    if response is not None:
        return response
    return _render_batch(found, errors=errors, values=values, status=422)


@bp.route("/batches/<int:batch_id>/tallies", methods=["POST"])
@permission_required("rotation.point")
def tally(batch_id):
    """A period's tally: visits, uses, children's, titles readers asked for."""
    found = _seen(batch_id)
    form = TallyForm()
    names = ("period", "visits", "uses", "children_visits", "children_uses", "requests")
    values = {name: request.form.get(name, "") for name in names}
    if not form.validate():
        return _render_batch(found, errors=form_errors(form), values=values, status=422)
    data = form.tally()
    response, errors = save_form(
        lambda: at_point.record_tally(current_user, batch_id, data),
        lambda _event: url_for("point.batch", batch_id=batch_id),
        lambda _event: _("Tally for %(period)s recorded.", period=data["period"]),
    )
    if response is not None:
        return response
    return _render_batch(found, errors=errors, values=values, status=422)


@bp.route("/batches/<int:batch_id>/hand-back", methods=["POST"])
@permission_required("rotation.point")
def hand_back(batch_id):
    """The point hands the batch back to the library."""
    _seen(batch_id)
    run_action(
        lambda: batches.start_return(current_user, batch_id),
        _("The batch is on its way back."),
    )
    return _back_to(batch_id)


@bp.route("/batches/<int:batch_id>/minutes.pdf", methods=["GET"])
@permission_required("rotation.point")
def minutes(batch_id):
    """The handover minutes, to check against what arrived or print for signing."""
    found = _seen(batch_id)
    kind = request.args.get("kind") or ("return" if found.state == "closed" else "dispatch")
    if kind not in MINUTES_KINDS:
        raise NotFound(_l("Choose dispatch or return."))
    return pdf_response(handover_minutes_pdf(found, kind), f"{found.reference}-{kind}.pdf")
