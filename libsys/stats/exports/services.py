"""Statistics exports: one function for the CLI, the background job and the benchmark.

Every figure comes from `libsys.stats.services.indicator_values`, the function behind
GET /api/v1/stats/indicators, so a file says what the API says for the same period and
scope. A month or a range of days gives the monthly statistics (a summary and a sheet per
breakdown); a half-year or a year gives the report in the shape of the ministry's
public-library table (a row per level of library) with the plan-target comparison.
Files are written in Vietnamese whatever the asker's language: they are sent on.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import AdminUnit, Library
from libsys.readers.ethnicities import ETHNICITY_NAMES
from libsys.readers.models import ReaderCategory
from libsys.stats.exports.models import EXPORT_FORMATS
from libsys.stats.indicators.queries import UNKNOWN
from libsys.stats.periods import Period, parse_period
from libsys.stats.scope import Scope, scope_for

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
# A half-year or a year: the 6-month or annual report; anything else the monthly statistics.
_REPORT_PERIOD = re.compile(r"^\d{4}(-H[12])?$")

Progress = Callable[[int, int], None] | None

LEVEL_LABELS = {
    "provincial": _l("Provincial library"),
    "district": _l("District library"),
    "commune": _l("Commune library"),
    "school": _l("School library"),
    "point": _l("Rotation point"),
    "other": _l("Other library"),
}
GENDER_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
AGE_GROUP_LABELS = {
    "child": _l("Under 15"),
    "youth": _l("15 to 17"),
    "adult": _l("18 to 59"),
    "elderly": _l("60 and over"),
}
BREAKDOWN_LABELS = {
    "library": _l("Library"),
    "level": _l("Level of library"),
    "month": _l("Month"),
    "reader_category": _l("Reader category"),
    "age_group": _l("Age group"),
    "gender": _l("Gender"),
    "ethnicity": _l("Ethnicity"),
    "commune": _l("Commune"),
    "store": _l("Store"),
    "class": _l("Class"),
}


@dataclass
class ExportedFile:
    """An export's file: the name offered for saving, its type and its bytes."""

    filename: str
    content_type: str
    content: bytes


def is_report_period(period: Period) -> bool:
    """A half-year or a year (the 6-month or annual report), not a month or a range."""
    return bool(_REPORT_PERIOD.match(period.label))


def check_format(fmt: str | None) -> str:
    """The format asked for, or a 422 naming the three."""
    value = (fmt or "").strip().lower()
    if value not in EXPORT_FORMATS:
        raise ValidationFailed(
            fields={"format": _l("Choose one of: %(names)s.", names=", ".join(EXPORT_FORMATS))},
            code="UNKNOWN_FORMAT",
        )
    return value


def scope_name(scope: Scope) -> str:
    """Who the figures are about, in words: the library's name, a level, or the network."""
    if scope.library is not None:
        return scope.library.name
    if scope.level is not None:
        return str(LEVEL_LABELS.get(scope.level, scope.level))
    return str(_l("The whole library network"))


def group_namer(breakdown: str) -> Callable[[str], str]:
    """A function giving a breakdown's group its name in words (codes become names)."""
    names: dict[str, str] = {}
    if breakdown == "level":
        names = {code: str(label) for code, label in LEVEL_LABELS.items()}
    elif breakdown == "gender":
        names = {code: str(label) for code, label in GENDER_LABELS.items()}
    elif breakdown == "age_group":
        names = {code: str(label) for code, label in AGE_GROUP_LABELS.items()}
    elif breakdown == "ethnicity":
        names = dict(ETHNICITY_NAMES)
    elif breakdown == "reader_category":
        names = dict(db.session.execute(select(ReaderCategory.code, ReaderCategory.name)).all())
    elif breakdown == "library":
        names = dict(db.session.execute(select(Library.code, Library.name)).all())
    elif breakdown == "commune":
        names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all())
    unknown = str(_l("Unknown"))
    return lambda group: unknown if group == UNKNOWN else names.get(group, group)


def file_stem(period: Period, scope: Scope) -> str:
    """The file's name without extension: what it is, the scope and the period."""
    kind = "baocao" if is_report_period(period) else "thongke"
    where = scope.label or "network"
    period_part = period.label.replace("..", "_")
    return f"{kind}-{where}-{period_part}"


def export_file(
    period_text: str,
    library_code: str | None,
    fmt: str,
    *,
    level: str | None = None,
    user=None,
    progress: Progress = None,
) -> ExportedFile:
    """The statistics of a period for a library, a level or the network, as xlsx, csv or pdf.

    `user` None (the CLI) sees the whole network; a staff account only what `scope_for`
    lets it see. `progress(done, total)` is called as each part is counted.
    """
    from libsys.stats.exports import monthly, report

    fmt = check_format(fmt)
    period = parse_period(period_text)
    scope = scope_for(user, (library_code or "").strip() or None, (level or "").strip() or None)
    with force_locale("vi"):
        if fmt == "csv":
            content = monthly.long_csv(period, scope, progress)
        elif is_report_period(period):
            build = report.report_xlsx if fmt == "xlsx" else report.report_pdf
            content = build(period, scope, progress)
        else:
            build = monthly.monthly_xlsx if fmt == "xlsx" else monthly.summary_pdf
            content = build(period, scope, progress)
    return ExportedFile(f"{file_stem(period, scope)}.{fmt}", CONTENT_TYPES[fmt], content)
