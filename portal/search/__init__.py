"""Search over posts, thread titles, readings, practices and comments on practices, showing
only what the searcher may see."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation

bp = Blueprint("search", __name__)

navigation.add(navigation.NavEntry(_l("Search"), "search.search", lambda user: True, 45))

from portal.search import indexing, views  # noqa: E402, F401
from portal.search.readings import watch_readings  # noqa: E402

watch_readings()
