"""Notifications: unread markers, subscriptions, e-mail per post or daily digest."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/discussion")

from portal.notifications import views  # noqa: E402, F401
