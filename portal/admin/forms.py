"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from portal.accounts.models import ROLES
from portal.forms import select_choices


class UserEditForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=lambda: select_choices((r, r.capitalize()) for r in ROLES)
    )
    is_enabled = BooleanField(_l("Account active (untick to deactivate)"))
