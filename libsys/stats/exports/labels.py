"""The words of the exports: labels of levels, breakdowns and groups, and who a file is about.

Shared by the monthly statistics (monthly.py), the report (report.py), their page layout
(document.py) and the pages that offer a level to choose.
"""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.extensions import db
from libsys.network.labels import LEVEL_LABELS
from libsys.network.models import AdminUnit, Library
from libsys.readers.ethnicities import ETHNICITY_NAMES
from libsys.readers.labels import GENDER_LABELS
from libsys.readers.models import ReaderCategory
from libsys.stats.indicators.queries import UNKNOWN
from libsys.stats.scope import Scope

Progress = Callable[[int, int], None] | None

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
        # The desk's tally of visitors without a card counts "children" (a category's code
        # too) and "adults" (no category's).
        names.setdefault("adults", str(_l("Adults counted at the door")))
    elif breakdown == "library":
        names = dict(db.session.execute(select(Library.code, Library.name)).all())
    elif breakdown == "commune":
        names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)).all())
    unknown = str(_l("Unknown"))
    return lambda group: unknown if group == UNKNOWN else names.get(group, group)
