"""Bad input answers with a clear 4xx naming what is wrong, and writes nothing."""

import pytest
from sqlalchemy import func, select

from libsys.circulation.holds.models import Hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.losses.services import declare_lost
from libsys.circulation.notices.services import run_daily
from libsys.circulation.policies.models import CirculationPolicy, ClosedWeekday, Holiday
from libsys.circulation.policies.services import save_policy
from libsys.circulation.transfers.models import Transfer
from libsys.circulation.transfers.services import request_transfer
from libsys.circulation.visits.models import Visit
from libsys.errors import LibsysError, ValidationFailed
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import api_headers, make_staff, sign_in

WRITTEN = (Loan, Hold, Visit, Event, CirculationPolicy, Holiday, ClosedWeekday, Transfer)


def counts() -> dict:
    """How many rows each table that a bad request could write holds."""
    return {model.__name__: db.session.scalar(select(func.count(model.id))) for model in WRITTEN}


def desk_client(client, role="circulation"):
    make_staff(role, "TVLC", username=f"desk-{role}")
    sign_in(client, f"desk-{role}")
    return client


def field_error(response, field, status=422):
    assert response.status_code == status, response.json
    assert field in response.json["error"]["fields"], response.json
    return response.json["error"]


# --- 1. override_reason must be text ------------------------------------------------------


@pytest.mark.parametrize("reason", [5, True, ["x"], {"a": 1}])
def test_non_text_override_reason_on_checkout_is_a_422(client, network, reason):
    headers = api_headers("manager", "TVLC")
    reader, item = adult(), make_item(store_code="VT")  # refused: reading room only
    before = counts()
    response = client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number, "override_reason": reason},
        headers=headers,
    )
    assert field_error(response, "override_reason")["code"] == "VALIDATION_ERROR"
    assert counts() == before


def test_non_text_override_reason_on_renewal_is_a_422(client, network):
    headers = api_headers("manager", "TVLC")
    reader, item = adult(), make_item()
    body = {"item": item.barcode, "reader": reader.card_number}
    loan_id = client.post("/api/v1/checkouts", json=body, headers=headers).json["loan_id"]
    before = counts()
    response = client.post(
        f"/api/v1/loans/{loan_id}/renew", json={"override_reason": 5}, headers=headers
    )
    field_error(response, "override_reason")
    assert counts() == before
    assert db.session.get(Loan, loan_id).renewals == 0


# --- 2. integers in JSON bodies -----------------------------------------------------------


@pytest.mark.parametrize("record", [10**30, 2**31, 0, -1, True, False, 1.0, 2.5, "abc", [1]])
def test_hold_record_must_be_a_whole_number_in_range(client, network, record):
    headers = api_headers("circulation", "TVLC")
    reader = adult()
    make_item(make_record())  # a title with id 1 may exist: true must not name it
    before = counts()
    response = client.post(
        "/api/v1/holds",
        json={"record": record, "reader": reader.card_number, "pickup_library": "TVLC"},
        headers=headers,
    )
    field_error(response, "record")
    assert counts() == before


def test_hold_record_as_a_number_still_works(client, network):
    headers = api_headers("circulation", "TVLC")
    reader, item = adult(), make_item()
    response = client.post(
        "/api/v1/holds",
        json={"record": item.record_id, "reader": reader.card_number, "pickup_library": "TVLC"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["record_id"] == item.record_id


@pytest.mark.parametrize("count", [2.9, 1.0, True, False, 0, 501, 10**30, "abc", [2]])
def test_api_visit_count_must_be_a_whole_number(client, network, count):
    headers = api_headers("circulation", "TVLC")
    before = counts()
    response = client.post(
        "/api/v1/visits", json={"count": count, "category": "adults"}, headers=headers
    )
    assert field_error(response, "count")["code"] == "INVALID_COUNT"
    assert counts() == before


def test_api_visit_count_defaults_to_one(client, network):
    headers = api_headers("circulation", "TVLC")
    response = client.post("/api/v1/visits", json={"category": "adults"}, headers=headers)
    assert response.status_code == 201 and response.json["count"] == 1
    response = client.post(
        "/api/v1/visits", json={"category": "adults", "count": 3}, headers=headers
    )
    assert response.status_code == 201 and response.json["count"] == 3


def test_ids_beyond_the_column_are_not_found(client, network):
    headers = api_headers("circulation", "TVLC")
    renew = client.post(f"/api/v1/loans/{10**30}/renew", json={}, headers=headers)
    cancel = client.delete(f"/api/v1/holds/{10**30}", headers=headers)
    for response in (renew, cancel):
        assert response.status_code == 404 and response.json["error"]["code"] == "NOT_FOUND"


# --- 3. the policy, holiday and closed-days forms -----------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("loan_days", "99999999999999999999999"),
        ("loan_days", "²"),
        ("loan_days", "3651"),
        ("loan_days", "-1"),
        ("loan_days", "1.5"),
        ("max_loans", "1001"),
        ("renewals_allowed", "٣"),
        ("fine_per_day", "100000001"),
        ("fine_cap", "9" * 5000),
        ("library_id", "999999"),
        ("library_id", "99999999999999999999999"),
        ("library_id", "abc"),
        ("reader_category_id", "999999"),
        ("store_id", "999999"),
        ("item_type", "x" * 21),
    ],
)
def test_policy_form_refuses_bad_values_by_field(client, network, field, value):
    desk_client(client, "manager")
    before = counts()
    response = client.post("/staff/desk/policies/new", data={field: value})
    assert response.status_code == 422
    assert 'id="e-' + field + '"' in response.get_data(as_text=True)
    assert counts() == before


