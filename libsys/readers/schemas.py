"""OpenAPI schemas for readers."""

_STRING = {"type": "string", "nullable": True}
_DATE = {"type": "string", "format": "date", "nullable": True}

READER_INPUT = {
    "type": "object",
    "properties": {
        "card_number": {"type": "string", "description": "generated when absent"},
        "full_name": {"type": "string"},
        "date_of_birth": _DATE,
        "gender": {"type": "string", "enum": ["female", "male", "other"], "nullable": True},
        "ethnicity": {"type": "string", "description": "GSO code 01-54", "nullable": True},
        "category": {"type": "string", "description": "reader category code"},
        "admin_unit": _STRING,
        "address": _STRING,
        "phone": _STRING,
        "email": _STRING,
        "school": _STRING,
        "guardian_name": _STRING,
        "guardian_phone": _STRING,
        "disability": {"type": "boolean"},
        "home_library": {"type": "string", "description": "library code"},
        "card_issued": _DATE,
        "card_expires": _DATE,
        "keep_history": {"type": "boolean"},
        "status": {"type": "string", "enum": ["active", "blocked"]},
        "blocked_reason": _STRING,
        "password": {"type": "string", "writeOnly": True},
    },
}

READER = {
    "type": "object",
    "properties": {
        **{k: v for k, v in READER_INPUT["properties"].items() if k != "password"},
        "status": {"type": "string", "enum": ["active", "blocked", "expired"]},
        "loans": {"type": "array", "items": {"type": "object"}},
        "holds": {"type": "array", "items": {"type": "object"}},
        "fines_due": {"type": "integer", "description": "overdue fines not yet paid, VND"},
    },
}
