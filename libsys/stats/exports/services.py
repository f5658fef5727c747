"""Statistics exports: one function for the CLI, the background job and the benchmark.

Every figure comes from `libsys.stats.services.indicator_values`, the function behind
GET /api/v1/stats/indicators, so a file says what the API says for the same period and
scope. A month or a range of days gives the monthly statistics (a summary and a sheet per
breakdown); a half-year or a year gives the report in the shape of the ministry's
public-library table (a row per level of library) with the plan-target comparison.
Files are written in Vietnamese whatever the asker's language: they are sent on.
"""

import re
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from libsys.errors import ValidationFailed
from libsys.stats.exports import monthly, report
from libsys.stats.exports.labels import Progress
from libsys.stats.exports.models import EXPORT_FORMATS
from libsys.stats.periods import Period, parse_period
from libsys.stats.scope import Scope, scope_for

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
# A half-year or a year: the 6-month or annual report; anything else the monthly statistics.
_REPORT_PERIOD = re.compile(r"^\d{4}(-H[12])?$")


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
