"""Statistics in the JSON API: indicators for a period and a scope, with their targets."""

from flask import g, jsonify, request

from libsys.api import api_permission, bp
from libsys.core.schemas import ApiSchema, Text, load_data
from libsys.stats.periods import parse_period
from libsys.stats.scope import scope_for
from libsys.stats.services import indicator_values


class IndicatorQuerySchema(ApiSchema):
    """The query of GET /api/v1/stats/indicators."""

    period = Text(required=True, max_length=40)
    library = Text(max_length=20)
    level = Text(max_length=20)
    breakdown = Text(max_length=30)
    code = Text(max_length=400)


OPENAPI_SCHEMAS = {
    "IndicatorValue": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "label": {"type": "string", "description": "in the request's language"},
            "unit": {"type": "string"},
            "value": {"type": "number", "nullable": True},
            "target_min": {"type": "number", "nullable": True},
            "target_max": {"type": "number", "nullable": True},
            "breakdown": {
                "type": "object",
                "nullable": True,
                "additionalProperties": {"type": "number"},
                "description": "value per group; null when no breakdown was asked or the "
                "indicator does not allow it",
            },
        },
    },
}


@bp.route("/stats/indicators", methods=["GET"])
@api_permission("stats.view")
def list_indicators():
    """Indicators for a period.
    ---
    get:
      summary: Every indicator for a period and a library, a level or the whole network
      description: >
        A library's figures include its rotation points. An account of one library sees
        that library (the default) and those under it. Targets are the plans' for the
        period's year (none for a period across two years).
      tags: [stats]
      security: [{bearer: []}]
      parameters:
        - {in: query, name: period, required: true, schema: {type: string},
           description: "2026-10, 2026-H1, 2026 or 2026-01-01..2026-03-31"}
        - {in: query, name: library, schema: {type: string}, description: library code}
        - {in: query, name: level, schema: {type: string}, description: "district, commune..."}
        - {in: query, name: breakdown, schema: {type: string},
           description: "library, level, month, reader_category, age_group, gender,
             ethnicity, commune, store or class"}
        - {in: query, name: code, schema: {type: string},
           description: indicator codes separated by commas (all when absent)}
      responses:
        200:
          description: The indicators
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/IndicatorValue'}}
        401: {description: No valid token}
        403: {description: A library outside the account's scope}
        404: {description: Unknown library}
        422: {description: A period, level or breakdown of the wrong shape}
    """
    query = load_data(IndicatorQuerySchema(), request.args.to_dict())
    period = parse_period(query["period"])
    scope = scope_for(g.api_user, query.get("library"), query.get("level"))
    codes = [code.strip() for code in (query.get("code") or "").split(",") if code.strip()]
    values = indicator_values(period, scope, breakdown=query.get("breakdown"), codes=codes)
    return jsonify([value.as_json() for value in values])
