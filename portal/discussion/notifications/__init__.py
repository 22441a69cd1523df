"""Discussion notifications: unread markers, subscriptions, e-mail per post or daily digest
(part of the discussion feature, under its URL prefix and templates)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/discussion")

from portal.discussion.notifications import views  # noqa: E402, F401
