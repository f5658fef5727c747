"""A name of only invisible characters is refused on the staff pages as in the API.

A zero-width space, a word joiner or a Hangul filler shows nothing: a reader, a library, a
store, a unit, a holiday, a periodical, a rotation route, an activity, a plan or a staff
account named so could not be told from another. Each page answers 422 with the API's
message in Vietnamese, and nothing is written.
"""

import pytest
from sqlalchemy import func, select

from libsys.accounts.models import User
from libsys.catalog.periodicals.models import Periodical
from libsys.circulation.policies.models import Holiday
from libsys.core.clock import local_today
from libsys.core.forms import read_name
from libsys.extensions import db
from libsys.network.models import AdminUnit, Library, Store
from libsys.readers.models import Reader
from libsys.rotation.models import RotationRoute
from libsys.stats.activities.models import Activity
from libsys.stats.plans import Plan

INVISIBLE = "không chỉ gồm các ký tự vô hình"
ZERO_WIDTH, JOINER, FILLER = "\u200b\u200b", "\u2060", "\u3164"

CASES = {
    "reader": (
        "/staff/readers/new",
        {"full_name": ZERO_WIDTH, "date_of_birth": "1990-05-17", "gender": "female",
         "ethnicity": "03", "category": "official", "home_library": "TVLC"},
        Reader,
    ),
    "library": (
        "/staff/network/libraries/new",
        {"code": "TVMOI", "name": ZERO_WIDTH, "level": "commune", "parent": "TVTD"},
        Library,
    ),
    "store": (
        "/staff/network/libraries/TVLC/stores",
        {"code": "MOI", "name": JOINER, "kind": "lending"},
        Store,
    ),
    "unit": ("/staff/network/units", {"code": "99999", "name": FILLER, "level": "commune"},
             AdminUnit),
    "holiday": ("/staff/desk/holidays", {"name": ZERO_WIDTH, "first_day": "2027-05-03"}, Holiday),
    "periodical": ("/staff/periodicals/new?library=TVLC", {"name": ZERO_WIDTH, "copies": "1"},
                   Periodical),
    "route": ("/staff/rotation/routes/new", {"library": "TVTD", "name": ZERO_WIDTH}, RotationRoute),
    "activity": (
        "/staff/activities/",
        {"day": "DAY", "library": "TVLC", "kind": "book_talk", "title": ZERO_WIDTH},
        Activity,
    ),
    "plan": ("/staff/stats/plans/new", {"issuer": JOINER, "title": "Kế hoạch", "first_year":
             "2026"}, Plan),
    "account": (
        "/staff/users/",
        {"username": ZERO_WIDTH, "password": "mat-khau-dai", "role": "viewer"},
        User,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_page_refuses_a_name_that_shows_nothing(staff_client, case):
    path, form, model = CASES[case]
    if form.get("day") == "DAY":
        form = {**form, "day": local_today().strftime("%d/%m/%Y")}
    before = db.session.scalar(select(func.count()).select_from(model))
    response = staff_client.post(path, data=form)
    assert response.status_code == 422, (case, response.status_code)
    assert INVISIBLE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(model)) == before


def test_a_visible_name_with_a_zero_width_joiner_inside_is_kept():
    errors: dict = {}
    assert read_name("  Nguyễn\u200dThị Hoa ", "name", errors, "missing") == "Nguyễn\u200dThị Hoa"
    assert read_name(ZERO_WIDTH, "name", errors, "missing") is None
    assert read_name("   ", "other", errors, "missing") is None
    assert errors["other"] == "missing" and "invisible" in str(errors["name"])
