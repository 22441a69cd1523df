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

from portal.discussion.articles import _addresses
from portal.discussion.compose import compose_body
from portal.memo import Memo
from portal.navigation import fixed_url
from portal.security import csrf_token
from portal.translations import current_translations


def crumbs(board=None, thread=None) -> Markup:
    """The breadcrumb: the discussion's boards, then the board and the thread if given."""
    _ = current_translations().ugettext
    out = [
        f'<nav aria-label="{_("Breadcrumb")}" class="crumbs">\n'
        f'  <a href="{escape(fixed_url("discussion.board_list"))}">{_("Discussion")}</a>\n'
    ]
    address = _addresses()
    if board:
        url = address["discussion.board_detail"](board.id)
        out.append(f' › <a href="{url}">{escape(board.title)}</a>')
    if thread:
        url = address["discussion.thread_detail"](thread.id)
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
    endpoint = f"notifications.{'thread' if kind == 'thread' else 'board'}_subscription"
    url = _addresses()[endpoint, action](subscription.target_id)
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


# Per catalogue (one per language): the thread page's own labels, as the template's `_()`
# wrote them (the translation, "%%" written "%").
_THREAD_LABELS = Memo(max_entries=64)


def _thread_labels() -> dict[str, str]:
    translations = current_translations()
    return _THREAD_LABELS.get(translations, _translate_thread_labels, translations.ugettext)


def _translate_thread_labels(_) -> dict[str, str]:
    # Each text in its own _() call, so that message extraction finds it.
    labels = {
        "question": _("Question"),
        "pinned": _("Pinned"),
        "locked": _("Locked"),
        "moderation": _("Moderation"),
        "lock": _("Lock"),
        "unlock": _("Unlock"),
        "pin": _("Pin"),
        "unpin": _("Unpin"),
        "move": _("Move"),
        "first": _("Back to the first post"),
        "earlier": _("Earlier posts"),
        "reply": _("Reply"),
        "posted": _("Your reply was posted."),
        "unseen": _("Load more replies to see it, or"),
        "go": _("go to your reply"),
        "post_reply": _("Post reply"),
        "closed": _("This thread is locked. New replies are not possible."),
    }
    return {key: text % {} for key, text in labels.items()}  # "%%" written "%", as `_()` does


def thread_head(board, thread, subscription, viewer, after, page_size) -> Markup:
    """The top of a thread's page: the breadcrumb, the title and its tags, the follow
    button, the moderators' tools (to those who moderate the board), and after the first
    page the links back. The thread's addresses come from the kept patterns (_addresses)."""
    label = _thread_labels()
    address = _addresses()
    thread_id = thread.id
    tags = (
        (f'<span class="tag">{label["question"]}</span>' if thread.is_question else "")
        + (f'<span class="tag">{label["pinned"]}</span>' if thread.is_pinned else "")
        + (f'<span class="tag">{label["locked"]}</span>' if thread.is_locked else "")
    )
    out = [
        crumbs(board),
        f'\n<h1 dir="auto">{escape(thread.title)}</h1>\n<p class="thread-tags">\n{tags}</p>\n',
        subscription_widget(subscription),
    ]
    if viewer.can_moderate_board(board):
        csrf = escape(csrf_token())
        out.append(f'<ul class="mod-tools" aria-label="{label["moderation"]}">\n')
        for action in (
            "unlock" if thread.is_locked else "lock",
            "unpin" if thread.is_pinned else "pin",
        ):
            url = address["discussion.thread_moderate", action](thread_id)
            out.append(
                f'  <li><form method="post" action="{url}" class="inline"><input type="hidden"'
                f' name="csrf_token" value="{csrf}"><button type="submit" class="small">'
                f"{label[action]}</button></form></li>\n"
            )
        move = address["discussion.thread_move"](thread_id)
        out.append(f'  <li><a href="{move}">{label["move"]}</a></li>\n</ul>\n')
    if after:
        # url_for writes a single query value after the thread's address.
        first = address["discussion.thread_detail"](thread_id)
        earlier = f"{first}?after={after - page_size}" if after > page_size else first
        out.append(
            f'<p class="pager"><a href="{first}">{label["first"]}</a>\n'
            f'<a href="{earlier}">{label["earlier"]}</a></p>\n'
        )
    return Markup("".join(out))


def reply_form(thread, viewer, form, findings, confirm, error, new_post, unseen, new_post_url):
    """The reply form of a thread's page (with the notice of a reply just posted), or the
    notice that the thread is locked to those who may not reply."""
    label = _thread_labels()
    if not viewer.can_reply(thread):
        refused = f" {escape(error)}" if error else ""
        return Markup(f'<p id="reply-form" class="notice">{label["closed"]}{refused}</p>\n')
    url = _addresses()["discussion.thread_reply"](thread.id)
    posted = ""
    if new_post:
        seen = (
            f' {label["unseen"]} <a href="{escape(new_post_url)}">{label["go"]}</a>.'
            if unseen
            else ""
        )
        posted = f'<p class="flash" role="status">{label["posted"]}{seen}</p>'
    return Markup(
        f'<form id="reply-form" class="compose" method="post" action="{url}" hx-post="{url}"'
        f' hx-target="#reply-form" hx-swap="outerHTML" novalidate>\n  <h2>{label["reply"]}'
        f'</h2>\n{posted}  <input type="hidden" name="csrf_token" value="{escape(csrf_token())}">'
        f'\n  <input id="token" name="token" type="hidden" value="{escape(form.token.data)}">\n'
        f"  {compose_body(form, findings, confirm, error, 'reply')}\n"
        f'  <button type="submit" class="primary">{label["post_reply"]}</button>\n</form>\n'
    )
