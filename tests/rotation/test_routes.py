"""Routes: a batch going from point to point, the daily pull list, where every batch is."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from libsys.accounts.services import create_token
from libsys.core.clock import local_today
from libsys.core.states import InvalidTransition
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.rotation import at_point, batches, routes
from libsys.rotation.overview import copy_visits, point_history
from libsys.rotation.pull_list import pull_list
from libsys.stats.models import Event
from tests.rotation.conftest import copies_of_one_title, in_months, library


def headers(user):
    return {"Authorization": f"Bearer {create_token(user.username)}"}


def new_route(user, *, cyclical=False, days=(30, 20)):
    stages = [{"point": point, "days": n} for point, n in zip(("BDBG", "BDNT"), days, strict=False)]
    return routes.save_route(
        user, {"library": "TVTD", "name": "Bản Giang - Nà Tăm", "cyclical": cyclical,
               "stages": stages}
    )  # fmt: skip


def batch_on_route(officer, route, copies):
    batch = batches.create_batch(
        officer, library=library("TVTD"), point=library("BDBG"), planned_return=in_months(2)
    )
    for item in copies:
        batches.add_copy(officer, batch.id, item.barcode)
    routes.follow_route(officer, batch.id, route.id)
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    return batch


def stay_over(batch, days_ago):
    """The batch arrived at its point `days_ago` days ago."""
    batch.received_on = local_today() - timedelta(days=days_ago)
    db.session.flush()


def test_a_route_and_its_checks(officer):
    route = new_route(officer)
    assert [(s.point.code, s.days) for s in route.stages] == [("BDBG", 30), ("BDNT", 20)]
    with pytest.raises(ValidationFailed) as refused:
        routes.save_route(officer, {"library": "TVTD", "name": "x", "stages": []})
    assert "stages" in refused.value.fields
    with pytest.raises(ValidationFailed):  # beyond six months at one point
        routes.save_route(officer, {"library": "TVTD", "name": "x",
                                    "stages": [{"point": "BDBG", "days": 200}]})  # fmt: skip
    with pytest.raises(ValidationFailed):  # the same point twice in a row
        routes.save_route(officer, {"library": "TVTD", "name": "x",
                                    "stages": [{"point": "BDBG", "days": 9},
                                               {"point": "BDBG", "days": 9}]})  # fmt: skip
    # Changing the stages in place (the unique position index never trips).
    routes.save_route(
        officer,
        {"name": "Nà Tăm - Bản Giang", "stages": [{"point": "BDNT", "days": 10},
                                                  {"point": "BDBG", "days": 15},
                                                  {"point": "BDNT", "days": 5}]},
        route,
    )  # fmt: skip
    assert [(s.position, s.point.code) for s in route.stages] == [
        (1, "BDNT"), (2, "BDBG"), (3, "BDNT")]  # fmt: skip
    routes.save_route(officer, {"name": "short", "stages": [{"point": "BDBG", "days": 7}]}, route)
    assert [s.point.code for s in route.stages] == ["BDBG"]


def test_a_batch_moves_on_and_keeps_its_counts(officer, keeper, other_keeper):
    copies = copies_of_one_title(3)
    route = new_route(officer)
    batch = batch_on_route(officer, route, copies)
    assert batch.point.code == "BDBG"
    assert batch.planned_return == local_today() + timedelta(days=50)
    # Two of three copies arrive at Bản Giang; the third is missing there.
    at_point.receive(keeper, batch.id, [copies[0].barcode, copies[1].barcode])
    with pytest.raises(InvalidTransition):
        routes.recall(officer, batch.id)  # it is at the point, not on the road
    routes.move_on(officer, batch.id)
    assert batch.state == "in_transit" and batch.point.code == "BDNT"
    assert {item.location_library_id for item in copies} == {library("BDNT").id}
    assert {item.status for item in copies} == {"at_rotation_point"}
    # Everything that was at Bản Giang arrives at Nà Tăm: the missing copy stays missing.
    at_point.receive(other_keeper, batch.id)
    assert [line.received for line in batch.lines] == [True, True, False]
    with pytest.raises(Conflict) as ended:
        routes.move_on(officer, batch.id)
    assert ended.value.code == "ROUTE_ENDED"
    batches.start_return(officer, batch.id)
    batches.close(officer, batch.id, returned=[copies[0].barcode], damaged=[copies[1].barcode])
    counts = batches.batch_counts(batch)
    assert counts == {"dispatched": 3, "returned": 1, "damaged": 1, "missing": 1}
    moved = db.session.scalars(select(Event).where(Event.kind == "batch_moved_on")).all()
    assert len(moved) == 3  # one per copy
    # Every point the copy has visited, and both points' histories know the batch.
    assert [v["point"] for v in copy_visits(copies[0])] == ["BDBG", "BDNT"]
    assert batch in point_history(library("BDBG")) and batch in point_history(library("BDNT"))
    stops = routes.stops_of(batch)
    assert [(s.point.code, s.left_on is not None) for s in stops] == [
        ("BDBG", True), ("BDNT", False)]  # fmt: skip


def test_a_cyclical_route_starts_again(officer, keeper, other_keeper):
    route = new_route(officer, cyclical=True)
    batch = batch_on_route(officer, route, copies_of_one_title(3))
    assert batch.planned_return == local_today() + timedelta(days=30)  # this stage's end
    at_point.receive(keeper, batch.id)
    routes.move_on(officer, batch.id)
    at_point.receive(other_keeper, batch.id)
    routes.move_on(officer, batch.id)
    assert batch.point.code == "BDBG" and [s.position for s in routes.stops_of(batch)] == [1, 2, 1]


def test_under_way_is_never_silently_changed(officer, keeper):
    route = new_route(officer)
    batch = batch_on_route(officer, route, copies_of_one_title(3))
    other = new_route(officer, days=(10,))
    with pytest.raises(Conflict) as under_way:
        routes.follow_route(officer, batch.id, other.id)
    assert under_way.value.code == "BATCH_UNDER_WAY"
    # Editing the route does not change the leg already under way...
    routes.save_route(officer, {"name": "x", "stages": [{"point": "BDBG", "days": 5}]}, route)
    assert routes.current_stop(batch).days == 30
    # ... and a batch on the road is called home out loud, never cancelled.
    with pytest.raises(InvalidTransition):
        batches.cancel(officer, batch.id)
    routes.recall(officer, batch.id)
    assert batch.state == "returning"
    assert db.session.scalars(select(Event).where(Event.kind == "batch_recalled")).all()
    batches.close(officer, batch.id, returned=[line.item.barcode for line in batch.lines])
    assert batch.state == "closed"
    assert {line.item.status for line in batch.lines} == {"available"}


def test_a_copy_lent_at_the_point_holds_the_batch_back(officer, keeper):
    copies = copies_of_one_title(3)
    batch = batch_on_route(officer, new_route(officer), copies)
    at_point.receive(keeper, batch.id)
    copies[0].status = "on_loan"  # as a point loan at the desk leaves it
    db.session.flush()
    with pytest.raises(Conflict) as held:
        routes.move_on(officer, batch.id)
    assert held.value.code == "COPIES_ON_LOAN" and copies[0].barcode in held.value.details[
        "barcodes"]  # fmt: skip
    assert batch.state == "at_point"


def test_a_keeper_cannot_move_a_batch_nor_see_routes(officer, keeper):
    route = new_route(officer)
    batch = batch_on_route(officer, route, copies_of_one_title(3))
    at_point.receive(keeper, batch.id)
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        routes.move_on(keeper, batch.id)
    assert routes.visible_routes(keeper) == []
    with pytest.raises(NotFound):
        routes.get_route(keeper, route.id)


def test_the_pull_list(officer, keeper):
    today = local_today()
    # To send: packed, planned for yesterday.
    waiting = batches.create_batch(
        officer, library=library("TVTD"), point=library("BDNT"),
        planned_dispatch=today, planned_return=in_months(2),
    )  # fmt: skip
    batches.add_copy(officer, waiting.id, copies_of_one_title(3)[0].barcode)
    route = new_route(officer)
    moving = batch_on_route(officer, route, copies_of_one_title(3))
    at_point.receive(keeper, moving.id)
    home = batch_on_route(officer, new_route(officer, days=(30,)), copies_of_one_title(3))
    at_point.receive(keeper, home.id)
    entries = pull_list(today, officer)
    assert [e.batch for e in entries["send"]] == [waiting]
    assert entries["move_on"] == [] and entries["bring_back"] == []
    stay_over(moving, 31)  # Bản Giang's 30 days are over: on to Nà Tăm
    stay_over(home, 30)  # the last (only) stage is over: home
    entries = pull_list(today, officer)
    assert [(e.batch, e.to.code, e.days_late(today)) for e in entries["move_on"]] == [
        (moving, "BDNT", 1)]  # fmt: skip
    assert [(e.batch, e.to.code) for e in entries["bring_back"]] == [(home, "TVTD")]
    # A keeper sees only their point's; another library's list is empty.
    assert {e.batch for found in pull_list(today, keeper).values() for e in found} == {
        moving, home}  # fmt: skip
    assert all(not found for found in pull_list(today, None, library("TVPT")).values())


def test_pull_list_over_http_page_and_command(app, client, officer, keeper):
    batch = batch_on_route(officer, new_route(officer, days=(30,)), copies_of_one_title(3))
    at_point.receive(keeper, batch.id)
    batch.planned_return = local_today() - timedelta(days=2)
    db.session.flush()
    response = client.get("/api/v1/rotation/pull-list?library=TVTD", headers=headers(officer))
    assert response.status_code == 200, response.json
    assert [e["batch"] for e in response.json["bring_back"]] == [batch.id]
    entry = response.json["bring_back"][0]
    assert entry["to"] == "TVTD" and len(entry["copies"]) == 3
    assert client.get("/api/v1/rotation/pull-list?library=NOPE",
                      headers=headers(officer)).status_code == 404  # fmt: skip
    mine = client.get("/api/v1/rotation/pull-list", headers=headers(keeper)).json
    assert [e["batch"] for e in mine["bring_back"]] == [batch.id]
    result = app.test_cli_runner().invoke(args=["rotation", "pull-list", "--json"])
    assert result.exit_code == 0, result.output
    assert [e["batch"] for e in json.loads(result.output)["bring_back"]] == [batch.id]
    result = app.test_cli_runner().invoke(args=["rotation", "pull-list"])
    assert batch.reference in result.output


def test_routes_over_http(client, officer, keeper):
    body = {"library": "TVTD", "name": "Vòng các xã", "cyclical": True,
            "stages": [{"point": "BDBG", "days": 30}, {"point": "BDNT", "days": 30}]}  # fmt: skip
    response = client.post("/api/v1/rotation/routes", json=body, headers=headers(officer))
    assert response.status_code == 201, response.json
    route_id = response.json["id"]
    assert [s["point"] for s in response.json["stages"]] == ["BDBG", "BDNT"]
    assert client.post("/api/v1/rotation/routes", json=body,
                       headers=headers(keeper)).status_code == 403  # fmt: skip
    body["stages"] = []
    assert client.put(f"/api/v1/rotation/routes/{route_id}", json=body,
                      headers=headers(officer)).status_code == 422  # fmt: skip
    listed = client.get("/api/v1/rotation/routes", headers=headers(officer)).json["routes"]
    assert [r["id"] for r in listed] == [route_id]
    created = client.post(
        "/api/v1/rotation/batches",
        json={"point": "BDNT", "planned_return": in_months(2).isoformat()},
        headers=headers(officer),
    ).json
    response = client.post(f"/api/v1/rotation/batches/{created['id']}/route",
                           json={"route": route_id}, headers=headers(officer))  # fmt: skip
    assert response.status_code == 200, response.json
    assert response.json["point"]["code"] == "BDBG"
    assert response.json["route"]["stage"] == 1 and response.json["route"]["next_point"] == "BDNT"
    stops = client.get(f"/api/v1/rotation/batches/{created['id']}/stops",
                       headers=headers(officer)).json  # fmt: skip
    assert [s["point"] for s in stops["stops"]] == ["BDBG"]
    where = client.get("/api/v1/rotation/batches?point=BDBG", headers=headers(officer)).json
    assert [b["id"] for b in where["batches"]] == [created["id"]]
    response = client.post(f"/api/v1/rotation/batches/{created['id']}/move_on",
                           headers=headers(officer))  # fmt: skip
    assert response.status_code == 409  # a draft does not move on


def test_route_pages_and_the_printable_pull_list(client, officer, keeper):
    from tests.factories import sign_in

    sign_in(client, officer.username)
    response = client.post(
        "/staff/rotation/routes/new",
        data={"name": "Hai điểm", "active": "1", "stage_point_1": "BDBG", "stage_days_1": "30",
              "stage_point_2": "BDNT", "stage_days_2": "20"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    route = routes.visible_routes(officer)[0]
    assert [(s.point.code, s.days) for s in route.stages] == [("BDBG", 30), ("BDNT", 20)]
    page = client.get("/staff/rotation/routes").get_data(as_text=True)
    assert "Hai điểm" in page
    refused = client.post(f"/staff/rotation/routes/{route.id}",
                          data={"name": "Hai điểm", "stage_point_1": "BDBG",
                                "stage_days_1": "999"})  # fmt: skip
    assert refused.status_code == 422
    batch = batch_on_route(officer, route, copies_of_one_title(3))
    at_point.receive(keeper, batch.id)
    stay_over(batch, 30)
    page = client.get("/staff/rotation/pull-list?library=TVTD").get_data(as_text=True)
    assert batch.reference in page and batch.lines[0].item.barcode in page
    response = client.post(
        f"/staff/rotation/batches/{batch.id}/route-move/move_on",
        data={"next": "/staff/rotation/pull-list"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/pull-list")
    assert batch.state == "in_transit" and batch.point.code == "BDNT"
    sign_in(client, keeper.username)
    assert client.get("/staff/rotation/pull-list").status_code == 403


def test_where_every_batch_is(client, officer, keeper, other_keeper):
    batch = batch_on_route(officer, new_route(officer), copies_of_one_title(3))

    def where():
        body = client.get(f"/api/v1/rotation/batches/{batch.id}", headers=headers(officer)).json
        return body["where"]["where"], body["where"]["place"]

    assert where() == ("to_point", "BDBG")
    at_point.receive(keeper, batch.id)
    assert where() == ("at_point", "BDBG")
    routes.move_on(officer, batch.id)
    assert where() == ("to_point", "BDNT")
    at_point.receive(other_keeper, batch.id)
    batches.start_return(other_keeper, batch.id)
    assert where() == ("to_home", "TVTD")
    listed = client.get("/api/v1/rotation/batches", headers=headers(officer)).json["batches"]
    assert [(b["id"], b["where"]["where"]) for b in listed] == [(batch.id, "to_home")]


def test_the_batch_page_shows_its_route(client, officer, keeper):
    from tests.factories import sign_in

    route = new_route(officer)
    batch = batches.create_batch(
        officer, library=library("TVTD"), point=library("BDNT"), planned_return=in_months(2)
    )
    sign_in(client, officer.username)
    page = client.get(f"/staff/rotation/batches/{batch.id}").get_data(as_text=True)
    assert f'<option value="{route.id}">' in page
    assert "/staff/rotation/pull-list" in client.get("/staff/rotation/").get_data(as_text=True)
    response = client.post(f"/staff/rotation/batches/{batch.id}/route", data={"route": route.id})
    assert response.status_code == 302 and batch.point.code == "BDBG"
    for item in copies_of_one_title(3):
        batches.add_copy(officer, batch.id, item.barcode)
    batches.pack(officer, batch.id)
    batches.dispatch(officer, batch.id)
    at_point.receive(keeper, batch.id)
    page = client.get(f"/staff/rotation/batches/{batch.id}").get_data(as_text=True)
    assert "route-move/move_on" in page and library("BDNT").name in page
