"""Plans and targets entered on the pages: a network manager for anyone, a library's manager
for her library only; the dashboard measures against what they enter."""

import pytest
from sqlalchemy import select

from libsys.errors import PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.stats.periods import parse_period
from libsys.stats.plans import Plan, PlanTarget, targets_for
from libsys.stats.scope import library_scope
from libsys.stats.targets.services import parse_number, parse_target_value, save_plan, save_targets
from tests.factories import make_staff, sign_in

PLAN = {
    "number": "35/KH-UBND",
    "issuer": "UBND huyện Tam Đường",
    "issued_on": "15/02/2026",
    "first_year": "2026",
    "last_year": "2030",
    "title": "Kế hoạch phát triển thư viện",
}


def _plan(title="Kế hoạch phát triển thư viện") -> Plan:
    return db.session.scalar(select(Plan).where(Plan.title == title))


def _targets(plan) -> list[tuple]:
    rows = db.session.scalars(
        select(PlanTarget).where(PlanTarget.plan_id == plan.id).order_by(PlanTarget.year)
    )
    return [
        (t.library.code if t.library else t.level, t.indicator, t.year, t.value_min, t.value_max)
        for t in rows
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35.000", (35000, 35000)),
        ("35,000", (35000, 35000)),
        ("35 000", (35000, 35000)),
        ("8.000-9.000", (8000, 9000)),
        ("8,000 – 9,000", (8000, 9000)),
        ("1,5", (1.5, 1.5)),
        ("0.4", (0.4, 0.4)),
        ("90 %", (90, 90)),
        ("≥ 500", (500, None)),
        ("ít nhất 1.200", (1200, None)),
        ("≤ 5", (None, 5)),
    ],
)
def test_a_target_is_read_as_the_plans_write_it(text, expected):
    assert parse_target_value(text) == expected


@pytest.mark.parametrize("text", ["", "nhiều", "8000-", "1.2.3", "-5", "0.400.1"])
def test_a_target_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_target_value(text)


def test_thousands_and_decimals():
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("0,400") == 0.4


def test_a_network_manager_enters_a_plan_and_its_targets(client, network):
    make_staff("manager", None, "ql-mang")
    sign_in(client, "ql-mang")
    assert client.get("/staff/stats/plans/new").status_code == 200
    response = client.post("/staff/stats/plans/new", data=PLAN)
    assert response.status_code == 302
    plan = _plan()
    assert (plan.number, plan.issued_on.isoformat(), plan.first_year, plan.last_year) == (
        "35/KH-UBND",
        "2026-02-15",
        2026,
        2030,
    )
    assert plan.library_id is None
    url = f"/staff/stats/plans/{plan.id}"
    assert response.headers["Location"].endswith(url)
    # One range for three years, one level, the whole network.
    for data in (
        {
            "scope": "library:TVTD",
            "indicator": "visits",
            "year": "2026",
            "last_year": "2028",
            "value": "15.000-17.000",
        },
        {
            "scope": "level:district",
            "indicator": "acquired_copies",
            "year": "2026",
            "value": "500 - 1.000",
        },
        {"scope": "network", "indicator": "copies_per_inhabitant", "year": "2026", "value": "1,5"},
    ):
        assert client.post(f"{url}/targets", data=data).status_code == 302
    assert _targets(plan) == [
        ("TVTD", "visits", 2026, 15000, 17000),
        ("district", "acquired_copies", 2026, 500, 1000),
        (None, "copies_per_inhabitant", 2026, 1.5, 1.5),
        ("TVTD", "visits", 2027, 15000, 17000),
        ("TVTD", "visits", 2028, 15000, 17000),
    ]
    page = client.get(url).get_data(as_text=True)
    assert "15.000–17.000" in page and "Lượt bạn đọc" in page
    # The indicators read what was entered.
    scope = library_scope("TVTD")
    assert targets_for(scope, 2027)["visits"] == (15000, 17000)
    assert targets_for(scope, 2026)["acquired_copies"] == (500, 1000)
    assert parse_period("2026").start.year == 2026


