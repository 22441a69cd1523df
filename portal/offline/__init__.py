"""Sessions to read offline: a self-contained HTML file, a PDF, and recording what was read."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from portal.offline import views  # noqa: E402,F401
