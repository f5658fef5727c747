"""Exactly once: twenty desks scanning one copy at the same moment lend it once.

Real commits (committed_db), each thread with its own app context and session, on SQLite
(writer lock: BEGIN IMMEDIATE) and PostgreSQL (conditional UPDATE + partial unique index).
"""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.loans.models import Loan
from libsys.core.clock import local_today
from libsys.stats.models import Event

THREADS = 20


def _committed_desk_setup(db, readers: int):
    """The network, `readers` readers, one copy and a desk token, committed."""
    from libsys.accounts.services import create_token
    from libsys.demo.network import load_network, load_reader_categories
    from tests.circulation.conftest import make_item
    from tests.factories import make_reader, make_staff

    load_reader_categories()
    load_network()
    expires = (local_today() + timedelta(days=400)).isoformat()
    cards = [
        make_reader(full_name=f"Bạn đọc {i}", card_expires=expires).card_number
        for i in range(readers)
    ]
    barcode = make_item().barcode
    user = make_staff("circulation", "TVLC", username="desk-api")
    token = create_token(user.username)
    db.session.commit()
    return cards, barcode, {"Authorization": f"Bearer {token}"}


def _all_at_once(desk, cards) -> None:
    """One thread per card running `desk(card)`, all started together, all waited for."""
    threads = [threading.Thread(target=desk, args=(card,)) for card in cards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def _one_loan_and_one_event(db) -> None:
    assert db.session.scalar(select(func.count(Loan.id))) == 1
    assert db.session.scalar(select(func.count(Event.id)).where(Event.kind == "checkout")) == 1


def test_twenty_desks_one_copy_one_loan(app, committed_db):
    db = committed_db
    cards, barcode, _headers = _committed_desk_setup(db, THREADS)

    barrier = threading.Barrier(THREADS)
    outcomes: list = []
    lock = threading.Lock()

    def desk(card):
        from libsys.circulation.loans.services import checkout
        from tests.circulation.conftest import library

        with app.app_context():
            try:
                barrier.wait(timeout=30)
                loan = checkout(barcode, card, library=library("TVLC")).loan
                db.session.commit()
                result = ("loan", loan.id)
            except DeskRefusal as refusal:
                db.session.rollback()
                result = ("refused", refusal.code)
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                db.session.rollback()
                result = ("error", repr(exc))
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    _all_at_once(desk, cards)

    kinds = sorted(kind for kind, _detail in outcomes)
    assert kinds.count("loan") == 1, outcomes
    assert kinds.count("refused") == THREADS - 1, outcomes
    assert {detail for kind, detail in outcomes if kind == "refused"} == {"ALREADY_ON_LOAN"}
    _one_loan_and_one_event(db)


def test_twenty_desks_over_the_api_one_copy_one_loan(app, committed_db):
    """The API checks the token before it takes the write lock; the lending is still once."""
    db = committed_db
    cards, barcode, headers = _committed_desk_setup(db, THREADS)
    barrier = threading.Barrier(THREADS)
    answers: list = []
    lock = threading.Lock()

    def desk(card):
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(
            "/api/v1/checkouts", json={"item": barcode, "reader": card}, headers=headers
        )
        with lock:
            answers.append((response.status_code, response.get_json()))

    _all_at_once(desk, cards)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (THREADS - 1), answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {
        "ALREADY_ON_LOAN"
    }
    _one_loan_and_one_event(db)


def test_the_api_reads_the_token_outside_the_sqlite_write_lock(app, committed_db):
    """Another writer can write while a call is being authenticated, not once it lends."""
    import sqlite3

    import pytest
    from sqlalchemy import event

    db = committed_db
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer: PostgreSQL writers do not wait for each other")
    cards, barcode, headers = _committed_desk_setup(db, 1)
    seen = {}

    def other_writer_can_begin() -> bool:
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:  # database is locked
            return False
        finally:
            other.close()

    def look(_conn, _cursor, statement, _params, _context, _many):
        if "api_token" in statement and "token" not in seen:
            seen["token"] = other_writer_can_begin()
        elif statement.lstrip().upper().startswith("UPDATE ITEM") and "lend" not in seen:
            seen["lend"] = other_writer_can_begin()

    event.listen(db.engine, "before_cursor_execute", look)
    try:
        response = app.test_client().post(
            "/api/v1/checkouts", json={"item": barcode, "reader": cards[0]}, headers=headers
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", look)
    assert response.status_code == 201, response.get_json()
    assert seen == {"token": True, "lend": False}


def test_only_an_authorised_call_that_may_write_waits_for_the_write_lock(
    app, committed_db, monkeypatch
):
    import pytest

    from libsys.db import QueuedSqliteConnection

    db = committed_db
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer: PostgreSQL writers do not wait for each other")
    cards, _barcode, headers = _committed_desk_setup(db, 1)
    began = []
    original = QueuedSqliteConnection.begin_immediate

    def counted(connection):
        began.append(True)
        return original(connection)

    monkeypatch.setattr(QueuedSqliteConnection, "begin_immediate", counted)
    client = app.test_client()

    def write_locks(method, path, **kwargs) -> int:
        began.clear()
        getattr(client, method)(path, **kwargs)
        return len(began)

    bad_token = {"Authorization": "Bearer not-a-token"}
    assert write_locks("post", "/api/v1/checkins", json={"item": "X"}, headers=bad_token) == 0
    assert write_locks("get", f"/api/v1/readers/{cards[0]}", headers=headers) == 0
    assert write_locks("post", "/api/v1/checkins", json={"item": "X"}, headers=headers) == 1


def test_a_copy_read_on_loan_and_returned_a_moment_later_is_lent(app, committed_db):
    """A desk reads the copy on loan; before it reads the loans, another desk takes the copy
    back: the copy is lent (it is on the shelf now), not refused as not for loan."""
    import pytest
    from sqlalchemy import event

    from libsys.circulation.loans.returns import checkin
    from libsys.circulation.loans.services import checkout
    from tests.circulation.conftest import library

    db = committed_db
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite: a desk's transaction holds the write lock from its first read")
    cards, barcode, _headers = _committed_desk_setup(db, 2)
    checkout(barcode, cards[0], library=library("TVLC"))
    db.session.commit()
    db.session.expire_all()
    desk = threading.get_ident()
    returned = []

    def other_desk():
        with app.app_context():
            checkin(barcode, library=library("TVLC"))
            db.session.commit()
            db.session.remove()
            returned.append(True)

    def between(_conn, _cursor, statement, _params, _context, _many):
        # The lending desk has read the copy (on loan) and is about to read the open loans.
        if threading.get_ident() == desk and not returned and "UNION" in statement.upper():
            returning = threading.Thread(target=other_desk)
            returning.start()
            returning.join(timeout=60)

    event.listen(db.engine, "before_cursor_execute", between)
    try:
        result = checkout(barcode, cards[1], library=library("TVLC"))
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", between)
    assert returned == [True]
    assert result.loan.reader.card_number == cards[1] and not result.renewed
    assert db.session.scalar(select(func.count(Loan.id)).where(Loan.returned_at.is_(None))) == 1
