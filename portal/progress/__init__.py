"""Progress toward the programme's four objectives: participant home, cohort dashboard,
exports, certificates, reminders and the programme report. Reads only summary rows."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation, permissions

bp = Blueprint("progress", __name__)

navigation.add(
    navigation.NavEntry(_l("My progress"), "progress.home", permissions.is_signed_in, order=5)
)
navigation.add(
    navigation.NavEntry(
        _l("Programme report"), "progress.programme_report", permissions.is_admin, order=85
    )
)

from portal.progress import views  # noqa: E402, F401
