"""Progress forms."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _single_line(value):
    return CONTROL.sub(" ", value).strip() if isinstance(value, str) else value


class ReminderForm(PortalForm):
    people = SelectMultipleField(
        _l("Participants to remind"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose at least one participant."))],
    )
    subject = StringField(
        _l("Subject"), filters=[_single_line], validators=[DataRequired(), Length(max=200)]
    )
    body = TextAreaField(
        _l("Message"),
        description=_l("{name} is replaced by the person's name, {cohort} by the cohort's name."),
        validators=[DataRequired(), Length(max=5000)],
    )