def test_policy_form_accepts_the_limits(client, network):
    desk_client(client, "manager")
    response = client.post(
        "/staff/desk/policies/new",
        data={
            "library_id": str(library("TVLC").id),
            "loan_days": "3650",
            "max_loans": "1000",
            "fine_per_day": "100000000",
        },
    )
    assert response.status_code == 303
    rule = db.session.scalar(select(CirculationPolicy))
    assert (rule.loan_days, rule.max_loans, rule.fine_per_day) == (3650, 1000, 100_000_000)


def test_a_second_rule_with_the_same_keys_is_refused(client, network):
    desk_client(client, "manager")
    tvlc = str(library("TVLC").id)
    keys = {"library_id": tvlc, "item_type": "book"}
    created = client.post("/staff/desk/policies/new", data={**keys, "loan_days": "21"})
    assert created.status_code == 303
    first = db.session.scalar(select(CirculationPolicy))
    before = counts()
    response = client.post("/staff/desk/policies/new", data={**keys, "loan_days": "7"})
    assert response.status_code == 422
    assert f"{first.id}" in response.get_data(as_text=True)
    assert counts() == before
    # Another key set is a different rule; editing the rule itself keeps its keys.
    other = client.post("/staff/desk/policies/new", data={"library_id": tvlc, "loan_days": "7"})
    assert other.status_code == 303
    edit = client.post(f"/staff/desk/policies/{first.id}/edit", data={**keys, "loan_days": "28"})
    assert edit.status_code == 303
    assert db.session.get(CirculationPolicy, first.id).loan_days == 28
    # Editing the other rule onto the first one's keys is refused too.
    second = db.session.scalar(select(CirculationPolicy).where(CirculationPolicy.id != first.id))
    clash = client.post(f"/staff/desk/policies/{second.id}/edit", data={**keys, "loan_days": "1"})
    assert clash.status_code == 422
    db.session.expire_all()
    assert db.session.get(CirculationPolicy, second.id).item_type is None


def test_duplicate_rule_error_names_the_existing_rule(network):
    rule = save_policy({"item_type": "dvd"})
    with pytest.raises(ValidationFailed) as caught:
        save_policy({"item_type": "dvd", "loan_days": "3"})
    assert caught.value.code == "DUPLICATE_RULE"
    assert caught.value.details == {"rule_id": rule.id}
    assert "library_id" in caught.value.fields


def test_holiday_for_an_unknown_library_is_a_field_error(client, network):
    desk_client(client, "manager")
    before = counts()
    for library_id in ("999999", "99999999999999999999999", "²"):
        page = client.post(
            "/staff/desk/holidays",
            data={"name": "Tết Đinh Mùi", "first_day": "2027-02-05", "library_id": library_id},
        )
        # The page comes back with what was typed and the error beside the library.
        assert page.status_code == 422
        html = page.get_data(as_text=True)
        assert 'value="Tết Đinh Mùi"' in html and 'value="2027-02-05"' in html
        assert 'id="he-library_id"' in html
    assert counts() == before
    with pytest.raises(ValidationFailed) as caught:
        from libsys.circulation.policies.services import add_holiday

        add_holiday({"name": "Tết", "first_day": "2027-02-05", "library_id": "999999"})
    assert "library_id" in caught.value.fields


