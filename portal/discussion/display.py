"""The discussion pages' breadcrumb and follow button, written in Python.

Each discussion page shows the breadcrumb, the thread and board pages the follow button.
As a macro imported from another template, and a template included, they cost the thread
page more than its breadcrumb and button are worth (Jinja builds the import's module
context and the include's context on every request). Here they are written with plain
string formatting, byte for byte as the macro and the template they replace
(tests/discussion/test_display.py holds them to it); the templates call them as globals.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.navigation import fixed_url, item_url
from portal.security import csrf_token
from portal.translations import current_translations


def crumbs(board=None, thread=None) -> Markup:
    """The breadcrumb: the discussion's boards, then the board and the thread if given."""
    _ = current_translations().ugettext
    out = [
        f'<nav aria-label="{_("Breadcrumb")}" class="crumbs">\n'
        f'  <a href="{escape(fixed_url("discussion.board_list"))}">{_("Discussion")}</a>\n'
    ]
    if board:
        url = escape(item_url("discussion.board_detail", board_id=board.id))
        out.append(f' › <a href="{url}">{escape(board.title)}</a>')
    if thread:
        url = escape(item_url("discussion.thread_detail", thread_id=thread.id))
        out.append(f' › <a href="{url}">{escape(thread.title)}</a>')
    out.append("</nav>\n")
    return Markup("".join(out))


def subscription_widget(subscription) -> Markup:
    """The follow button of a thread or board (a SubscriptionState), which replaces itself
    when htmx is on; nothing without a subscription state."""
    if not subscription:
        return Markup("")
    _ = current_translations().ugettext
    kind = subscription.kind
    action = "unsubscribe" if subscription.is_subscribed else "subscribe"
    if kind == "thread":
        url = item_url(
            "notifications.thread_subscription", action=action, thread_id=subscription.target_id
        )
    else:
        url = item_url(
            "notifications.board_subscription", action=action, board_id=subscription.target_id
        )
    url = escape(url)
    out = [
        f'<form id="subscription-{escape(kind)}" class="subscription inline" method="post"'
        f' action="{url}" hx-post="{url}" hx-target="this" hx-swap="outerHTML">\n'
        f'  <input type="hidden" name="csrf_token" value="{escape(csrf_token())}">\n'
    ]
    if subscription.is_subscribed:
        out.append(
            f'  <strong class="subscription-state">{_("Following")}</strong>\n'
            f'  <button type="submit" class="small">{_("Stop following")}</button>\n'
            f'  <span class="hint">{_("You are told about new posts here.")}</span>\n'
        )
    elif subscription.via_board:
        out.append(
            f'  <strong class="subscription-state">{_("Following")}</strong>\n'
            f'  <span class="hint">{_("You already follow the whole board.")}</span>\n'
        )
    else:
        label = _("Follow this thread") if kind == "thread" else _("Follow this board")
        out.append(f'  <button type="submit" class="small">{label}</button>\n')
    settings = escape(fixed_url("notifications.settings"))
    out.append(f'  <a class="hint" href="{settings}">{_("E-mail settings")}</a>\n</form>\n')
    return Markup("".join(out))
