"""Periodical titles, subscriptions, the daily check-in and the counts the plans use."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from libsys.catalog.periodicals.models import IssueReceived, Periodical, Subscription
from libsys.catalog.periodicals.services import (
    checkin_list,
    count_issues_received,
    count_periodical_titles,
    is_expected,
    receive_issue,
    save_periodical,
    subscribe,
)
from libsys.core.clock import local_today
from libsys.errors import Conflict, ValidationFailed
from libsys.stats.models import Event
from tests.factories import make_staff, sign_in


@pytest.fixture
def titles(network):
    """Two titles at TVLC (a daily and a monthly) and one at TVTD, subscribed this year."""
    year = local_today().year
    tvlc, tvtd = network["TVLC"], network["TVTD"]
    nhan_dan = save_periodical(
        tvlc, {"name": "Nhân Dân", "issn": "0866-7012", "frequency": "daily", "kind": "newspaper"}
    )
    van_nghe = save_periodical(
        tvlc, {"name": "Tạp chí Văn nghệ", "frequency": "monthly", "kind": "magazine"}
    )
    lai_chau = save_periodical(tvtd, {"name": "Báo Lai Châu", "frequency": "weekly"})
    return {
        "nhan_dan": subscribe(nhan_dan, tvlc, year, 2, 1_500_000),
        "van_nghe": subscribe(van_nghe, tvlc, year, 1),
        "van_nghe_last_year": subscribe(van_nghe, tvlc, year - 1, 1),
        "lai_chau": subscribe(lai_chau, tvtd, year, 1),
    }


def test_titles_are_validated(network):
    with pytest.raises(ValidationFailed) as caught:
        save_periodical(network["TVLC"], {"name": " ", "issn": "0866-7013", "frequency": "often"})
    assert set(caught.value.fields) == {"name", "issn", "frequency"}
    periodical = save_periodical(
        network["TVLC"], {"name": "Thiếu niên Tiền phong", "issn": "08667012"}
    )
    assert periodical.issn == "0866-7012"
    with pytest.raises(ValidationFailed):
        subscribe(periodical, network["TVLC"], 2025, 0)


def test_count_periodical_titles_per_library_and_year(titles, network):
    year = local_today().year
    assert count_periodical_titles(network["TVLC"].id, year) == 2
    assert count_periodical_titles(network["TVLC"].id, year - 1) == 1
    assert count_periodical_titles(None, year) == 3
    assert count_periodical_titles(network["TVBL"].id, year) == 0
    # Subscribing again the same year changes the subscription, not the count.
    subscribe(titles["van_nghe"].periodical, network["TVLC"], year, 3)
    assert count_periodical_titles(network["TVLC"].id, year) == 2
    assert titles["van_nghe"].copies == 3


def test_receiving_an_issue_appends_an_event(titles, network, db):
    today = local_today()
    received = receive_issue(titles["nhan_dan"], issue="Số 24.501")
    assert (received.copies, received.received_on) == (2, today)
    event = db.session.scalar(select(Event).where(Event.kind == "periodical_received"))
    assert (event.library_id, event.quantity, event.day) == (network["TVLC"].id, 2, today)
    assert event.details["periodical"] == "Nhân Dân" and event.details["issue"] == "Số 24.501"
    with pytest.raises(Conflict):
        receive_issue(titles["nhan_dan"], issue="Số 24.501")
    receive_issue(titles["van_nghe"], copies=1, day=today - timedelta(days=1))
    start = today - timedelta(days=7)
    assert count_issues_received(network["TVLC"].id, start, today) == 3
    assert count_issues_received(None, today, today) == 2


def test_expected_issues_follow_the_frequency():
    today = date(2025, 6, 10)
    assert is_expected("daily", None, today)
    assert is_expected("daily", today - timedelta(days=1), today)
    assert not is_expected("weekly", today - timedelta(days=3), today)
    assert is_expected("weekly", today - timedelta(days=7), today)
    assert not is_expected("monthly", today - timedelta(days=20), today)
    assert not is_expected("irregular", None, today)


def test_checkin_list_puts_expected_titles_first(titles, network):
    today = local_today()
    receive_issue(titles["van_nghe"], day=today - timedelta(days=3))
    rows = checkin_list(network["TVLC"], today)
    assert [(r["subscription"].periodical.name, r["expected"]) for r in rows] == [
        ("Nhân Dân", True),
        ("Tạp chí Văn nghệ", False),
    ]
    receive_issue(titles["nhan_dan"])
    rows = checkin_list(network["TVLC"], today)
    assert rows[-1]["received_today"] and not rows[-1]["expected"]


def test_daily_checkin_through_the_page(titles, staff_client, db):
    page = staff_client.get("/staff/periodicals/checkin?library=TVLC").get_data(as_text=True)
    assert "Nhân Dân" in page and "Đang chờ" in page
    subscription = titles["nhan_dan"]
    response = staff_client.post(
        f"/staff/periodicals/checkin/{subscription.id}",
        data={"issue": "Số 100"},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Đã nhận Nhân Dân." in text and "Đã nhận hôm nay" in text
    issue = db.session.scalar(select(IssueReceived))
    assert (issue.issue, issue.copies) == ("Số 100", 2)
    history = staff_client.get("/staff/periodicals/history?library=TVLC").get_data(as_text=True)
    assert "Số 100" in history
    listing = staff_client.get("/staff/periodicals/?library=TVLC").get_data(as_text=True)
    assert "Tạp chí Văn nghệ" in listing and "1.500.000" in listing


def test_add_a_title_on_the_page(network, staff_client, db):
    response = staff_client.post(
        "/staff/periodicals/new",
        data={"library": "TVTD", "name": "Khăn Quàng Đỏ", "frequency": "weekly",
              "kind": "newspaper", "language": "vie", "year": "2026", "copies": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    periodical = db.session.scalar(select(Periodical).where(Periodical.name == "Khăn Quàng Đỏ"))
    assert periodical.library.code == "TVTD"
    assert [(s.year, s.copies) for s in db.session.scalars(select(Subscription))] == [(2026, 2)]
    response = staff_client.post(
        "/staff/periodicals/new", data={"library": "TVTD", "name": "", "issn": "1234-5678"}
    )
    assert response.status_code == 422
    assert "Nhập tên báo, tạp chí." in response.get_data(as_text=True)


def test_periodical_pages_need_permissions(titles, client, network):
    make_staff("viewer", None, "viewer-per")
    sign_in(client, "viewer-per")
    assert client.get("/staff/periodicals/").status_code == 403
    make_staff("circulation", "TVLC", "desk-per")
    sign_in(client, "desk-per")
    assert client.get("/staff/periodicals/").status_code == 200
    assert client.get("/staff/periodicals/checkin").status_code == 403
    make_staff("cataloguer", "TVTD", "cat-per")
    sign_in(client, "cat-per")
    response = client.post(f"/staff/periodicals/checkin/{titles['nhan_dan'].id}", data={})
    assert response.status_code == 403
