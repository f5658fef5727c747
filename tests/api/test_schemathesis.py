"""Schemathesis over the API's own OpenAPI document: hostile and random input, never a 500.

Every operation of /api/v1 is called with bodies, paths and query strings generated from the
document, valid ones and broken ones (schemathesis' positive and negative modes), with an
administrator's Bearer token over the demo network; then once more with the path naming
things that exist (a record, a copy, a reader, a loan, a hold, a point, a batch), so the
answers about real things are checked against the document too. Every answer must be
something other than a server error and match the documented schema.

The examples per operation and pass are bounded for the suite (LIBSYS_SCHEMATHESIS_EXAMPLES,
default 15); docs/development.md says how to run it with many more.
"""

import os
from collections import Counter
from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from libsys.core.clock import local_today
from tests.circulation.conftest import adult, make_item
from tests.factories import api_headers

EXAMPLES = int(os.environ.get("LIBSYS_SCHEMATHESIS_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance]


def _existing_things(client, headers) -> dict:
    """Path parameters that name real things: a lent copy, its reader, a hold, a batch."""
    lent, held = make_item(), make_item(library_code="TVTD", store_code="LC")
    reader = adult()
    loan = client.post(
        "/api/v1/checkouts",
        json={"reader": reader.card_number, "item": lent.barcode, "library": "TVLC"},
        headers=headers,
    )
    hold = client.post(
        "/api/v1/holds",
        json={"reader": reader.card_number, "record": held.record_id, "pickup_library": "TVLC"},
        headers=headers,
    )
    batch = client.post(
        "/api/v1/rotation/batches",
        json={"library": "TVTD", "point": "BDBG",
              "planned_return": (local_today() + timedelta(days=90)).isoformat()},
        headers=headers,
    )  # fmt: skip
    assert (loan.status_code, hold.status_code, batch.status_code) == (201, 201, 201), (
        loan.json,
        hold.json,
        batch.json,
    )
    return {
        "record_id": lent.record_id,
        "barcode": lent.barcode,
        "card_number": reader.card_number,
        "loan_id": loan.json["loan_id"],
        "hold_id": hold.json["hold_id"],
        "code": "BDBG",
        "batch_id": batch.json["id"],
    }


def test_the_api_answers_hostile_input_without_a_server_error(app, client, network):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = api_headers("admin")
    existing = _existing_things(client, headers)
    failures: dict[str, str] = {}
    calls: Counter = Counter()
    statuses: Counter = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.iter_parameters() if p.location == "path"}
        known = {name: existing[name] for name in names if name in existing}
        strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
        if known:
            strategies.append(operation.as_strategy(path_parameters=known))
        for strategy in strategies:

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case):
                calls[case.operation.label] += 1
                try:
                    response = case.call(headers=headers)
                    statuses[response.status_code] += 1
                    case.validate_response(response, checks=CHECKS)
                except Exception as exc:  # every operation is tried; all failures reported
                    statuses[type(exc).__name__] += 1
                    failures.setdefault(
                        case.operation.label, f"{case.as_curl_command()}\n{exc}"[:3000]
                    )

            call()

    print(f"schemathesis: {sum(calls.values())} calls over {len(calls)} operations, {statuses}")
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