def test_closed_days_for_an_unknown_library_is_a_field_error(client, network):
    desk_client(client, "manager")
    before = counts()
    for library_id in ("999999", "99999999999999999999999"):
        response = client.post(
            "/staff/desk/closed-days", data={"library_id": library_id, "weekday": ["6"]}
        )
        assert response.status_code == 303
    assert counts() == before
    from libsys.circulation.policies.services import set_closed_weekdays

    with pytest.raises(ValidationFailed) as caught:
        set_closed_weekdays(999999, [6])
    assert "library_id" in caught.value.fields


def test_closed_days_ignore_what_is_no_weekday(client, network):
    desk_client(client, "manager")
    tvlc = library("TVLC")
    response = client.post(
        "/staff/desk/closed-days",
        data={"library_id": str(tvlc.id), "weekday": ["²", "7", "-1", "６", "6"]},
    )
    assert response.status_code == 303
    rows = db.session.scalars(select(ClosedWeekday).where(ClosedWeekday.library_id == tvlc.id))
    assert [row.weekday for row in rows] == [6]


# --- 4. the visits form -------------------------------------------------------------------


@pytest.mark.parametrize("count", ["abc", "0", "2.5", "501", "", "²", "9" * 5000])
def test_visits_form_refuses_a_bad_count(client, network, count):
    desk_client(client)
    before = counts()
    page = client.post(
        "/staff/desk/visits", data={"category": "adults", "count": count}, follow_redirects=True
    ).get_data(as_text=True)
    assert "INVALID_COUNT" in page
    assert counts() == before


def test_visits_form_without_a_count_counts_one(client, network):
    desk_client(client)
    client.post("/staff/desk/visits", data={"category": "children"})
    client.post("/staff/desk/visits", data={"category": "adults", "count": " 12 "})
    assert sorted(v.count for v in db.session.scalars(select(Visit))) == [1, 12]


# --- 5. messages ----------------------------------------------------------------------------


def test_state_messages_use_status_labels(app, network):
    item = make_item(status="lost")
    on_loan = make_item(status="on_loan")
    with app.test_request_context("/"):
        with pytest.raises(LibsysError) as lost:
            declare_lost(item)
        assert "lost" not in str(lost.value.message)
        assert "mất" in str(lost.value.message)  # the label "Lost", in Vietnamese
        with pytest.raises(LibsysError) as away:
            request_transfer(on_loan, library("TVTD"))
        assert "on_loan" not in str(away.value.message)
        assert "Đang cho mượn" in str(away.value.message)


def test_transfer_forms_ask_for_a_barcode(client, network):
    desk_client(client)
    before = counts()
    response = client.post("/staff/transfers/start", data={"item": "  ", "to_library": "TVTD"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "mã vạch ." not in page and "mã vạch của bản" in page  # "Give the copy's barcode."
    page = client.post(
        "/staff/transfers/receive", data={"barcode": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "mã vạch ." not in page and "mã vạch của bản" in page
    assert counts() == before


def test_api_http_errors_are_not_werkzeug_english(client, network):
    headers = api_headers("circulation", "TVLC")
    response = client.post("/api/v1/loans/abc/renew", json={}, headers=headers)
    assert response.status_code == 404 and response.json["error"]["code"] == "NOT_FOUND"
    assert "The requested URL was not found" not in response.json["error"]["message"]
    response = client.get("/api/v1/checkouts", headers=headers)
    assert response.status_code == 405
    assert response.json["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "The method is not allowed" not in response.json["error"]["message"]


# --- 6. and 7. the daily command and the overdue letters -----------------------------------


def test_daily_names_the_real_variable(app, network):
    assert not app.config.get("SMTP_HOST")
    lines = run_daily()
    assert any("LIBSYS_SMTP_HOST not set" in line for line in lines)


def test_overdue_letter_number_column_fits_its_header(app):
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from libsys.circulation.notices import services as notices
    from libsys.core.pdf import vietnamese_font

    with app.test_request_context("/"):
        table = notices._loan_table([], None, notices._styles())
    padding = 12  # points: reportlab's default 6 each side
    assert table._colWidths[0] - padding >= stringWidth("STT", vietnamese_font(bold=True), 11)
    assert sum(table._colWidths) <= 170 * mm + 0.01
