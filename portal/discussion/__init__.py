"""Discussion: session, cohort and alumni boards; threads, replies and moderation."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation, permissions
from portal.accounts import services as account_services

bp = Blueprint("discussion", __name__, url_prefix="/discussion")

navigation.add(
    navigation.NavEntry(_l("Discussion"), "discussion.board_list", permissions.is_signed_in, 40)
)

from portal.discussion import services, views  # noqa: E402, F401


@bp.app_template_global("session_discussion")
def session_discussion(session):
    """For learning pages: the viewer's board of this session (url, thread count) or None."""
    from flask_login import current_user

    from portal.discussion.queries import session_board_link

    return session_board_link(current_user, session)


# A post's moment as `when` writes it, per (language, time zone, moment): the text never
# changes and every reader of a thread asks for the same few dozen, while `when` costs
# tens of µs a call (Babel formats the date and the time anew). Nothing about the reader
# but the language and the zone goes into the text. Bounded: emptied when it gets big.
_POST_TIMES: dict[tuple, str] = {}
_POST_TIMES_MAX = 20_000


@bp.app_template_filter("post_when")
def post_when(value):
    """when(value), remembered: for the dates of posts, which are many and never change."""
    from flask_babel import get_locale, get_timezone

    from portal.i18n.languages import when

    key = (get_locale(), get_timezone(), value)
    text = _POST_TIMES.get(key)
    if text is None:
        if len(_POST_TIMES) >= _POST_TIMES_MAX:
            _POST_TIMES.clear()
        text = _POST_TIMES[key] = when(value)
    return text


if services.export_posts not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_posts)
