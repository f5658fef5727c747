"""Pull the descriptive elements a catalogue shows and searches out of a MARC 21 record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymarc import Field, Record
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from libsys.text import fold

__all__ = ["MATERIAL_TYPES", "Description", "describe", "match_key"]

# Leader/06 (type of record) and, for textual material, leader/07 (bibliographic level).
MATERIAL_TYPES = {
    "a": "book",
    "t": "manuscript",
    "c": "score",
    "d": "score",
    "e": "map",
    "f": "map",
    "g": "video",
    "i": "sound",
    "j": "sound",
    "k": "visual",
    "m": "electronic",
    "o": "mixed",
    "p": "mixed",
    "r": "visual",
    "as": "serial",
    "ai": "serial",
    "ab": "serial",
}

# ISBD punctuation that closes an element in 245, 260, 300 etc. ("Tiêu đề /", "Hà Nội :").
_TRAILING_PUNCTUATION = " /:;,.=+"
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
_ISBN_CANDIDATE = re.compile(r"[0-9][0-9\- ]{8,16}[0-9Xx]")
_NOT_WORD = re.compile(r"[\W_]+")
_DDC_NOISE = str.maketrans("", "", "/'")
_CHILDREN_AUDIENCE = frozenset("abcj")
_CHILDREN_521 = re.compile(r"juvenile|children|thiếu nhi|trẻ em|\bages? \d|grades? \d", re.I)


@dataclass(slots=True)
class Description:
    """What a cataloguer sees of a record: title, authors, imprint, numbers and subjects."""

    title: str = ""
    subtitle: str = ""
    responsibility: str = ""
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    place: str = ""
    year: int | None = None
    edition: str = ""
    isbns: list[str] = field(default_factory=list)
    invalid_isbns: list[str] = field(default_factory=list)
    issn: str = ""
    language: str = ""
    material_type: str = ""
    ddc: str = ""
    subjects: list[str] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    pages: str = ""
    size: str = ""
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    control_number: str = ""
    control_source: str = ""
    audience_children: bool = False
    match_key: str = ""


def strip_isbd(text: str) -> str:
    """Remove the ISBD punctuation and blanks that end a MARC element."""
    # A full stop ending an abbreviation ("Jr.") goes too: telling it apart costs more than
    # it gives, and cataloguers end every area with a full stop anyway.
    text = text.strip().rstrip(_TRAILING_PUNCTUATION).strip()
    return text.strip("[]") if text.startswith("[") and text.endswith("]") else text


def _subfields(field: Field, codes: str) -> list[str]:
    return [value for code, value in field.subfields if code in codes and value.strip()]


def _joined(field: Field | None, codes: str) -> str:
    if field is None:
        return ""
    return strip_isbd(" ".join(value.strip() for value in _subfields(field, codes)))


def _heading(field: Field) -> str:
    """An author heading: name, then the parts that tell namesakes apart."""
    name_codes = "abcq" if field.tag.endswith("00") else "abcn"
    name = " ".join(strip_isbd(value) for value in _subfields(field, name_codes))
    dates = [
        strip_isbd(value) if not value.rstrip(" ,.").endswith("-") else value.strip(" ,.")
        for value in _subfields(field, "d")
    ]
    return ", ".join(part for part in [strip_isbd(name), *dates] if part)


def _year(record: Record) -> int | None:
    for tag in ("264", "260"):
        for found in record.get_fields(tag):
            if tag == "264" and found.indicator2 not in ("1", " "):
                continue  # 264 _0/_2/_3 are production, distribution and manufacture
            for value in _subfields(found, "c"):
                match = _YEAR.search(value)
                if match:
                    return int(match.group(1))
    fixed = record.get("008")
    if fixed is not None and fixed.data and len(fixed.data) >= 11:
        date1 = fixed.data[7:11]
        if date1.isdigit() and date1 != "0000":
            return int(date1)
    return None


def _isbns(record: Record) -> tuple[list[str], list[str]]:
    valid: list[str] = []
    invalid: list[str] = []
    for found in record.get_fields("020"):
        for value in _subfields(found, "a"):
            candidate = _ISBN_CANDIDATE.search(value)
            raw = candidate.group(0) if candidate else value.strip()
            try:
                number = stdnum_isbn.to_isbn13(stdnum_isbn.validate(raw))
            except Exception:  # stdnum raises several ValidationError subclasses
                if raw not in invalid:
                    invalid.append(raw)
                continue
            if number not in valid:
                valid.append(number)
    return valid, invalid


def _material_type(record: Record) -> str:
    record_type, level = record.leader[6], record.leader[7]
    if record_type == "a" and level in "sib":
        return MATERIAL_TYPES[record_type + level]
    return MATERIAL_TYPES.get(record_type, "")


def _language(record: Record) -> str:
    fixed = record.get("008")
    if fixed is not None and fixed.data and len(fixed.data) >= 38:
        code = fixed.data[35:38].strip().lower()
        if code.isalpha() and len(code) == 3:
            return code
    found = record.get("041")
    if found is not None:
        for value in _subfields(found, "a"):
            # Old records pack several codes in one $a ("engfre").
            return value.strip().lower()[:3]
    return ""


def _audience_children(record: Record) -> bool:
    fixed = record.get("008")
    if (
        record.leader[6] in "at"
        and fixed is not None
        and fixed.data
        and len(fixed.data) > 22
        and fixed.data[22] in _CHILDREN_AUDIENCE
    ):
        return True
    return any(
        _CHILDREN_521.search(value)
        for found in record.get_fields("521")
        for value in _subfields(found, "a")
    )


def _subject(field: Field) -> str:
    main = strip_isbd(" ".join(value.strip() for value in _subfields(field, "abcdq")))
    parts = [main] if main else []
    parts += [strip_isbd(value) for value in _subfields(field, "vxyz")]
    return " -- ".join(part for part in parts if part)


def match_key(title: str, author: str, year: int | None) -> str:
    """A key for spotting duplicates: folded title, first author and year."""
    parts = [_NOT_WORD.sub(" ", fold(text)).strip() for text in (title, author)]
    return "|".join([*parts, str(year or "")])


def describe(record: Record) -> Description:
    """Describe a bibliographic record for display, search and duplicate detection."""
    # One pass over the fields instead of one per element: describe() runs on every import.
    by_tag: dict[str, list[Field]] = {}
    for found in record.fields:
        by_tag.setdefault(found.tag, []).append(found)
    record = _Indexed(record, by_tag)
    title_field = record.get("245")
    description = Description()
    if title_field is not None:
        description.title = _joined(title_field, "abnp")
        description.subtitle = _joined(title_field, "b")
        description.responsibility = _joined(title_field, "c")

    for tag in ("100", "110", "111", "700", "710", "711"):
        for found in record.get_fields(tag):
            heading = _heading(found)
            if heading and heading not in description.authors:
                description.authors.append(heading)

    imprint = None
    for found in record.get_fields("264"):
        if found.indicator2 == "1":
            imprint = found
            break
    imprint = imprint or record.get("260") or record.get("264")
    if imprint is not None:
        description.place = _joined_first(imprint, "a")
        description.publisher = _joined_first(imprint, "b")
    description.year = _year(record)
    description.edition = _joined(record.get("250"), "ab")
    description.isbns, description.invalid_isbns = _isbns(record)

    issn_field = record.get("022")
    if issn_field is not None:
        for value in _subfields(issn_field, "a"):
            raw = value.strip()[:9]
            description.issn = stdnum_issn.format(raw) if stdnum_issn.is_valid(raw) else raw
            break

    description.language = _language(record)
    description.material_type = _material_type(record)
    ddc = record.get("082")
    if ddc is not None:
        for value in _subfields(ddc, "a"):
            description.ddc = value.translate(_DDC_NOISE).strip()
            break

    for found in record.get_fields(
        "600", "610", "611", "630", "648", "650", "651", "653", "654", "655", "656", "657"
    ):
        heading = _subject(found)
        if heading and heading not in description.subjects:
            description.subjects.append(heading)
    for found in record.get_fields("490", "830"):
        series = _joined(found, "anpv")
        if series and series not in description.series:
            description.series.append(series)

    physical = record.get("300")
    if physical is not None:
        description.pages = _joined_first(physical, "a")
        description.size = _joined_first(physical, "c")
    summary = record.get("520")
    if summary is not None:
        description.summary = _joined(summary, "a")
    for found in record.fields:
        if found.tag.startswith("5") and found.tag != "520" and not found.control_field:
            note = _joined(found, "abcdefghijklmnopqrstuvwxyz")
            if note:
                description.notes.append(note)

    control = record.get("001")
    description.control_number = (control.data or "").strip() if control is not None else ""
    source = record.get("003")
    description.control_source = (source.data or "").strip() if source is not None else ""
    description.audience_children = _audience_children(record)
    first_author = description.authors[0] if description.authors else ""
    description.match_key = match_key(description.title, first_author, description.year)
    return description


class _Indexed:
    """The few Record look-ups describe() needs, answered from a tag index."""

    __slots__ = ("leader", "fields", "_by_tag")

    def __init__(self, record: Record, by_tag: dict[str, list[Field]]) -> None:
        self.leader = record.leader
        self.fields = record.fields
        self._by_tag = by_tag

    def get(self, tag: str) -> Field | None:
        found = self._by_tag.get(tag)
        return found[0] if found else None

    def get_fields(self, *tags: str) -> list[Field]:
        if len(tags) == 1:
            return self._by_tag.get(tags[0], [])
        return [found for found in self.fields if found.tag in tags]


def _joined_first(found: Field, code: str) -> str:
    values = _subfields(found, code)
    return strip_isbd(values[0]) if values else ""
