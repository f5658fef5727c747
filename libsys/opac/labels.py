"""Words the OPAC shows for codes: facet names and values, copy statuses, MARC lines."""

import json

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.catalog.languages import language_name
from libsys.extensions import db
from libsys.network.models import Library

FACET_LABELS = {
    "library": _l("Library"),
    "material_type": _l("Material type"),
    "language": _l("Language"),
    "year": _l("Year published"),
    "subject": _l("Subject"),
    "audience": _l("Readers"),
    "available": _l("Availability"),
}
LANGUAGE_LABELS = {
    "vie": _l("Vietnamese"),
    "eng": _l("English"),
    "fre": _l("French"),
    "rus": _l("Russian"),
    "chi": _l("Chinese"),
    "ger": _l("German"),
    "jpn": _l("Japanese"),
    "kor": _l("Korean"),
    "spa": _l("Spanish"),
}
MATERIAL_LABELS = {
    "book": _l("Book"),
    "serial": _l("Newspaper or magazine"),
    "map": _l("Map"),
    "music": _l("Music"),
    "video": _l("Video"),
    "audio": _l("Sound recording"),
    "electronic": _l("Electronic resource"),
    "manuscript": _l("Manuscript"),
    "mixed": _l("Mixed materials"),
    "kit": _l("Kit"),
}
YEAR_LABELS = {
    "2020-": _l("2020 and later"),
    "2010-2019": "2010–2019",
    "2000-2009": "2000–2009",
    "1975-1999": "1975–1999",
    "-1974": _l("Before 1975"),
}


def library_names() -> dict[str, str]:
    """Library code -> name, for facet values and copies."""
    return dict(db.session.execute(select(Library.code, Library.name)).all())


def facet_value_label(name: str, value: str, libraries: dict[str, str]) -> str:
    """How a facet value reads for people."""
    if name == "library":
        return libraries.get(value, value)
    if name == "language":
        return str(LANGUAGE_LABELS.get(value) or language_name(value))
    if name == "material_type":
        return str(MATERIAL_LABELS.get(value, value))
    if name == "year":
        return str(YEAR_LABELS.get(value, value))
    if name == "audience":
        return _("Children") if value == "children" else value
    if name == "available":
        return _("On the shelf now")
    return value


def copy_status(item, due_date=None) -> str:
    """A copy's status in words: on the shelf, on loan until dd/mm/yyyy, at rotation point..."""
    status = item.status
    if status == "available":
        return _("On the shelf")
    if status == "on_loan":
        if due_date is not None:
            return _("On loan until %(date)s", date=format_date(due_date, "dd/MM/yyyy"))
        return _("On loan")
    if status == "at_rotation_point":
        place = item.location_library.name if item.location_library else ""
        return _("At rotation point %(place)s", place=place).strip()
    if status == "in_transit":
        place = item.location_library.name if item.location_library else ""
        return _("In transit to %(place)s", place=place) if place else _("In transit")
    return str(
        {
            "on_hold_shelf": _l("Waiting on the hold shelf"),
            "lost": _l("Lost"),
            "damaged": _l("Damaged"),
            "withdrawn": _l("Withdrawn"),
            "in_repair": _l("Being repaired"),
        }.get(status, status)
    )


def marc_lines(marc_json: str | None) -> list[tuple[str, str, str]]:
    """The MARC record as (tag, indicators, content) lines, subfields as $a ... $b ..."""
    if not marc_json:
        return []
    try:
        data = json.loads(marc_json)
    except ValueError:
        return []
    lines = [("LDR", "", data.get("leader", ""))]
    for entry in data.get("fields", []):
        for tag, value in entry.items():
            if isinstance(value, dict):
                indicators = (value.get("ind1") or " ") + (value.get("ind2") or " ")
                content = " ".join(
                    f"${code} {text}"
                    for sub in value.get("subfields", [])
                    for code, text in sub.items()
                )
                lines.append((tag, indicators.replace(" ", "#"), content))
            else:
                lines.append((tag, "", str(value)))
    return lines
