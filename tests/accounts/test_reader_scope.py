"""A reader's password, registration and deletion on request belong to her home library.

Only the reader or staff of her home library set her password (a network administrator
too); a library's account registers readers of its own library only (a first password with
them); her data is given and deleted by her home library, never by a point keeper.
"""

import pytest
from sqlalchemy import func, select

from libsys.errors import PermissionDenied
from libsys.extensions import db
from libsys.privacy.services import delete_reader
from libsys.readers.models import Reader
from tests.accounts.scoping import refused, signed_in
from tests.factories import api_headers, make_reader, make_staff, sign_in


def test_a_library_admin_sets_no_other_librarys_readers_password(client, network):
    theirs = make_reader(home_library="TVTD")
    ours = make_reader(home_library="TVLC")
    signed_in(client, "admin", "TVLC")
    path = f"/staff/readers/{theirs.card_number}/password"
    assert refused(client.post(path, data={"password": "taken-over-1"}))
    db.session.expire_all()
    assert db.session.get(Reader, theirs.id).password_hash is None
    client.post("/logout")
    answer = client.post(
        "/login", data={"username": theirs.card_number, "password": "taken-over-1"}
    )
    assert answer.status_code == 200  # the sign-in form again
    sign_in(client, "scope-admin-TVLC")
    path = f"/staff/readers/{ours.card_number}/password"
    assert client.post(path, data={"password": "own-reader-1"}).status_code == 302
    assert db.session.get(Reader, ours.id).password_hash


def test_the_network_admin_sets_any_readers_password(client, network):
    theirs = make_reader(home_library="TVTD")
    signed_in(client, "admin", None)
    path = f"/staff/readers/{theirs.card_number}/password"
    assert client.post(path, data={"password": "network-set-1"}).status_code == 302
    client.post("/logout")
    sign_in(client, theirs.card_number, "network-set-1")


READER_FORM = {"full_name": "Giàng Thị Dợ", "date_of_birth": "1995-03-02", "gender": "female",
               "ethnicity": "08", "category": "farmer", "password": "first-pass-1"}  # fmt: skip


def _named(name: str) -> int:
    return db.session.scalar(select(func.count(Reader.id)).where(Reader.full_name == name))


def test_a_desk_registers_readers_of_its_own_library_only(client, network):
    signed_in(client, "circulation", "TVLC")
    form = client.get("/staff/readers/new").get_data(as_text=True)
    assert 'value="TVLC"' in form and 'value="TVTD"' not in form  # only its own offered
    response = client.post("/staff/readers/new", data={**READER_FORM, "home_library": "TVTD"})
    assert refused(response)
    assert _named("Giàng Thị Dợ") == 0
    response = client.post("/staff/readers/new", data={**READER_FORM, "home_library": "TVLC"})
    assert response.status_code == 302
    assert _named("Giàng Thị Dợ") == 1


def test_the_api_registers_readers_of_the_tokens_library_only(client, network):
    headers = api_headers("circulation", "TVLC")
    body = {key: value for key, value in READER_FORM.items() if key != "password"}
    response = client.post("/api/v1/readers", json={**body, "home_library": "TVTD"},
                           headers=headers)  # fmt: skip
    assert response.status_code == 403 and response.json["error"]["code"] == "OUT_OF_SCOPE"
    assert _named("Giàng Thị Dợ") == 0
    response = client.post("/api/v1/readers", json=body, headers=headers)  # its own by default
    assert response.status_code == 201
    assert (
        db.session.scalar(
            select(Reader).where(Reader.full_name == "Giàng Thị Dợ")
        ).home_library.code
        == "TVLC"
    )


# -- her data on request ------------------------------------------------------------------


def test_another_librarys_manager_neither_exports_nor_deletes_a_reader(client, network):
    theirs = make_reader(home_library="TVTD")
    signed_in(client, "manager", "TVLC")
    page = client.get(f"/staff/readers/{theirs.card_number}").get_data(as_text=True)
    assert f"/staff/readers/{theirs.card_number}/delete" not in page  # no button offered
    assert refused(client.get(f"/staff/readers/{theirs.card_number}/data.json"))
    assert refused(client.post(f"/staff/readers/{theirs.card_number}/delete"))
    db.session.expire_all()
    assert db.session.get(Reader, theirs.id) is not None
    ours = make_reader(home_library="TVLC")
    assert client.get(f"/staff/readers/{ours.card_number}/data.json").status_code == 200
    assert client.post(f"/staff/readers/{ours.card_number}/delete").status_code == 302
    assert db.session.get(Reader, ours.id) is None


def test_a_point_keeper_cannot_delete_her_points_reader(client, network):
    at_point = make_reader(home_library="BDBG")
    make_staff("point_keeper", "BDBG", username="keeper-bdbg")
    sign_in(client, "keeper-bdbg")
    assert client.post(f"/staff/readers/{at_point.card_number}/delete").status_code == 403
    assert client.get(f"/staff/readers/{at_point.card_number}/data.json").status_code == 403
    db.session.expire_all()
    assert db.session.get(Reader, at_point.id) is not None


def test_the_deletion_service_refuses_another_librarys_account(network):
    theirs = make_reader(home_library="TVTD")
    manager = make_staff("manager", "TVLC", username="svc-manager")
    with pytest.raises(PermissionDenied):
        delete_reader(theirs, user=manager)
    assert db.session.get(Reader, theirs.id) is not None
