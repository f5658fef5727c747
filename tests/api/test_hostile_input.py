"""Hostile input on the API: wrong types, huge numbers, deep JSON, invisible names, huge
bodies and addresses are refused with a 4xx in the API's JSON shape, and nothing is stored."""

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from libsys.extensions import db
from libsys.readers.models import Reader
from tests.circulation.conftest import make_item
from tests.factories import api_headers

NEW_READER = {"full_name": "Lò Thị Xuân", "category": "official", "home_library": "TVLC"}


def _readers() -> int:
    return db.session.scalar(select(func.count(Reader.id)))


def _post(client, headers, body=None, *, raw=None, path="/api/v1/readers"):
    data = raw if raw is not None else json.dumps(body)
    return client.post(path, data=data, headers={**headers, "Content-Type": "application/json"})


def _error(response) -> dict:
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


@pytest.fixture
def headers(network):
    return api_headers("admin")


@pytest.mark.parametrize(
    "field, value",
    [
        ("full_name", 123),
        ("full_name", ["Lò Thị Xuân"]),
        ("category", 5),
        ("home_library", 5),
        ("school", False),
        ("address", "x" * 100_000),
        ("address", "Bản Sin Suối Hồ\x00"),
        ("notes", "chữ\x07chuông"),
        ("full_name", "Lò Thị \ud800"),
        ("full_name", "\u200b"),
        ("full_name", "\u200b\u200c \ufeff\u2060\u3164"),
        ("guardian_name", "\u200d"),
    ],
)
def test_a_hostile_field_is_a_422_naming_it_and_nothing_is_stored(client, headers, field, value):
    before = _readers()
    response = _post(client, headers, {**NEW_READER, field: value})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "VALIDATION_ERROR" and field in error["fields"]
    assert _readers() == before


@pytest.mark.parametrize(
    "path, body, field",
    [
        (
            "/api/v1/rotation/routes",
            {"name": "Tuyến 1", "library": "TVTD", "stages": None},
            "stages",
        ),
        (
            "/api/v1/rotation/routes",
            {"name": "Tuyến 1", "library": "TVTD", "stages": [None]},
            "stages",
        ),
        ("/api/v1/rotation/batches", {"library": "TVTD", "point": None}, "point"),
    ],
)
def test_a_null_field_is_told_in_vietnamese_whatever_its_kind(client, headers, path, body, field):
    response = _post(client, headers, body, path=path)
    assert response.status_code == 422
    assert _error(response)["fields"][field] == "Trường này là bắt buộc."


def test_a_lone_surrogate_escaped_in_the_json_is_refused(client, headers):
    raw = '{"full_name": "\\ud800", "category": "official", "home_library": "TVLC"}'
    response = _post(client, headers, raw=raw)
    assert response.status_code == 422 and "full_name" in _error(response)["fields"]


def test_false_is_a_no_and_never_the_text_0(client, headers):
    response = _post(client, headers, {**NEW_READER, "keep_history": False})
    assert response.status_code == 201 and response.get_json()["keep_history"] is False
    refused = _post(client, headers, {**NEW_READER, "keep_history": 0})
    assert refused.status_code == 422 and "keep_history" in _error(refused)["fields"]


def test_a_name_with_a_zero_width_joiner_inside_is_kept(client, headers):
    response = _post(client, headers, {**NEW_READER, "full_name": "Lò\u200bThị Xuân"})
    assert response.status_code == 201


@pytest.mark.parametrize("nesting", ["[" * 100_000, '{"full_name": ' + "[" * 100_000])
def test_json_nested_100000_deep_is_a_400(client, headers, nesting):
    response = _post(client, headers, raw=nesting)
    assert response.status_code == 400
    assert _error(response)["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "query",
    [
        {"offset": "9223372036854775808"},
        {"offset": "-1"},
        {"limit": "99999999999999999999"},
        {"limit": "1.5"},
    ],
)
def test_paging_out_of_range_is_a_422(client, headers, query):
    response = client.get("/api/v1/readers", query_string=query, headers=headers)
    assert response.status_code == 422
    assert set(query) <= set(_error(response)["fields"])


def test_a_body_over_the_api_limit_is_a_json_413_and_nothing_is_stored(app, client, headers):
    before = _readers()
    notes = "x" * (app.config["API_MAX_BODY"] + 1)
    response = _post(client, headers, {**NEW_READER, "notes": notes})
    assert response.status_code == 413
    assert _error(response)["code"] == "REQUEST_ENTITY_TOO_LARGE"
    assert _readers() == before


