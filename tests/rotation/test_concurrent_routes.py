"""Two officers editing one route at the same moment: each edit lands whole, none fails."""

from sqlalchemy import select

from libsys.rotation.models import RotationRouteStage
from tests.circulation.test_concurrent_writes import _burst


def test_ten_edits_of_one_route_at_once_each_land_whole(app, committed_db):
    from libsys.accounts.services import create_token
    from libsys.demo.network import load_network, load_reader_categories
    from tests.factories import make_staff

    db = committed_db
    load_reader_categories()
    load_network()
    officer = make_staff("rotation_officer", "TVTD", username="officer-routes")
    headers = {"Authorization": f"Bearer {create_token(officer.username)}"}
    db.session.commit()
    body = {"library": "TVTD", "name": "Vòng các xã", "stages": [{"point": "BDBG", "days": 30}]}
    created = app.test_client().post("/api/v1/rotation/routes", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    route_id = created.get_json()["id"]
    calls = []
    for n in range(10):
        stages = [{"point": "BDBG", "days": 10 + n}, {"point": "BDNT", "days": 20 + n}][: 1 + n % 2]
        calls.append(("put", f"/api/v1/rotation/routes/{route_id}",
                      {**body, "stages": stages}, headers))  # fmt: skip

    answers = _burst(app, calls)

    assert sorted(status for status, _body in answers) == [200] * 10, answers
    positions = db.session.scalars(
        select(RotationRouteStage.position)
        .where(RotationRouteStage.route_id == route_id)
        .order_by(RotationRouteStage.position)
    ).all()
    assert positions in ([1], [1, 2])
