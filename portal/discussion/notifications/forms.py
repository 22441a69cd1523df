"""Notification forms (Flask-WTF, so every POST carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from portal.forms import PortalForm


class EmailSettingsForm(PortalForm):
    email_mode = RadioField(
        _l("E-mail about the discussions you follow"),
        choices=[
            SelectChoice("post", _l("An e-mail for each new post")),
            SelectChoice("digest", _l("One daily digest")),
            SelectChoice("none", _l("No e-mail")),
        ],
    )