def test_the_api_body_limit_is_configurable(app, client, headers, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_BODY", 40)
    response = _post(client, headers, NEW_READER)
    assert response.status_code == 413


def test_a_page_upload_over_the_limit_is_an_html_413(app, client, network, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/login", data={"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413 and response.mimetype == "text/html"


def test_an_over_long_address_is_a_json_414_under_the_api_and_a_page_elsewhere(app, client):
    long_query = "q=" + "a" * app.config["MAX_URL_LENGTH"]
    response = client.get("/api/v1/search?" + long_query)
    assert response.status_code == 414
    assert _error(response)["code"] == "REQUEST_URI_TOO_LONG"
    page = client.get("/opac/search?" + long_query)
    assert page.status_code == 414 and page.mimetype == "text/html"


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/api/v1/no-such-thing", 404, "NOT_FOUND"),
        ("put", "/api/v1/readers", 405, "METHOD_NOT_ALLOWED"),
        ("delete", "/api/v1/checkouts", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_http_errors_under_the_api_are_json(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status and _error(response)["code"] == code


def test_a_json_405_says_which_methods_are_allowed(client):
    response = client.open("/api/v1/checkouts", method="TRACE")
    assert response.status_code == 405 and _error(response)["code"] == "METHOD_NOT_ALLOWED"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    assert "TRACE" not in response.headers["Allow"]


@pytest.mark.parametrize("value, status", [("1", 200), ("true", 200), ("True", 422), ("2", 422)])
def test_the_available_filter_takes_only_what_the_document_lists(client, value, status):
    response = client.get("/api/v1/search", query_string={"available": value})
    assert response.status_code == status
    document = client.get("/api/v1/openapi.json").get_json()
    (available,) = [
        p for p in document["paths"]["/api/v1/search"]["get"]["parameters"]
        if p["name"] == "available"
    ]  # fmt: skip
    assert (value in available["schema"]["enum"]) == (status == 200)


def test_every_operation_documents_its_errors_and_its_token(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    # /api/v1/x/<int:id> is /api/v1/x/{id} in the document.
    views = {
        re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule): app.view_functions[rule.endpoint]
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
    }  # fmt: skip
    checked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "Error" in str(responses["default"]["content"]), (method, path)
            if getattr(views[path], "required_permission", None) is not None:
                assert operation["security"] == [{"bearer": []}], (method, path)
                assert {"401", "403"} <= set(responses), (method, path)
            else:
                assert "401" not in responses, (method, path)
            checked += 1
    assert checked >= 40


def test_a_records_updated_at_carries_its_time_zone(client, headers):
    item = make_item()
    response = client.get(f"/api/v1/records/{item.record_id}", headers=headers)
    assert response.status_code == 200
    stamp = datetime.fromisoformat(response.get_json()["updated_at"])
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "path, query, field",
    [
        ("/api/v1/rotation/batches", {"library": "TV\x00LC"}, "library"),
        ("/api/v1/rotation/batches", {"state": "draft\x00"}, "state"),
        ("/api/v1/rotation/pull-list", {"library": "\x00"}, "library"),
        ("/api/v1/search", {"q": "Kiều\x00", "library": "TVLC"}, "q"),
        ("/api/v1/stats/activities", {"year": "123084551521033"}, "year"),
        ("/api/v1/stats/activities", {"kind": "party"}, "kind"),
        ("/api/v1/readers", {"q": "Hoa\x1b"}, "q"),
    ],
)
def test_query_parameters_are_checked_before_the_database_sees_them(
    client, headers, path, query, field
):
    response = client.get(path, query_string=query, headers=headers)
    assert response.status_code == 422
    assert field in _error(response)["fields"]


@pytest.mark.parametrize(
    "path", ["/api/v1/items/T%0012", "/api/v1/readers/BD%00", "/api/v1/rotation/points/%00/history"]
)
def test_a_nul_byte_in_the_path_finds_nothing(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 404 and _error(response)["code"] == "NOT_FOUND"


def test_a_nul_byte_in_a_pages_query_is_refused_on_the_page(client, network):
    response = client.get("/opac/search", query_string={"q": "Kiều\x00"})
    assert response.status_code == 422 and response.mimetype == "text/html"
