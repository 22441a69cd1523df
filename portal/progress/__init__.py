"""Progress toward the programme's four objectives: participant home, cohort dashboard,
exports, certificates, reminders and the programme report. Reads only summary rows."""

from flask import Blueprint

bp = Blueprint("progress", __name__)

from portal.progress import views  # noqa: E402, F401
