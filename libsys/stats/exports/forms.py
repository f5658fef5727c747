"""The export form: period, library or level, format (the service checks each value)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional


class ExportForm(FlaskForm):
    """What to export: a period (2026-10, 2026-H1, 2026...), a library or a level, a format."""

    class Meta:
        csrf = False  # CSRFProtect guards every staff form already (the template's csrf())

    period = StringField(
        validators=[InputRequired(_l("Write the period.")), Length(max=40)],
        filters=[lambda value: value.strip() if value else value],
    )
    library = StringField(validators=[Optional(), Length(max=20)])
    level = StringField(validators=[Optional(), Length(max=20)])
    # One of EXPORT_FORMATS: the service checks it, for the page and the command alike.
    format = StringField(validators=[InputRequired(_l("Choose a format."))])
