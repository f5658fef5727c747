"""Sign-in, CSRF, roles, and the walk over every route as anonymous and as a reader."""

import re

import pytest

from tests.factories import TEST_PASSWORD, api_headers, make_reader, make_staff, sign_in

SAMPLE_ARGS = {"card_number": "BD000001", "code": "vi", "id": "1", "filename": "css/app.css"}


def _fill(rule):
    def value(match):
        name = match.group(1).split(":")[-1]
        return SAMPLE_ARGS.get(name, "1")

    return re.sub(r"<([^>]+)>", value, rule.rule)


def _staff_rules(app):
    """Every rule whose view requires a staff permission (pages and API)."""
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "required_permission", None) not in (None, "reader"):
            yield rule


def test_every_view_declares_who_may_use_it(app):
    """A view is public (OPAC, sign-in...) on purpose or guarded: nothing in between."""
    public_endpoints = {
        "static",
        "core.healthz",
        "core.index",
        "core.set_language",
        "accounts.login",
        "accounts.logout",
        "api.openapi_document",
    }
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        guarded = getattr(view, "required_permission", None)
        public = getattr(view, "public", False) or rule.endpoint in public_endpoints
        public = public or rule.endpoint.startswith("opac.")
        assert guarded or public, f"{rule.rule} ({rule.endpoint}) is neither guarded nor public"


@pytest.mark.parametrize("as_reader", [False, True], ids=["anonymous", "reader"])
def test_no_staff_route_answers_anonymous_or_reader(app, client, network, db, as_reader):
    if as_reader:
        reader = make_reader(card_number="BD000001", password="reader-pass")
        assert reader.password_hash
        sign_in(client, "BD000001", "reader-pass")
    checked = 0
    for rule in _staff_rules(app):
        url = _fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
            elif as_reader:
                assert response.status_code == 403, (method, url, response.status_code)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert "/login" in response.headers["Location"]
            checked += 1
    assert checked >= 10


def test_role_without_permission_gets_403(client, network, db):
    make_staff("viewer", None, "viewer1")
    sign_in(client, "viewer1")
    assert client.get("/staff/readers/").status_code == 403
    assert client.get("/staff").status_code == 200
    response = client.get("/api/v1/readers", headers=api_headers("cataloguer"))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "FORBIDDEN"


def test_post_without_csrf_token_is_refused(app, client, network, db):
    make_staff("admin", None, "csrfadmin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"username": "csrfadmin", "password": TEST_PASSWORD})
        assert response.status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
        response = client.post(
            "/login",
            data={"username": "csrfadmin", "password": TEST_PASSWORD, "csrf_token": token.group(1)},
        )
        assert response.status_code == 302
        refused = client.post("/staff/readers/new", data={"full_name": "X"})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_wrong_password_is_refused_in_vietnamese(client, network, db):
    make_staff("circulation", "TVLC", "desk1")
    response = client.post("/login", data={"username": "desk1", "password": "nope-nope"})
    assert response.status_code == 200
    assert "Tên đăng nhập, số thẻ hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_sign_out(client, network, db):
    make_staff("circulation", "TVLC", "desk2")
    sign_in(client, "desk2")
    assert client.get("/staff").status_code == 200
    client.post("/logout")
    assert client.get("/staff").status_code == 302


def test_api_without_token_is_401_json(client, network, db):
    response = client.get("/api/v1/readers")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"
    bad = client.get("/api/v1/readers", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
