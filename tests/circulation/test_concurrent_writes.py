"""Check-then-write under concurrent requests: each decision is taken once, on both databases.

Every test sends a burst of real API calls at once (one thread, one connection and one
transaction each, committed as the server commits them) and counts what the database kept.
On PostgreSQL the services lock the row they decide on (or make a guarded write); on SQLite
each writing request holds the single write lock. See libsys.db.lock_row.
"""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from libsys.circulation.fines.models import Fine
from libsys.circulation.holds.models import Hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.policies.models import CirculationPolicy
from libsys.core.clock import local_today
from libsys.readers.models import Reader
from libsys.stats.models import Event


def _setup(db, *, copies: int = 1, titles: int = 1, policy: dict | None = None):
    """The network, a reader, copies (each of its own title when titles == copies), a policy
    and a desk token, all committed. Returns (card, barcodes, record ids, headers)."""
    from libsys.accounts.services import create_token
    from libsys.demo.network import load_network, load_reader_categories
    from tests.circulation.conftest import make_item, make_record
    from tests.factories import make_reader, make_staff

    load_reader_categories()
    load_network()
    expires = (local_today() + timedelta(days=400)).isoformat()
    card = make_reader(full_name="Bạn đọc Một", card_expires=expires).card_number
    records = [make_record(f"Sách số {n}") for n in range(titles)]
    barcodes = [make_item(records[n % titles]).barcode for n in range(copies)]
    if policy:
        db.session.add(CirculationPolicy(**policy))
    user = make_staff("circulation", "TVLC", username="desk-api")
    token = create_token(user.username)
    record_ids = [record.id for record in records]
    db.session.commit()  # and read nothing after it: on SQLite a read here takes the write lock
    return card, barcodes, record_ids, {"Authorization": f"Bearer {token}"}


def _burst(app, calls) -> list[tuple[int, dict]]:
    """Send every (method, path, json, headers) call at once; their (status, body) answers."""
    barrier = threading.Barrier(len(calls))
    answers: list = []
    lock = threading.Lock()

    def send(method, path, body, headers):
        client = app.test_client()
        barrier.wait(timeout=30)
        response = getattr(client, method)(path, json=body, headers=headers)
        with lock:
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(calls), "a request did not finish"
    return answers


def _events(db, kind: str) -> int:
    return db.session.scalar(select(func.count(Event.id)).where(Event.kind == kind))


def _lend(app, card, barcode, headers) -> int:
    response = app.test_client().post(
        "/api/v1/checkouts", json={"item": barcode, "reader": card}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["loan_id"]


def test_twenty_returns_of_one_copy_close_one_loan_and_charge_one_fine(app, committed_db):
    db = committed_db
    card, (barcode,), _records, headers = _setup(db, policy={"fine_per_day": 1000})
    loan_id = _lend(app, card, barcode, headers)
    db.session.get(Loan, loan_id).due_date = local_today() - timedelta(days=10)
    db.session.commit()

    answers = _burst(app, [("post", "/api/v1/checkins", {"item": barcode}, headers)] * 20)

    assert sorted(status for status, _body in answers) == [200] * 20, answers
    assert db.session.get(Loan, loan_id).returned_at is not None
    assert _events(db, "checkin") == 1
    assert db.session.scalar(select(func.count(Fine.id))) == 1


def test_ten_renewals_of_a_loan_allowed_two_renew_it_twice(app, committed_db):
    db = committed_db
    card, (barcode,), _records, headers = _setup(db, policy={"renewals_allowed": 2})
    loan_id = _lend(app, card, barcode, headers)

    answers = _burst(app, [("post", f"/api/v1/loans/{loan_id}/renew", {}, headers)] * 10)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] * 2 + [409] * 8, answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {
        "NO_RENEWALS_LEFT"
    }
    db.session.expire_all()
    assert db.session.get(Loan, loan_id).renewals == 2
    assert _events(db, "renewal") == 2


def test_a_renewal_racing_a_return_never_renews_a_returned_loan(app, committed_db):
    db = committed_db
    card, barcodes, _records, headers = _setup(
        db, copies=5, titles=5, policy={"renewals_allowed": 5, "max_loans": 10}
    )
    loans = [_lend(app, card, barcode, headers) for barcode in barcodes]
    calls = []
    for loan_id, barcode in zip(loans, barcodes, strict=True):
        calls.append(("post", f"/api/v1/loans/{loan_id}/renew", {}, headers))
        calls.append(("post", "/api/v1/checkins", {"item": barcode}, headers))

    answers = _burst(app, calls)

    assert all(status in (200, 409) for status, _body in answers), answers
    refused = {body["error"]["code"] for status, body in answers if status == 409}
    assert refused <= {"NOT_ON_LOAN"}, answers
    db.session.expire_all()
    for loan_id in loans:
        loan = db.session.get(Loan, loan_id)
        assert loan.returned_at is not None
        kinds = db.session.scalars(
            select(Event.kind).where(Event.loan_id == loan_id).order_by(Event.id)
        ).all()
        # A renewal, if any, came before the return, and the row counts what the log says.
        assert kinds[-1] == "checkin", kinds
        assert loan.renewals == kinds.count("renewal")


