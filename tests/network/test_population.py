"""Population served per year: entered on the page, imported from xlsx, read by indicators."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from libsys.errors import ValidationFailed
from libsys.network.models import AdminUnit, Library, Population
from libsys.network.population import (
    import_population,
    owner_by_code,
    population_served,
    save_population,
    students_of,
)
from tests.factories import make_staff, sign_in


def _unit(db, code):
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def _sheet(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def test_a_year_keeps_its_own_figures_and_the_unit_shows_the_latest(network, db):
    unit = _unit(db, "03493")
    assert population_served(unit, 2025) == (7_600, 2_500)  # before any row: the unit's own
    save_population(unit, 2024, population=7_400, children=2_450)
    save_population(unit, 2026, population="7.900", children=2_600)
    assert population_served(unit, 2024) == (7_400, 2_450)
    assert population_served(unit, 2025) == (7_400, 2_450)  # the latest year up to it
    assert population_served(unit, 2026) == (7_900, 2_600)
    assert (unit.population, unit.children_population) == (7_900, 2_600)
    # Correcting a year changes that row, not a second one.
    save_population(unit, 2024, population=7_450, children=2_450)
    assert db.session.query(Population).filter_by(admin_unit_id=unit.id).count() == 2
    assert (unit.population, unit.children_population) == (7_900, 2_600)


def test_students_belong_to_schools_and_children_to_the_population(network, db):
    school = owner_by_code("THCSBL")
    assert isinstance(school, Library)
    save_population(school, 2026, students=640)
    assert students_of(school, 2026) == 640 and students_of(school, 2025) is None
    assert owner_by_code("TVLC") is None  # not a school, and not a unit
    with pytest.raises(ValidationFailed) as refused:
        save_population(_unit(db, "106"), 2026, population=100, children=200, students=5)
    assert set(refused.value.fields) == {"children", "students"}
    with pytest.raises(ValidationFailed) as refused:
        save_population(None, 1800, population="many")
    assert set(refused.value.fields) == {"code", "year", "population"}


def test_import_saves_the_good_rows_and_reports_the_others(network, db):
    sheet = _sheet(
        [
            ("Code", "Year", "Population", "Children", "Students"),
            ("03493", 2026, 7_800, 2_550, None),
            ("99999", 2026, 1_000, 100, None),
            ("106", "2026", "57.000", "19.500", None),
            ("THCSBL", 2026, None, None, 655),
            (None, None, None, None, None),
            ("03496", 2026, 5_000, 6_000, None),
        ]
    )
    result = import_population(sheet)
    assert result.imported == 3
    assert [number for number, _reason in result.errors] == [3, 7]
    assert population_served(_unit(db, "106"), 2026) == (57_000, 19_500)
    assert students_of(owner_by_code("THCSBL"), 2026) == 655
    assert population_served(_unit(db, "03496"), 2026) == (5_200, 1_900)  # refused: unchanged


def test_import_refuses_a_sheet_without_the_columns_or_not_xlsx(network, db):
    with pytest.raises(ValidationFailed):
        import_population(_sheet([("name", "people"), ("x", 1)]))
    with pytest.raises(ValidationFailed):
        import_population(io.BytesIO(b"code,year\n03493,2026\n"))


def test_a_manager_enters_and_imports_on_the_page(client, network, db):
    make_staff("manager", "TVTD", "ql")
    sign_in(client, "ql")
    page = client.get("/staff/network/population")
    assert page.status_code == 200
    response = client.post(
        "/staff/network/population",
        data={"code": "03490", "year": "2026", "population": "9.000", "children": "2700"},
    )
    assert response.status_code == 302
    assert population_served(_unit(db, "03490"), 2026) == (9_000, 2_700)
    wrong = client.post("/staff/network/population", data={"code": "03490", "year": "x"})
    assert wrong.status_code == 422
    sheet = _sheet([("code", "year", "population", "children"), ("03493", 2027, 8_000, 2_600),
                    ("nope", 2027, 1, 1)])  # fmt: skip
    imported = client.post(
        "/staff/network/population/import",
        data={"file": (sheet, "dan-so.xlsx")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200  # one row refused and listed; the other saved
    assert "Row 3" in imported.get_data(as_text=True) or "Dòng 3" in imported.get_data(as_text=True)
    assert population_served(_unit(db, "03493"), 2027) == (8_000, 2_600)


def test_a_viewer_sees_the_figures_but_cannot_enter_them(client, network, db):
    make_staff("viewer", None, "xem")
    sign_in(client, "xem")
    assert client.get("/staff/network/population").status_code == 200
    refused = client.post("/staff/network/population", data={"code": "03490", "year": "2026"})
    assert refused.status_code == 403


def test_ten_saves_of_one_year_at_once_keep_one_row(app, committed_db):
    """Two managers saving the same unit and year at the same moment: one row, no error."""
    import threading

    from libsys.demo.network import load_network, load_reader_categories

    db = committed_db
    load_reader_categories()
    load_network()
    db.session.commit()
    barrier, errors = threading.Barrier(10), []

    def save(number):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                save_population(_unit(db, "03493"), 2026, population=8_000 + number)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = db.session.scalars(select(Population).where(Population.year == 2026)).all()
    assert len(rows) == 1 and 8_000 <= rows[0].population < 8_010


def test_a_csv_sheet_imports_like_an_xlsx(network, db):
    text = (
        "\ufeffcode;year;population;children;students\n"
        "03493;2026;7.900;2.500;\n"
        "THCSBL;2026;;;660\n"
        "nope;2026;10;1;\n"
    )
    result = import_population(io.BytesIO(text.encode("utf-8")))
    assert result.imported == 2
    assert [number for number, _reason in result.errors] == [4]
    assert population_served(_unit(db, "03493"), 2026) == (7_900, 2_500)
    assert students_of(owner_by_code("THCSBL"), 2026) == 660
    comma = import_population(io.BytesIO(b"code,year,population,children\n106,2027,58000,19000\n"))
    assert comma.imported == 1
    assert population_served(_unit(db, "106"), 2027) == (58_000, 19_000)
    with pytest.raises(ValidationFailed):
        import_population(io.BytesIO("code,year,population\n106,2027,1\n".encode("utf-16")))


def test_the_template_lists_every_unit_and_school_and_imports_back(client, network, db):
    from openpyxl import load_workbook

    make_staff("manager", None, "ql-mang")
    sign_in(client, "ql-mang")
    page = client.get("/staff/network/population").get_data(as_text=True)
    assert "/staff/network/population/template.xlsx" in page
    response = client.get("/staff/network/population/template.xlsx?year=2026")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("dan-so-2026.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.active.title == "Dân số phục vụ"
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == (
        "Mã đơn vị hoặc trường học", "Đơn vị hoặc trường học", "Năm", "Dân số", "Thiếu nhi",
        "Học sinh (trường học)",
    )  # fmt: skip
    school = next(row for row in rows if row[0] == "THCSBL")
    assert school[1] == owner_by_code("THCSBL").name  # whose row it is, in words
    codes = [row[0] for row in rows[1:]]
    units = db.session.scalars(select(AdminUnit.code)).all()
    assert set(units) <= set(codes) and "THCSBL" in codes
    assert all(isinstance(code, str) for code in codes)  # "03490" keeps its leading zero
    # Filled in and sent back, it imports whole.
    imported = client.post(
        "/staff/network/population/import",
        data={"file": (io.BytesIO(response.data), "dan-so-2026.xlsx")},
        content_type="multipart/form-data",
    )
    assert imported.status_code in (200, 302)
    make_staff("viewer", None, "xem")
    client.post("/logout")
    sign_in(client, "xem")
    assert client.get("/staff/network/population/template.xlsx").status_code == 403


def _post_sheet(client, rows, name="dan-so.xlsx"):
    return client.post(
        "/staff/network/population/import",
        data={"file": (_sheet(rows), name)},
        content_type="multipart/form-data",
    )


def test_a_filled_vietnamese_template_imports_and_refusals_name_row_and_column(client, network, db):
    """The template's Vietnamese headings are read back; a refused row is a sentence naming
    its row and its column as the page and the template do."""
    from openpyxl import load_workbook

    make_staff("manager", None, "ql-mang")
    sign_in(client, "ql-mang")
    template = client.get("/staff/network/population/template.xlsx?year=2027")
    headings = next(load_workbook(io.BytesIO(template.data)).active.iter_rows(values_only=True))
    response = _post_sheet(
        client,
        [
            headings,
            ("03493", "Phường Tân Phong", 2027, 8_100, 2_650, None),
            ("99999", "?", 2027, 1_000, 100, None),
            ("106", "?", 1800, 57_000, 19_500, None),
            ("THCSBL", "?", 2027, None, None, 670),
            ("03496", "?", 2027, 5_000, 6_000, None),
        ],
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert population_served(_unit(db, "03493"), 2027) == (8_100, 2_650)
    assert students_of(owner_by_code("THCSBL"), 2027) == 670
    assert (
        "Dòng 3, cột “Mã đơn vị hoặc trường học”: Không có đơn vị hành chính hoặc trường học này."
        in page
    )
    assert "Dòng 4, cột “Năm”: Ghi năm từ 1990 đến 2100." in page
    assert "Dòng 6, cột “Thiếu nhi”: Số trẻ em không thể lớn hơn dân số." in page
    assert "code:" not in page and "year:" not in page and "children:" not in page
    # A sheet without the columns is told their headings in words.
    wrong = _post_sheet(client, [("name", "people"), ("x", 1)])
    assert wrong.status_code == 422
    assert "“Mã đơn vị hoặc trường học”, “Năm”, “Dân số”" in wrong.get_data(as_text=True)


def test_old_english_and_unaccented_headings_still_import(client, network, db):
    """Files filled before the headings were Vietnamese keep working, as do English headings
    (a template downloaded in English) and headings typed without accents."""
    make_staff("manager", None, "ql-mang")
    sign_in(client, "ql-mang")
    old = _post_sheet(client, [("code", "year", "population", "children", "students"),
                               ("03493", 2028, 8_200, 2_700, None)])  # fmt: skip
    assert old.status_code == 302
    assert population_served(_unit(db, "03493"), 2028) == (8_200, 2_700)
    bare = _post_sheet(client, [("Ma don vi hoac truong hoc", "nam", "DAN SO", "thieu nhi"),
                                ("106", 2028, 58_500, 19_800)])  # fmt: skip
    assert bare.status_code == 302
    assert population_served(_unit(db, "106"), 2028) == (58_500, 19_800)
    client.post("/lang/en", data={"next": "/"})
    template = client.get("/staff/network/population/template.xlsx?year=2029")
    from openpyxl import load_workbook

    headings = next(load_workbook(io.BytesIO(template.data)).active.iter_rows(values_only=True))
    assert headings == (
        "Code of the unit or school", "Unit or school", "Year", "Population", "Children",
        "Students (schools)",
    )  # fmt: skip
    english = _post_sheet(client, [headings, ("03493", "x", 2029, 8_300, 2_750, None),
                                   ("nope", "x", 2029, 1, 1, None)])  # fmt: skip
    assert population_served(_unit(db, "03493"), 2029) == (8_300, 2_750)
    assert (
        "Row 3, column “Code of the unit or school”: Unknown administrative unit or school."
        in english.get_data(as_text=True)
    )
