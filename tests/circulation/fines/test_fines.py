"""Overdue fines: none by default, charged on a late return when the policy sets one, with
grace days and a cap; paid or waived at the desk; kept after the loan forgets its reader."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from libsys.circulation.fines.models import Fine
from libsys.circulation.fines.services import fines_due, overdue_fine
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout
from libsys.circulation.policies.models import CirculationPolicy
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, make_item, make_record
from tests.circulation.loans.test_desk_http import desk_client, scan
from tests.factories import api_headers


@pytest.mark.parametrize(
    ("per_day", "grace", "cap", "days", "fine"),
    [
        (0, 0, None, 30, 0),  # public libraries lend for free
        (None, None, None, 30, 0),
        (2000, 0, None, 3, 6000),
        (2000, 3, None, 3, 0),  # within the grace days: nothing
        (2000, 3, None, 4, 8000),  # past them: every overdue day
        (2000, 0, 10000, 30, 10000),  # capped
        (2000, 0, None, 0, 0),
    ],
)
def test_overdue_fine_follows_the_policy(per_day, grace, cap, days, fine):
    policy = SimpleNamespace(fine_per_day=per_day, grace_days=grace, fine_cap=cap)
    assert overdue_fine(policy, days) == fine


def _late_loan(today, days_late=5, **reader_fields):
    reader, item = adult(**reader_fields), make_item(make_record("Số đỏ"))
    loan = checkout(item.barcode, reader.card_number, library=_library()).loan
    loan.due_date = today - timedelta(days=days_late)
    db.session.flush()
    return reader, item, loan


def _library():
    from tests.circulation.conftest import library

    return library("TVLC")


def _fine_policy(**values):
    db.session.add(CirculationPolicy(fine_per_day=1000, grace_days=1, fine_cap=20000, **values))
    db.session.flush()


def test_no_fine_by_default(tvlc, today):
    _reader, item, _loan = _late_loan(today)
    result = checkin(item.barcode, library=tvlc)
    assert result.overdue_days == 5 and result.fine == 0
    assert db.session.scalars(select(Fine)).all() == []


def test_a_late_return_charges_the_reader_who_keeps_no_history(tvlc, today):
    _fine_policy()
    reader, item, loan = _late_loan(today, keep_history=False)
    result = checkin(item.barcode, library=tvlc)
    assert result.fine == 5000
    assert loan.reader_id is None  # privacy: the loan forgets who read it...
    (fine,) = fines_due(reader)  # ...the debt does not
    assert (fine.amount, fine.overdue_days, fine.item_id) == (5000, 5, item.id)
    charged = db.session.scalars(select(Event).where(Event.kind == "fine_charged")).one()
    assert charged.details["amount"] == 5000
    assert charged.reader_key is None  # the log names the copy: no pseudonym beside it


def test_the_api_reports_the_fine_and_the_reader_owes_it(client, network, today):
    _fine_policy()
    reader, item, _loan = _late_loan(today, days_late=40)
    headers = api_headers("circulation", "TVLC")
    body = client.post("/api/v1/checkins", json={"item": item.barcode}, headers=headers).json
    assert body["overdue_days"] == 40 and body["fine"] == 20000  # the cap
    shown = client.get(f"/api/v1/readers/{reader.card_number}", headers=headers).json
    assert shown["fines_due"] == 20000


def test_the_desk_shows_and_collects_a_fine(client, network, today):
    _fine_policy()
    desk_client(client)
    reader, item, _loan = _late_loan(today)
    page = scan(client, item.barcode, "/staff/desk/returns").get_data(as_text=True)
    assert "5.000 ₫" in page
    page = scan(client, reader.card_number).get_data(as_text=True)
    assert "5.000 ₫" in page and "/settle" in page
    (fine,) = fines_due(reader)
    client.post(f"/staff/desk/fines/{fine.id}/settle", follow_redirects=True)
    assert fines_due(reader) == [] and fine.settled_at is not None and not fine.waived
    assert db.session.scalars(select(Event).where(Event.kind == "fine_paid")).one()


def test_waiving_needs_the_permission_and_a_reason(client, network, today):
    _fine_policy()
    reader, item, _loan = _late_loan(today)
    checkin(item.barcode, library=_library())
    (fine,) = fines_due(reader)
    desk_client(client)  # a circulation clerk may not waive
    scan(client, reader.card_number)
    client.post(f"/staff/desk/fines/{fine.id}/settle", data={"waive": "1", "reason": "Sách hỏng"})
    assert fine.settled_at is None
    client.get("/logout")
    desk_client(client, "manager")
    scan(client, reader.card_number)
    page = client.post(
        f"/staff/desk/fines/{fine.id}/settle", data={"waive": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert fine.settled_at is None and "lý do" in page
    client.post(f"/staff/desk/fines/{fine.id}/settle", data={"waive": "1", "reason": "Lũ lụt"})
    assert fine.waived and fine.waive_reason == "Lũ lụt"


def test_the_desk_settles_only_the_fines_of_the_reader_at_the_desk(client, network, today):
    _fine_policy()
    reader, item, _loan = _late_loan(today)
    checkin(item.barcode, library=_library())
    (fine,) = fines_due(reader)
    desk_client(client, "manager")
    scan(client, adult().card_number)  # the next reader came to the desk
    page = client.post(
        f"/staff/desk/fines/{fine.id}/settle", data={"waive": "1", "reason": "Lũ lụt"},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert fine.settled_at is None and "không phải của bạn đọc đang ở quầy" in page
    assert not db.session.scalars(select(Event).where(Event.kind == "fine_waived")).all()
