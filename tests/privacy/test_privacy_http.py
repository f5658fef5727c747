"""Readers' privacy: anonymising old loans, her data for her, deletion on request."""

import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from libsys.audit.models import AuditEntry
from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import cancel_hold, place_hold
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.services import checkout
from libsys.circulation.visits.models import Visit
from libsys.circulation.visits.services import record_visit
from libsys.core.clock import local_today
from libsys.readers.models import Reader
from libsys.stats.events import reader_key
from libsys.stats.models import Event
from libsys.stats.periods import parse_period
from libsys.stats.scope import Scope
from libsys.stats.services import indicator_values
from tests.circulation.conftest import adult, library, make_item


def _figures(today):
    """Every indicator of this year for the network, in total and by category and library."""
    return [
        (v.indicator.code, v.value, v.breakdown)
        for breakdown in (None, "reader_category", "library")
        for v in indicator_values(
            parse_period(str(today.year)), Scope(label="network"), breakdown=breakdown
        )
    ]


@pytest.fixture
def tvlc(network):
    """The provincial library, where the desk stands."""
    return library("TVLC")


@pytest.fixture
def today(db):
    """Today in Vietnam."""
    return local_today()


@pytest.fixture
def history(tvlc, today):
    """A reader who keeps her history: a returned loan, an open loan, a visit, a past hold."""
    reader = adult(full_name="Đinh Thị Mai", keep_history="1", address="3 Điện Biên Phủ")
    returned, kept_out = make_item(), make_item()
    checkout(returned.barcode, reader.card_number, library=tvlc)
    checkin(returned.barcode, library=tvlc)
    checkout(kept_out.barcode, reader.card_number, library=tvlc)
    record_visit(tvlc, reader)
    hold = place_hold(reader, record=make_item().record, pickup_library=tvlc)
    cancel_hold(hold)
    return reader, returned, kept_out


