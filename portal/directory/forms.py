"""Directory forms (Flask-WTF, so every POST carries a CSRF token)."""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.models import ORGANISATION_TYPES
from portal.countries import countries
from portal.directory.models import PILLARS
from portal.forms import PortalForm, select_choices

MAX_MESSAGE = 5_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def single_line(value):
    """Control characters become spaces; surrounding space goes."""
    return " ".join(_CONTROL.sub(" ", value).split()) if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(PortalForm):
    display_name = StringField(
        _l("Name shown in the directory"),
        validators=[DataRequired(), Length(max=80)],
        filters=[single_line],
        description=_l("A pseudonym is fine."),
    )
    country = SelectField(
        _l("Country"),
        choices=lambda: select_choices([("", _l("Choose a country")), *countries()]),
        validators=[DataRequired(message=_l("Choose your country."))],
    )
    organisation = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=160)], filters=[single_line]
    )
    organisation_type = SelectField(
        _l("Type of organisation"),
        choices=lambda: select_choices([("", _l("Choose a type")), *ORGANISATION_TYPES.items()]),
        validators=[DataRequired(message=_l("Choose the type of your organisation."))],
    )
    pillars = CheckboxesField(
        _l("Pillars of interest"), choices=lambda: select_choices(PILLARS.items())
    )


class MessageForm(PortalForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(message=_l("Write something first.")),
            Length(max=MAX_MESSAGE, message=_l("A message can have at most 5,000 characters.")),
        ],
        description=_l("Sent by e-mail without your address; the reply comes back here."),
    )
    token = HiddenField()
    confirm = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.token.data:
            self.token.data = secrets.token_urlsafe(18)
