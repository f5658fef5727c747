"""Small factories for tests: staff, sign-in, API tokens, readers."""

from pathlib import Path

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
MARC_DIR = SHARED_DIR / "data" / "marc"
TEST_PASSWORD = "secret-pass-1"


def make_staff(role: str, library_code: str | None = "TVLC", username: str | None = None):
    """A staff account with the test password."""
    from libsys.accounts.services import create_user

    return create_user(
        username or f"{role}-{library_code or 'net'}", TEST_PASSWORD, role, library_code
    )


def sign_in(client, username: str, password: str = TEST_PASSWORD):
    """Sign in through the real /login page."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


def api_headers(role: str = "admin", library_code: str | None = None) -> dict:
    """Bearer headers for a new staff account with the role."""
    from libsys.accounts.services import create_token

    user = make_staff(role, library_code, username=f"api-{role}-{library_code or 'net'}")
    return {"Authorization": f"Bearer {create_token(user.username)}"}


def make_reader(**overrides):
    """A registered adult reader at the provincial library (override any field)."""
    from libsys.readers.services import register_reader

    data = {
        "full_name": "Nguyễn Thị Hoa",
        "date_of_birth": "1990-05-17",
        "gender": "female",
        "ethnicity": "03",
        "category": "official",
        "home_library": "TVLC",
        "admin_unit": "03390",
    }
    data.update(overrides)
    return register_reader(data)
