"""Population served, year by year: entered by a manager or imported from a spreadsheet.

Per-capita indicators (copies, loans and visits per inhabitant; the share of inhabitants who
are active readers; the share of students reached) divide by these figures, so a year keeps
its own denominators when the census moves on.
"""

import csv
import io
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.core.forms import whole_number
from libsys.db import lock_row
from libsys.errors import PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import AdminUnit, Library, Population
from libsys.text import fold

FIRST_YEAR, LAST_YEAR = 1990, 2100
# Columns of the import sheet; "students" is optional and only for schools.
IMPORT_COLUMNS = ("code", "year", "population", "children", "students")
# Their headings in the template and in the import's messages, in the page's words. A sheet
# may head a column with these words in Vietnamese or English, with or without accents, or
# with the column's code (templates downloaded before the headings were words).
COLUMN_LABELS = {
    "code": _l("Code of the unit or school"),
    "year": _l("Year"),
    "population": _l("Population"),
    "children": _l("Children"),
    "students": _l("Students (schools)"),
}
NAME_LABEL = _l("Unit or school")  # the template's reminder of whose row it is, not read back


def is_school(library: Library) -> bool:
    """A school library, or a rotation point kept in a school: it has students, not inhabitants."""
    return library.level == "school" or (
        library.level == "point" and library.point_kind == "school"
    )


def owner_by_code(code) -> AdminUnit | Library | None:
    """The administrative unit with this code, else the school library with it, else None."""
    code = str(code or "").strip().upper()
    if not code:
        return None
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))
    if unit is not None:
        return unit
    library = db.session.scalar(select(Library).where(Library.code == code))
    return library if library is not None and is_school(library) else None


# The unit a library serves is the one of its own level that holds its address; points,
# schools and commune libraries serve their commune.
AREA_LEVEL = {"provincial": "province", "district": "district"}


