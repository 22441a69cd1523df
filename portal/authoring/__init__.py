"""Authoring for trainers: sessions, readings, resources, quizzes, questions and GIFT files."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation, permissions

bp = Blueprint("authoring", __name__, url_prefix="/author")


# Visitors are sent to sign in; signed-in people who are not trainers or admins get 403.
permissions.guard(bp, permissions.is_staff)


navigation.add(
    navigation.NavEntry(_l("Authoring"), "authoring.session_list", permissions.is_staff, order=70)
)

from portal.authoring import views  # noqa: E402, F401
