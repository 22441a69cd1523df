"""Curriculum and learning: sessions, readings, quizzes and the pre/post assessment."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation

bp = Blueprint("learning", __name__)


def _everyone(_user) -> bool:
    return True


navigation.add(navigation.NavEntry(_l("Curriculum"), "learning.curriculum", _everyone, order=10))

from portal.accounts.services import EXPORTERS  # noqa: E402
from portal.learning import queries, views  # noqa: E402, F401


def export_learning(user) -> tuple[str, object]:
    """The user's reading progress and quiz attempts, for the personal-data export."""
    return "learning", queries.export_for(user)


if export_learning not in EXPORTERS:
    EXPORTERS.append(export_learning)


@bp.app_template_global("assessment_windows")
def _assessment_windows(cohort_id: int) -> dict:
    """The cohort's pre/post windows by phase, for the cohort page (cohorts stays unaware of
    learning; it runs only where a template calls it)."""
    return queries.cohort_windows(cohort_id)
