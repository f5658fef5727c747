"""A point keeper sees and changes only the readers registered at their point (issue 13)."""

from sqlalchemy import select

from libsys.accounts.services import create_token
from libsys.readers.models import Reader
from tests.factories import make_reader, make_staff, sign_in


def _headers(user):
    return {"Authorization": f"Bearer {create_token(user.username)}"}


def _readers(network):
    at_library = make_reader(full_name="Nguyễn Văn Thư Viện", home_library="TVTD")
    at_point = make_reader(full_name="Lò Thị Điểm", home_library="BDBG")
    keeper = make_staff("point_keeper", "BDBG", username="diem-bg")
    return at_library, at_point, keeper


def test_a_keeper_over_the_api(client, network, db):
    at_library, at_point, keeper = _readers(network)
    headers = _headers(keeper)
    found = client.get("/api/v1/readers", headers=headers).json["readers"]
    assert [r["card_number"] for r in found] == [at_point.card_number]
    by_name = client.get("/api/v1/readers?q=nguyen", headers=headers).json["readers"]
    assert by_name == []
    by_card = client.get(f"/api/v1/readers?q={at_library.card_number}", headers=headers)
    assert by_card.json["readers"] == []
    assert client.get(f"/api/v1/readers/{at_library.card_number}",
                      headers=headers).status_code == 404  # fmt: skip
    assert client.get(f"/api/v1/readers/{at_point.card_number}",
                      headers=headers).status_code == 200  # fmt: skip
    response = client.patch(f"/api/v1/readers/{at_library.card_number}",
                            json={"phone": "0912 999 999"}, headers=headers)  # fmt: skip
    assert response.status_code == 404 and at_library.phone != "0912 999 999"
    response = client.patch(f"/api/v1/readers/{at_point.card_number}",
                            json={"phone": "0912 000 111"}, headers=headers)  # fmt: skip
    assert response.status_code == 200 and at_point.phone == "0912 000 111"
    # Moving a reader of the point to the library is not the keeper's to do.
    response = client.patch(f"/api/v1/readers/{at_point.card_number}",
                            json={"home_library": "TVTD"}, headers=headers)  # fmt: skip
    assert response.status_code == 422 and "home_library" in response.json["error"]["fields"]
    # Registering at the point: by default, or by naming it; never at the library.
    body = {"full_name": "Vàng A Páo", "category": "official", "gender": "male"}
    response = client.post("/api/v1/readers", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["home_library"] in ("BDBG", {"code": "BDBG"}) or (
        db.session.scalar(select(Reader).where(Reader.full_name == "Vàng A Páo"))
        .home_library.code == "BDBG")  # fmt: skip
    body["home_library"] = "TVTD"
    response = client.post("/api/v1/readers", json=body, headers=headers)
    assert response.status_code == 422
    # The library's own staff still see every reader.
    librarian = make_staff("circulation", "TVTD", username="muon-tra")
    found = client.get("/api/v1/readers", headers=_headers(librarian)).json["readers"]
    assert {at_library.card_number, at_point.card_number} <= {r["card_number"] for r in found}


def test_a_keeper_on_the_pages(client, network, db):
    at_library, at_point, keeper = _readers(network)
    sign_in(client, keeper.username)
    page = client.get("/staff/readers/").get_data(as_text=True)
    assert "Lò Thị Điểm" in page and "Nguyễn Văn Thư Viện" not in page
    assert client.get(f"/staff/readers/{at_library.card_number}").status_code == 404
    assert client.get(f"/staff/readers/{at_library.card_number}/edit").status_code == 404
    response = client.post(f"/staff/readers/{at_library.card_number}/block",
                           data={"reason": "x"})  # fmt: skip
    assert response.status_code == 404 and at_library.status == "active"
    assert client.get(f"/staff/readers/{at_point.card_number}").status_code == 200
    form = client.get("/staff/readers/new").get_data(as_text=True)
    assert 'value="BDBG"' in form and 'value="TVTD"' not in form
    response = client.post(
        "/staff/readers/new",
        data={"full_name": "Giàng Thị Sua", "gender": "female", "category": "official",
              "home_library": "BDBG"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    reader = db.session.scalar(select(Reader).where(Reader.full_name == "Giàng Thị Sua"))
    assert reader.home_library.code == "BDBG"
