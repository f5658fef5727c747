"""The staff page's reader form: what the browser sends, read into typed values.

The form reads text, dates (dd/mm/yyyy as typed, or ISO from a date input) and check boxes;
the rules on each value (lengths, phone, e-mail, choices) are ReaderSchema's, which the
service applies to every caller alike, so the page, the API and the demo cannot disagree.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField

from libsys.core.dates import DATE_MESSAGE, InvalidDate, parse_date


class DayField(StringField):
    """A date typed as dd/mm/yyyy or sent as yyyy-mm-dd; the text stays for the page."""

    def process_formdata(self, valuelist):
        """Read the date; a wrong one keeps its text and notes the one date message."""
        self.raw_data = valuelist
        text = valuelist[0] if valuelist else ""
        try:
            self.data = parse_date(text)
        except InvalidDate:
            self.data = text  # handed on as typed, so the schema names the field
            raise ValueError(str(DATE_MESSAGE)) from None


class ReaderForm(FlaskForm):
    """Register or edit a reader on the staff page (labels are in the template)."""

    class Meta:
        csrf = False  # CSRFProtect guards every staff form already (the template's csrf())

    full_name = StringField()
    card_number = StringField()
    date_of_birth = DayField()
    gender = StringField()
    ethnicity = StringField()
    category = StringField()
    home_library = StringField()
    admin_unit = StringField()
    address = StringField()
    phone = StringField()
    email = StringField()
    school = StringField()
    guardian_name = StringField()
    guardian_phone = StringField()
    notes = TextAreaField()
    card_issued = DayField()
    card_expires = DayField()
    disability = BooleanField(false_values=("", "0", "false", "off"))
    keep_history = BooleanField(false_values=("", "0", "false", "off"))
    password = PasswordField()

    CHECKBOXES = ("disability", "keep_history")

    def reader_values(self, *, creating: bool) -> dict:
        """The values the form sent, typed, for register_reader or update_reader.

        A field the page does not show (card dates when registering, the password when
        editing) is left out, so the reader keeps what she has; an unticked box is False.
        """
        values = {}
        for field in self:
            if field.name in self.CHECKBOXES:
                values[field.name] = bool(field.data)
            elif field.raw_data:  # sent by the page, even empty (which clears the field)
                values[field.name] = field.data
        if not creating:
            values.pop("password", None)
        return values