def test_wrong_plans_and_targets_are_explained_in_vietnamese(client, network):
    make_staff("manager", None, "ql-mang")
    sign_in(client, "ql-mang")
    wrong = client.post(
        "/staff/stats/plans/new",
        data={**PLAN, "issuer": " ", "issued_on": "31/02/2026", "last_year": "2020"},
    )
    assert wrong.status_code == 422
    text = wrong.get_data(as_text=True)
    assert "Ghi cơ quan ban hành kế hoạch." in text
    assert "dd/mm/yyyy" in text
    assert db.session.scalar(select(Plan)) is None
    later = client.post("/staff/stats/plans/new", data={**PLAN, "last_year": "2020"})
    assert later.status_code == 422
    assert "Năm cuối phải sau năm đầu." in later.get_data(as_text=True)
    client.post("/staff/stats/plans/new", data=PLAN)
    plan = _plan()
    url = f"/staff/stats/plans/{plan.id}/targets"
    refused = client.post(
        url, data={"scope": "library:TVTD", "indicator": "visits", "year": "2031", "value": "nhiều"}
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Kế hoạch áp dụng từ 2026 đến 2030." in text
    assert "Ghi một số (35.000) hoặc một khoảng (8.000-9.000)." in text
    reversed_range = client.post(
        url,
        data={
            "scope": "library:TVTD",
            "indicator": "visits",
            "year": "2026",
            "value": "9.000-8.000",
        },
    )
    assert "Khoảng đi từ số nhỏ đến số lớn." in reversed_range.get_data(as_text=True)
    # Every wrong field at once: a missing indicator does not hide the wrong value.
    together = client.post(url, data={"scope": "library:TVTD", "year": "2026", "value": "nhiều"})
    assert together.status_code == 422
    text = together.get_data(as_text=True)
    assert "Chọn một chỉ tiêu." in text
    assert "Ghi một số (35.000) hoặc một khoảng (8.000-9.000)." in text
    unknown = client.post(
        url, data={"scope": "library:NOPE", "indicator": "nope", "year": "2026", "value": "5"}
    )
    assert unknown.status_code == 422
    assert (
        client.post(
            url, data={"scope": "network", "indicator": "visits", "year": "2026", "value": "100"}
        ).status_code
        == 302
    )
    twice = client.post(
        url,
        data={
            "scope": "network",
            "indicator": "visits",
            "year": "2026",
            "last_year": "2027",
            "value": "200",
        },
    )
    assert twice.status_code == 422
    assert "Kế hoạch đã có chỉ tiêu này cho năm 2026" in twice.get_data(as_text=True)
    assert _targets(plan) == [(None, "visits", 2026, 100, 100)]


def test_a_manager_corrects_and_deletes_targets_and_the_plan(client, network):
    make_staff("manager", None, "ql-mang")
    sign_in(client, "ql-mang")
    client.post("/staff/stats/plans/new", data=PLAN)
    plan = _plan()
    url = f"/staff/stats/plans/{plan.id}"
    client.post(
        f"{url}/targets",
        data={
            "scope": "library:TVLC",
            "indicator": "visits",
            "year": "2026",
            "last_year": "2027",
            "value": "8.000",
        },
    )
    first, second = sorted(plan.targets, key=lambda t: t.year)
    form = client.get(f"{url}/targets/{first.id}/edit").get_data(as_text=True)
    assert 'value="8.000"' in form
    corrected = client.post(
        f"{url}/targets/{first.id}/edit",
        data={
            "scope": "library:TVLC",
            "indicator": "visits",
            "year": "2026",
            "value": "8.000-9.000",
        },
    )
    assert corrected.status_code == 302
    clash = client.post(
        f"{url}/targets/{first.id}/edit",
        data={"scope": "library:TVLC", "indicator": "visits", "year": "2027", "value": "1"},
    )
    assert clash.status_code == 422
    assert client.post(f"{url}/targets/{second.id}/delete").status_code == 302
    assert _targets(plan) == [("TVLC", "visits", 2026, 8000, 9000)]
    # Shortening the plan past a target's year is refused; a correct change is saved.
    short = client.post(f"{url}/edit", data={**PLAN, "first_year": "2027"})
    assert short.status_code == 422
    assert "Kế hoạch có chỉ tiêu cho năm 2026" in short.get_data(as_text=True)
    assert client.post(f"{url}/edit", data={**PLAN, "number": "36/KH-UBND"}).status_code == 302
    assert plan.number == "36/KH-UBND"
    assert "Xóa" in client.get(f"{url}/delete").get_data(as_text=True)
    assert client.post(f"{url}/delete").status_code == 302
    assert db.session.scalar(select(Plan)) is None
    assert db.session.scalar(select(PlanTarget)) is None


def test_a_library_manager_keeps_her_own_plans_for_her_library_only(client, network):
    make_staff("manager", None, "ql-mang")
    make_staff("manager", "TVTD", "ql-td")
    sign_in(client, "ql-mang")
    client.post("/staff/stats/plans/new", data={**PLAN, "title": "Kế hoạch của tỉnh"})
    provincial = _plan("Kế hoạch của tỉnh")
    client.post("/logout")
    sign_in(client, "ql-td")
    assert client.post("/staff/stats/plans/new", data=PLAN).status_code == 302
    own = _plan()
    assert own.library_id is not None
    url = f"/staff/stats/plans/{own.id}"
    page = client.get(url).get_data(as_text=True)
    assert "library:TVTD" in page and "library:TVLC" not in page and 'value="network"' not in page
    assert (
        client.post(
            f"{url}/targets",
            data={
                "scope": "library:TVTD",
                "indicator": "visits",
                "year": "2026",
                "value": "35.000",
            },
        ).status_code
        == 302
    )
    for scope in ("library:TVLC", "level:district", "network"):
        refused = client.post(
            f"{url}/targets",
            data={"scope": scope, "indicator": "loans", "year": "2026", "value": "1"},
        )
        assert refused.status_code == 422
        assert "Anh/chị chỉ đặt chỉ tiêu cho thư viện của mình." in refused.get_data(as_text=True)
    assert _targets(own) == [("TVTD", "visits", 2026, 35000, 35000)]
    # The province's plan: she reads it, but changes nothing in it.
    other = f"/staff/stats/plans/{provincial.id}"
    assert client.get(other).status_code == 200
    assert client.get(f"{other}/edit").status_code == 403
    assert client.post(f"{other}/delete").status_code == 403
    assert (
        client.post(
            f"{other}/targets",
            data={"scope": "library:TVTD", "indicator": "visits", "year": "2026", "value": "1"},
        ).status_code
        == 403
    )


def test_the_services_refuse_another_librarys_plan_or_target(network):
    network_manager = make_staff("manager", None, "ql-mang")
    librarian = make_staff("manager", "TVTD", "ql-td")
    plan = save_plan(
        network_manager,
        number="1",
        issuer="UBND tỉnh",
        issued_on=None,
        first_year=2026,
        last_year=2026,
        title="Tỉnh",
    )
    with pytest.raises(PermissionDenied):
        save_targets(
            librarian, plan, scope="library:TVTD", indicator="visits", year=2026, value="5"
        )
    own = save_plan(
        librarian,
        number="2",
        issuer="UBND huyện",
        issued_on="2026-01-02",
        first_year=2026,
        last_year=None,
        title="Huyện",
    )
    assert own.last_year == 2026
    with pytest.raises(ValidationFailed) as refused:
        save_targets(librarian, own, scope="library:TVLC", indicator="visits", year=2026, value="5")
    assert set(refused.value.fields) == {"scope"}


def test_viewers_read_plans_but_cannot_enter_them(client, network):
    make_staff("viewer", None, "xem")
    sign_in(client, "xem")
    page = client.get("/staff/stats/plans/")
    assert page.status_code == 200
    assert "/staff/stats/plans/new" not in page.get_data(as_text=True)
    assert client.get("/staff/stats/plans/new").status_code == 403
    assert client.post("/staff/stats/plans/new", data=PLAN).status_code == 403
