"""Public-site forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from portal.countries import countries
from portal.forms import PortalForm, select_choices


def _country_choices():
    return select_choices([("", _l("Choose a country")), *countries()])


class CountryTrainedForm(PortalForm):
    country = SelectField(_l("Country"), choices=_country_choices, validators=[DataRequired()])
