"""Discussion: session, cohort and alumni boards; threads, replies and moderation."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation, permissions
from portal.accounts import services as account_services

bp = Blueprint("discussion", __name__, url_prefix="/discussion")

navigation.add(
    navigation.NavEntry(_l("Discussion"), "discussion.board_list", permissions.is_signed_in, 40)
)

from portal.discussion import queries, services, views  # noqa: E402, F401
from portal.discussion.articles import person_details, post_articles  # noqa: E402
from portal.discussion.compose import compose_body  # noqa: E402
from portal.discussion.display import (  # noqa: E402
    crumbs,
    reply_form,
    subscription_widget,
    thread_head,
)
from portal.learning.queries import SessionPagePart, add_session_page_part  # noqa: E402

bp.add_app_template_global(post_articles, "post_articles")
bp.add_app_template_global(person_details, "person_details")
bp.add_app_template_global(compose_body, "compose_body")
bp.add_app_template_global(crumbs, "discussion_crumbs")
bp.add_app_template_global(subscription_widget, "subscription_widget")
bp.add_app_template_global(thread_head, "thread_head")
bp.add_app_template_global(reply_form, "reply_form")


# The reader's board of a session, on the session page: read by the page's own statement.
add_session_page_part(
    SessionPagePart(
        "board",
        queries.SESSION_BOARD_COLUMNS,
        queries.session_board_values,
        queries.session_board_found,
    )
)

if services.export_posts not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_posts)
