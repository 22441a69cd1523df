"""Progress screens: the participant home, the cohort dashboard with its exports and
participant detail, reminders and the programme report."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions
from portal.accounts.models import ORGANISATION_TYPES
from portal.cohorts.models import Cohort
from portal.countries import countries
from portal.database import utcnow
from portal.learning.queries import open_windows
from portal.progress import bp, exports, queries, services
from portal.progress.forms import ReminderForm
from portal.web import render


def load_dashboard_cohort(cohort_id: int) -> Cohort:
    """The cohort when the current user runs it (or is an admin); 404 otherwise."""
    cohort = permissions.managed_cohort(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _filters() -> queries.Filters:
    country = (request.args.get("country") or "").strip().upper()[:2]
    organisation_type = (request.args.get("organisation_type") or "").strip()
    if organisation_type not in ORGANISATION_TYPES:
        organisation_type = ""
    page = request.args.get("page", type=int) or 1
    return queries.Filters(country=country, organisation_type=organisation_type, page=max(page, 1))


@bp.get("/progress")
@login_required
def home():
    """A participant's own progress; trainers and admins see the cohorts they run."""
    if permissions.is_staff(current_user):
        from portal.cohorts.queries import cohorts_for

        return render("progress/home.html", staff=True, cohorts=cohorts_for(current_user))
    context = queries.home(current_user, date.today())
    return render(
        "progress/home.html",
        staff=False,
        windows=open_windows(current_user, utcnow()),
        **_library_news(context["cohort"]),
        **context,
    )


def _library_news(cohort) -> dict:
    """The latest published practices, beside the alumni forum's threads for alumni.

    Everyone with a cohort reads the practice library (portal.practices.permissions
    .reads_library); the home found the participant's cohort already, so this costs one
    statement and no cohort lookup."""
    from portal.practices.queries import latest_published

    if cohort is None:
        return {"reads_library": False, "latest_practices": []}
    return {"reads_library": True, "latest_practices": latest_published(5)}
