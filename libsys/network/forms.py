"""The network pages' forms: what the browser sends, read into typed values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

COUNT_MESSAGE = _l("Enter a whole number.")


class PageForm(FlaskForm):
    """A staff page's form: CSRFProtect checks the template's token for every POST."""

    class Meta:
        csrf = False


class CountField(IntegerField):
    """A whole number of people (spaces and thousands dots allowed), or blank."""

    def process_formdata(self, valuelist):
        """Read the number; text that is not one keeps COUNT_MESSAGE on the field."""
        text = (valuelist[0] if valuelist else "").replace(".", "").replace(",", "").strip()
        self.raw_data = valuelist
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError(str(COUNT_MESSAGE))
        self.data = int(text)


class PopulationForm(PageForm):
    """One year's population of a unit (inhabitants, children) or students of a school."""

    code = StringField(validators=[InputRequired(_l("Choose a unit or a school."))])
    year = IntegerField(
        validators=[
            InputRequired(_l("Write the year.")),
            NumberRange(1990, 2100, _l("Write a year from %(min)s to %(max)s.")),
        ]
    )
    population = CountField(validators=[Optional()])
    children = CountField(validators=[Optional()])
    students = CountField(validators=[Optional()])


class PopulationImportForm(PageForm):
    """An xlsx or CSV file: code, year, population, children (and students for schools)."""

    file = FileField(validators=[FileRequired(_l("Choose an xlsx or CSV file."))])


def form_errors(form) -> dict:
    """The first message of each wrong field, as the templates' macros read them."""
    return {name: messages[0] for name, messages in form.errors.items() if messages}
