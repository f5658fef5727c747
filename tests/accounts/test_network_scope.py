"""Library scope of the network's settings and the population served (issue 16).

Libraries and administrative units are the network's settings: only a network account
changes them. A library's administrator keeps its own library's stores. A library's manager
enters the population of her library's area only (the unit of its level that holds it and
the units under it, and the schools there).
"""

import io

from sqlalchemy import func, select

from libsys.extensions import db
from libsys.network.models import AdminUnit, Population, Store
from tests.accounts.scoping import library, network_only, refused, signed_in

OUTSIDE_AREA = "nằm ngoài địa bàn thư viện của bạn"


def unit(code: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


LIBRARY_FORM = {"code": "TVTD", "name": "Thư viện đổi tên", "level": "district", "parent": "TVLC"}


# -- libraries and administrative units: the network's --------------------------------------


def test_a_library_admin_is_not_shown_the_networks_forms(app, client, network):
    signed_in(client, "admin", "TVTD")
    for path in ("/staff/network/libraries/TVTD/edit", "/staff/network/libraries/new",
                 "/staff/network/units/106"):  # fmt: skip
        assert network_only(client.get(path)), path
    page = client.get("/staff/network/libraries/TVTD").get_data(as_text=True)
    assert "/staff/network/libraries/TVTD/edit" not in page
    units = client.get("/staff/network/units").get_data(as_text=True)
    assert "/staff/network/units/106" not in units and 'name="population"' not in units
    index = client.get("/staff/network/")
    assert index.status_code == 200
    assert "/staff/network/libraries/new" not in index.get_data(as_text=True)
    network_admin = signed_in(app.test_client(), "admin", None)
    assert network_admin.get("/staff/network/libraries/TVTD/edit").status_code == 200
    assert "/staff/network/libraries/TVTD/edit" in network_admin.get(
        "/staff/network/libraries/TVTD").get_data(as_text=True)  # fmt: skip


def test_a_library_admin_changes_no_library_not_even_its_own(client, network):
    signed_in(client, "admin", "TVTD")
    assert network_only(client.post("/staff/network/libraries/TVTD/edit", data=LIBRARY_FORM))
    form = {**LIBRARY_FORM, "code": "TVLC", "level": "provincial", "parent": ""}
    assert network_only(client.post("/staff/network/libraries/TVLC/edit", data=form))
    new = {"code": "TVMOI", "name": "Thư viện mới", "level": "commune", "parent": "TVTD"}
    assert network_only(client.post("/staff/network/libraries/new", data=new))
    db.session.expire_all()
    assert library("TVTD").name == "Thư viện huyện Tam Đường"
    assert library("TVMOI") is None


def test_a_library_admin_changes_no_administrative_unit(client, network):
    signed_in(client, "admin", "TVTD")
    form = {"code": "106", "name": "Huyện khác", "level": "district", "parent": "12",
            "population": "1"}  # fmt: skip
    assert network_only(client.post("/staff/network/units/106", data=form))
    new = {"code": "99999", "name": "Xã mới", "level": "commune", "parent": "106"}
    assert network_only(client.post("/staff/network/units", data=new))
    db.session.expire_all()
    assert unit("106").name == "Huyện Tam Đường" and unit("106").population == 56_000
    assert unit("99999") is None


def test_the_network_admin_changes_libraries_and_units(client, network):
    signed_in(client, "admin", None)
    response = client.post("/staff/network/libraries/TVTD/edit", data=LIBRARY_FORM)
    assert response.status_code == 302
    new = {"code": "99999", "name": "Xã mới", "level": "commune", "parent": "106"}
    assert client.post("/staff/network/units", data=new).status_code == 302
    db.session.expire_all()
    assert library("TVTD").name == "Thư viện đổi tên"
    assert unit("99999").parent.code == "106"


# -- stores: a library's administrator keeps its own ----------------------------------------


def _stores(code: str) -> int:
    return db.session.scalar(
        select(func.count(Store.id)).where(Store.library_id == library(code).id)
    )


def test_a_library_admin_keeps_its_own_stores_only(client, network):
    signed_in(client, "admin", "TVTD")
    store = {"code": "MOI", "name": "Kho mới", "kind": "lending"}
    before = _stores("TVLC")
    assert refused(client.post("/staff/network/libraries/TVLC/stores", data=store))
    theirs = db.session.scalar(
        select(Store).where(Store.library_id == library("TVLC").id, Store.code == "VN")
    )
    path = f"/staff/network/libraries/TVLC/stores/{theirs.id}"
    assert refused(client.get(path))
    assert refused(client.post(path, data={**store, "code": "VN", "kind": "reading"}))
    db.session.expire_all()
    assert _stores("TVLC") == before
    assert db.session.get(Store, theirs.id).kind == "lending"
    own_before = _stores("TVTD")
    response = client.post("/staff/network/libraries/TVTD/stores", data=store)
    assert response.status_code == 302
    assert _stores("TVTD") == own_before + 1


# -- the population served: a library's area ----------------------------------------------


def _rows() -> int:
    return db.session.scalar(select(func.count(Population.id)))


def test_a_district_manager_enters_her_districts_units_and_schools_only(client, network):
    signed_in(client, "manager", "TVTD")  # Huyện Tam Đường (106)
    page = client.get("/staff/network/population").get_data(as_text=True)
    assert "03493" in page and "THCSBL" in page  # a commune and a school of her district
    assert "03436" not in page  # Xã Mường So is Phong Thổ's
    response = client.post(
        "/staff/network/population", data={"code": "03436", "year": "2026", "population": "1"}
    )
    assert response.status_code == 403 and OUTSIDE_AREA in response.get_data(as_text=True)
    response = client.post(
        "/staff/network/population", data={"code": "12", "year": "2026", "population": "1"}
    )
    assert response.status_code == 403  # the province is above her district
    assert _rows() == 0
    for code, figures in (("03493", {"population": "7700"}), ("THCSBL", {"students": "410"})):
        response = client.post(
            "/staff/network/population", data={"code": code, "year": "2026", **figures}
        )
        assert response.status_code == 302
    assert _rows() == 2


def test_an_imported_row_outside_the_area_is_refused_and_listed(client, network):
    signed_in(client, "manager", "TVTD")
    sheet = io.BytesIO(b"code,year,population,children\n03493,2026,7700,2500\n03436,2026,1,1\n")
    response = client.post(
        "/staff/network/population/import",
        data={"file": (sheet, "dan-so.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert OUTSIDE_AREA in response.get_data(as_text=True)
    owners = db.session.scalars(select(Population.admin_unit_id)).all()
    assert owners == [unit("03493").id]
    template = client.get("/staff/network/population/template.xlsx?year=2026")
    from openpyxl import load_workbook

    codes = {row[0] for row in load_workbook(io.BytesIO(template.data)).active.iter_rows(
        min_row=2, values_only=True)}  # fmt: skip
    assert "03493" in codes and "THCSBL" in codes and "03436" not in codes and "12" not in codes


def test_the_provincial_manager_enters_the_whole_province(client, network):
    signed_in(client, "manager", "TVLC")
    for code in ("12", "03436"):
        response = client.post(
            "/staff/network/population", data={"code": code, "year": "2026", "population": "9"}
        )
        assert response.status_code == 302
    assert _rows() == 2
