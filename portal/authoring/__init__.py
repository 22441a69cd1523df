"""Authoring for trainers: sessions, readings, resources, quizzes, questions and GIFT files."""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import navigation, permissions
from portal.extensions import login_manager

bp = Blueprint("authoring", __name__, url_prefix="/author")


@bp.before_request
def _staff_only():
    """Visitors are sent to sign in; signed-in people who are not trainers or admins get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_staff(current_user):
        abort(403)
    return None


navigation.add(
    navigation.NavEntry(_l("Authoring"), "authoring.session_list", permissions.is_staff, order=70)
)

from portal.authoring import views  # noqa: E402, F401
