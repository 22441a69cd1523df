"""Languages of the interface: which one a request gets, and the switcher that changes it."""

from flask import Blueprint

bp = Blueprint("i18n", __name__)

from portal.i18n import views  # noqa: E402,F401
