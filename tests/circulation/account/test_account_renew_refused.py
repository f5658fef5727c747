"""A renew button that cannot work is shown disabled, its reason beside it, in Vietnamese:
the account asks the renewal rule (renewal_refusal), the same the renewal itself meets."""

from datetime import timedelta

from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.services import checkout, renewal_refusal
from libsys.circulation.policies.services import policy_for
from libsys.extensions import db
from tests.circulation.account.test_account import signed_in_reader
from tests.circulation.account.test_account_answers import _line
from tests.circulation.conftest import adult, make_item, make_record


def _renew_form(loan) -> str:
    return f'action="/account/loans/{loan.id}/renew"'


def _disabled(line: str) -> bool:
    return "disabled" in line and 'aria-describedby="why-' in line


def test_renew_buttons_that_cannot_work_are_disabled_with_their_reason(client, tvlc, today):
    reader = signed_in_reader(client)
    free, spent, held = (
        checkout(make_item(make_record(title)).barcode, reader.card_number, library=tvlc).loan
        for title in ("Còn gia hạn được", "Hết lượt gia hạn", "Người khác đang chờ")
    )
    spent.renewals = policy_for(tvlc, reader.category_id, spent.item).renewals_allowed
    place_hold(adult(full_name="Bạn đọc khác"), record=held.item.record, pickup_library=tvlc)
    db.session.flush()
    page = client.get("/account/").get_data(as_text=True)

    line = _line(page, f"loan-{free.id}")
    assert _renew_form(free) in line and not _disabled(line)
    line = _line(page, f"loan-{spent.id}")
    assert _disabled(line) and _renew_form(spent) not in line
    assert "Lượt mượn này đã hết số lần gia hạn." in line
    assert str(renewal_refusal(spent).message) in line
    line = _line(page, f"loan-{held.id}")
    assert _disabled(line) and _renew_form(held) not in line
    assert str(renewal_refusal(held).message) in line
    assert "Có bạn đọc khác đang đặt mượn tên sách này" in line

    # What the page says is what a renewal would meet: the free loan renews, the others not.
    assert renewal_refusal(free) is None
    assert client.post(f"/account/loans/{held.id}/renew").status_code == 302
    db.session.expire_all()
    assert held.renewals == 0


def test_an_overdue_loan_under_the_block_policy_is_not_offered_a_renewal(client, tvlc, today):
    reader = signed_in_reader(client)
    late, other = (
        checkout(make_item(make_record(title)).barcode, reader.card_number, library=tvlc).loan
        for title in ("Đã quá hạn", "Chưa đến hạn")
    )
    late.due_date = today - timedelta(days=2)
    db.session.flush()
    page = client.get("/account/").get_data(as_text=True)
    line = _line(page, f"loan-{late.id}")
    assert _disabled(line) and "đã quá hạn" in line
    assert renewal_refusal(late).code == "LOAN_OVERDUE"
    # The default policy ("block"): any overdue loan stops every renewal of the reader.
    line = _line(page, f"loan-{other.id}")
    assert _disabled(line) and renewal_refusal(other).code == "OVERDUES_BLOCK_RENEWAL"
    assert str(renewal_refusal(other).message) in line
    # Returned to time, the other loan may be renewed again.
    late.due_date = today + timedelta(days=5)
    db.session.flush()
    page = client.get("/account/").get_data(as_text=True)
    assert _renew_form(other) in _line(page, f"loan-{other.id}")
