"""One validation layer: pages take the dates they say they take, the API refuses wrong types.

Every JSON body goes through a marshmallow schema (libsys.core.schemas); a wrong field is a
422 naming it, in the project's error shape, and nothing is written.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from libsys.circulation.loans.models import Loan
from libsys.circulation.policies.models import Holiday
from libsys.extensions import db
from libsys.readers.models import Reader
from tests.circulation.conftest import adult, make_item
from tests.factories import api_headers, make_reader, make_staff, sign_in

NEW_READER = {"full_name": "Lò Thị Xuân", "category": "official", "home_library": "TVLC"}


def _readers() -> int:
    return db.session.scalar(select(func.count(Reader.id)))


# --- dates: dd/mm/yyyy where the page says so, ISO from the browser's date input -----------


def test_card_sheet_takes_the_day_as_dd_mm_yyyy(client, network):
    make_staff("circulation", "TVLC", "desk-cards")
    sign_in(client, "desk-cards")
    adult(card_issued="2025-01-05")
    for typed in ("05/01/2025", "5/1/2025", "2025-01-05"):
        response = client.get("/staff/reader-cards/", query_string={"issued_on": typed})
        assert response.status_code == 200 and response.mimetype == "application/pdf", typed


def test_catalogue_export_takes_since_as_dd_mm_yyyy(staff_client):
    for typed in ("01/01/2999", "2999-01-01"):
        response = staff_client.get(
            "/staff/catalog/export", query_string={"download": "1", "since": typed}
        )
        assert response.status_code == 200 and response.data == b"", typed
        response.close()
    bad = staff_client.get(
        "/staff/catalog/export", query_string={"download": "1", "since": "31/02/2025"}
    )
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.get_data(as_text=True)


def test_holiday_takes_days_as_dd_mm_yyyy(staff_client):
    response = staff_client.post(
        "/staff/desk/holidays",
        data={"name": "Tết Đinh Mùi", "first_day": "05/02/2027", "last_day": "11/02/2027"},
    )
    assert response.status_code in (302, 303)
    holiday = db.session.scalar(select(Holiday))
    assert (holiday.first_day, holiday.last_day) == (date(2027, 2, 5), date(2027, 2, 11))


def test_reader_form_takes_a_birth_date_as_dd_mm_yyyy(staff_client):
    response = staff_client.post(
        "/staff/readers/new", data={**NEW_READER, "date_of_birth": "17/05/1990"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Reader)).date_of_birth == date(1990, 5, 17)


# --- the API: strings are strings, booleans are not numbers --------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", 123),
        ("full_name", ["Lò Thị Xuân"]),
        ("full_name", "Lò\x00 Thị"),
        ("full_name", "x" * 201),
        ("category", 7),
        ("home_library", {"code": "TVLC"}),
        ("address", "a" * 100_000),
        ("date_of_birth", 19900517),
        ("date_of_birth", "31/02/1990"),
        ("disability", 1),
        ("keep_history", "maybe"),
        ("phone", 912345678),
        ("password", 123456),
    ],
)
def test_a_reader_field_of_the_wrong_type_is_a_422_and_nothing_is_stored(
    client, network, field, value
):
    headers = api_headers("manager", "TVLC")
    before = _readers()
    response = client.post("/api/v1/readers", json={**NEW_READER, field: value}, headers=headers)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "VALIDATION_ERROR" and field in error["fields"], error
    assert _readers() == before


def test_a_name_given_as_a_number_is_told_in_vietnamese(client, network):
    headers = api_headers("manager", "TVLC")
    response = client.post(
        "/api/v1/readers", json={**NEW_READER, "full_name": 123}, headers=headers
    )
    assert response.json["error"]["fields"]["full_name"] == "Hãy ghi trường này dưới dạng văn bản."


def test_a_patch_checks_only_what_it_sends(client, network):
    headers = api_headers("manager", "TVLC")
    reader = make_reader(card_number="BD4321")
    bad = client.patch("/api/v1/readers/BD4321", json={"disability": 0}, headers=headers)
    assert bad.status_code == 422 and "disability" in bad.json["error"]["fields"]
    good = client.patch(
        "/api/v1/readers/BD4321",
        json={"disability": True, "card_expires": "31/12/2030"},
        headers=headers,
    )
    assert good.status_code == 200, good.json
    assert good.json["disability"] is True and good.json["card_expires"] == "2030-12-31"
    assert reader.full_name == "Nguyễn Thị Hoa"


@pytest.mark.parametrize("query", [{"offset": str(2**63)}, {"limit": "-1"}, {"offset": "x"}])
def test_reader_search_paging_out_of_range_is_a_422(client, network, query):
    response = client.get(
        "/api/v1/readers", query_string=query, headers=api_headers("circulation", "TVLC")
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/checkouts", {"item": 12345, "reader": "BD1"}, "item"),
        ("/api/v1/checkouts", {"item": "X", "reader": ["BD1"]}, "reader"),
        ("/api/v1/checkouts", {"item": "X", "reader": "BD1", "library": 5}, "library"),
        ("/api/v1/checkins", {"item": True}, "item"),
        ("/api/v1/checkins", {}, "item"),
        ("/api/v1/checkins", {"item": None}, "item"),
        ("/api/v1/checkins", {"item": "  "}, "item"),
        ("/api/v1/holds", {"reader": "BD1", "pickup_library": 1}, "pickup_library"),
        ("/api/v1/holds", {"item": 5, "reader": "BD1", "pickup_library": "TVLC"}, "item"),
        ("/api/v1/visits", {"reader": 42}, "reader"),
        ("/api/v1/visits", {"category": 1}, "category"),
        ("/api/v1/inhouse-uses", {"item": 3}, "item"),
    ],
)
def test_desk_calls_refuse_wrong_types(client, network, path, body, field):
    headers = api_headers("circulation", "TVLC")
    loans = db.session.scalar(select(func.count(Loan.id)))
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json
    assert db.session.scalar(select(func.count(Loan.id))) == loans


def test_a_checkout_by_strings_still_lends(client, network):
    reader, item = adult(), make_item()
    response = client.post(
        "/api/v1/checkouts",
        json={"item": f"  {item.barcode} ", "reader": reader.card_number},
        headers=api_headers("circulation", "TVLC"),
    )
    assert response.status_code == 201, response.json


# --- the OpenAPI document: request bodies are the schemas that check them -----------------


def test_request_bodies_in_the_openapi_document_come_from_the_schemas(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    for name in ("ReaderInput", "CheckoutInput", "CheckinInput", "RenewalInput", "HoldInput"):
        assert name in schemas, name
    for name in ("VisitInput", "InHouseUseInput"):
        assert name in schemas, name
    reader = schemas["ReaderInput"]["properties"]
    assert reader["full_name"]["type"] == "string" and reader["full_name"]["maxLength"] == 200
    assert reader["date_of_birth"]["format"] == "date"
    assert reader["disability"]["type"] == "boolean"
    assert "required" in schemas["CheckoutInput"]
    assert set(schemas["CheckoutInput"]["required"]) == {"item", "reader"}
    hold = schemas["HoldInput"]["properties"]["record"]
    assert hold["type"] == "integer" and hold["minimum"] == 1
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body is None:
                continue
            ref = body["content"]["application/json"]["schema"]["$ref"]
            assert ref.split("/")[-1] in schemas, f"{method} {path}"


def test_reader_edit_page_refuses_a_wrong_date_and_unticks_a_box(staff_client):
    reader = make_reader(card_number="BD6543", disability=True)
    form = {**NEW_READER, "card_number": "BD6543", "date_of_birth": "31/02/1990"}
    bad = staff_client.post("/staff/readers/BD6543/edit", data=form)
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.get_data(as_text=True)
    assert reader.disability is True
    good = staff_client.post(
        "/staff/readers/BD6543/edit", data={**form, "date_of_birth": "02/01/1990"}
    )
    assert good.status_code == 302
    assert reader.date_of_birth == date(1990, 1, 2) and reader.disability is False
