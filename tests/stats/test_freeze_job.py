"""Closed months freeze by themselves every night, and two freezes at once freeze each once."""

import threading
from datetime import UTC, date, datetime

from sqlalchemy import event, func, select

from libsys.core.jobs import make_queue
from libsys.stats.events import record_event
from libsys.stats.freezing import compute_month, freeze_closed_months_job, freeze_month
from libsys.stats.months import FrozenMonth, StatMonth
from libsys.stats.periods import parse_period
from libsys.stats.scope import library_scope
from libsys.stats.services import indicator_values
from tests.stats.conftest import library


def _visits(db, day: date, quantity: int) -> None:
    record_event("visit", library=library("TVTD"), day=day, quantity=quantity,
                 reader_category="other")  # fmt: skip


def _visits_in(text: str) -> int:
    (value,) = indicator_values(parse_period(text), library_scope("TVTD"), codes=["visits"])
    return value.value


def test_the_worker_freezes_closed_months_every_night_at_half_past_midnight(app, db, network):
    huey, tasks = make_queue(app)
    due = {task.name for task in huey.read_periodic(datetime(2026, 3, 1, 17, 30, tzinfo=UTC))}
    assert "stats.freeze_closed_months" in due  # 00:30 on 2 March in Vietnam
    later = huey.read_periodic(datetime(2026, 3, 1, 18, 30, tzinfo=UTC))
    assert "stats.freeze_closed_months" not in {task.name for task in later}

    _visits(db, date(2025, 3, 10), 4)
    _visits(db, date(2025, 4, 2), 3)
    tasks["stats.freeze_closed_months"]()  # what the worker runs (immediate in tests)

    frozen = {tuple(row) for row in db.session.execute(select(FrozenMonth.year, FrozenMonth.month))}
    assert {(2025, 3), (2025, 4)} <= frozen
    # A late visit in a frozen month waits for a refreeze: the month stays as reported.
    _visits(db, date(2025, 3, 11), 5)
    assert _visits_in("2025-03") == 4
    assert freeze_closed_months_job() == []  # nothing new to freeze
    assert _visits_in("2025-03") == 4


def _in_threads(app, count: int, work) -> list:
    """Run `work()` in `count` threads at once, each in its own app context and session."""
    barrier = threading.Barrier(count)
    answers, errors, lock = [], [], threading.Lock()

    def run():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                answer = work()
            except Exception as error:  # noqa: BLE001 - the test reports it
                with lock:
                    errors.append(repr(error))
                return
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(answers) == count, "a freeze did not finish"
    return answers


def _committed_network(db) -> None:
    from libsys.demo.network import load_network, load_reader_categories

    load_reader_categories()
    load_network()
    db.session.commit()


def test_six_freezes_at_once_freeze_each_month_once(app, committed_db):
    db = committed_db
    _committed_network(db)
    _visits(db, date(2025, 5, 6), 2)
    _visits(db, date(2025, 6, 7), 7)
    db.session.commit()
    expected_rows = len(compute_month(2025, 5)) + len(compute_month(2025, 6))
    db.session.rollback()

    answers = _in_threads(app, 6, freeze_closed_months_job)

    claimed = [month for answer in answers for month in answer]
    assert sorted(m for m in claimed if m in ((2025, 5), (2025, 6))) == [(2025, 5), (2025, 6)]
    assert len(claimed) == len(set(claimed))  # no month frozen by two of them
    counted = db.session.scalar(
        select(func.count(FrozenMonth.id)).where(FrozenMonth.year == 2025,
                                                 FrozenMonth.month.in_((5, 6)))
    )  # fmt: skip
    assert counted == 2
    rows = db.session.scalar(
        select(func.count(StatMonth.id)).where(StatMonth.year == 2025, StatMonth.month.in_((5, 6)))
    )
    assert rows == expected_rows
    assert _visits_in("2025-05") == 2
    assert _visits_in("2025-06") == 7


def test_two_freezes_again_of_one_month_at_once_keep_one_set_of_rows(app, committed_db):
    db = committed_db
    _committed_network(db)
    _visits(db, date(2025, 7, 8), 6)
    freeze_month(2025, 7)
    db.session.commit()
    _visits(db, date(2025, 7, 9), 1)  # late: the refreeze counts it
    db.session.commit()
    expected_rows = len(compute_month(2025, 7))
    db.session.rollback()

    def again():
        stored = freeze_month(2025, 7, again=True)
        from libsys.extensions import db as session_db

        session_db.session.commit()
        return stored

    answers = _in_threads(app, 4, again)

    assert answers == [expected_rows] * 4
    rows = db.session.scalar(
        select(func.count(StatMonth.id)).where(StatMonth.year == 2025, StatMonth.month == 7)
    )
    assert rows == expected_rows
    assert _visits_in("2025-07") == 7


def test_a_freeze_refreshes_the_planners_statistics_on_postgresql(app, db, network):
    _visits(db, date(2025, 3, 10), 4)
    executed: list[str] = []

    def remember(_conn, _cursor, statement, _params, _context, _many):
        executed.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert freeze_closed_months_job()  # froze 2025-03 and the months after it
        executed_by_job, executed[:] = list(executed), []
        assert freeze_closed_months_job() == []  # nothing new: nothing to analyse
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    analysed = [s for s in executed_by_job if s.startswith("ANALYZE stat_seen")]
    if db.engine.dialect.name == "postgresql":
        assert len(analysed) == 1
    else:
        assert analysed == []  # SQLite's planner needs no ANALYZE of these tables
    assert not [s for s in executed if s.startswith("ANALYZE")]
