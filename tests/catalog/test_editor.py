"""The MARC editor: reading rows and mnemonic text, each validation rule, saving by HTTP."""

import flask_babel
import pytest
from sqlalchemy import func, select

from libsys.catalog.editor import (
    EditorRow,
    MarcInvalid,
    check_marc,
    parse_mnemonic,
    parse_subfields,
    rows_from_record,
    rows_to_mnemonic,
    validate_rows,
)
from libsys.catalog.models import Record
from libsys.catalog.services import build_marc, record_marc, save_record
from tests.catalog.helpers import BOOK
from tests.factories import make_staff, sign_in

LEADER = "00000nam a2200000 a 4500"
FIXED = "250101s2024    vm " + " " * 17 + "vie d"  # 40 characters
GOOD = f"""=LDR  {LEADER.replace(" ", chr(92))}
=008  {FIXED.replace(" ", chr(92))}
=020  \\\\$a978-604-69-1234-7$c85000đ
=100  0\\$aNguyễn Du
=245  10$aTruyện Kiều /$cNguyễn Du.
=650  \\7$aVăn học Việt Nam$2Bộ TK TVQG
=900  \\\\$aLocal note with {{dollar}}5
"""


@pytest.fixture(autouse=True)
def vietnamese(app):
    """Rules say what is wrong in Vietnamese, the interface's first language."""
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        flask_babel.refresh()
        yield
    flask_babel.refresh()


def _errors(text: str) -> tuple[dict[str, list[str]], list[str]]:
    rows = parse_mnemonic(text)
    record_errors = validate_rows(rows)
    return {row.tag: row.errors for row in rows if row.errors}, record_errors


def test_mnemonic_text_is_read_and_written_back():
    rows = parse_mnemonic(GOOD)
    assert [row.tag for row in rows] == ["LDR", "008", "020", "100", "245", "650", "900"]
    assert rows[0].value == LEADER and rows[1].value == FIXED
    assert (rows[3].ind1, rows[3].ind2) == ("0", " ")
    assert parse_subfields(rows[4].value) == (
        [("a", "Truyện Kiều /"), ("c", "Nguyễn Du.")],
        [],
    )
    record = check_marc(rows)
    assert record["245"]["a"] == "Truyện Kiều /"
    assert record["900"]["a"] == "Local note with $5"
    assert record["650"].indicators == (" ", "7")
    assert str(record.leader) == LEADER
    assert rows_to_mnemonic(rows_from_record(record)) == GOOD


def test_a_good_record_has_no_errors():
    assert _errors(GOOD) == ({}, [])


def test_245_must_be_present():
    text = GOOD.replace("=245  10$aTruyện Kiều /$cNguyễn Du.\n", "")
    assert _errors(text)[1] == ["Bản ghi phải có nhan đề (trường 245)."]
    assert _errors(GOOD.replace("$aTruyện Kiều /$c", "$c"))[0] == {
        "245": ["Trường 245 cần nhan đề ở $a."]
    }


def test_leader_and_008_lengths():
    errors, _ = _errors(GOOD.replace("=LDR  00000", "=LDR  000"))
    assert errors == {"LDR": ["Đầu biểu có 22 ký tự thay vì 24."]}
    errors, _ = _errors(GOOD.replace(f"=008  {FIXED.replace(' ', chr(92))}", "=008  250101s2024"))
    assert errors == {"008": ["Trường 008 có 11 ký tự; của sách phải là 40."]}
    # A map's 008 is not held to the book's rule here.
    errors, _ = _errors(
        GOOD.replace("00000nam", "00000nem").replace(
            f"=008  {FIXED.replace(' ', chr(92))}", "=008  250101"
        )
    )
    assert errors == {}


def test_isbn_check_digits():
    errors, _ = _errors(GOOD.replace("978-604-69-1234-7", "978-604-69-1234-8"))
    assert errors == {"020": ["ISBN 978-604-69-1234-8 sai số kiểm tra."]}
    errors, _ = _errors(GOOD.replace("978-604-69-1234-7", "12345"))
    assert errors == {"020": ["“12345” không phải là ISBN (10 hoặc 13 chữ số)."]}
    assert _errors(GOOD.replace("978-604-69-1234-7", "0-306-40615-2 (bìa mềm)")) == ({}, [])


def test_known_tags_and_indicator_values():
    errors, _ = _errors(GOOD + "=299  \\\\$aX\n=24A  \\\\$aX\n")
    assert errors == {"24A": ["Nhãn trường gồm ba chữ số, ví dụ 245."]}  # 299 is local
    errors, _ = _errors(GOOD + "=268  \\\\$aX\n")
    assert errors == {"268": ["268 không phải là nhãn trường MARC 21 thư mục."]}
    errors, _ = _errors(GOOD.replace("=245  10", "=245  20"))
    assert errors == {"245": ["Chỉ thị 1 của trường 245 phải là một trong: 0, 1."]}
    errors, _ = _errors(GOOD.replace("=100  0\\", "=100  0A"))
    assert errors == {"100": ["Chỉ thị 2 phải là khoảng trắng, chữ số hoặc chữ thường."]}
    errors, _ = _errors(GOOD.replace("=650  \\7", "=650  \\9"))
    assert errors["650"] == ["Chỉ thị 2 của trường 650 phải là một trong: 0, 1, 2, 3, 4, 5, 6, 7."]


