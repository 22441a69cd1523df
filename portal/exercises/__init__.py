"""Exercises: the checklist and plan builder of sessions 3, 7 and 8, its review and sharing."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation
from portal.accounts import services as account_services
from portal.permissions import is_staff

bp = Blueprint("exercises", __name__)


class ShareError(Exception):
    """Why an accepted checklist could not be shared in the practice library (shown)."""


@dataclass
class PracticeSharing:
    """How an accepted checklist becomes a practice. The practices feature installs it, so
    exercises never imports practices (the library knows its sources, not the reverse)."""

    create: Callable[[object, object], object]  # (author, exercise) -> practice; ShareError
    find: Callable[[int, int], object]  # (viewer id, exercise id) -> visible practice or None


SHARING: list[PracticeSharing] = []


def install_practice_sharing(sharing: PracticeSharing) -> None:
    SHARING[:] = [sharing]


navigation.add(navigation.NavEntry(_l("Exercise reviews"), "exercises.review_queue", is_staff, 60))

from portal.exercises import services, views  # noqa: E402, F401


@bp.app_template_global("exercise_slot")
def exercise_slot(session) -> dict:
    """For templates: the data of the session page's exercise slot (the learning views stay
    unaware of exercises; it runs only where a template calls it)."""
    import secrets

    from flask_login import current_user

    from portal.exercises import queries

    slot = queries.session_slot(session.id, current_user._get_current_object())
    slot["token"] = secrets.token_urlsafe(18)
    return slot


if services.export_exercises not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_exercises)
