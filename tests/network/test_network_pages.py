"""Managing the network through the staff pages."""

from sqlalchemy import select

from libsys.network.models import AdminUnit, Library, Store
from tests.factories import make_staff, sign_in


def test_add_a_rotation_point_with_its_commune(staff_client, db):
    response = staff_client.post(
        "/staff/network/libraries/new",
        data={
            "code": "bdsb",
            "name": "Điểm Bưu điện - Văn hóa xã Sơn Bình",
            "level": "point",
            "point_kind": "post_office",
            "parent": "TVTD",
            "admin_unit": "03505",
        },
    )
    assert response.status_code == 302
    point = db.session.scalar(select(Library).where(Library.code == "BDSB"))
    assert point.is_point and point.parent.code == "TVTD" and point.admin_unit.code == "03505"
    page = staff_client.get("/staff/network/").get_data(as_text=True)
    assert "Điểm Bưu điện - Văn hóa xã Sơn Bình" in page


def test_a_point_needs_its_kind_and_a_code_must_be_free(staff_client, db):
    before = db.session.query(Library).count()
    response = staff_client.post(
        "/staff/network/libraries/new",
        data={"code": "TVLC", "name": "X", "level": "point"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mã TVLC đã được dùng." in page and "Chọn loại điểm luân chuyển." in page
    assert db.session.query(Library).count() == before


def test_add_and_edit_a_store(staff_client, db):
    response = staff_client.post(
        "/staff/network/libraries/TVBL/stores",
        data={"code": "DC", "name": "Kho địa chí", "kind": "local_studies", "reference_only": "1"},
    )
    assert response.status_code == 302
    store = db.session.scalar(
        select(Store).join(Library).where(Library.code == "TVBL", Store.code == "DC")
    )
    assert store.reference_only
    staff_client.post(
        f"/staff/network/libraries/TVBL/stores/{store.id}",
        data={"code": "DC", "name": "Kho địa chí xã", "kind": "local_studies"},
    )
    assert store.name == "Kho địa chí xã" and not store.reference_only
    duplicate = staff_client.post(
        "/staff/network/libraries/TVBL/stores",
        data={"code": "VN", "name": "Trùng", "kind": "lending"},
    )
    assert duplicate.status_code == 422


def test_population_of_a_commune(staff_client, db):
    staff_client.post(
        "/staff/network/units/03496",
        data={
            "code": "03496",
            "name": "Xã Bản Giang",
            "level": "commune",
            "parent": "106",
            "population": "5.400",
            "children_population": "2000",
            "remote": "1",
        },
    )
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "03496"))
    assert (unit.population, unit.children_population, unit.remote) == (5400, 2000, True)
    bad = staff_client.post(
        "/staff/network/units", data={"code": "X1", "name": "Y", "level": "village"}
    )
    assert bad.status_code == 422


def test_circulation_librarian_may_look_but_not_change(client, network, db):
    make_staff("circulation", "TVLC", "desk9")
    sign_in(client, "desk9")
    assert client.get("/staff/network/").status_code == 200
    assert client.get("/staff/network/libraries/new").status_code == 403
    assert client.post("/staff/network/units", data={"code": "Z"}).status_code == 403


def test_unknown_library_is_a_404_page(staff_client):
    response = staff_client.get("/staff/network/libraries/NOPE")
    assert response.status_code == 404
    assert "NOPE" in response.get_data(as_text=True)
