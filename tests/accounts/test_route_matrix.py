"""The route matrix: every route of the app x who asks x whose library it concerns.

Each route (from `app.url_map`, so a new route is covered as soon as it exists) is asked by an
anonymous visitor, a signed-in reader, a network administrator and every staff role of the
provincial library (TVLC), once with the provincial library's things in the path and the form
("own": its copy, its reader, its lending rule, its holiday, its code) and once with a district
library's (TVTD, "other"). Pages are asked with GET, every write route with one POST (PUT,
PATCH, DELETE for the API). The answer must be the one the route's declaration gives:

- who may use it comes from the view's own `required_permission` and the roles' permissions;
- what another library's things give is declared below in SCOPE, route by route: a route
  missing from SCOPE fails the test, so a new route cannot be added without saying it.

Answers: "ok" (served or refused for another reason: a form error, a missing id, a redirect
that is not the sign-in page), "login" (302 to the sign-in page), 401 (the API without a
token), 403, 404.
"""

import json
import os
from datetime import date

import pytest
from sqlalchemy import select

from libsys.accounts.permissions import ROLES, role_permits
from libsys.accounts.services import create_token
from libsys.catalog.models import Record
from libsys.circulation.policies.models import CirculationPolicy, Holiday
from libsys.extensions import db
from libsys.readers.models import Reader
from libsys.readers.services import set_reader_password
from tests.accounts.scoping import library, make_copy, signed_in
from tests.factories import make_reader, sign_in

OWN, OTHER = "TVLC", "TVTD"

