"""The activity page's form: what the browser sends, read into typed values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from libsys.core.forms import VisibleText
from libsys.network.forms import CountField
from libsys.readers.forms import DayField


class ActivityForm(FlaskForm):
    """An activity held: day (dd/mm/yyyy), library, kind, title, participants, children."""

    class Meta:
        csrf = False  # CSRFProtect guards every staff form already (the template's csrf())

    day = DayField(validators=[InputRequired(_l("Write the date as dd/mm/yyyy."))])
    library = SelectField(validate_choice=False)
    # One of ACTIVITY_KINDS: the service checks it, for the page and the API alike.
    kind = StringField(validators=[InputRequired(_l("Choose the kind of activity."))])
    title = StringField(
        validators=[
            InputRequired(_l("Write the title of the activity.")),
            VisibleText(),
            Length(max=300, message=_l("At most %(max)d characters.")),
        ]
    )
    participants = CountField(validators=[Optional()])
    children = CountField(validators=[Optional()])
    note = TextAreaField(validators=[Optional()])
