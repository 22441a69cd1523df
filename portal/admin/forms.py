"""Admin forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from portal.accounts.models import ROLES
from portal.forms import PortalForm, select_choices


class UserEditForm(PortalForm):
    role = SelectField(
        _l("Role"), choices=lambda: select_choices((r, r.capitalize()) for r in ROLES)
    )
    is_enabled = BooleanField(_l("Account active (untick to deactivate)"))
