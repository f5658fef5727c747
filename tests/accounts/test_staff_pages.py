"""Managing staff accounts; one's own password and API token."""

import re

from sqlalchemy import select

from libsys.accounts.models import User
from tests.factories import TEST_PASSWORD, make_staff, sign_in


def test_admin_adds_a_circulation_librarian_who_can_sign_in(staff_client, app, db):
    response = staff_client.post(
        "/staff/users/",
        data={
            "username": "thuthu2",
            "full_name": "Vàng Thị Mỷ",
            "role": "circulation",
            "library": "TVTD",
            "password": "mat-khau-123",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "thuthu2"))
    assert user.library.code == "TVTD" and user.can("circulation.desk")
    other = app.test_client()
    sign_in(other, "thuthu2", "mat-khau-123")
    assert other.get("/staff/readers/").status_code == 200


def test_short_password_and_taken_name_are_refused(staff_client, db):
    short = staff_client.post(
        "/staff/users/", data={"username": "x1", "role": "viewer", "password": "123"}
    )
    assert short.status_code == 422
    assert "Mật khẩu cần ít nhất 8 ký tự." in short.get_data(as_text=True)
    taken = staff_client.post(
        "/staff/users/", data={"username": "admin", "role": "viewer", "password": "12345678"}
    )
    assert taken.status_code == 422
    assert "Tên đăng nhập admin đã có người dùng." in taken.get_data(as_text=True)


def test_disable_an_account(staff_client, app, db):
    make_staff("circulation", "TVLC", "leaving")
    staff_client.post(
        "/staff/users/leaving",
        data={"role": "circulation", "library": "TVLC", "full_name": "Đi xa"},
    )
    user = db.session.scalar(select(User).where(User.username == "leaving"))
    assert not user.active
    other = app.test_client()
    response = other.post("/login", data={"username": "leaving", "password": TEST_PASSWORD})
    assert response.status_code == 200  # stays on the sign-in page


def test_library_manager_sees_and_adds_only_her_library(client, network, db):
    make_staff("manager", "TVTD", "ql.td")
    make_staff("circulation", "TVLC", "tt.lc")
    sign_in(client, "ql.td")
    page = client.get("/staff/users/").get_data(as_text=True)
    assert "ql.td" in page and "tt.lc" not in page
    assert client.get("/staff/users/tt.lc").status_code == 403
    client.post(
        "/staff/users/",
        data={
            "username": "tt.td",
            "role": "circulation",
            "library": "TVLC",
            "password": "12345678",
        },
    )
    user = db.session.scalar(select(User).where(User.username == "tt.td"))
    assert user.library.code == "TVTD"
    assert (
        client.post(
            "/staff/users/", data={"username": "boss", "role": "admin", "password": "12345678"}
        ).status_code
        == 403
    )


def test_change_own_password_and_make_a_token(client, network, db):
    make_staff("cataloguer", "TVLC", "bs1")
    sign_in(client, "bs1")
    wrong = client.post(
        "/staff/users/me",
        data={"action": "password", "current_password": "nope", "new_password": "new-pass-99"},
    )
    assert wrong.status_code == 422
    client.post(
        "/staff/users/me",
        data={
            "action": "password",
            "current_password": TEST_PASSWORD,
            "new_password": "new-pass-99",
        },
    )
    page = client.post("/staff/users/me", data={"action": "token", "name": "Koha sync"})
    token = re.search(r"<code>([^<]+)</code>", page.get_data(as_text=True)).group(1)
    response = client.get("/api/v1/libraries", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    client.post("/logout")
    sign_in(client, "bs1", "new-pass-99")
