"""The full MARC 21 editor for cataloguers: fields as rows, or as mnemonic text.

Text format (MarcEdit's mnemonic format), one field per line:

    =LDR  00000nam a2200000 a 4500
    =008  250101s2024\\\\vm\\\\\\\\\\\\000\\0\\vie\\d
    =020  \\\\$a9786042100016$c85000đ
    =245  10$aTruyện Kiều /$cNguyễn Du.

`=`, the tag, two spaces; for data fields the two indicators (a blank is written `\\`, `#`
or `_`) then the subfields, each `$` + code + text. In the leader and control fields `\\`
stands for a blank. A literal dollar sign is written `{dollar}`.

Validation follows MARC 21: a 245 is present, the leader has 24 characters and a book's
008 has 40, ISBN check digits in 020 $a, known tags and their indicator values, subfield
codes a-z and 0-9, non-repeatable fields (one 1XX, one 245). Each problem is attached to
its row so the page can show it next to the field.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import pymarc
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pymarc import Field, Indicators, Leader, Subfield
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import InvalidChecksum, ValidationError

from libsys.accounts.access import permission_required
from libsys.catalog.services import get_record, record_marc, save_record
from libsys.core.clock import local_today
from libsys.errors import LibsysError, ValidationFailed
from libsys.extensions import db

LEADER = "LDR"
DEFAULT_LEADER = "00000nam a2200000 a 4500"
BLANK_SIGNS = {"\\": " ", "#": " ", "_": " ", "": " "}
DOLLAR = "{dollar}"

# MARC 21 bibliographic tags (the format's current list; obsolete ones left out).
KNOWN_TAGS = frozenset(
    """
    001 003 005 006 007 008 010 013 015 016 017 018 020 022 024 025 026 027 028 030 031
    032 033 034 035 036 037 038 040 041 042 043 044 045 046 047 048 050 051 052 055 060
    061 066 070 071 072 074 080 082 083 084 085 086 088 100 110 111 130 210 222 240 242
    243 245 246 247 250 251 254 255 256 257 258 260 263 264 270 300 306 307 310 321 334
    335 336 337 338 340 341 342 343 344 345 346 347 348 351 352 355 357 362 363 365 366
    370 377 380 381 382 383 384 385 386 387 388 490 500 501 502 504 505 506 507 508 510
    511 513 514 515 516 518 520 521 522 524 525 526 530 532 533 534 535 536 538 540 541
    542 544 545 546 547 550 552 555 556 561 562 563 565 567 580 581 583 584 585 586 588
    600 610 611 630 647 648 650 651 653 654 655 656 657 658 662 688 700 710 711 720 730
    740 751 752 753 754 758 760 762 765 767 770 772 773 774 775 776 777 780 785 786 787
    788 800 810 811 830 841 842 843 844 845 850 852 853 854 855 856 863 864 865 866 867
    868 876 877 878 880 881 882 883 884 885 886 887
    """.split()  # noqa: SIM905 - a table to read, not a list to edit
)
_DIGITS = "0123456789"
# Valid indicator values of the fields cataloguers use most ("" + blank = " ").
INDICATORS = {
    "020": (" ", " "),
    "022": (" 01", " "),
    "041": (" 01", " 7"),
    "082": ("017", " 04"),
    "100": ("013", " "),
    "110": ("012", " "),
    "245": ("01", _DIGITS),
    "246": ("0123", " 012345678"),
    "250": (" ", " "),
    "260": (" 23", " "),
    "264": (" 23", "01234"),
    "300": (" ", " "),
    "490": ("01", " "),
    "500": (" ", " "),
    "504": (" ", " "),
    "520": (" 012348", " "),
    "600": ("013", "01234567"),
    "650": (" 012", "01234567"),
    "651": (" ", "01234567"),
    "700": ("013", " 2"),
    "710": ("012", " 2"),
    "830": (" ", _DIGITS),
    "852": (" 012345678", " 012"),
}
# What the common fields hold, shown beside the tag.
TAG_LABELS = {
    LEADER: _l("Leader"),
    "001": _l("Control number"),
    "003": _l("Control number identifier"),
    "005": _l("Date of latest change"),
    "008": _l("Fixed-length data elements"),
    "020": _l("ISBN"),
    "022": _l("ISSN"),
    "041": _l("Language code"),
    "082": _l("Dewey class number"),
    "100": _l("Main entry: personal name"),
    "110": _l("Main entry: corporate name"),
    "245": _l("Title statement"),
    "246": _l("Varying form of title"),
    "250": _l("Edition"),
    "260": _l("Publication (imprint)"),
    "264": _l("Production, publication"),
    "300": _l("Physical description"),
    "490": _l("Series statement"),
    "500": _l("General note"),
    "504": _l("Bibliography note"),
    "520": _l("Summary"),
    "600": _l("Subject: personal name"),
    "650": _l("Subject: topical term"),
    "651": _l("Subject: geographic name"),
    "700": _l("Added entry: personal name"),
    "710": _l("Added entry: corporate name"),
    "830": _l("Series added entry"),
    "852": _l("Location"),
}
NON_REPEATABLE = frozenset(
    {"001", "003", "005", "008", "010", "018", "036", "038", "040", "042", "044", "066"}
    | {"100", "110", "111", "130", "240", "243", "245", "254", "256", "263", "306", "357"}
    | {"384", "841", "842", "844"}
)
_SUBFIELD_CODE = re.compile(r"^[a-z0-9]$")
_TAG = re.compile(r"^[0-9]{3}$")
_LINE = re.compile(r"^=(?P<tag>\S{3})(?: {1,2}(?P<rest>.*))?$")
_ISBN_TEXT = re.compile(r"^[0-9Xx\- ]+")


@dataclass
class EditorRow:
    """One field in the editor: tag, indicators, and the data or `$a...$b...` subfields."""

    tag: str
    ind1: str = " "
    ind2: str = " "
    value: str = ""
    line: int = 0  # position in the text (1-based) or among the rows
    errors: list[str] = field(default_factory=list)

    @property
    def is_control(self) -> bool:
        """Leader and 00X fields: data, no indicators or subfields."""
        return self.tag == LEADER or (self.tag.startswith("00") and self.tag.isdigit())

    @property
    def label(self) -> str:
        """What the field holds, for the common tags."""
        return str(TAG_LABELS.get(self.tag, ""))


class MarcInvalid(ValidationFailed):
    """The edited record breaks MARC 21 rules; `rows` carry each field's problems."""

    code = "INVALID_MARC"

    def __init__(self, rows: list[EditorRow], record_errors: list[str]):
        super().__init__(_l("The record has errors: see the marked fields."))
        self.rows = rows
        self.record_errors = record_errors