def area_unit_ids(library: Library) -> set[int]:
    """The administrative units a library serves: the unit of its level that holds it (the
    province for the provincial library, the district for a district library, the commune
    for the others) and every unit under it."""
    top = library.admin_unit
    wanted = AREA_LEVEL.get(library.level, "commune")
    while top is not None and top.level != wanted and top.parent is not None:
        top = top.parent
    if top is None:
        return set()
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in db.session.execute(select(AdminUnit.id, AdminUnit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    area, frontier = {top.id}, [top.id]
    while frontier:
        found = children.get(frontier.pop(), [])
        area.update(found)
        frontier.extend(found)
    return area


def may_enter_population(user, owner) -> bool:
    """Whether the account enters this unit's or school's figures: a network account any, a
    library's account those of its library's area (units, and schools in them)."""
    library_id = getattr(user, "library_id", None) if user is not None else None
    if library_id is None or owner is None:
        return True
    library = db.session.get(Library, library_id)
    area = area_unit_ids(library)
    if isinstance(owner, Library):
        return owner.id == library.id or owner.admin_unit_id in area
    return owner.id in area


def require_population_scope(user, owner) -> None:
    """Refuse (403) a unit or school outside the account's library's area."""
    if not may_enter_population(user, owner):
        raise PermissionDenied(
            _l(
                "%(code)s is outside your library's area: its figures are entered by the "
                "library that serves it or by the network.",
                code=owner.code,
            ),
            code="OUT_OF_SCOPE",
        )


def _count(value, name: str, errors: dict) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = whole_number(str(value).replace(".", "").replace(",", "").replace(" ", ""))
    if number is None:
        errors[name] = _l("Enter a whole number.")
    return number


def save_population(
    owner, year, *, population=None, children=None, students=None, user=None
) -> Population:
    """Record (or correct) one year's population of a unit, or students of a school (`user`:
    a library's account only within its library's area)."""
    require_population_scope(user, owner)
    errors: dict = {}
    if owner is None:
        errors["code"] = _l("Unknown administrative unit or school.")
    number = whole_number(year)
    if number is None or not FIRST_YEAR <= number <= LAST_YEAR:
        errors["year"] = _l("Write a year from %(first)s to %(last)s.", first=FIRST_YEAR,
                            last=LAST_YEAR)  # fmt: skip
    population = _count(population, "population", errors)
    children = _count(children, "children", errors)
    students = _count(students, "students", errors)
    school = isinstance(owner, Library)
    if school and population is None and children is None and students is None:
        errors["students"] = _l("Write the number of students.")
    if not school and owner is not None:
        if students is not None:
            errors["students"] = _l("Students are counted per school, not per unit.")
        if population is None:
            errors["population"] = _l("Write the population.")
    if population is not None and children is not None and children > population:
        errors["children"] = _l("Children cannot outnumber the population.")
    if errors:
        raise ValidationFailed(fields=errors)
    owner_column = Population.library_id if school else Population.admin_unit_id
    # Two managers saving the same year at once take turns on the owner's row, so the second
    # corrects the first's row instead of adding a second one.
    lock_row(type(owner), owner.id)
    row = db.session.scalar(
        select(Population).where(owner_column == owner.id, Population.year == number)
    )
    if row is None:
        row = Population(year=number)
        if school:
            row.library = owner
        else:
            row.admin_unit = owner
        db.session.add(row)
    row.population, row.children, row.students = population, children, students
    db.session.flush()
    if not school:
        _keep_latest(owner)
    return row


def _keep_latest(unit: AdminUnit) -> None:
    """AdminUnit.population and children_population mirror the unit's latest year."""
    latest = db.session.scalar(
        select(Population)
        .where(Population.admin_unit_id == unit.id)
        .order_by(Population.year.desc())
        .limit(1)
    )
    if latest is not None:
        unit.population = latest.population
        unit.children_population = latest.children


def population_rows(year: int | None = None) -> list[Population]:
    """The rows entered, for a year or all years, latest year first, units before schools."""
    query = select(Population).order_by(
        Population.year.desc(), Population.admin_unit_id.is_(None), Population.id
    )
    if year is not None:
        query = query.where(Population.year == year)
    return list(db.session.scalars(query))


def population_served(unit: AdminUnit, year: int) -> tuple[int | None, int | None]:
    """(inhabitants, children) of a unit in a year: that year's row, else the latest before
    it, else the unit's own columns (entered before figures were kept per year)."""
    row = db.session.scalar(
        select(Population)
        .where(Population.admin_unit_id == unit.id, Population.year <= year)
        .order_by(Population.year.desc())
        .limit(1)
    )
    if row is not None:
        return row.population, row.children
    return unit.population, unit.children_population


def students_of(library: Library, year: int) -> int | None:
    """A school's students in a year (the latest year entered up to it), or None."""
    return db.session.scalar(
        select(Population.students)
        .where(Population.library_id == library.id, Population.year <= year)
        .order_by(Population.year.desc())
        .limit(1)
    )


@dataclass
class PopulationImport:
    """What an import did: rows saved, and for each refused row's every wrong column its row
    number and a sentence naming the row, the column and what is wrong."""

    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _csv_rows(data: bytes):
    """The rows of a CSV file (UTF-8, with or without BOM; comma, semicolon or tab)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(fields={"file": _l("Save the CSV file as UTF-8.")}) from None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _sheet_rows(stream):
    """The rows of the first sheet of an xlsx file, or of a CSV file."""
    from openpyxl import load_workbook

    data = stream.read()
    if not data.startswith(b"PK"):  # an xlsx is a zip archive; anything else is read as CSV
        return _csv_rows(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not xlsx
        raise ValidationFailed(fields={"file": _l("This is not an xlsx spreadsheet.")}) from None
    rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def population_template(year: int, *, user=None) -> bytes:
    """An xlsx to fill in: the columns, a row per unit and per school the account may enter,
    last figures kept."""
    from openpyxl import Workbook

    from libsys.core.spreadsheets import append_row, set_widths, style_header, workbook_bytes

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_l("Population served"))[:31]
    headings = [str(COLUMN_LABELS["code"]), str(NAME_LABEL)]
    headings += [str(COLUMN_LABELS[name]) for name in IMPORT_COLUMNS[1:]]
    style_header(append_row(sheet, headings))
    for unit in db.session.scalars(select(AdminUnit).order_by(AdminUnit.code)):
        if not may_enter_population(user, unit):
            continue
        inhabitants, children = population_served(unit, year)
        append_row(sheet, (unit.code, unit.path(), year, inhabitants, children, None))
    for library in db.session.scalars(select(Library).order_by(Library.code)):
        if is_school(library) and may_enter_population(user, library):
            students = students_of(library, year)
            append_row(sheet, (library.code, library.name, year, None, None, students))
    set_widths(sheet, (16, 50, 8, 14, 14, 14))
    sheet.freeze_panes = "C2"
    return workbook_bytes(workbook)


def _heading(text) -> str:
    """A column's heading as compared: no accents, lower case, single spaces."""
    return " ".join(fold(str(text or "").strip()).split())


def _column_names() -> dict[str, str]:
    """Every heading the import reads (folded), and the column it names."""
    names = {}
    for locale in ("vi", "en"):
        with force_locale(locale):
            names.update({_heading(label): name for name, label in COLUMN_LABELS.items()})
    names.update({name: name for name in IMPORT_COLUMNS})
    return names


def _refusal(number: int, column: str, message) -> tuple[int, str]:
    """A refused row's reason: its row and column, as the page and the template name them."""
    label = COLUMN_LABELS.get(column, column)
    return number, str(
        _l(
            "Row %(row)s, column “%(column)s”: %(message)s",
            row=number,
            column=label,
            message=message,
        )
    )


def import_population(stream, *, user=None) -> PopulationImport:
    """Read an xlsx or CSV sheet (code, year, population, children[, students]) row by row.

    The first row names the columns (in any order), by the template's headings in Vietnamese
    or English or by their codes; other columns are not read. A wrong row is reported with its
    number, column and reason, and skipped; the others are saved, each in its own savepoint. A
    row of a unit or school outside the account's library's area is one of the wrong rows:
    nothing of it is written.
    """
    result = PopulationImport()
    rows = iter(_sheet_rows(stream))
    names = _column_names()
    position: dict[str, int] = {}
    for index, cell in enumerate(next(rows, ())):
        name = names.get(_heading(cell))
        if name is not None:
            position.setdefault(name, index)
    if any(name not in position for name in IMPORT_COLUMNS[:3]):
        columns = ", ".join(f"“{COLUMN_LABELS[name]}”" for name in IMPORT_COLUMNS)
        raise ValidationFailed(
            fields={
                "file": _l("The first row must name the columns: %(columns)s.", columns=columns)
            }
        )
    for number, cells in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue

        def cell(name, cells=cells):
            index = position.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        year = cell("year")
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        try:
            with db.session.begin_nested():
                save_population(
                    owner_by_code(cell("code")),
                    year,
                    population=cell("population"),
                    children=cell("children"),
                    students=cell("students"),
                    user=user,
                )
        except ValidationFailed as exc:
            result.errors.extend(
                _refusal(number, name, message) for name, message in exc.fields.items()
            )
        except PermissionDenied as exc:
            result.errors.append(_refusal(number, "code", exc.message))
        else:
            result.imported += 1
    return result