# What a library's account gets for another library's things, per endpoint (and method when
# GET and POST differ: "endpoint POST"). "read": the same as for its own (the OPAC's records,
# looking a reader up at the desk, lists that show the account's own library whatever is
# asked); 403: refused; 404: another library's thing is not even shown to exist; "network":
# only a network account may change it (a library's account gets 403 with its own things
# too). Every endpoint of the app must appear here.
SCOPE = {
    # public and the reader's own account: no library in them
    "static": "read",
    "core.healthz": "read",
    "core.index": "read",
    "core.set_language": "read",
    "accounts.login": "read",
    "accounts.logout": "read",
    "opac.home": "read",
    "opac.search": "read",
    "opac.record": "read",
    "account.index": "read",
    "account.history": "read",
    "account.cancel_hold": "read",
    "account.place_hold": "read",
    "account.renew": "read",
    "account.password": "read",
    "api.openapi_document": "read",
    "api.search": "read",
    "api.show_record": "read",
    "core.staff_home": "read",
    "core.today": "read",
    "staff.me": "read",
    # copies: the catalogue sees every library's copies, changes only its own
    "catalog.index": "read",
    "catalog.record": "read",
    "catalog.describe": "read",
    "catalog.add_items": 403,
    "catalog.item": 403,
    "cataloguing.edit_marc": "read",
    "cataloguing.new_marc": "read",
    "catalog.export_marc": "read",
    "catalog.import_marc": "read",
    "catalog.import_preview": "read",
    "catalog.import_job": "read",
    "catalog.import_rejections": "read",
    "catalog.import_start": "read",
    "catalog.import_status": "read",
    "api.show_item": "read",
    "labels.index": "read",
    "registers.index": "read",
    # the desk
    "losses.index": "read",
    "losses.lost": 403,
    "losses.damaged": 403,
    "losses.found": 403,
    "circulation.desk": "read",
    "circulation.scan": "read",
    "circulation.finish": "read",
    "circulation.settle": "read",
    "circulation.hold_slip": "read",
    "circulation.choose_library": "read",
    "circulation.override": "read",
    "circulation.renew_everything": "read",
    "circulation.renew_one": "read",
    "circulation.return_and_lend": "read",
    "circulation.returns": "read",
    "circulation.clear_returns": "read",
    "circulation.visits": "read",
    "inhouse.index": "read",
    "holds.cancel": "read",
    "holds.place": "read",
    "holds.shelf": "read",
    "holds.to_pull": "read",
    "notices.hold_calls": "read",
    "notices.hold_called": "read",
    "notices.overdues": "read",
    "notices.letters_sent": "read",
    "notices.letters": "read",
    "transfers.index": "read",
    "transfers.cancel": "read",
    "transfers.send": "read",
    "transfers.receive": "read",
    "transfers.send_all": "read",
    "transfers.start": "read",
    "api.create_checkin": "read",
    "api.create_checkout": "read",
    "api.create_hold": "read",
    "api.delete_hold": "read",
    "api.list_holds_to_pull": "read",
    "api.create_inhouse_use": "read",
    "api.renew_loan": "read",
    "api.create_visit": "read",
    # lending rules and the calendar: a library's own; the network's only for the network
    "circulation.policies": "read",
    "circulation.policy_form": 403,
    "circulation.delete_policy": 403,
    "circulation.closed_days": 403,
    "circulation.add_holiday": 403,
    "circulation.delete_holiday": 403,
    # readers: looked up anywhere in the network (the desk lends to every card), changed
    # only by their home library
    "readers.index": "read",
    "readers.show": "read",
    "readers.new": "read",
    "readers.new POST": 403,
    "readers.edit": "read",
    "readers.edit POST": 403,
    "readers.block": 403,
    "readers.unblock": 403,
    "readers.renew": 403,
    "readers.set_password": 403,
    "readers.sign_out": 403,
    "circulation.reader_card_pdf": "read",
    "reader_cards.index": "read",
    "api.list_readers": "read",
    "api.create_reader": 403,
    "api.show_reader": "read",
    "api.patch_reader": 403,
    "api.list_reader_categories": "read",
    # the network
    "network.index": "read",
    "network.library": "read",
    "network.edit_library": "network",
    "network.add_store": 403,
    "network.edit_store": 403,
    "network.new_library": "network",
    "network.population": "read",
    "network.import_population_sheet": "read",
    "network.population_sheet_template": "read",
    "network.units": "network",
    "network.edit_unit": "network",
    "api.list_libraries": "read",
    "staff.index": "read",
    "staff.edit": "read",
    # periodicals, stocktaking, rotation: their ids in the path (none here: "read" is the
    # answer for an id that does not exist)
    "periodicals.index": "read",
    "periodicals.edit": "read",
    "periodicals.checkin": "read",
    "periodicals.receive": "read",
    "periodicals.history": "read",
    "periodicals.new": "read",
    "periodicals.new POST": 403,
    "stocktaking.index": "read",
    "stocktaking.show": "read",
    "stocktaking.finish": "read",
    "stocktaking.results": "read",
    "stocktaking.scan": "read",
    "stocktaking.upload": "read",
    "stocktaking.start": 403,
    "stocktaking.withdraw": "read",
    "stocktaking.removal": "read",
    "stocktaking.minutes": "read",
    "point.home": "read",
    "point.batch": "read",
    "point.hand_back": "read",
    "point.lend": "read",
    "point.minutes": "read",
    "point.receive": "read",
    "point.tally": "read",
    "rotation.index": "read",
    "rotation.batch": "read",
    "rotation.close": "read",
    "rotation.add_item": "read",
    "rotation.remove_item": "read",
    "rotation.minutes": "read",
    "rotation.move": "read",
    "rotation.new_batch": "read",
    "rotation.copy": "read",
    "rotation.point": "read",
    "rotation_routes.follow": "read",
    "rotation_routes.route_move": "read",
    "rotation_routes.pull_list_page": "read",
    "rotation_routes.route_list": "read",
    "rotation_routes.edit_route": "read",
    "rotation_routes.new_route": "read",
    "rotation_routes.new_route POST": 403,
    "api.list_batches": "read",
    "api.create_batch": "read",
    "api.show_batch": "read",
    "api.move_batch": "read",
    "api.add_batch_item": "read",
    "api.remove_batch_item": "read",
    "api.add_point_loan": "read",
    "api.batch_minutes": "read",
    "api.follow_route": "read",
    "api.batch_stops": "read",
    "api.add_tally": "read",
    "api.item_rotation_history": "read",
    "api.list_points": "read",
    "api.add_point": "read",
    "api.point_rotation_history": "read",
    "api.rotation_pull_list": "read",
    "api.list_routes": "read",
    "api.add_route": "read",
    "api.show_route": "read",
    "api.change_route": "read",
    # statistics
    "stats.dashboard": "read",
    "stats_exports.start": "read",
    "stats_exports.show": "read",
    "stats_exports.download": "read",
    "activities.index": "read",
    "api.list_activities_api": "read",
    "api.create_activity": "read",
    "api.list_indicators": "read",
    "plans.index": "read",
    "plans.show": "read",
    "plans.new": "read",
    "plans.edit": "read",
    "plans.remove": "read",
    "plans.add_target": "read",
    "plans.edit_target": "read",
    "plans.remove_target": "read",
    # the audit log, readers' data on request, sessions
    "audit.index": "read",
    "audit.entries_json": "read",
    "privacy.export": 403,
    "privacy.delete": 403,
    "staff.sign_out": "read",
    "staff.sign_out_me": "read",
}