# --- Reading the editor's input ----------------------------------------------------------


def _blank(sign: str) -> str:
    return BLANK_SIGNS.get(sign, sign)


def parse_mnemonic(text: str) -> list[EditorRow]:
    """Rows from the mnemonic text format (see the module docstring)."""
    rows = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            row = EditorRow(tag="", value=line.strip(), line=number)
            row.errors.append(_("A line starts with = and a tag, e.g. =245  10$aTitle."))
            rows.append(row)
            continue
        tag = match.group("tag")
        tag = LEADER if tag.upper() == LEADER else tag
        rest = match.group("rest") or ""
        row = EditorRow(tag=tag, line=number)
        if row.is_control:
            row.value = rest.replace("\\", " ")
        else:
            indicators, row.value = rest[:2], rest[2:]
            row.ind1 = _blank(indicators[:1])
            row.ind2 = _blank(indicators[1:2])
        rows.append(row)
    return rows


def rows_from_form(form) -> list[EditorRow]:
    """Rows from the editor's row inputs (tag, ind1, ind2, value, repeated in order)."""
    tags, ind1s = form.getlist("tag"), form.getlist("ind1")
    ind2s, values = form.getlist("ind2"), form.getlist("value")
    rows = []
    for number, tag in enumerate(tags, start=1):
        value = values[number - 1] if number <= len(values) else ""
        tag = tag.strip()
        if not tag and not value.strip():
            continue  # an empty row: the way to delete a field without JavaScript
        row = EditorRow(
            tag=LEADER if tag.upper() == LEADER else tag,
            ind1=_blank((ind1s[number - 1] if number <= len(ind1s) else "")[:1]),
            ind2=_blank((ind2s[number - 1] if number <= len(ind2s) else "")[:1]),
            value=value if tag.upper() == LEADER or tag.startswith("00") else value.strip(),
            line=number,
        )
        rows.append(row)
    return rows


def rows_from_record(record: pymarc.Record) -> list[EditorRow]:
    """Rows showing a pymarc record: leader first, then the fields in order."""
    rows = [EditorRow(tag=LEADER, value=str(record.leader), line=1)]
    for number, marc_field in enumerate(record.fields, start=2):
        if marc_field.is_control_field():
            rows.append(EditorRow(tag=marc_field.tag, value=marc_field.data or "", line=number))
        else:
            value = "".join(
                f"${sub.code}{sub.value.replace('$', DOLLAR)}" for sub in marc_field.subfields
            )
            ind1, ind2 = marc_field.indicators
            rows.append(EditorRow(marc_field.tag, ind1 or " ", ind2 or " ", value, number))
    return rows


