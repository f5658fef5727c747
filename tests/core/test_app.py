"""The app as a whole: health, languages, the OpenAPI document, the staff home."""

import re

from tests.factories import make_staff, sign_in


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"
    assert response.json["search"] in ("ok", "absent")


def test_home_is_vietnamese_by_default_and_switches_to_english(client, network):
    page = client.get("/").get_data(as_text=True)
    assert 'lang="vi"' in page and "Đăng nhập" in page
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json["error"]["code"] == "NOT_FOUND"


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    described = {
        (path, method) for path, operations in spec["paths"].items() for method in operations
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {path} is not described"


def test_staff_home_shows_todays_numbers(client, network):
    from libsys.stats.events import record_event

    make_staff("circulation", "TVLC", "desk3")
    record_event("visit", library=network["TVLC"], quantity=7, reader_category="children")
    record_event("visit", library=network["TVTD"], quantity=5, reader_category="children")
    sign_in(client, "desk3")
    page = client.get("/staff").get_data(as_text=True)
    assert re.search(r"Lượt bạn đọc</span><strong>7</strong>", page)


def test_staff_home_links_only_to_what_the_role_may_do(client, network):
    make_staff("cataloguer", "TVLC", "bs-home")
    sign_in(client, "bs-home")
    page = client.get("/staff").get_data(as_text=True)
    assert 'href="/staff/catalog/describe"' in page
    assert 'href="/staff/desk/"' not in page and 'href="/staff/users/"' not in page
