"""Circulation in the JSON API: checkouts, checkins, renewals, holds, visits."""

from flask import g, jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.api import api_permission, bp
from libsys.circulation.errors import REFUSAL_MESSAGES, DeskRefusal
from libsys.circulation.lookups import find_copy, find_reader
from libsys.circulation.schemas import (
    CheckinSchema,
    CheckoutSchema,
    HoldSchema,
    InHouseUseSchema,
    RenewalSchema,
    VisitSchema,
)
from libsys.circulation.services import (
    cancel_hold,
    checkin,
    checkout,
    find_record,
    get_hold,
    get_loan,
    place_hold,
    queue_position,
    renew,
)
from libsys.circulation.visits import record_visit
from libsys.core.schemas import load_body
from libsys.db import MAX_INTEGER
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library

# Request bodies are the schemas load_body checks; responses are described by hand.
OPENAPI_SCHEMAS = {
    "CheckoutInput": CheckoutSchema,
    "CheckinInput": CheckinSchema,
    "RenewalInput": RenewalSchema,
    "HoldInput": HoldSchema,
    "InHouseUseInput": InHouseUseSchema,
    "VisitInput": VisitSchema,
    "Loan": {
        "type": "object",
        "properties": {
            "loan_id": {"type": "integer"},
            "due_date": {"type": "string", "format": "date"},
            "renewals": {"type": "integer"},
            "renewal": {"type": "boolean", "description": "the scan renewed an existing loan"},
            "repeated": {
                "type": "boolean",
                "description": "the copy was lent or renewed to this reader today already:"
                " nothing changed (a second scan)",
            },
        },
    },
    "Checkin": {
        "type": "object",
        "properties": {
            "loan_id": {"type": "integer", "nullable": True},
            "overdue_days": {"type": "integer"},
            "fine": {"type": "integer", "description": "overdue fine charged, in VND (0: none)"},
            "hold": {"type": "object", "nullable": True},
            "route_to": {"type": "string", "nullable": True},
            "rotation_point": {
                "type": "string",
                "nullable": True,
                "description": "the copy is out in a rotation batch at this point: keep it"
                " with the batch",
            },
        },
    },
    "Hold": {
        "type": "object",
        "properties": {
            "hold_id": {"type": "integer"},
            "status": {"type": "string"},
            "position": {"type": "integer", "nullable": True},
            "pickup_library": {"type": "string"},
        },
    },
}


def acting_library(body: dict) -> Library:
    """The library a call acts for: body "library", else the token user's library."""
    code = (body.get("library") or "").strip() if isinstance(body.get("library"), str) else ""
    user = g.api_user
    if code:
        library = db.session.scalar(select(Library).where(Library.code == code))
        if library is None:
            raise ValidationFailed(fields={"library": _l("Unknown library.")})
        if not user.can_act_for(library.id):
            raise ValidationFailed(fields={"library": _l("You may not act for this library.")})
        return library
    if user.library is not None:
        return user.library
    raise DeskRefusal(code="NO_LIBRARY")


def loan_json(loan) -> dict:
    """A loan as the API shows it."""
    return {
        "loan_id": loan.id,
        "due_date": loan.due_date.isoformat(),
        "renewals": loan.renewals,
        "renewal": bool(getattr(loan, "renewed_now", False)),
        "repeated": bool(getattr(loan, "repeated_now", False)),
    }


def hold_json(hold) -> dict:
    """A hold as the API shows it."""
    return {
        "hold_id": hold.id,
        "status": hold.status,
        "position": queue_position(hold),
        "record_id": hold.record_id,
        "barcode": hold.item.barcode if hold.item else None,
        "pickup_library": hold.pickup_library.code,
        "shelf_expires_on": hold.shelf_expires_on.isoformat() if hold.shelf_expires_on else None,
    }


