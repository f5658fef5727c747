"""The admin's page of the audit log, and the same entries as JSON."""

from datetime import UTC, datetime

from flask import Blueprint, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.audit.services import KINDS, PAGE_SIZE, entry_json, search_entries
from libsys.audit.tracking import AUDITED
from libsys.core.clock import _zone
from libsys.core.dates import DATE_MESSAGE, InvalidDate, parse_date
from libsys.db import MAX_INTEGER
from libsys.extensions import db
from libsys.readers.labels import READER_LABELS
from libsys.readers.models import Reader
from libsys.readers.services import normalize_card_number

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")

KIND_LABELS = {
    "records": _l("Records and copies"),
    "periodicals": _l("Periodicals"),
    "readers": _l("Readers"),
    "policies": _l("Lending policies and calendars"),
    "overrides": _l("Overrides at the desk"),
    "rotation": _l("Rotation"),
    "plans": _l("Plans, targets and activities"),
    "accounts": _l("Staff accounts"),
    "network": _l("Libraries and stores"),
}
ACTION_LABELS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted")}
# What each audited table holds, as the log names it (tracking.AUDITED lists the tables).
TABLE_LABELS = {
    "record": _l("Catalogue record"),
    "item": _l("Copy"),
    "acquisition_batch": _l("Acquisition batch"),
    "periodical": _l("Periodical"),
    "periodical_subscription": _l("Periodical subscription"),
    "withdrawn_copy": _l("Withdrawn copy"),
    "reader": _l("Reader"),
    "reader_category": _l("Reader category"),
    "circulation_policy": _l("Lending rule"),
    "closed_weekday": _l("Closed weekday"),
    "holiday": _l("Holiday"),
    "rotation_batch": _l("Rotation batch"),
    "rotation_route": _l("Rotation route"),
    "rotation_route_stage": _l("Stage of a rotation route"),
    "stat_plan": _l("Plan"),
    "stat_plan_target": _l("Plan target"),
    "activity": _l("Activity"),
    "staff_user": _l("Staff account"),
    "api_token": _l("API token"),
    "library": _l("Library"),
    "store": _l("Store"),
    "admin_unit": _l("Administrative unit"),
    "population": _l("Population served"),
}
assert set(TABLE_LABELS) == set(AUDITED)
# The columns most changes touch, in words (a reader's as her page says them); any other
# keeps its name.
COLUMN_LABELS = {
    **READER_LABELS,
    "title": _l("Title"),
    "barcode": _l("Barcode"),
    "accession_number": _l("Accession number"),
    "call_number": _l("Call number"),
    "store_id": _l("Store"),
    "library_id": _l("Library"),
    "record_id": _l("Catalogue record"),
    "item_type": _l("Material type"),
    "price": _l("Price"),
    "category_id": _l("Reader category"),
    "home_library_id": _l("Home library"),
    "username": _l("User name"),
    "role": _l("Role"),
    "is_active": _l("Active"),
    "password_hash": _l("Password"),
    "name": _l("Name"),
    "code": _l("Code"),
    "loan_days": _l("Loan days"),
    "population": _l("Population"),
    "value_min": _l("Target from"),
    "value_max": _l("Target to"),
}

assert set(KIND_LABELS) == set(KINDS)


def _filters() -> tuple[dict, dict, dict]:
    """The query's filters as typed, as the search takes them, and their errors."""
    typed = {
        name: request.args.get(name, "").strip()
        for name in ("user", "kind", "record", "reader", "since", "until")
    }
    errors: dict = {}
    wanted: dict = {"user": typed["user"] or None, "kind": typed["kind"] or None}
    for name in ("since", "until"):
        try:
            wanted[name] = parse_date(typed[name])
        except InvalidDate:
            errors[name] = DATE_MESSAGE
    record = typed["record"]
    if record:
        if record.isdigit() and int(record) <= MAX_INTEGER:
            wanted["record_id"] = int(record)
        else:
            errors["record"] = _l("Write the record's number.")
    card = typed["reader"]
    if card:
        reader_id = db.session.scalar(
            select(Reader.id).where(Reader.card_number == normalize_card_number(card))
        )
        if reader_id is None and card.isdigit() and int(card) <= MAX_INTEGER:
            reader_id = int(card)  # a deleted reader is found by her former number
        if reader_id is None:
            errors["reader"] = _l("No reader has this card number.")
        wanted["reader_id"] = reader_id
    return typed, wanted, errors


def local_moment(moment: datetime) -> str:
    """A stored (naive UTC) time as the library's local dd/mm/yyyy hh:mm:ss."""
    return moment.replace(tzinfo=UTC).astimezone(_zone()).strftime("%d/%m/%Y %H:%M:%S")


def _page() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), 100_000)


@bp.route("/")
@permission_required("audit.view")
def index():
    """Search the audit log: by who, what kind, record or reader, and days."""
    typed, wanted, errors = _filters()
    page = _page()
    entries = []
    if not errors:
        entries = search_entries(
            **wanted, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, account=current_user
        )
    return render_template(
        "audit/index.html",
        values=typed,
        errors=errors,
        entries=entries[:PAGE_SIZE],
        has_more=len(entries) > PAGE_SIZE,
        page=page,
        kinds=[(code, KIND_LABELS[code]) for code in KINDS],
        actions=ACTION_LABELS,
        tables=TABLE_LABELS,
        columns=COLUMN_LABELS,
        when=local_moment,
    ), (422 if errors else 200)


@bp.route("/entries.json")
@permission_required("audit.view")
def entries_json():
    """The same search as JSON: {"entries": [...], "page", "has_more"}."""
    _typed, wanted, errors = _filters()
    if errors:
        return jsonify(
            {
                "error": {
                    "code": "VALIDATION_FAILED",
                    "message": str(next(iter(errors.values()))),
                    "fields": {name: str(text) for name, text in errors.items()},
                }
            }
        ), 422
    page = _page()
    entries = search_entries(
        **wanted, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, account=current_user
    )
    return jsonify(
        {
            "entries": [entry_json(entry) for entry in entries[:PAGE_SIZE]],
            "page": page,
            "has_more": len(entries) > PAGE_SIZE,
        }
    )
