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
from portal.discussion.articles import person_details, post_articles  # noqa: E402
from portal.discussion.compose import compose_body  # noqa: E402
from portal.discussion.display import crumbs, subscription_widget  # noqa: E402

bp.add_app_template_global(post_articles, "post_articles")
bp.add_app_template_global(person_details, "person_details")
bp.add_app_template_global(compose_body, "compose_body")
bp.add_app_template_global(crumbs, "discussion_crumbs")
bp.add_app_template_global(subscription_widget, "subscription_widget")


@bp.app_template_global("session_discussion")
def session_discussion(session):
    """For learning pages: the viewer's board of this session (url, thread count) or None."""
    from flask_login import current_user

    from portal.discussion.queries import session_board_link

    return session_board_link(current_user, session)


if services.export_posts not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_posts)
