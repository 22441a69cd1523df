"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from portal.accounts.models import ROLES


class UserEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r, r.capitalize()) for r in ROLES])
    is_enabled = BooleanField(_l("Account active (untick to deactivate)"))