# Pages read with one permission whose form writes with another (checked in the view).
WRITE_PERMISSION = {
    "network.population": "network.population",
    "network.units": "network.manage",
}

# Routes whose request changes who is asking: asked last, and not by the matrix's sessions.
ASKED_LAST = {"privacy.delete": 0, "staff.sign_out_me": 1, "accounts.logout": 2}
SIGNING_OUT = {"staff.sign_out_me", "accounts.logout"}

# Paths whose <code> is not a library's (an administrative unit, a rotation point): asked
# with a code nothing has.
CODE_OF_NOTHING = {"network.edit_unit", "rotation.point", "api.point_rotation_history"}

# What a point keeper asks of a reader of another library: not found (readers_scope).
KEEPER_HIDDEN = {
    "readers.show", "readers.edit", "readers.block", "readers.unblock", "readers.renew",
    "readers.set_password", "readers.sign_out", "circulation.reader_card_pdf",
    "api.show_reader", "api.patch_reader",
}  # fmt: skip

# What a point keeper registers at another library: the home library field is wrong (422).
KEEPER_FIELD_ERROR = {"readers.new", "api.create_reader"}

# Network-only forms a library's account is refused before it sees them (GET too).
NETWORK_FORMS = {"network.edit_library", "network.new_library", "network.edit_unit"}

# Routes that need a thing the matrix does not name in the path (a title to hold): an
# allowed account may get 404 there.
NEEDS_A_QUERY = {"account.place_hold"}


def _things(code: str, record: Record) -> dict:
    """One of each thing a path or a form names, belonging to the library `code`."""
    lib = library(code)
    # Findable, and "lost" and "damaged" accept it too.
    item = make_copy(code, record, status="lost")
    reader = make_reader(home_library=code, full_name="Hà Thị Lan")
    policy = CirculationPolicy(library_id=lib.id, loan_days=14)
    day = date(2027, 9, 2)
    holiday = Holiday(library_id=lib.id, name="Quốc khánh", first_day=day, last_day=day)
    db.session.add_all([policy, holiday])
    db.session.flush()
    return {
        "barcode": item.barcode,
        "card_number": reader.card_number,
        "code": code,
        "policy_id": str(policy.id),
        "holiday_id": str(holiday.id),
        "record_id": str(record.id),
        "id": str(record.id),
        "filename": "css/app.css",
        "library": code,
        "library_id": str(lib.id),
        "store": "VN",
        "store_id": str(item.store_id),
        "kind": "json",
    }


def _path(rule, things: dict) -> str:
    """The rule's path with each variable taken from `things`, else a value nothing has."""
    values = {}
    for name, converter in rule._converters.items():
        numeric = type(converter).__name__ in ("IntegerConverter", "NumberConverter")
        values[name] = things.get(name, "999999" if numeric else "NOTHING")
        if name == "code" and rule.endpoint == "core.set_language":
            values[name] = "vi"
        if name == "code" and rule.endpoint in CODE_OF_NOTHING:
            values[name] = "NOTHING"
    return rule.build(values, append_unknown=False)[1]


def _form(things: dict) -> dict:
    """A form naming the library on every field a write route reads it from."""
    return {
        "library": things["library"],
        "library_id": things["library_id"],
        "store": "VN",
        "copies": "1",
        "call_number": "X 1",
        "password": "matrix-pass-1",
        "reason": "Kiểm tra",
        "full_name": "Hà Thị Lan",
        "home_library": things["library"],
        "name": "Nghỉ",
        "first_day": "2027-10-10",
        "loan_days": "10",
        "weekday": "6",
    }


