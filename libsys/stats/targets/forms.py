"""The plan and target forms: what the browser sends, read into values (the services check
the rules, for pages and any other caller alike)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from libsys.core.forms import VisibleText
from libsys.readers.forms import DayField

_strip = [lambda value: value.strip() if isinstance(value, str) else value]


class PlanForm(FlaskForm):
    """A plan document: number, issuer, date (dd/mm/yyyy), first and last year, title."""

    class Meta:
        csrf = False  # CSRFProtect guards every staff form already (the template's csrf())

    number = StringField(validators=[Optional(), Length(max=60)], filters=_strip)
    issuer = StringField(
        validators=[
            DataRequired(_l("Write who issued the plan.")),
            VisibleText(),
            Length(max=300, message=_l("At most %(max)d characters.")),
        ],
        filters=_strip,
    )
    issued_on = DayField(validators=[Optional()])
    first_year = StringField(validators=[InputRequired(_l("Write the year."))], filters=_strip)
    last_year = StringField(validators=[Optional()], filters=_strip)
    title = StringField(
        validators=[
            DataRequired(_l("Write the plan's title.")),
            VisibleText(),
            Length(max=500, message=_l("At most %(max)d characters.")),
        ],
        filters=_strip,
    )


class TargetForm(FlaskForm):
    """A target: for whom (library, level or network), the indicator, the years, the value."""

    class Meta:
        csrf = False

    scope = StringField(
        validators=[InputRequired(_l("Choose a library, a level of library or the whole network."))]
    )
    indicator = StringField(validators=[InputRequired(_l("Choose an indicator."))])
    year = StringField(validators=[InputRequired(_l("Write the year."))], filters=_strip)
    last_year = StringField(validators=[Optional()], filters=_strip)
    value = StringField(
        validators=[InputRequired(_l("Write a number (35.000) or a range (8.000-9.000)."))],
        filters=_strip,
    )
