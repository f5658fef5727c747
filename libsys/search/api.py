"""Catalogue search in the JSON API (public: the OPAC's own search)."""

from flask import jsonify, request

from libsys.api import api_public, bp
from libsys.search.backends import FACETS
from libsys.search.services import result_json, search_catalogue

HOLDING = {
    "type": "object",
    "properties": {
        "barcode": {"type": "string"},
        "accession_number": {"type": "string"},
        "library": {"type": "string"},
        "store": {"type": "string", "nullable": True},
        "call_number": {"type": "string", "nullable": True},
        "status": {"type": "string"},
        "due_date": {"type": "string", "format": "date", "nullable": True},
    },
}
SEARCH_HIT = {
    "type": "object",
    "required": ["id", "title", "authors", "available", "holdings"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "string"}},
        "year": {"type": "integer", "nullable": True},
        "publisher": {"type": "string", "nullable": True},
        "call_number": {"type": "string", "nullable": True},
        "available": {"type": "boolean", "description": "a copy is on the shelf now"},
        "holdings": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHolding"}},
    },
}
SEARCH_RESULT = {
    "type": "object",
    "required": [
        "total",
        "total_exact",
        "page",
        "per_page",
        "hits",
        "facets",
        "facets_from",
        "suggestion",
        "searched_for",
        "relaxed",
    ],
    "properties": {
        "total": {
            "type": "integer",
            "description": "records found; when total_exact is false, an estimate",
        },
        "total_exact": {
            "type": "boolean",
            "description": "false when more records match than were read (PostgreSQL"
            " search reads 1,000): total is then estimated and rounded",
        },
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "facets": {
            "type": "object",
            "description": "facet name -> values with counts: " + ", ".join(FACETS),
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
                },
            },
        },
        "facets_from": {
            "type": "integer",
            "nullable": True,
            "description": "the facets were counted in only this many hits, the first"
            " found (null: in every hit)",
        },
        "suggestion": {
            "type": "string",
            "nullable": True,
            "description": "did you mean: a query of the catalogue's words that finds records",
        },
        "searched_for": {
            "type": "string",
            "nullable": True,
            "description": "the query searched when not the one typed: its first words, or"
            " its words without the operators that made it find nothing",
        },
        "relaxed": {
            "type": "boolean",
            "description": "nothing matched as typed, so the words were searched as plain words",
        },
    },
}
OPENAPI_SCHEMAS = {
    "SearchHolding": HOLDING,
    "SearchHit": SEARCH_HIT,
    "SearchResult": SEARCH_RESULT,
}


@bp.route("/search", methods=["GET"])
@api_public
def search():
    """Search the catalogue of every library.
    ---
    get:
      summary: Search the catalogue (Vietnamese with or without diacritics), with facets
      description: >
        Words (all must match), "phrases", prefixes (thư vi*), fields (tác giả:, nhan đề:,
        chủ đề:, isbn:, author:, title:, subject:), AND / OR / NOT. A query that finds nothing
        because of its operators is searched again as plain words (relaxed, searched_for);
        only its first 12 words are searched. A word typed without
        diacritics matches every spelling; with diacritics, exact matches rank first. An
        empty q lists new arrivals. Facet parameters may repeat (OR within a facet,
        AND between facets); facet counts ignore the facet's own selection. On PostgreSQL a
        search reads its first 1,000 hits: with more, total is an estimate (total_exact
        false), the facets are counted in those 1,000 (facets_from) and the order asked
        for applies to them, the hits beyond following in the order they were found.
      tags: [search]
      parameters:
        - {name: q, in: query, schema: {type: string, maxLength: 500}}
        - {name: page, in: query, schema: {type: integer, minimum: 1, default: 1}}
        - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
        - {name: sort, in: query, schema: {type: string, enum: [relevance, newest, title, author], default: relevance}}
        - {name: library, in: query, schema: {type: array, items: {type: string}}, explode: true, description: library code holding a copy}
        - {name: material_type, in: query, schema: {type: array, items: {type: string}}, explode: true}
        - {name: language, in: query, schema: {type: array, items: {type: string}}, explode: true, description: "MARC language code (vie, eng...)"}
        - {name: year, in: query, schema: {type: array, items: {type: string}}, explode: true, description: "year range: 2020-, 2010-2019, 2000-2009, 1975-1999, -1974"}
        - {name: subject, in: query, schema: {type: array, items: {type: string}}, explode: true}
        - {name: audience, in: query, schema: {type: array, items: {type: string}}, explode: true, description: children}
        - {name: available, in: query, schema: {type: string, enum: ["1", "true", "yes", "on"]}, description: only records with a copy on the shelf}
      responses:
        200:
          description: One page of hits with facet counts and a did-you-mean suggestion
          content: {application/json: {schema: {$ref: '#/components/schemas/SearchResult'}}}
        422:
          description: A parameter is not valid (code INVALID_SEARCH, with fields)
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    return jsonify(result_json(search_catalogue(request.args)))
