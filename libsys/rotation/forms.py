"""The rotation pages' forms: what the browser sends, read into typed values.

The forms read text, dates (dd/mm/yyyy as typed, or ISO from a date input), numbers and
check boxes; the rules (the 6-month stay, a copy's checks, children within all) are the
services', which every caller shares with the API.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp

from libsys.readers.forms import DayField
from libsys.rotation.schemas import PERIOD_MESSAGE

UNTICKED = ("", "0", "false", "off")
COUNT_MESSAGE = _l("Write a whole number, 0 or more.")


class PageForm(FlaskForm):
    """A staff page's form: CSRFProtect checks the template's token for every POST."""

    class Meta:
        csrf = False


def barcodes_in(text: str | None) -> list[str]:
    """Barcodes scanned into a text box: one per line (or separated by spaces or commas)."""
    return [part for part in (text or "").replace(",", " ").split() if part]


class NewBatchForm(PageForm):
    """A new batch: the owning library, the point, the planned dates and the priority tags."""

    library = SelectField(validate_choice=False)
    point = SelectField(
        validate_choice=False, validators=[InputRequired(_l("Choose a rotation point."))]
    )
    planned_dispatch = DayField()
    # DataRequired, not InputRequired: a blank typed as spaces reads as no date at all.
    planned_return = DayField(validators=[DataRequired(_l("Write the planned return date."))])
    approve_long_stay = BooleanField(false_values=UNTICKED)
    note = StringField(validators=[Optional()])


class ScanForm(PageForm):
    """One copy scanned (or typed) by its barcode."""

    barcode = StringField(validators=[InputRequired(_l("Scan or type the copy's barcode."))])


class CloseForm(PageForm):
    """What came back: scanned barcodes, or the copies' boxes ticked; the rest is missing."""

    returned_scans = TextAreaField()
    damaged_scans = TextAreaField()


class ReceiveForm(PageForm):
    """Receipt at the point: everything, or only the copies scanned (the rest missing)."""

    scans = TextAreaField()


class PointLoanForm(PageForm):
    """A copy lent at the point; the reader stays in the point's own register."""

    barcode = StringField(validators=[InputRequired(_l("Scan or choose the copy."))])
    reader = StringField(validators=[Optional()])
    children = BooleanField(false_values=UNTICKED)


class CountField(IntegerField):
    """A whole number of people or uses; anything else gets the page's own message."""

    def process_formdata(self, valuelist):
        """Read the number; text that is not one keeps COUNT_MESSAGE on the field."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(COUNT_MESSAGE)) from None


def _count(**kwargs):
    return CountField(
        default=0,
        validators=[Optional(), NumberRange(min=0, max=1_000_000, message=COUNT_MESSAGE)],
        **kwargs,
    )


class TallyForm(PageForm):
    """A period's tally: visits and uses, of which children's, and the titles asked for."""

    period = StringField(
        validators=[
            InputRequired(PERIOD_MESSAGE),
            Regexp(r"^\d{4}(-(0[1-9]|1[0-2]))?$", message=PERIOD_MESSAGE),
        ]
    )
    visits = _count()
    uses = _count()
    children_visits = _count()
    children_uses = _count()
    requests = TextAreaField()

    def tally(self) -> dict:
        """The values for `record_tally`, as the API's TallySchema gives them."""
        return {
            "period": self.period.data.strip(),
            "visits": self.visits.data or 0,
            "uses": self.uses.data or 0,
            "children_visits": self.children_visits.data or 0,
            "children_uses": self.children_uses.data or 0,
            "requests": [t.strip()[:300] for t in (self.requests.data or "").splitlines()
                         if t.strip()][:200],
        }  # fmt: skip


def form_errors(form) -> dict:
    """The first message of each wrong field, as the templates' macros read them."""
    return {name: messages[0] for name, messages in form.errors.items() if messages}
