"""The desk as a Koha librarian expects it (issue 15): renewing while overdue follows the
lending rule, "renew all" lists what it did not renew and why, refused lines read title and
reason first, and a copy on loan to someone else is taken back and lent in one step."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from libsys.circulation.loans.models import Loan
from libsys.circulation.policies.models import CirculationPolicy
from libsys.circulation.transfers.services import request_transfer, send_transfer
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library, make_item, make_record
from tests.factories import make_staff, sign_in


def desk_client(client, role="circulation"):
    make_staff(role, "TVLC", username=f"desk-{role}")
    sign_in(client, f"desk-{role}")
    return client


def scan(client, value, url="/staff/desk/"):
    return client.post(url, data={"scan": value}, follow_redirects=True)


def _reader_with_loans(client, today):
    """A reader at the desk with three loans: one overdue, one lent last week, one today."""
    reader = adult(full_name="Hà Thị Mai")
    scan(client, reader.card_number)
    titles = ("Quá hạn rồi", "Mượn tuần trước", "Mượn hôm nay")
    for title in titles:
        scan(client, make_item(make_record(title)).barcode)
    overdue, last_week, lent_today = db.session.scalars(select(Loan).order_by(Loan.id)).all()
    overdue.checked_out_at -= timedelta(days=30)
    overdue.due_date = today - timedelta(days=3)
    last_week.checked_out_at -= timedelta(days=7)
    db.session.commit()
    return reader, overdue, last_week, lent_today


def _renewals():
    return [loan.renewals for loan in db.session.scalars(select(Loan).order_by(Loan.id))]


def test_renew_all_renews_nothing_while_a_loan_is_overdue_and_says_why(client, network, today):
    """The default ("block"): renewing would lift the block that stops new loans."""
    desk_client(client)
    reader, *_loans = _reader_with_loans(client, today)
    page = client.post("/staff/desk/renew-all", follow_redirects=True).get_data(as_text=True)
    assert _renewals() == [0, 0, 0]
    assert db.session.scalar(select(Event.id).where(Event.kind == "renewal")) is None
    listed = page[page.index("desk-not-renewed") :]
    assert "Không gia hạn được (3)" in listed
    assert 'data-code="LOAN_OVERDUE"' in listed and "Lượt mượn này đã quá hạn" in listed
    assert 'data-code="OVERDUES_BLOCK_RENEWAL"' in listed and "Mượn tuần trước" in listed
    assert 'data-code="RENEWED_TODAY"' in listed and "Mượn hôm nay" in listed
    # The block stays: the next copy still needs an override.
    page = scan(client, make_item().barcode).get_data(as_text=True)
    assert 'data-code="OVERDUE_BLOCKS"' in page
    # The list goes with the reader.
    client.post("/staff/desk/finish")
    assert "desk-not-renewed" not in client.get("/staff/desk/").get_data(as_text=True)


@pytest.mark.parametrize(
    "setting, renewals, not_renewed",
    [
        ("block_item", [0, 1, 0], {"LOAN_OVERDUE", "RENEWED_TODAY"}),
        ("allow", [1, 1, 0], {"RENEWED_TODAY"}),
    ],
)
def test_renew_all_follows_the_overdue_renewal_rule(
    client, network, today, setting, renewals, not_renewed
):
    db.session.add(CirculationPolicy(overdue_renewal=setting))
    desk_client(client)
    _reader_with_loans(client, today)
    page = client.post("/staff/desk/renew-all", follow_redirects=True).get_data(as_text=True)
    assert _renewals() == renewals
    listed = page[page.index("desk-not-renewed") :]
    assert {code for code in ("LOAN_OVERDUE", "OVERDUES_BLOCK_RENEWAL", "RENEWED_TODAY")
            if f'data-code="{code}"' in listed} == not_renewed  # fmt: skip


def test_renewing_one_overdue_loan_is_refused_in_vietnamese_and_a_manager_may_override(
    client, network, today
):
    desk_client(client)
    _reader, overdue, _last_week, _today = _reader_with_loans(client, today)
    page = client.post(f"/staff/desk/renew/{overdue.id}", follow_redirects=True)
    assert "Lượt mượn này đã quá hạn" in page.get_data(as_text=True)
    assert db.session.get(Loan, overdue.id).renewals == 0
    client.post("/logout")
    desk_client(client, "manager")
    client.post(f"/staff/desk/renew/{overdue.id}", data={"reason": "Bạn đọc ốm, báo trước"})
    assert db.session.get(Loan, overdue.id).renewals == 1
    override = db.session.scalar(select(Event).where(Event.kind == "override"))
    assert override.details["code"] == "LOAN_OVERDUE"


def test_policy_form_sets_the_overdue_renewal_rule(client, network):
    desk_client(client, "manager")
    form = client.get("/staff/desk/policies/new").get_data(as_text=True)
    assert "Gia hạn khi có sách quá hạn" in form and "Chỉ chặn bản quá hạn" in form
    tvlc = str(library("TVLC").id)
    response = client.post(
        "/staff/desk/policies/new", data={"library_id": tvlc, "overdue_renewal": "block_item"}
    )
    assert response.status_code == 303
    rule = db.session.scalar(select(CirculationPolicy))
    assert rule.overdue_renewal == "block_item"
    edit = client.get(f"/staff/desk/policies/{rule.id}/edit").get_data(as_text=True)
    assert '<option value="block_item" selected' in edit
    bad = client.post("/staff/desk/policies/new", data={"overdue_renewal": "sometimes"})
    assert bad.status_code == 422
    assert "Hãy chọn một giá trị trong danh sách" in bad.get_data(as_text=True)


def test_a_refused_line_reads_title_and_reason_before_the_code(client, network):
    desk_client(client)
    reference = make_item(make_record("Từ điển tiếng Việt"), store_code="VT")
    scan(client, adult().card_number)
    page = scan(client, reference.barcode).get_data(as_text=True)
    line = page[page.index('desk-line refused"') :]
    line = line[: line.index("</li>")]
    title, reason = line.index("Từ điển tiếng Việt"), line.index("Bản sách này không cho mượn")
    code = line.index("<code>NOT_FOR_LOAN</code>")
    assert title < reason < code
    assert "desk-line-codes" in line and "return-then-lend" not in line


def test_return_then_lend_takes_the_copy_back_and_lends_it_here(client, network):
    desk_client(client)
    first, second = adult(full_name="Người mượn trước"), adult(full_name="Người đang đứng")
    item = make_item(make_record("Truyện Kiều"))
    scan(client, first.card_number)
    scan(client, item.barcode)
    scan(client, second.card_number)
    page = scan(client, item.barcode.lower()).get_data(as_text=True)
    assert 'data-code="ALREADY_ON_LOAN"' in page and "return-then-lend" in page
    assert "Alt+T" in page[: page.index("desk-scan-form")]  # in the key line above
    page = client.post(
        "/staff/desk/return-and-lend", data={"barcode": item.barcode}, follow_redirects=True
    ).get_data(as_text=True)
    loans = db.session.scalars(select(Loan).order_by(Loan.id)).all()
    assert [loan.returned_at is not None for loan in loans] == [True, False]
    assert loans[1].reader_id == second.id
    kinds = db.session.scalars(
        select(Event.kind).where(Event.kind.in_(("checkin", "checkout"))).order_by(Event.id)
    ).all()
    assert kinds == ["checkout", "checkin", "checkout"]
    assert "desk-line ok" in page and "đã nhận trả từ bạn đọc trước" in page
    assert 'data-code="ALREADY_ON_LOAN"' not in page  # the refused line gave way


def test_return_then_lend_keeps_the_return_when_the_loan_is_refused(client, network, today):
    desk_client(client)
    first = adult()
    expired = adult()
    expired.card_expires = today - timedelta(days=1)
    item = make_item(make_record("Số đỏ"))
    scan(client, first.card_number)
    scan(client, item.barcode)
    scan(client, expired.card_number)
    page = client.post(
        "/staff/desk/return-and-lend", data={"barcode": item.barcode}, follow_redirects=True
    ).get_data(as_text=True)
    loan = db.session.scalar(select(Loan))
    assert loan.returned_at is not None and loan.reader_id != expired.id
    assert db.session.scalar(select(Loan.id).where(Loan.returned_at.is_(None))) is None
    assert 'data-code="CARD_EXPIRED"' in page
    assert "đã nhận trả từ bạn đọc trước, chưa cho mượn" in page


def test_return_then_lend_without_a_reader_or_for_a_copy_not_out_does_nothing(client, network):
    desk_client(client)
    item = make_item()
    client.post("/staff/desk/return-and-lend", data={"barcode": item.barcode})
    assert db.session.scalar(select(Loan.id)) is None
    scan(client, adult().card_number)
    page = client.post(
        "/staff/desk/return-and-lend", data={"barcode": "KHONG-CO"}, follow_redirects=True
    ).get_data(as_text=True)
    assert 'data-code="UNKNOWN_ITEM"' in page and db.session.scalar(select(Loan.id)) is None


def test_visits_key_line_lists_alt_1_and_alt_2(client, network):
    desk_client(client)
    page = client.get("/staff/desk/visits").get_data(as_text=True)
    keys = page[page.index("desk-keys") :]
    keys = keys[: keys.index("</p>")]
    assert "<kbd>Alt+1</kbd> +1 thiếu nhi" in keys and "<kbd>Alt+2</kbd> +1 người lớn" in keys


def test_transfers_page_heads_its_columns_with_libraries(client, network, tvlc):
    desk_client(client, "manager")
    request_transfer(make_item(), library("TVTD"))  # to send from here
    send_transfer(request_transfer(make_item(library_code="TVTD"), tvlc))  # on the way here
    db.session.commit()
    page = client.get("/staff/transfers/").get_data(as_text=True)
    assert page.count("Đến thư viện</th>") == 2 and page.count("Từ thư viện</th>") == 1
    assert "Từ ngày" not in page and "Đến ngày" not in page
