"""Readers in the JSON API."""

from flask import jsonify, request, url_for

from libsys.api import api_permission, bp, json_body
from libsys.core.clock import local_today
from libsys.readers.schemas import READER, READER_INPUT
from libsys.readers.services import (
    find_readers,
    get_reader,
    reader_categories,
    register_reader,
    update_reader,
)

OPENAPI_SCHEMAS = {"Reader": READER, "ReaderInput": READER_INPUT}

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
        - {name: q, in: query, schema: {type: string}, description: card number or name}
        - {name: limit, in: query, schema: {type: integer, default: 50, maximum: 200}}
        - {name: offset, in: query, schema: {type: integer, default: 0}}
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
    limit = min(max(request.args.get("limit", 50, type=int), 1), 200)
    offset = max(request.args.get("offset", 0, type=int), 0)
    readers = find_readers(request.args.get("q", ""), limit=limit, offset=offset)
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
        422:
          description: A field is missing or wrong (code VALIDATION_ERROR, with fields)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    reader = register_reader(json_body())
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
    return jsonify(reader_json(get_reader(card_number), full=True))


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
    reader = update_reader(get_reader(card_number), json_body())
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
