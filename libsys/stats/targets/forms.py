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
    """A target: for whom (library, level or network), the indicator, the years, the value.

    The form reads and strips the fields; `save_targets` checks them all at once (a missing
    indicator and a wrong value are told together, not one after the other)."""

    class Meta:
        csrf = False

    scope = StringField(filters=_strip)
    indicator = StringField(filters=_strip)
    year = StringField(filters=_strip)
    last_year = StringField(filters=_strip)
    value = StringField(filters=_strip)
