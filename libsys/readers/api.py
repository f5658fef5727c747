"""Readers in the JSON API."""

from flask import g, jsonify, request, url_for

from libsys.api import api_permission, bp
from libsys.core.clock import local_today
from libsys.core.schemas import load_body, load_data
from libsys.readers.schemas import READER, ReaderQuerySchema, ReaderSchema
from libsys.readers.services import (
    find_readers,
    get_reader,
    reader_categories,
    readers_scope,
    register_reader,
    update_reader,
)

# ReaderInput is the schema that checks a request's body, so the document cannot drift from it.
OPENAPI_SCHEMAS = {"Reader": READER, "ReaderInput": ReaderSchema}

# Extra parts of the reader's JSON (current loans, holds) are added by other domains.
READER_EXTENSIONS: list = []


def reader_json(reader, *, full: bool = False) -> dict:
    """A reader as the API shows it, field names in English snake case."""
    body = {
        "card_number": reader.card_number,
        "full_name": reader.full_name,
        "date_of_birth": reader.date_of_birth.isoformat() if reader.date_of_birth else None,
        "gender": reader.gender,
        "ethnicity": reader.ethnicity,
        "category": reader.category.code,
        "admin_unit": reader.admin_unit.code if reader.admin_unit else None,
        "address": reader.address,
        "phone": reader.phone,
        "email": reader.email,
        "school": reader.school,
        "guardian_name": reader.guardian_name,
        "guardian_phone": reader.guardian_phone,
        "disability": reader.disability,
        "home_library": reader.home_library.code,
        "card_issued": reader.card_issued.isoformat(),
        "card_expires": reader.card_expires.isoformat(),
        "status": reader.effective_status(local_today()),
        "blocked_reason": reader.blocked_reason,
        "keep_history": reader.keep_history,
    }
    if full:
        for extend in READER_EXTENSIONS:
            body.update(extend(reader))
    return body


@bp.route("/readers", methods=["GET"])
@api_permission("readers.view")
def list_readers():
    """Find readers.
    ---
    get:
      summary: Find readers by card number or by name (with or without diacritics)
      tags: [readers]
      security: [{bearer: []}]
      parameters:
        - {in: query, schema: ReaderQuerySchema}
      responses:
        200:
          description: Matching readers
          content:
            application/json:
              schema:
                type: object
                properties:
                  readers: {type: array, items: {$ref: '#/components/schemas/Reader'}}
        401: {description: No valid token, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    args = load_data(ReaderQuerySchema(), request.args.to_dict())
    limit = min(args["limit"] or 50, 200)
    readers = find_readers(
        args.get("q") or "",
        limit=limit,
        offset=args["offset"] or 0,
        scope=readers_scope(g.api_user),
    )
    return jsonify({"readers": [reader_json(r) for r in readers]})


@bp.route("/readers", methods=["POST"])
@api_permission("readers.edit")
def create_reader():
    """Register a reader.
    ---
    post:
      summary: Register a reader and issue a card
      tags: [readers]
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ReaderInput'}
      responses:
        201:
          description: The new reader
          content: {application/json: {schema: {$ref: '#/components/schemas/Reader'}}}
        403:
          description: The home library is another library's (code OUT_OF_SCOPE)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
        422:
          description: A field is missing or wrong (code VALIDATION_ERROR, with fields)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    reader = register_reader(
        load_body(ReaderSchema()), scope=readers_scope(g.api_user), user=g.api_user
    )
    response = jsonify(reader_json(reader, full=True))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_reader", card_number=reader.card_number)
    return response


@bp.route("/readers/<card_number>", methods=["GET"])
@api_permission("readers.view")
def show_reader(card_number):
    """One reader.
    ---
    get:
      summary: A reader, with current loans and holds
      tags: [readers]
      security: [{bearer: []}]
      parameters:
        - {name: card_number, in: path, required: true, schema: {type: string}}
      responses:
        200:
          description: The reader
          content: {application/json: {schema: {$ref: '#/components/schemas/Reader'}}}
        404:
          description: No reader has this card number (code UNKNOWN_READER)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    reader = get_reader(card_number, scope=readers_scope(g.api_user))
    return jsonify(reader_json(reader, full=True))


@bp.route("/readers/<card_number>", methods=["PATCH"])
@api_permission("readers.edit")
def patch_reader(card_number):
    """Change a reader.
    ---
    patch:
      summary: Change some fields of a reader (status active/blocked with blocked_reason)
      tags: [readers]
      security: [{bearer: []}]
      parameters:
        - {name: card_number, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ReaderInput'}
      responses:
        200:
          description: The changed reader
          content: {application/json: {schema: {$ref: '#/components/schemas/Reader'}}}
        404: {description: Unknown reader, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: A field is wrong, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    values = load_body(ReaderSchema(), partial=True)
    scope = readers_scope(g.api_user)
    reader = update_reader(
        get_reader(card_number, scope=scope), values, scope=scope, user=g.api_user
    )
    return jsonify(reader_json(reader, full=True))


@bp.route("/reader-categories", methods=["GET"])
@api_permission("network.view")
def list_reader_categories():
    """Reader categories.
    ---
    get:
      summary: The configured reader categories
      tags: [readers]
      security: [{bearer: []}]
      responses:
        200:
          description: Categories (code, name)
          content:
            application/json:
              schema:
                type: object
                properties:
                  categories:
                    type: array
                    items: {type: object, properties: {code: {type: string}, name: {type: string}}}
    """
    return jsonify(
        {
            "categories": [
                {"code": c.code, "name": c.name, "name_en": c.name_en, "children": c.is_children}
                for c in reader_categories()
            ]
        }
    )
