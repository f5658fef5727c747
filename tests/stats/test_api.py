"""GET /api/v1/stats/indicators: its shape, its scope, who may ask, and refusals."""

from tests.factories import api_headers

URL = "/api/v1/stats/indicators"


def test_the_shape_for_a_library_with_targets(client, history):
    response = client.get(f"{URL}?period=2025&library=TVTD", headers=api_headers("viewer"))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json}
    assert set(rows["visits"]) == {
        "code", "label", "unit", "value", "target_min", "target_max", "breakdown"
    }  # fmt: skip
    assert rows["visits"]["value"] == 12
    assert (rows["visits"]["target_min"], rows["visits"]["target_max"]) == (10, 20)
    assert rows["visits"]["breakdown"] is None
    assert rows["collection_turnover"]["value"] == 0.6


def test_labels_follow_the_request_language(client, history):
    headers = api_headers("viewer")
    english = client.get(f"{URL}?period=2025&code=visits", headers={**headers,
                         "Accept-Language": "en"})  # fmt: skip
    vietnamese = client.get(f"{URL}?period=2025&code=visits", headers={**headers,
                            "Accept-Language": "vi"})  # fmt: skip
    assert english.json[0]["label"] == "Visits"
    assert vietnamese.json[0]["label"] == "Lượt bạn đọc"


def test_a_breakdown_and_the_whole_network(client, history):
    headers = api_headers("manager")
    response = client.get(f"{URL}?period=2025&breakdown=library&code=visits,loans",
                          headers=headers)  # fmt: skip
    rows = {row["code"]: row for row in response.json}
    assert list(rows) == ["visits", "loans"]
    assert rows["visits"]["value"] == 112
    assert rows["visits"]["breakdown"] == {"BDBG": 1, "TVLC": 100, "TVTD": 11}
    assert rows["visits"]["target_min"] == 100


def test_a_level(client, history):
    response = client.get(f"{URL}?period=2025&level=district&code=visits,acquired_copies",
                          headers=api_headers("admin"))  # fmt: skip
    rows = {row["code"]: row for row in response.json}
    assert rows["visits"]["value"] == 12
    assert rows["acquired_copies"]["target_min"] == 500


def test_an_account_of_one_library_sees_it_and_what_is_under_it(client, history):
    headers = api_headers("viewer", "TVTD")
    own = client.get(f"{URL}?period=2025&code=visits", headers=headers)
    assert own.status_code == 200 and own.json[0]["value"] == 12
    point = client.get(f"{URL}?period=2025&code=point_uses&library=BDBG", headers=headers)
    assert point.json[0]["value"] == 5
    other = client.get(f"{URL}?period=2025&library=TVLC", headers=headers)
    assert other.status_code == 403
    assert other.json["error"]["code"] == "OUT_OF_SCOPE"


def test_refusals(client, history):
    headers = api_headers("viewer")
    bad_period = client.get(f"{URL}?period=2025-Q1", headers=headers)
    assert bad_period.status_code == 422
    assert bad_period.json["error"]["code"] == "INVALID_PERIOD"
    assert client.get(URL, headers=headers).status_code == 422
    assert client.get(f"{URL}?period=2025&breakdown=colour", headers=headers).status_code == 422
    assert client.get(f"{URL}?period=2025&code=nothing", headers=headers).status_code == 422
    assert client.get(f"{URL}?period=2025&library=NOPE", headers=headers).status_code == 404
    assert client.get(f"{URL}?period=2025&level=galaxy", headers=headers).status_code == 422
    assert client.get(f"{URL}?period=2025").status_code == 401
    forbidden = client.get(f"{URL}?period=2025", headers=api_headers("circulation"))
    assert forbidden.status_code == 403


def test_documented_in_openapi(client, network):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/stats/indicators"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period", "library", "breakdown"}
    assert "IndicatorValue" in spec["components"]["schemas"]
