"""Activities: recorded by a library's staff, each with its `activity` event."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from libsys.core.clock import local_today
from libsys.errors import PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.stats.activities.models import Activity
from libsys.stats.activities.services import list_activities, record_activity
from libsys.stats.models import Event
from tests.circulation.conftest import library
from tests.factories import api_headers, make_staff, sign_in


def _events() -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.kind == "activity")))


def test_an_exhibition_is_recorded_with_its_event(network):
    user = make_staff("manager", "TVTD", "ql-td")
    day = local_today() - timedelta(days=2)
    activity = record_activity(
        user, library=library("TVTD"), day=day.strftime("%d/%m/%Y"), kind="exhibition",
        title="Trưng bày sách Ngày Sách Việt Nam", participants="120", children=45,
    )  # fmt: skip
    assert (activity.day, activity.participants, activity.children) == (day, 120, 45)
    (event,) = _events()
    assert (event.day, event.library_id, event.quantity) == (day, library("TVTD").id, 1)
    assert event.details == {
        "activity_id": activity.id,
        "activity_kind": "exhibition",
        "participants": 120,
        "children": 45,
    }
    assert event.reader_key is None and event.item_id is None


def test_wrong_activities_are_refused_and_leave_nothing(network):
    user = make_staff("manager", "TVTD", "ql-td")
    with pytest.raises(ValidationFailed) as refused:
        record_activity(
            user, library=library("TVTD"), day=local_today() + timedelta(days=3), kind="party",
            title=" ", participants=10, children=11,
        )  # fmt: skip
    assert set(refused.value.fields) == {"day", "kind", "title", "children"}
    with pytest.raises(PermissionDenied):
        record_activity(user, library=library("TVLC"), day=local_today(), kind="contest",
                        title="Cuộc thi", participants=5)  # fmt: skip
    assert db.session.query(Activity).count() == 0 and _events() == []


def test_a_librarian_records_on_the_page_for_her_library_only(client, network):
    make_staff("circulation", "TVTD", "tt-td")
    make_staff("manager", "TVLC", "ql-lc")
    sign_in(client, "tt-td")
    page = client.get("/staff/activities/")
    assert page.status_code == 200 and "TVLC" not in page.get_data(as_text=True)
    day = local_today().strftime("%d/%m/%Y")
    response = client.post(
        "/staff/activities/",
        data={"day": day, "library": "TVTD", "kind": "book_talk", "title": "Giới thiệu sách",
              "participants": "40", "children": "30"},
    )  # fmt: skip
    assert response.status_code == 302
    wrong = client.post(
        "/staff/activities/",
        data={"day": day, "library": "TVLC", "kind": "book_talk", "title": "Không được"},
    )
    assert wrong.status_code == 403  # another library: out of scope
    bad_date = client.post(
        "/staff/activities/",
        data={"day": "31/02/2026", "library": "TVTD", "kind": "contest", "title": "X"},
    )
    assert bad_date.status_code == 422
    listed = client.get("/staff/activities/").get_data(as_text=True)
    assert "Giới thiệu sách" in listed
    assert [a.title for a in list_activities(make_staff("admin", None, "ad"))] == [
        "Giới thiệu sách"
    ]


def test_viewers_and_point_keepers_cannot_record(client, network):
    make_staff("viewer", None, "xem")
    sign_in(client, "xem")
    assert client.get("/staff/activities/").status_code == 403


def test_the_api_records_and_lists_activities(client, network):
    headers = api_headers("manager", "TVTD")
    body = {"day": local_today().isoformat(), "library": "TVTD", "kind": "reading_day",
            "title": "Ngày hội đọc sách 21/4", "participants": 300, "children": 200}  # fmt: skip
    created = client.post("/api/v1/stats/activities", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["kind"] == "reading_day"
    other = client.post("/api/v1/stats/activities", json={**body, "library": "TVLC"},
                        headers=headers)  # fmt: skip
    assert other.status_code == 403
    wrong = client.post("/api/v1/stats/activities", json={**body, "participants": -1},
                        headers=headers)  # fmt: skip
    assert wrong.status_code == 422
    listed = client.get(
        f"/api/v1/stats/activities?year={local_today().year}", headers=api_headers("viewer")
    )
    assert listed.status_code == 200
    assert [a["title"] for a in listed.get_json()["activities"]] == ["Ngày hội đọc sách 21/4"]