def test_subfield_codes_and_empty_subfields():
    errors, _ = _errors(GOOD.replace("$2Bộ TK TVQG", "$ABộ TK TVQG$b"))
    assert errors == {
        "650": [
            "Mã trường con “A” không phải là chữ thường hoặc chữ số.",
            "Trường con $b để trống.",
        ]
    }
    errors, _ = _errors(GOOD.replace("=100  0\\$aNguyễn Du", "=100  0\\Nguyễn Du"))
    assert errors["100"][0] == "Trường con bắt đầu bằng $ và một mã, ví dụ $a."
    errors, _ = _errors(GOOD + "=500  \\\\\n")
    assert errors == {"500": ["Trường chưa có trường con: viết $a nội dung $b nội dung."]}


def test_non_repeatable_fields():
    errors, _ = _errors(GOOD + "=245  10$aLần nữa\n")
    assert errors == {"245": ["Trường 245 không được lặp."]}
    errors, _ = _errors(GOOD + "=110  2\\$aNhà xuất bản Kim Đồng\n")
    assert errors == {"110": ["Một bản ghi chỉ có một tiêu đề chính (1XX)."]}
    errors, _ = _errors(GOOD + "=008  " + FIXED + "\n")
    assert errors == {"008": ["Trường 008 không được lặp."]}


def test_lines_that_are_not_fields_are_marked():
    rows = parse_mnemonic(GOOD + "just some text\n")
    with pytest.raises(MarcInvalid) as caught:
        check_marc(rows)
    bad = [row for row in caught.value.rows if row.errors]
    assert bad[0].line == 8
    assert bad[0].errors == ["Mỗi dòng bắt đầu bằng = và nhãn trường, ví dụ =245  10$aNhan đề."]


def test_rows_from_a_record_keep_every_field(network):
    record = save_record(build_marc(BOOK))
    rows = rows_from_record(record_marc(record))
    assert rows[0] == EditorRow(tag="LDR", value=str(record_marc(record).leader), line=1)
    assert validate_rows(rows) == [] and not any(row.errors for row in rows)


def test_edit_a_record_through_the_rows_form(network, staff_client, db):
    record = save_record(build_marc(BOOK))
    page = staff_client.get(f"/staff/cataloguing/records/{record.id}/marc")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'name="tag" value="245"' in text and "Đoạn trường tân thanh" in text
    rows = rows_from_record(record_marc(record))
    form = {"tag": [], "ind1": [], "ind2": [], "value": []}
    for row in rows:
        value = row.value
        if row.tag == "245":
            value = "$aTruyện Kiều /$cNguyễn Du."
        form["tag"].append(row.tag)
        form["ind1"].append(row.ind1.strip())
        form["ind2"].append(row.ind2.strip())
        form["value"].append(value)
    for name, value in (("tag", "500"), ("ind1", ""), ("ind2", ""), ("value", "$aBản đẹp.")):
        form[name].append(value)
    for name in form:
        form[name].append("")  # a blank row, as the page offers
    response = staff_client.post(
        f"/staff/cataloguing/records/{record.id}/marc", data={**form, "mode": "rows"}
    )
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.title == "Truyện Kiều" and not record.subtitle
    marc = record_marc(record)
    assert "Bản đẹp." in [f["a"] for f in marc.get_fields("500")]


def test_errors_are_shown_beside_their_row_and_nothing_is_saved(network, staff_client, db):
    record = save_record(build_marc(BOOK))
    before = record.marc
    text = rows_to_mnemonic(rows_from_record(record_marc(record)))
    text = text.replace("=020  \\\\$a9786046912347", "=020  \\\\$a9786046912340")
    response = staff_client.post(
        f"/staff/cataloguing/records/{record.id}/marc",
        data={"mode": "text", "marc_text": text},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ISBN 9786046912340 sai số kiểm tra." in page
    row_start = page.index('name="tag" value="020"')
    assert page.index("ISBN 9786046912340 sai số kiểm tra.") > row_start
    assert page.index("ISBN 9786046912340") < page.index('name="tag" value="041"')
    db.session.refresh(record)
    assert record.marc == before


def test_new_record_through_the_text_form(network, staff_client, db):
    page = staff_client.get("/staff/cataloguing/records/new").get_data(as_text=True)
    assert "=008  " in page and 'name="marc_text"' in page
    count = db.session.scalar(select(func.count(Record.id)))
    response = staff_client.post(
        "/staff/cataloguing/records/new", data={"mode": "text", "marc_text": GOOD}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Record.id))) == count + 1
    record = db.session.scalar(select(Record).order_by(Record.id.desc()))
    assert record.title == "Truyện Kiều" and record.isbn == "9786046912347"
    assert response.headers["Location"].endswith(f"/records/{record.id}/marc")


def test_editor_needs_catalog_edit(network, client, db):
    record = save_record(build_marc(BOOK))
    make_staff("circulation", "TVLC", "desk-marc")
    sign_in(client, "desk-marc")
    assert client.get(f"/staff/cataloguing/records/{record.id}/marc").status_code == 403
    assert (
        client.post("/staff/cataloguing/records/new", data={"marc_text": GOOD}).status_code == 403
    )
    make_staff("cataloguer", "TVLC", "cat-marc")
    sign_in(client, "cat-marc")
    assert client.get(f"/staff/cataloguing/records/{record.id}/marc").status_code == 200
    assert client.get("/staff/cataloguing/records/999999/marc").status_code == 404