def test_anonymise_before_a_day_keeps_every_statistic(app, tvlc, today, history, db):
    reader, returned, kept_out = history
    assert db.session.scalar(select(Loan.reader_id).where(Loan.item_id == returned.id))
    figures, events = _figures(today), db.session.scalar(select(func.count(Event.id)))
    assert any(value for _code, value, _groups in figures)

    result = app.test_cli_runner().invoke(
        args=["privacy", "anonymise", "--before", (today + timedelta(days=1)).isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "1 loans, 1 holds, 1 visits" in result.output
    assert db.session.scalar(select(Loan.reader_id).where(Loan.item_id == returned.id)) is None
    # The loan still out keeps its reader; the visit is one visit of the day, without her.
    assert db.session.scalar(select(Loan.reader_id).where(Loan.item_id == kept_out.id)) == (
        reader.id
    )
    assert db.session.scalar(select(func.count(Visit.id)).where(Visit.reader_id == reader.id)) == 0
    assert db.session.scalar(select(func.count(Visit.id)).where(Visit.library_id == tvlc.id)) == 1
    assert db.session.scalar(select(func.count(Hold.id)).where(Hold.reader_id == reader.id)) == 0
    assert _figures(today) == figures
    assert db.session.scalar(select(func.count(Event.id))) == events


def test_anonymise_leaves_what_closed_on_or_after_the_day(app, today, history, db):
    reader, returned, _kept_out = history
    result = app.test_cli_runner().invoke(
        args=["privacy", "anonymise", "--before", today.strftime("%d/%m/%Y")]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Loan.reader_id).where(Loan.item_id == returned.id)) == (
        reader.id
    )
    bad = app.test_cli_runner().invoke(args=["privacy", "anonymise", "--before", "31/02/2026"])
    assert bad.exit_code != 0


def test_staff_give_a_reader_her_data_as_json_and_xlsx(staff_client, history, db):
    reader, returned, kept_out = history
    page = staff_client.get(f"/staff/readers/{reader.card_number}")
    assert "Dữ liệu của bạn đọc" in page.get_data(as_text=True)
    assert "Chưa thể xóa bạn đọc này" in page.get_data(as_text=True)
    response = staff_client.get(f"/staff/readers/{reader.card_number}/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["reader"]["full_name"] == "Đinh Thị Mai"
    assert data["reader"]["address"] == "3 Điện Biên Phủ"
    assert "password_hash" not in data["reader"]
    assert {loan["barcode"] for loan in data["loans"]} == {returned.barcode, kept_out.barcode}
    assert [hold["status"] for hold in data["holds"]] == ["cancelled"]
    assert len(data["visits"]) == 1
    assert staff_client.get(f"/staff/readers/{reader.card_number}/data.pdf").status_code == 404


def _her_workbook(client, reader):
    response = client.get(f"/staff/readers/{reader.card_number}/data.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    return workbook, {
        sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets
    }


def test_her_spreadsheet_speaks_vietnamese_names_not_codes(staff_client, history, today, db):
    """The file given to the reader reads as her page does: labels, names, dd/mm/yyyy."""
    reader, returned, kept_out = history
    reader.gender, reader.ethnicity, reader.disability = "female", "08", True
    db.session.commit()
    workbook, sheets = _her_workbook(staff_client, reader)
    assert workbook.sheetnames == [
        "Thông tin bạn đọc", "Sách đã mượn", "Đặt mượn", "Lượt đến thư viện", "Tiền phạt"
    ]  # fmt: skip
    record = sheets["Thông tin bạn đọc"]
    assert record[0] == ("Thông tin", "Giá trị")
    fields = dict(record[1:])
    assert fields["Số thẻ"] == reader.card_number
    assert fields["Họ và tên"] == "Đinh Thị Mai"
    assert fields["Giới tính"] == "Nữ"
    assert fields["Dân tộc"] == "H'Mông"
    assert fields["Đối tượng"] == reader.category.name
    assert fields["Thư viện cấp thẻ"] == reader.home_library.name
    assert fields["Người khuyết tật"] == "Có"
    assert fields["Lưu lịch sử đọc (bạn đọc đồng ý)"] == "Có"
    assert fields["Trạng thái"] == "Đang hoạt động"
    assert fields["Hạn thẻ"].date() == reader.card_expires
    sheet = workbook["Thông tin bạn đọc"]
    expires = next(row[1] for row in sheet.iter_rows() if row[0].value == "Hạn thẻ")
    assert expires.number_format == "DD/MM/YYYY"
    assert not any(name in fields for name in ("card_number", "gender", "ethnicity"))
    loans = sheets["Sách đã mượn"]
    assert loans[0] == (
        "Mã vạch", "Nhan đề", "Thư viện", "Ngày mượn", "Hạn trả", "Ngày trả", "Trạng thái",
        "Lượt gia hạn",
    )  # fmt: skip
    status = {row[0]: row[6] for row in loans[1:]}
    assert status == {returned.barcode: "Đã trả", kept_out.barcode: "Chưa trả"}
    assert {row[3].date() for row in loans[1:]} == {today}
    holds = sheets["Đặt mượn"]
    assert holds[0][:4] == ("Nhan đề", "Thư viện nhận sách", "Ngày đặt", "Trạng thái")
    assert [row[3] for row in holds[1:]] == ["Đã hủy"]
    visits = sheets["Lượt đến thư viện"]
    assert visits[0] == ("Ngày", "Thư viện") and visits[1][0].date() == today
    assert sheets["Tiền phạt"] == [  # no fine: the headings all the same
        ("Số tiền (đồng)", "Số ngày quá hạn", "Ngày tính phạt", "Ngày thanh toán", "Được miễn")
    ]
    text = " ".join(
        str(value) for rows in sheets.values() for row in rows for value in row if value
    )
    for code in ("on_loan", "returned", "cancelled", "female", "None", "True"):
        assert code not in text


def test_her_spreadsheet_is_in_english_for_an_english_request(staff_client, history, db):
    reader = history[0]
    reader.gender = "male"
    db.session.commit()
    staff_client.post("/lang/en", data={"next": "/"})
    workbook, sheets = _her_workbook(staff_client, reader)
    assert workbook.sheetnames == [
        "Her details", "Books borrowed", "Holds", "Visits to the library", "Fines"
    ]  # fmt: skip
    fields = dict(sheets["Her details"][1:])
    assert fields["Full name"] == "Đinh Thị Mai" and fields["Gender"] == "Male"
    assert fields["Category"] == (reader.category.name_en or reader.category.name)
    assert [row[3] for row in sheets["Holds"][1:]] == ["Cancelled"]


def test_the_command_writes_her_data(app, history, tmp_path):
    reader = history[0]
    target = tmp_path / "mai.xlsx"
    result = app.test_cli_runner().invoke(
        args=["privacy", "export", reader.card_number, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(target)["Thông tin bạn đọc"]["B3"].value == "Đinh Thị Mai"
    shown = app.test_cli_runner().invoke(args=["privacy", "export", reader.card_number])
    assert json.loads(shown.output)["reader"]["card_number"] == reader.card_number


def test_deletion_is_refused_with_open_loans_then_done_and_events_stay(
    staff_client, tvlc, today, history, db
):
    reader, _returned, kept_out = history
    card, reader_id, pseudonym = reader.card_number, reader.id, reader_key(reader.id)
    refused = staff_client.post(
        f"/staff/readers/{card}/delete", data={"confirm": "1"}, follow_redirects=True
    )
    assert "còn 1 lượt mượn chưa trả" in refused.get_data(as_text=True)
    assert db.session.get(Reader, reader_id) is not None

    checkin(kept_out.barcode, library=tvlc)
    db.session.commit()
    figures, events = _figures(today), db.session.scalar(select(func.count(Event.id)))
    response = staff_client.post(f"/staff/readers/{card}/delete", data={"confirm": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Reader, reader_id) is None
    assert db.session.scalar(select(func.count(Loan.id)).where(Loan.reader_id == reader_id)) == 0
    assert db.session.scalar(select(func.count(Event.id))) == events
    assert db.session.scalar(select(func.count(Event.id)).where(Event.reader_key == pseudonym))
    assert _figures(today) == figures
    about_her = db.session.scalars(select(AuditEntry).where(AuditEntry.reader_id == reader_id))
    text = " ".join(f"{e.label} {e.changes}" for e in about_her)
    assert "Đinh Thị Mai" not in text and "Điện Biên Phủ" not in text
    assert "deleted" in text
    assert staff_client.get(f"/staff/readers/{card}").status_code == 404


def test_a_desk_librarian_can_neither_export_nor_delete(client, history, db):
    from tests.factories import make_staff, sign_in

    make_staff("circulation", "TVLC", "thuthu1")
    sign_in(client, "thuthu1")
    card = history[0].card_number
    assert client.get(f"/staff/readers/{card}/data.json").status_code == 403
    assert client.post(f"/staff/readers/{card}/delete").status_code == 403
    assert "Dữ liệu của bạn đọc" not in client.get(f"/staff/readers/{card}").get_data(as_text=True)