def test_twenty_registrations_without_a_card_number_get_twenty_numbers(app, committed_db):
    db = committed_db
    _card, _barcodes, _records, headers = _setup(db)
    body = {"full_name": "Lò Thị Hoa", "category": "official", "home_library": "TVLC"}

    answers = _burst(app, [("post", "/api/v1/readers", body, headers)] * 20)

    assert sorted(status for status, _body in answers) == [201] * 20, answers
    numbers = {body["card_number"] for _status, body in answers}
    assert len(numbers) == 20
    assert db.session.scalar(select(func.count(Reader.id))) == 21


def test_ten_holds_by_one_reader_on_one_title_make_one_hold(app, committed_db):
    db = committed_db
    card, barcodes, (record_id,), headers = _setup(db)
    # The title's only copy is out, so the hold is worth placing.
    _lend(app, _other_reader(db), barcodes[0], headers)
    body = {"record": record_id, "reader": card, "pickup_library": "TVLC"}

    answers = _burst(app, [("post", "/api/v1/holds", body, headers)] * 10)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * 9, answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {"ALREADY_HELD"}
    assert db.session.scalar(select(func.count(Hold.id))) == 1
    assert _events(db, "hold_placed") == 1


def test_a_hold_limit_of_three_holds_under_twenty_requests(app, committed_db):
    db = committed_db
    card, _barcodes, records, headers = _setup(
        db, copies=20, titles=20, policy={"holds_allowed": 3}
    )
    calls = [
        ("post", "/api/v1/holds", {"record": rid, "reader": card, "pickup_library": "TVLC"},
         headers)
        for rid in records
    ]  # fmt: skip

    answers = _burst(app, calls)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] * 3 + [409] * 17, answers
    assert db.session.scalar(select(func.count(Hold.id))) == 3


def test_ten_cancels_of_one_hold_cancel_it_once(app, committed_db):
    db = committed_db
    card, barcodes, (record_id,), headers = _setup(db)
    _lend(app, _other_reader(db), barcodes[0], headers)
    placed = app.test_client().post(
        "/api/v1/holds",
        json={"record": record_id, "reader": card, "pickup_library": "TVLC"},
        headers=headers,
    )
    hold_id = placed.get_json()["hold_id"]

    answers = _burst(app, [("delete", f"/api/v1/holds/{hold_id}", None, headers)] * 10)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] + [409] * 9, answers
    assert _events(db, "hold_cancelled") == 1


def test_a_loan_limit_of_five_holds_under_twenty_checkouts(app, committed_db):
    db = committed_db
    card, barcodes, _records, headers = _setup(db, copies=20, titles=20, policy={"max_loans": 5})
    calls = [
        ("post", "/api/v1/checkouts", {"item": barcode, "reader": card}, headers)
        for barcode in barcodes
    ]

    answers = _burst(app, calls)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] * 5 + [409] * 15, answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {"LIMIT_REACHED"}
    assert db.session.scalar(select(func.count(Loan.id))) == 5
    assert _events(db, "checkout") == 5


def _other_reader(db) -> str:
    """Another reader's card number, committed."""
    from tests.factories import make_reader

    expires = (local_today() + timedelta(days=400)).isoformat()
    card = make_reader(full_name="Bạn đọc Hai", card_expires=expires).card_number
    db.session.commit()
    return card


def test_a_loan_filling_a_hold_while_another_copy_is_trapped_for_it(app, committed_db):
    """The reader borrows one copy of each title they wait for while the returns desk scans
    another: whichever comes first, each hold is filled once and the other copy is free."""
    from libsys.catalog.models import Item

    db = committed_db
    titles = 5
    card, barcodes, record_ids, headers = _setup(
        db, copies=2 * titles, titles=titles, policy={"holds_allowed": titles}
    )
    for record_id in record_ids:
        placed = app.test_client().post(
            "/api/v1/holds",
            json={"record": record_id, "reader": card, "pickup_library": "TVLC"},
            headers=headers,
        )
        assert placed.status_code == 201, placed.get_json()
    # Copy n and copy n + titles are of the same title: lend one, scan the other.
    lent, scanned = barcodes[:titles], barcodes[titles:]
    calls = []
    for lend_this, scan_this in zip(lent, scanned, strict=True):
        calls.append(("post", "/api/v1/checkouts", {"item": lend_this, "reader": card}, headers))
        calls.append(("post", "/api/v1/checkins", {"item": scan_this}, headers))

    answers = _burst(app, calls)

    assert sorted(status for status, _body in answers) == [200] * titles + [201] * titles, answers
    db.session.expire_all()
    assert {hold.status for hold in db.session.scalars(select(Hold))} == {"fulfilled"}
    statuses = dict(db.session.execute(select(Item.barcode, Item.status)).all())
    assert [statuses[b] for b in lent] == ["on_loan"] * titles
    assert [statuses[b] for b in scanned] == ["available"] * titles
    assert _events(db, "hold_filled") == titles
