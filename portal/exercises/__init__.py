"""Exercises: the checklist and plan builder of sessions 3, 7 and 8, its review and sharing."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation
from portal.accounts import services as account_services
from portal.permissions import is_staff

bp = Blueprint("exercises", __name__)

navigation.add(navigation.NavEntry(_l("Exercise reviews"), "exercises.review_queue", is_staff, 60))

from portal.exercises import services, views  # noqa: E402, F401

if services.export_exercises not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_exercises)