@bp.route("/checkouts", methods=["POST"])
@api_permission("circulation.desk")
def create_checkout():
    """Lend a copy.
    ---
    post:
      summary: Lend a copy to a reader (the same reader's copy is renewed)
      description: >
        Refusals carry a code: UNKNOWN_ITEM, UNKNOWN_READER (422), ALREADY_ON_LOAN,
        NOT_FOR_LOAN, LIMIT_REACHED, CARD_EXPIRED, READER_BLOCKED, HELD_FOR_ANOTHER,
        OVERDUE_BLOCKS, GUARDIAN_REQUIRED (409). With circulation.override, an
        override_reason lifts an overridable refusal.
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/CheckoutInput'}}}
      responses:
        201:
          description: The loan
          content: {application/json: {schema: {$ref: '#/components/schemas/Loan'}}}
        409: {description: Refused (code says why), content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: Unknown copy or reader, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    body = load_body(CheckoutSchema())
    library = acting_library(body)
    loan = checkout(
        body["item"],
        body["reader"],
        library=library,
        user=g.api_user,
        override_reason=body.get("override_reason"),
    )
    return jsonify(loan_json(loan)), 201


@bp.route("/checkins", methods=["POST"])
@api_permission("circulation.desk")
def create_checkin():
    """Take a copy back.
    ---
    post:
      summary: Take a copy back; says if a hold waits for it or where it must go
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/CheckinInput'}}}
      responses:
        200:
          description: The copy is back
          content: {application/json: {schema: {$ref: '#/components/schemas/Checkin'}}}
        422: {description: Unknown copy, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    body = load_body(CheckinSchema())
    library = acting_library(body)
    result = checkin(body["item"], library=library, user=g.api_user)
    return jsonify(
        {
            "loan_id": result.loan.id if result.loan else None,
            "overdue_days": result.overdue_days,
            "fine": result.fine,
            "hold": result.hold_slip(),
            "route_to": result.route_to,
            "rotation_point": result.rotation_point.code if result.rotation_point else None,
        }
    )


@bp.route("/loans/<int:loan_id>/renew", methods=["POST"])
@api_permission("circulation.desk")
def renew_loan(loan_id):
    """Renew a loan.
    ---
    post:
      summary: Renew a loan (codes NO_RENEWALS_LEFT, RENEWAL_BLOCKED_BY_HOLD, ...)
      tags: [circulation]
      security: [{bearer: []}]
      parameters:
        - {name: loan_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: false
        content: {application/json: {schema: {$ref: '#/components/schemas/RenewalInput'}}}
      responses:
        200:
          description: The renewed loan
          content: {application/json: {schema: {$ref: '#/components/schemas/Loan'}}}
        404: {description: No such loan, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        409: {description: Refused, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    body = load_body(RenewalSchema(), required=False)
    override_reason = body.get("override_reason")
    if loan_id > MAX_INTEGER:
        raise NotFound()  # beyond the id column: no such loan (PostgreSQL would refuse it)
    loan = get_loan(loan_id)
    library = acting_library(body) if (body.get("library") or g.api_user.library) else None
    renew(loan, library=library, user=g.api_user, override_reason=override_reason)
    return jsonify(loan_json(loan))


@bp.route("/holds", methods=["POST"])
@api_permission("circulation.desk")
def create_hold():
    """Place a hold.
    ---
    post:
      summary: Place a hold on a title (record id) or a copy (barcode) for a reader
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/HoldInput'}}}
      responses:
        201:
          description: The hold
          content: {application/json: {schema: {$ref: '#/components/schemas/Hold'}}}
        409: {description: Refused, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: Missing or unknown field, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    body = load_body(HoldSchema())
    record_id = body.get("record")
    reader = find_reader(body["reader"])
    pickup = db.session.scalar(select(Library).where(Library.code == body["pickup_library"]))
    if pickup is None:
        raise ValidationFailed(fields={"pickup_library": _l("Unknown library.")})
    item = record = None
    if body.get("item"):
        item = find_copy(body["item"])
    elif record_id is not None:
        record = find_record(record_id)
        if record is None:
            raise ValidationFailed(fields={"record": _l("Unknown title.")})
    hold = place_hold(reader, record=record, item=item, pickup_library=pickup, user=g.api_user)
    return jsonify(hold_json(hold)), 201


@bp.route("/holds/<int:hold_id>", methods=["DELETE"])
@api_permission("circulation.desk")
def delete_hold(hold_id):
    """Cancel a hold.
    ---
    delete:
      summary: Cancel a hold (a copy waiting for it goes to the next reader)
      tags: [circulation]
      security: [{bearer: []}]
      parameters:
        - {name: hold_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The cancelled hold
          content: {application/json: {schema: {$ref: '#/components/schemas/Hold'}}}
        404: {description: No such hold, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        409: {description: Already closed, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    if hold_id > MAX_INTEGER:
        raise NotFound()  # beyond the id column: no such hold
    hold = cancel_hold(get_hold(hold_id), user=g.api_user)
    return jsonify(hold_json(hold))


@bp.route("/visits", methods=["POST"])
@api_permission("circulation.desk")
def create_visit():
    """Count a visit.
    ---
    post:
      summary: Count a reader's visit (once a day) or an anonymous tally by category
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/VisitInput'}}}
      responses:
        201:
          description: The visit
          content:
            application/json:
              schema:
                type: object
                properties:
                  visit_id: {type: integer}
                  count: {type: integer}
                  category: {type: string}
        409: {description: Refused, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: Unknown reader or wrong count, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    try:
        body = load_body(VisitSchema())
    except ValidationFailed as exc:
        if "count" not in exc.fields:
            raise
        # A wrong count is the desk's own refusal, as the tally buttons say it.
        message = REFUSAL_MESSAGES["INVALID_COUNT"]
        raise DeskRefusal(code="INVALID_COUNT", fields={"count": message}) from None
    library = acting_library(body)
    if body.get("reader"):
        visit = record_visit(library, find_reader(body["reader"]))
    else:
        count = body.get("count") or 1  # null counts as left out: one walk-in
        visit = record_visit(library, count=count, category=body.get("category"))
    return jsonify({"visit_id": visit.id, "count": visit.count, "category": visit.category}), 201
