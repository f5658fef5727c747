"""A point's contact person and population served, edited on the network's library form."""

from tests.factories import make_staff, sign_in
from tests.rotation.conftest import library


def test_the_library_form_edits_a_points_contact_and_population(client, network):
    admin = make_staff("admin", None, username="mang-luoi")
    sign_in(client, admin.username)
    page = client.get("/staff/network/libraries/BDBG/edit").get_data(as_text=True)
    assert 'name="contact_name"' in page and 'name="population_served"' in page
    point = library("BDBG")
    form = {
        "code": "BDBG",
        "name": point.name,
        "level": "point",
        "point_kind": "post_office",
        "parent": "TVTD",
        "contact_name": "Lò Văn Minh",
        "population_served": "1.250",
    }
    response = client.post("/staff/network/libraries/BDBG/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert point.contact_name == "Lò Văn Minh" and point.population_served == 1250
    shown = client.get("/staff/network/libraries/BDBG").get_data(as_text=True)
    assert "Lò Văn Minh" in shown and "1.250" in shown
    form["population_served"] = "nhiều"
    response = client.post("/staff/network/libraries/BDBG/edit", data=form)
    assert response.status_code in (200, 422) and point.population_served == 1250
