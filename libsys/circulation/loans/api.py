"""Loans in the JSON API: checkouts, checkins, renewals."""

from flask import g, jsonify

from libsys.api import api_permission, bp
from libsys.circulation.acting import acting_library
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout, get_loan, renew
from libsys.circulation.schemas import (
    CheckinSchema,
    CheckoutSchema,
    HoldSchema,
    InHouseUseSchema,
    RenewalSchema,
    VisitSchema,
)
from libsys.core.schemas import load_body
from libsys.db import MAX_INTEGER
from libsys.errors import NotFound
from libsys.rotation.at_point import keeper_at_desk
from libsys.stats.events import record_online_activity

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


def loan_json(loan, *, renewed: bool = False, repeated: bool = False) -> dict:
    """A loan as the API shows it."""
    return {
        "loan_id": loan.id,
        "due_date": loan.due_date.isoformat(),
        "renewals": loan.renewals,
        "renewal": renewed,
        "repeated": repeated,
    }


@bp.route("/checkouts", methods=["POST"])
@api_permission(("circulation.desk", "rotation.point"))
def create_checkout():
    """Lend a copy.
    ---
    post:
      summary: Lend a copy to a reader (the same reader's copy is renewed)
      description: >
        Refusals carry a code: UNKNOWN_ITEM, UNKNOWN_READER (422), ALREADY_ON_LOAN,
        NOT_FOR_LOAN, LIMIT_REACHED, CARD_EXPIRED, READER_BLOCKED, HELD_FOR_ANOTHER,
        OVERDUE_BLOCKS, GUARDIAN_REQUIRED (409). With circulation.override, an
        override_reason lifts an overridable refusal. A point keeper lends at their
        rotation point (library: the point's code) the copies of the batches it holds, to
        its own readers (NOT_AT_POINT otherwise).
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
    keeper_at_desk(g.api_user, body["item"], body["reader"])
    lent = checkout(
        body["item"],
        body["reader"],
        library=library,
        user=g.api_user,
        override_reason=body.get("override_reason"),
    )
    return jsonify(loan_json(lent.loan, renewed=lent.renewed, repeated=lent.repeated)), 201


@bp.route("/checkins", methods=["POST"])
@api_permission(("circulation.desk", "rotation.point"))
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
    keeper_at_desk(g.api_user, body["item"])
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
    if loan.reader is not None:  # renewed from afar: the reader counts as active
        record_online_activity(
            loan.reader, library=library or loan.library, action="renewal", channel="api"
        )
    return jsonify(loan_json(loan, renewed=True))