def _requests(app):
    """(rule, method) for every route: GET for pages, one write per write route."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            if method == "GET" or "GET" not in methods or method == "POST":
                yield rule, method


def _declared(endpoint: str, method: str):
    return SCOPE.get(f"{endpoint} {method}", SCOPE.get(endpoint))


def _expected(app, rule, method: str, who: dict, which: str):
    """The answer the declarations give for this request."""
    permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
    api = rule.rule.startswith("/api/")
    if permission is None:
        return "ok"
    if permission == "reader":
        return "ok" if who["kind"] == "reader" else "login"
    if who["kind"] == "anonymous":
        return 401 if api else "login"
    if who["kind"] == "reader":
        return 401 if api else 403
    if method != "GET" and rule.endpoint in WRITE_PERMISSION:
        permission = WRITE_PERMISSION[rule.endpoint]
    wanted = (permission,) if isinstance(permission, str) else tuple(permission)
    if permission != "staff" and not any(role_permits(who["role"], p) for p in wanted):
        return 403
    declared = _declared(rule.endpoint, method)
    if who["library"] is None:
        return "ok"
    if declared == "network" and rule.endpoint in NETWORK_FORMS:
        return 403  # the form itself is a network account's, its own library's too
    if method == "GET" and not rule.arguments:
        return "ok"  # nothing of a library in the path: the same page for both
    if which == "other" and who["role"] == "point_keeper" and rule.endpoint in KEEPER_HIDDEN:
        return 404
    if which == "other" and who["role"] == "point_keeper" and rule.endpoint in KEEPER_FIELD_ERROR:
        return "ok"
    if declared == "network" and method != "GET":
        return 403
    if which == "other" and declared in (403, 404):
        return declared
    return "ok"


def _ask(client, path: str, method: str, **kwargs) -> object:
    """The request's answer as the matrix names it (a server error is never right)."""
    try:
        response = client.open(path, method=method, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported with the route, not raised
        db.session.rollback()
        return f"error {type(exc).__name__}: {exc}"[:200]
    status = response.status_code
    response.close()
    if status == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    if status in (401, 403, 404):
        return status
    return "ok" if status < 500 else status


PRINCIPALS = [
    {"kind": "anonymous"},
    {"kind": "reader"},
    {"kind": "staff", "role": "admin", "library": None},
] + [{"kind": "staff", "role": role, "library": OWN} for role in sorted(ROLES)]


def _principal_id(who: dict) -> str:
    if who["kind"] != "staff":
        return who["kind"]
    return f"{who['role']}-{who['library'] or 'network'}"


def test_every_route_has_a_declared_scope(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - {key.split()[0] for key in SCOPE})
    assert not missing, "routes without a declared scope in SCOPE: " + ", ".join(missing)


@pytest.mark.parametrize("who", PRINCIPALS, ids=_principal_id)
def test_route_matrix(app, client, network, who):
    title = {"245": {"ind1": "0", "ind2": "0", "subfields": [{"a": "Số đỏ"}]}}
    marc = json.dumps({"leader": "00000nam a2200000 a 4500", "fields": [title]})
    record = Record(marc=marc, title="Số đỏ", title_sort="so do")
    db.session.add(record)
    db.session.flush()
    things = {"own": _things(OWN, record), "other": _things(OTHER, record)}
    headers = {}
    if who["kind"] == "reader":
        card = things["own"]["card_number"]
        set_reader_password(db.session.scalar(select(Reader).where(Reader.card_number == card)),
                            "reader-pass-1")  # fmt: skip
        sign_in(client, card, "reader-pass-1")
    elif who["kind"] == "staff":
        username = f"matrix-{_principal_id(who)}"
        signed_in(client, who["role"], who["library"], username=username)
        headers = {"Authorization": f"Bearer {create_token(username)}"}
    wrong = []
    asked = 0
    last = []
    for rule, method in _requests(app):
        if rule.endpoint in ASKED_LAST:
            last.append((rule, method))
            continue
        for which in ("own", "other"):
            api = rule.rule.startswith("/api/")
            path = _path(rule, things[which])
            kwargs = {"headers": headers} if api else {}
            if method != "GET":
                form = _form(things[which])
                kwargs["json" if api else "data"] = form
            answer = _ask(client, path, method, **kwargs)
            expected = _expected(app, rule, method, who, which)
            asked += 1
            unnamed = "999999" in path or "NOTHING" in path or rule.endpoint in NEEDS_A_QUERY
            if expected == "ok" and answer == 404 and unnamed:
                answer = "ok"  # allowed: the id in the path names nothing
            if answer != expected:
                wrong.append(f"{method} {path} ({which}): {answer}, expected {expected}")
    for rule, method in sorted(last, key=lambda pair: ASKED_LAST[pair[0].endpoint]):
        answer = _ask(client, _path(rule, things["own"]), method)
        expected = _expected(app, rule, method, who, "own")
        if answer == "login" and rule.endpoint in SIGNING_OUT and expected in ("ok", 403):
            answer = "ok"  # signed out, as asked
        if answer != expected:
            wrong.append(f"{method} {rule.rule}: {answer}, expected {expected}")
    if os.environ.get("LIBSYS_MATRIX_REPORT"):
        print("\n".join(f"{_principal_id(who)} {line}" for line in wrong))
    assert asked > 300
    assert not wrong, f"{len(wrong)} answers differ:\n" + "\n".join(wrong)
