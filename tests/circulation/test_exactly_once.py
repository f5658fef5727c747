"""Exactly once: twenty desks scanning one copy at the same moment lend it once.

Real commits (committed_db), each thread with its own app context and session, on SQLite
(writer lock: BEGIN IMMEDIATE) and PostgreSQL (conditional UPDATE + partial unique index).
"""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.models import Loan
from libsys.stats.events import local_today
from libsys.stats.models import Event

THREADS = 20


def test_twenty_desks_one_copy_one_loan(app, committed_db):
    from libsys.demo.network import load_network, load_reader_categories
    from tests.circulation.conftest import make_item
    from tests.factories import make_reader

    db = committed_db
    load_reader_categories()
    load_network()
    expires = (local_today() + timedelta(days=400)).isoformat()
    cards = [
        make_reader(full_name=f"Bạn đọc {i}", card_expires=expires).card_number
        for i in range(THREADS)
    ]
    barcode = make_item().barcode
    db.session.commit()

    barrier = threading.Barrier(THREADS)
    outcomes: list = []
    lock = threading.Lock()

    def desk(card):
        from libsys.circulation.services import checkout
        from tests.circulation.conftest import library

        with app.app_context():
            try:
                barrier.wait(timeout=30)
                loan = checkout(barcode, card, library=library("TVLC"))
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

    threads = [threading.Thread(target=desk, args=(card,)) for card in cards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    kinds = sorted(kind for kind, _detail in outcomes)
    assert kinds.count("loan") == 1, outcomes
    assert kinds.count("refused") == THREADS - 1, outcomes
    assert {detail for kind, detail in outcomes if kind == "refused"} == {"ALREADY_ON_LOAN"}
    assert db.session.scalar(select(func.count(Loan.id))) == 1
    assert db.session.scalar(select(func.count(Event.id)).where(Event.kind == "checkout")) == 1
