"""The desk's fast path over the API: nothing read once is kept stale between requests.

Policies, calendars, tokens and accounts are read in each request (prebuilt statements, no
per-process cache), so an edit made in one session is seen by the very next checkout.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from libsys.accounts.services import create_token, revoke_tokens
from libsys.circulation.loans.models import Loan
from libsys.circulation.policies.models import CirculationPolicy, Holiday
from libsys.circulation.policies.services import save_policy
from libsys.circulation.visits.models import Visit
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item
from tests.factories import make_staff


def _desk(username="desk-fast"):
    user = make_staff("circulation", "TVLC", username=username)
    return user, {"Authorization": f"Bearer {create_token(user.username)}"}


def _lend(client, headers, item, reader):
    return client.post(
        "/api/v1/checkouts",
        json={"item": item.barcode, "reader": reader.card_number},
        headers=headers,
    )


def test_a_policy_edited_between_two_checkouts_applies_to_the_second(client, network, today):
    _user, headers = _desk()
    reader = adult()
    first, second = make_item(), make_item()
    response = _lend(client, headers, first, reader)
    assert response.status_code == 201
    assert response.json["due_date"] == (today + timedelta(days=14)).isoformat()
    rule = save_policy({"library_id": str(library("TVLC").id), "loan_days": "30"})
    response = _lend(client, headers, second, reader)
    assert response.status_code == 201
    due = today + timedelta(days=30)
    assert response.json["due_date"] >= due.isoformat()
    # And back: the rule deleted, the next loan is 14 days again.
    db.session.delete(db.session.get(CirculationPolicy, rule.id))
    db.session.flush()
    third = make_item()
    response = _lend(client, headers, third, reader)
    assert response.json["due_date"] < due.isoformat()


def test_a_holiday_added_between_two_checkouts_moves_the_second_due_date(client, network, today):
    _user, headers = _desk()
    reader = adult()
    response = _lend(client, headers, make_item(), reader)
    due = response.json["due_date"]
    day = date.fromisoformat(due)
    db.session.add(Holiday(library_id=None, name="Nghỉ", first_day=day, last_day=day))
    db.session.flush()
    response = _lend(client, headers, make_item(), reader)
    assert response.status_code == 201
    assert response.json["due_date"] > due


def test_a_revoked_token_is_refused_at_the_next_call(client, network):
    user, headers = _desk()
    reader = adult()
    assert _lend(client, headers, make_item(), reader).status_code == 201
    revoke_tokens(user)
    response = _lend(client, headers, make_item(), reader)
    assert response.status_code == 401


def test_a_disabled_account_is_refused_at_the_next_call(client, network):
    user, headers = _desk()
    reader = adult()
    assert _lend(client, headers, make_item(), reader).status_code == 201
    user.active = False
    db.session.flush()
    assert _lend(client, headers, make_item(), reader).status_code == 401


def test_a_role_changed_between_calls_applies_at_once(client, network):
    user, headers = _desk()
    reader = adult()
    user.role = "cataloguer"
    db.session.flush()
    assert _lend(client, headers, make_item(), reader).status_code == 403


def test_checkouts_count_one_visit_a_day_and_append_events(client, network):
    _user, headers = _desk()
    reader = adult(gender="male")
    items = [make_item(), make_item()]
    for item in items:
        assert _lend(client, headers, item, reader).status_code == 201
    assert db.session.scalar(select(func.count(Visit.id)).where(Visit.reader_id == reader.id)) == 1
    kinds = db.session.scalars(
        select(Event.kind).where(Event.item_id.in_([i.id for i in items])).order_by(Event.id)
    ).all()
    assert kinds == ["checkout", "checkout"]
    visit_events = db.session.scalars(select(Event).where(Event.kind == "visit")).all()
    assert len(visit_events) == 1
    checkout = db.session.scalar(
        select(Event).where(Event.kind == "checkout", Event.item_id == items[0].id)
    )
    loan = db.session.scalar(select(Loan).where(Loan.item_id == items[0].id))
    assert checkout.loan_id == loan.id
    assert checkout.reader_category == "official" and checkout.reader_gender == "male"
    assert checkout.item_store == "VN" and checkout.item_library == "TVLC"
    assert checkout.occurred_at is not None and checkout.quantity == 1


def test_a_refused_checkout_writes_nothing(client, network):
    _user, headers = _desk()
    reader = adult()
    reference = make_item(store_code="VT")
    before = db.session.scalar(select(func.count(Event.id)))
    response = _lend(client, headers, reference, reader)
    assert response.status_code == 409 and response.json["error"]["code"] == "NOT_FOR_LOAN"
    assert db.session.scalar(select(func.count(Event.id))) == before
    assert db.session.scalar(select(func.count(Visit.id))) == 0
    assert db.session.scalar(select(func.count(Loan.id))) == 0
    db.session.refresh(reference)
    assert reference.status == "available"


# Tables that grow with the network's work: a desk statement must find its rows by index.
GROWING_TABLES = ("loan", "event", "item", "reader", "hold", "visit", "record", "fine")


def _plans_of_statements(run) -> list[tuple[str, str]]:
    """(statement, plan line) of every SELECT/UPDATE/DELETE `run` sends (SQLite's plans)."""
    from sqlalchemy import event

    sent = []

    def note(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(
            ("SELECT", "UPDATE", "DELETE", "WITH")
        ):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    connection = db.session.connection()
    plans = []
    for statement, parameters in sent:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        plans += [(statement, row[-1]) for row in rows]
    return plans


def _lent_yesterday(loan_id: int) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from libsys.circulation.loans.models import Loan
    from libsys.db import utcnow
    from libsys.extensions import db as database

    database.session.execute(
        update(Loan).where(Loan.id == loan_id).values(checked_out_at=utcnow() - timedelta(days=1))
    )
    database.session.commit()


def test_the_desk_finds_its_rows_by_index_however_many_loans_the_network_has(client, network, db):
    if db.engine.dialect.name != "sqlite":
        import pytest

        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
    _user, headers = _desk()
    reader = adult()
    others = [adult() for _ in range(3)]
    for n, other in enumerate(others * 2):  # open loans of other readers, on other copies
        assert _lend(client, headers, make_item(), other).status_code == 201, n
    item = make_item()

    def desk_work():
        lent = _lend(client, headers, item, reader)
        assert lent.status_code == 201
        _lent_yesterday(lent.json["loan_id"])  # scanned again today: a renewal
        assert _lend(client, headers, item, reader).json["renewal"] is True
        response = client.post("/api/v1/checkins", json={"item": item.barcode}, headers=headers)
        assert response.status_code == 200

    scans = [
        (statement, plan)
        for statement, plan in _plans_of_statements(desk_work)
        if plan.startswith("SCAN") and plan.split()[1] in GROWING_TABLES
    ]
    assert scans == []


def test_the_desk_pages_find_their_rows_by_index(client, network, db):
    if db.engine.dialect.name != "sqlite":
        import pytest

        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
    from tests.circulation.loans.test_desk_http import desk_client, scan

    _user, headers = _desk()
    for other in [adult() for _ in range(3)] * 2:
        assert _lend(client, headers, make_item(), other).status_code == 201
    desk_client(client)
    reader, item = adult(), make_item()

    def desk_pages():
        assert scan(client, reader.card_number).status_code == 200
        assert scan(client, item.barcode).status_code == 200
        assert scan(client, item.barcode, "/staff/desk/returns").status_code == 200

    scans = [
        (statement, plan)
        for statement, plan in _plans_of_statements(desk_pages)
        if plan.startswith("SCAN") and plan.split()[1] in GROWING_TABLES
    ]
    assert scans == []
