"""In-library use (đọc tại chỗ): the copies readers leave on the reading-room tables.

Each scanned copy counts one use of a document (lượt sử dụng tài liệu). Only this page and
its API endpoint record such uses: returns, hold trapping and transfer receipts never do,
so the yearly "uses" figure is not inflated by the desk's own handling (Koha's mistake).
"""

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.api import api_permission
from libsys.api import bp as api_bp
from libsys.catalog.models import Item
from libsys.circulation.acting import acting_library, library_options
from libsys.circulation.lookups import find_copy
from libsys.circulation.schemas import InHouseUseSchema
from libsys.circulation.transfers.services import current_library_id
from libsys.circulation.visits.models import InHouseUse
from libsys.core.clock import local_today
from libsys.core.schemas import load_body
from libsys.errors import Conflict, LibsysError, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.events import record_event


def _refusal(item: Item) -> tuple[str, str] | None:
    """Why a copy in this state cannot count as read on a table (each state has its own task)."""
    barcode = item.barcode
    refusals = {
        "on_loan": (
            "ITEM_ON_LOAN",
            _l("Copy %(barcode)s is on loan: check it in at the returns desk.", barcode=barcode),
        ),
        "in_transit": (
            "ITEM_IN_TRANSIT",
            _l("Copy %(barcode)s is in transit: receive it on the transfers page.",
               barcode=barcode),
        ),
        "on_hold_shelf": (
            "ITEM_ON_HOLD_SHELF",
            _l("Copy %(barcode)s waits on the hold shelf for a reader: put it back there.",
               barcode=barcode),
        ),
        "lost": (
            "ITEM_LOST",
            _l("Copy %(barcode)s is declared lost: mark it found first.", barcode=barcode),
        ),
        "withdrawn": (
            "ITEM_WITHDRAWN",
            _l("Copy %(barcode)s was withdrawn from the collection.", barcode=barcode),
        ),
        "at_rotation_point": (
            "ITEM_AT_POINT",
            _l("Copy %(barcode)s belongs to a rotation batch out at a point.", barcode=barcode),
        ),
    }  # fmt: skip
    return refusals.get(item.status)


bp = Blueprint("inhouse", __name__, url_prefix="/staff/reading-room")


def record_inhouse_use(item: Item, library: Library | int | None = None) -> InHouseUse:
    """Count one in-library use of a copy (InHouseUse row + event inhouse_use with its snapshot)."""
    refusal = _refusal(item)
    if refusal is not None:
        code, message = refusal
        raise Conflict(message, code=code)
    library_id = getattr(library, "id", library) or current_library_id(item)
    use = InHouseUse(item_id=item.id, library_id=library_id, day=local_today())
    db.session.add(use)
    db.session.flush()
    record_event("inhouse_use", library=library_id, item=item, inhouse_use_id=use.id)
    db.session.flush()
    return use


def uses_today(library_id: int | None) -> int:
    """How many in-library uses were recorded today at a library."""
    query = select(db.func.count(InHouseUse.id)).where(InHouseUse.day == local_today())
    if library_id is not None:
        query = query.where(InHouseUse.library_id == library_id)
    return db.session.scalar(query) or 0


def acting_library_id(code: str | None = None) -> int | None:
    """The library a staff member acts for: her own, or the one a network account chooses."""
    user = g.get("api_user") or current_user
    own = getattr(user, "library_id", None)
    if own is not None:
        return own
    if code:
        library = db.session.scalar(select(Library).where(Library.code == code))
        if library is None:
            raise ValidationFailed(fields={"library": _l("Unknown library.")})
        return library.id
    return None


@bp.route("/", methods=["GET", "POST"])
@permission_required("circulation.desk")
def index():
    """Scan the copies left on the tables; each scan counts one in-library use."""
    library_code = request.values.get("library") or ""
    library_id = acting_library_id(library_code) if library_code else acting_library_id()
    recent: list[dict] = []
    status = 200
    if request.method == "POST":
        barcode = request.form.get("barcode", "").strip()
        try:
            with db.session.begin_nested():
                item = find_copy(barcode)
                record_inhouse_use(item, library_id)
            flash(_("Counted: %(title)s (%(barcode)s).", title=item.record.title,
                    barcode=item.barcode), "success")  # fmt: skip
            return redirect(url_for("inhouse.index", library=library_code or None))
        except LibsysError as exc:
            flash(str(exc.message), "error")
            status = 409 if isinstance(exc, Conflict) else 422
    recent = _recent_uses(library_id)
    libraries = library_options() if getattr(current_user, "library_id", None) is None else []
    return render_template(
        "circulation/reading_room.html",
        recent=recent,
        count_today=uses_today(library_id),
        library_code=library_code,
        libraries=libraries,
    ), status


def _recent_uses(library_id: int | None, limit: int = 20) -> list:
    query = (
        select(InHouseUse, Item)
        .join(Item, Item.id == InHouseUse.item_id)
        .where(InHouseUse.day == local_today())
        .order_by(InHouseUse.id.desc())
        .limit(limit)
    )
    if library_id is not None:
        query = query.where(InHouseUse.library_id == library_id)
    return list(db.session.execute(query))


@api_bp.route("/inhouse-uses", methods=["POST"])
@api_permission("circulation.desk")
def create_inhouse_use():
    """Record an in-library use.
    ---
    post:
      summary: Count one in-library use of a copy (a copy left on a reading-room table)
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/InHouseUseInput'}}}
      responses:
        201:
          description: The use was counted
          content:
            application/json:
              schema:
                type: object
                properties:
                  inhouse_use_id: {type: integer}
                  item: {type: string}
                  library: {type: string}
                  day: {type: string, format: date}
        409:
          description: The copy is on loan, in transit, on the hold shelf, lost or withdrawn
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
        422:
          description: No copy has this barcode (code UNKNOWN_ITEM)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    body = load_body(InHouseUseSchema())
    item = find_copy(body["item"])
    library_id = None
    if body.get("library") or g.api_user.library_id is not None:
        library_id = acting_library(body).id
    # A network account naming no library counts the use where the copy is.
    use = record_inhouse_use(item, library_id)
    library = db.session.get(Library, use.library_id)
    response = jsonify(
        {
            "inhouse_use_id": use.id,
            "item": item.barcode,
            "library": library.code,
            "day": use.day.isoformat(),
        }
    )
    response.status_code = 201
    return response
