"""Records and copies in the JSON API."""

import json

from flask import jsonify

from libsys.api import api_permission, api_public, bp, utc_time
from libsys.catalog.copies.services import copy_json, get_item
from libsys.catalog.models import ITEM_STATUSES
from libsys.catalog.services import get_record

RECORD_COLUMNS = (
    "id",
    "title",
    "subtitle",
    "responsibility",
    "publisher",
    "place",
    "year",
    "edition",
    "isbn",
    "issn",
    "language",
    "material_type",
    "ddc",
    "series",
    "pages",
    "size",
    "summary",
    "notes",
    "audience",
    "control_number",
    "control_source",
)

COPY = {
    "type": "object",
    "properties": {
        "barcode": {"type": "string"},
        "accession_number": {"type": "string", "example": "VN.000123"},
        "library": {"type": "string", "description": "library code"},
        "store": {"type": "string", "nullable": True, "description": "store (kho) code"},
        "call_number": {"type": "string", "nullable": True, "example": "895.922 / NG-D / 2015"},
        "status": {
            "type": "string",
            "enum": list(ITEM_STATUSES),
        },
        "due_date": {"type": "string", "format": "date", "nullable": True},
    },
}
RECORD = {
    "type": "object",
    "properties": {
        **{name: {"type": "string", "nullable": True} for name in RECORD_COLUMNS},
        "id": {"type": "integer"},
        "year": {"type": "integer", "nullable": True},
        "authors": {"type": "array", "items": {"type": "string"}},
        "subjects": {"type": "array", "items": {"type": "string"}},
        "isbns": {"type": "array", "items": {"type": "string"}, "description": "ISBN-13"},
        "updated_at": {"type": "string", "format": "date-time"},
        "marc": {"type": "object", "description": "the whole MARC 21 record as MARC-in-JSON"},
        "copies": {"type": "array", "items": {"$ref": "#/components/schemas/Copy"}},
    },
}
ITEM = {
    "allOf": [
        {"$ref": "#/components/schemas/Copy"},
        {
            "type": "object",
            "properties": {
                "record": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
                }
            },
        },
    ]
}
OPENAPI_SCHEMAS = {"Copy": COPY, "Record": RECORD, "Item": ITEM}


def record_json(record) -> dict:
    """A record as the API shows it: its columns, its MARC and its copies."""
    body = {name: getattr(record, name) for name in RECORD_COLUMNS}
    body["authors"] = record.author_list
    body["subjects"] = record.subject_list
    body["isbns"] = [row.isbn13 for row in record.isbns]
    body["updated_at"] = utc_time(record.updated_at)
    body["marc"] = json.loads(record.marc)
    body["copies"] = [copy_json(item) for item in record.items]
    return body


@bp.route("/records/<int:record_id>", methods=["GET"])
@api_public
def show_record(record_id):
    """One catalogue record.
    ---
    get:
      summary: A record with its MARC (MARC-in-JSON) and its copies; open to everyone (OPAC)
      tags: [catalog]
      parameters:
        - {name: record_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The record
          content: {application/json: {schema: {$ref: '#/components/schemas/Record'}}}
        404:
          description: No record has this number (code UNKNOWN_RECORD)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    return jsonify(record_json(get_record(record_id)))


@bp.route("/items/<path:barcode>", methods=["GET"])
@api_permission("catalog.view")
def show_item(barcode):
    """One copy by barcode.
    ---
    get:
      summary: A copy (bản) by its barcode, with its record's id and title
      tags: [catalog]
      security: [{bearer: []}]
      parameters:
        - {name: barcode, in: path, required: true, schema: {type: string}}
      responses:
        200:
          description: The copy
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
        401: {description: No valid token, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        404:
          description: No copy has this barcode (code UNKNOWN_ITEM)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    item = get_item(barcode)
    body = copy_json(item)
    body["record"] = {"id": item.record_id, "title": item.record.title}
    return jsonify(body)