def rows_to_mnemonic(rows: list[EditorRow]) -> str:
    """The mnemonic text of rows (blanks written as backslashes)."""
    lines = []
    for row in rows:
        if row.is_control:
            lines.append(f"={row.tag}  {row.value.replace(' ', chr(92))}")
        else:
            indicators = (row.ind1 + row.ind2).replace(" ", "\\")
            lines.append(f"={row.tag}  {indicators}{row.value}")
    return "\n".join(lines) + "\n"


def parse_subfields(value: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Subfields (code, text) of `$a...$b...`, and the problems found in writing them."""
    problems = []
    value = value.strip()
    if not value:
        return [], [_("The field has no subfield: write them as $a text $b text.")]
    if not value.startswith("$"):
        problems.append(_("Subfields start with $ and a code, e.g. $a."))
    subfields = []
    for part in value.split("$")[1:]:
        code, text = part[:1], part[1:].replace(DOLLAR, "$").strip()
        if not _SUBFIELD_CODE.match(code):
            problems.append(
                _("Subfield code “%(code)s” is not a lowercase letter or a digit.", code=code)
            )
            continue
        if not text:
            problems.append(_("Subfield $%(code)s is empty.", code=code))
            continue
        subfields.append((code, text))
    return subfields, problems


# --- Rules -------------------------------------------------------------------------------


def _is_local(tag: str) -> bool:
    """9XX and X9X are left to each library (090, 590, 690, 900...)."""
    return tag[0] == "9" or tag[1] == "9"


def _check_isbn(text: str) -> str | None:
    match = _ISBN_TEXT.match(text.strip())
    candidate = match.group(0).strip() if match else text.strip()
    try:
        stdnum_isbn.validate(candidate)
    except InvalidChecksum:
        return _("ISBN %(isbn)s has a wrong check digit.", isbn=candidate)
    except ValidationError:
        return _("“%(isbn)s” is not an ISBN (10 or 13 digits).", isbn=candidate)
    return None


def _is_book(leader: str) -> bool:
    return len(leader) >= 8 and leader[6] in "at" and leader[7] in "acdm"


def validate_rows(rows: list[EditorRow]) -> list[str]:
    """Check every rule; problems go into each row's `errors`, record-wide ones are returned."""
    record_errors: list[str] = []
    leader_rows = [row for row in rows if row.tag == LEADER]
    leader = leader_rows[0].value if leader_rows else DEFAULT_LEADER
    seen: dict[str, int] = {}
    main_entries = 0
    for row in rows:
        if not row.tag:
            continue  # already marked when read
        if row.tag == LEADER:
            if row is not leader_rows[0]:
                row.errors.append(_("The record has only one leader."))
            if len(row.value) != 24:
                row.errors.append(
                    _("The leader has %(n)s characters instead of 24.", n=len(row.value))
                )
            continue
        if not _TAG.match(row.tag):
            row.errors.append(_("A tag is three digits, e.g. 245."))
            continue
        if row.tag not in KNOWN_TAGS and not _is_local(row.tag):
            row.errors.append(_("%(tag)s is not a MARC 21 bibliographic tag.", tag=row.tag))
        seen[row.tag] = seen.get(row.tag, 0) + 1
        if row.tag in NON_REPEATABLE and seen[row.tag] > 1:
            row.errors.append(_("Field %(tag)s cannot be repeated.", tag=row.tag))
        if row.tag[0] == "1":
            main_entries += 1
            if main_entries > 1 and seen[row.tag] == 1:
                row.errors.append(_("A record has only one main entry (1XX)."))
        if row.is_control:
            if "$" in row.value:
                row.errors.append(_("A control field (00X) has no subfields."))
            if row.tag == "008" and _is_book(leader) and len(row.value) != 40:
                row.errors.append(
                    _("Field 008 has %(n)s characters; a book's has 40.", n=len(row.value))
                )
            continue
        _check_indicators(row)
        subfields, problems = parse_subfields(row.value)
        row.errors.extend(problems)
        codes = [code for code, _text in subfields]
        if row.tag == "020":
            for code, text in subfields:
                if code == "a":
                    problem = _check_isbn(text)
                    if problem:
                        row.errors.append(problem)
        if row.tag == "022":
            for code, text in subfields:
                if code == "a" and not stdnum_issn.is_valid(text.split()[0]):
                    row.errors.append(_("ISSN %(issn)s is not valid.", issn=text))
        if row.tag == "245" and "a" not in codes and "k" not in codes and not problems:
            row.errors.append(_("Field 245 needs the title in $a."))
    if "245" not in seen:
        record_errors.append(_("The record needs a title (field 245)."))
    return record_errors


def _check_indicators(row: EditorRow) -> None:
    allowed = INDICATORS.get(row.tag)
    for position, value in ((1, row.ind1), (2, row.ind2)):
        if len(value) != 1 or not (value == " " or value.isdigit() or value.islower()):
            row.errors.append(
                _("Indicator %(n)s must be a blank, a digit or a lowercase letter.", n=position)
            )
        elif allowed and value not in allowed[position - 1]:
            choices = ", ".join(
                _("blank") if sign == " " else sign for sign in allowed[position - 1]
            )
            row.errors.append(
                _(
                    "Indicator %(n)s of field %(tag)s must be one of: %(choices)s.",
                    n=position,
                    tag=row.tag,
                    choices=choices,
                )
            )


def rows_to_record(rows: list[EditorRow]) -> pymarc.Record:
    """A pymarc record from valid rows."""
    record = pymarc.Record(leader=DEFAULT_LEADER)
    for row in rows:
        if row.tag == LEADER:
            record.leader = Leader(row.value)
        elif row.is_control:
            record.fields.append(Field(tag=row.tag, data=row.value))
        else:
            subfields, _problems = parse_subfields(row.value)
            record.fields.append(
                Field(
                    tag=row.tag,
                    indicators=Indicators(row.ind1, row.ind2),
                    subfields=[Subfield(code, text) for code, text in subfields],
                )
            )
    return record


def check_marc(rows: list[EditorRow]) -> pymarc.Record:
    """Validate rows and build the record, or raise MarcInvalid with each row's problems."""
    record_errors = validate_rows(rows)
    if record_errors or any(row.errors for row in rows):
        raise MarcInvalid(rows, record_errors)
    return rows_to_record(rows)


def new_record_rows(today: date) -> list[EditorRow]:
    """The rows a new record starts with: leader, 008 for a Vietnamese book, an empty 245."""
    # 008 of a book: date entered, single date, place "vm " (Vietnam), language vie.
    fixed = f"{today:%y%m%d}s{today.year}    vm " + " " * 17 + "vie d"
    return [
        EditorRow(tag=LEADER, value=DEFAULT_LEADER, line=1),
        EditorRow(tag="008", value=fixed, line=2),
        EditorRow(tag="041", ind1="0", value="$avie", line=3),
        EditorRow(tag="245", ind1="1", ind2="0", value="$a", line=4),
    ]


# --- Pages -------------------------------------------------------------------------------

bp = Blueprint("cataloguing", __name__, url_prefix="/staff/cataloguing")
BLANK_ROWS = 5


def _rows_from_request() -> list[EditorRow]:
    if request.form.get("mode") == "text":
        return parse_mnemonic(request.form.get("marc_text", ""))
    return rows_from_form(request.form)


def _editor_page(rows, *, record=None, record_errors=(), status=200):
    return render_template(
        "catalog/tools/marc_editor.html",
        record=record,
        rows=rows,
        blank_rows=BLANK_ROWS,
        marc_text=rows_to_mnemonic(rows),
        record_errors=record_errors,
        has_errors=bool(record_errors) or any(row.errors for row in rows),
    ), status


def _save(rows, record=None):
    """Validate and save; a page with each problem beside its row when it fails."""
    try:
        with db.session.begin_nested():
            marc_record = check_marc(rows)
            saved = save_record(marc_record, record=record)
    except MarcInvalid as exc:
        flash(str(exc.message), "error")
        return _editor_page(rows, record=record, record_errors=exc.record_errors, status=422)
    except LibsysError as exc:
        messages = [str(exc.message), *map(str, exc.fields.values())]
        return _editor_page(rows, record=record, record_errors=messages, status=422)
    flash(_("Record saved."), "success")
    return redirect(url_for("cataloguing.edit_marc", id=saved.id))


@bp.route("/records/<int:id>/marc", methods=["GET", "POST"])
@permission_required("catalog.edit")
def edit_marc(id):  # noqa: A002 - the URL names it id
    """Edit a record's MARC fields."""
    record = get_record(id)
    if request.method == "POST":
        return _save(_rows_from_request(), record)
    return _editor_page(rows_from_record(record_marc(record)), record=record)


@bp.route("/records/new", methods=["GET", "POST"])
@permission_required("catalog.edit")
def new_marc():
    """Describe a new record field by field."""
    if request.method == "POST":
        return _save(_rows_from_request())
    return _editor_page(new_record_rows(local_today()))
