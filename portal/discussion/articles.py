"""A thread's posts as HTML, written in Python.

The thread page lists twenty posts; as a Jinja loop each cost dozens of escapes, label
look-ups and address builds, the largest part of the page's work. Here what depends on the
page alone (the viewer's rights, the labels, the thread's address) is worked out once per
list, and each post is written with plain string formatting. The markup is the same, byte
for byte, as the loop it replaces. The templates call post_articles directly, and
person_details (a person's details beside their name, also on the board page), as
globals: a macro around them, or an import in each block that writes posts, cost more
than writing the few authors here.
"""

from __future__ import annotations

from flask import current_app, request
from markupsafe import Markup, escape

from portal.countries import country_name
from portal.discussion.queries import ListedPost
from portal.i18n.languages import dates_writer
from portal.memo import Memo
from portal.navigation import item_url, item_url_parts
from portal.security import csrf_token
from portal.translations import current_locale, current_translations, locale_code

# Per catalogue (one per language): the list's labels, the same for every list.
_LABELS = Memo(max_entries=64)
# Posts' articles as post_articles writes them, under all they are written from: some
# kilobytes each.
_ARTICLES = Memo(max_entries=2000)


def _labels() -> dict[str, str]:
    """The list's labels in the page's language, written as they are, as the templates
    write `_()`: their text is the translators', not a user's."""
    translations = current_translations()
    return _LABELS.get(translations, _translate_labels, translations.ugettext)


def _translate_labels(_) -> dict[str, str]:
    return {
        "former": _("Former participant"),
        "new": _("New since your last visit"),
        "post": _("Post %(n)d"),
        "post_parts": _number_parts(_("Post %(n)d")),
        "accepted": _("Accepted answer"),
        "edited": _("edited"),
        "hidden_tag": _("hidden by a moderator"),
        "removed": _("This post was removed by its author."),
        "hidden": _("This post is hidden by a moderator."),
        "redacted": _("Part of this post was removed by a moderator."),
        "quote": _("Quote"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": _("Report"),
        "accept": _("Accept as the answer"),
        "restore": _("Restore"),
        "hide": _("Hide"),
        "redact": _("Redact"),
        "history": _("History"),
        "more": _("Load more replies"),
    }


_MARK = 907_162_534  # a number no label holds


def _number_parts(text: str) -> tuple[str, str] | None:
    """`text % {"n": N}` as the text before and after the whole number N, found once per
    catalogue (formatting the label for each post cost more than writing its number); None
    when a translation does not hold the number once."""
    before, *after = (text % {"n": _MARK}).split(str(_MARK))
    return (before, after[0]) if len(after) == 1 else None


# The id an endpoint's address holds: a post's, but for these endpoints of a thread or a
# board.
_ITEM_ID = {
    "discussion.thread_detail": "thread_id",
    "discussion.thread_reply": "thread_id",
    "discussion.thread_moderate": "thread_id",
    "discussion.thread_move": "thread_id",
    "discussion.board_detail": "board_id",
    "notifications.thread_subscription": "thread_id",
    "notifications.board_subscription": "board_id",
}


class _Addresses(dict):
    """An item's address at an endpoint, escaped, as a function of its id (a post's, or
    a thread's or a board's at the endpoints of _ITEM_ID): `addresses[endpoint](item_id)`, or
    `addresses[endpoint, action]`. Each is found once (item_url_parts), then a plain dict
    look-up and str.format. One per app and script root (_addresses), the only inputs of
    an address besides the id."""

    def __missing__(self, key):
        endpoint, words = (key, {}) if type(key) is str else (key[0], {"action": key[1]})
        name = _ITEM_ID.get(endpoint, "post_id")
        parts = item_url_parts(endpoint, name, **words)
        if parts is None:

            def address(item_id: int) -> str:
                return escape(item_url(endpoint, **{name: item_id}, **words))

        else:
            before, after = (str(escape(p)).replace("{", "{{").replace("}", "}}") for p in parts)
            address = f"{before}{{}}{after}".format
        self[key] = address
        return address


# Per worker, for each app and script root: finding the addresses' patterns for each list
# cost the page more than writing its posts' links.
_ADDRESSES = Memo(max_entries=16)


def _addresses() -> _Addresses:
    return _ADDRESSES.get((current_app._get_current_object(), request.script_root), _Addresses)


def person_details(user, locale: str | None = None) -> Markup:
    """A person's details as they chose to show them (User.visible_details), to write
    beside their name: " (country, organisation...)", or nothing. `locale` names the
    countries (the page's language when not given)."""
    details = user.visible_details if user else None
    if not details:
        return Markup("")
    if locale is None:
        locale = locale_code()
    shown = ", ".join(
        f'<span class="detail-{escape(kind)}">'
        f"{escape(country_name(value, locale) if kind == 'country' else value)}</span>"
        for kind, value in details
    )
    return Markup(f' <span class="person-details">({shown})</span>')


def post_articles(
    posts, thread, viewer, anchor=True, oob=False, in_list=False, read=None, more=False
):
    """The posts' articles (each in an <li> when `in_list`), as Markup. `read` (the
    viewer's ThreadRead state) marks the first unread post; `more` adds the list's "load
    more" item, after the last post. What is the same for each post
    (the viewer's rights in the thread, the labels and tags, the addresses) is found before
    the loop, and each post written as one string (article), or found kept (_ARTICLES);
    what depends on the post (its author, state and number, and the viewer's right to edit
    it) is decided in the loop."""
    if not posts:
        return Markup("")
    translations = current_translations()  # the labels' catalogue, also in the kept key
    label = _LABELS.get(translations, _translate_labels, translations.ugettext)
    locale = current_locale()  # looked up once for the names' details and the dates
    country_language = str(locale or "en")
    mod = viewer.can_moderate_board(thread.board)
    can_reply = viewer.can_reply(thread)
    can_accept = viewer.can_accept(thread)
    csrf = escape(csrf_token()) if mod or can_accept else ""
    accepted_id = thread.accepted_post_id
    viewer_id = viewer.user_id
    address = _addresses()
    # The thread's address once; a post's link and quote add one whole number to it, as
    # url_for writes a single query value.
    thread_url = address["discussion.thread_detail"](thread.id)
    time_element = dates_writer(element=True, locale=locale)
    id_prefix = "post-" if anchor else "accepted-post-"
    swap = ' hx-swap-oob="true"' if oob else ""
    first_unread = read.first_unread() if in_list and read else None
    marker = f'<li id="new" class="unread-marker"><span>{label["new"]}</span></li>'
    open_item, close_item = ("<li>", "</li>\n") if in_list else ("", "")
    accepted_tag = f'<span class="tag">{label["accepted"]}</span>' if anchor else ""
    edited_tag = f'<span class="tag">{label["edited"]}</span>'
    hidden_tag = f'<span class="tag">{label["hidden_tag"]}</span>'
    removed = f'  <p class="removed">{label["removed"]}</p>\n'
    hidden_text = f'  <p class="removed">{label["hidden"]}</p>\n'
    redacted = f'<p class="hint">{label["redacted"]}</p>'
    post_parts = label["post_parts"]
    post_before, post_after = post_parts or ("", "")
    people = {}

    def person(post) -> tuple[str, Markup]:
        found = people.get(post.author_id)
        if found is None:
            user = post.author
            name = escape(user.public_name) if user else label["former"]
            found = people[post.author_id] = (name, person_details(user, country_language))
        return found

    def article(post) -> str:
        post_id, number, hidden, deleted = post.id, post.number, post.is_hidden, post.is_deleted
        name, details = person(post)
        link = f"{thread_url}?after={number - 1}" if number - 1 else thread_url
        aria = f"{post_before}{number}{post_after}" if post_parts else label["post"] % {"n": number}
        head = (
            f'{open_item}<article class="post'
            f'{" is-hidden" if hidden else ""}" id="{id_prefix}{post_id}"{swap}>\n'
            f'  <p class="post-meta"><strong><bdi>{name}</bdi></strong>{details}\n'
            f'    <a href="{link}#post-{post_id}" aria-label="{aria}">'
            f"#{number}</a>\n    {time_element(post.created_at)}\n"
            f"{accepted_tag if accepted_id == post_id else ''}"
            f"{edited_tag if post.edited_at and not deleted else ''}"
            f"{hidden_tag if hidden else ''}  </p>\n"
        )
        if deleted:
            body = removed
        elif hidden and not mod:
            body = hidden_text
        else:
            body = (
                f'  <div class="post-body" dir="auto">{post.body_html}</div>\n'
                f"{redacted if post.redacted_at else ''}"
            )
            if anchor:
                body += '  <ul class="post-actions">\n'
                if can_reply and not hidden:
                    quote = f"{thread_url}?quote={post_id}"
                    body += (
                        f'<li><a href="{quote}#reply-form" hx-get="{quote}" hx-target='
                        f'"#reply-form" hx-swap="outerHTML">{label["quote"]}</a></li>'
                    )
                if viewer.can_edit(post):
                    edit = address["discussion.post_edit"](post_id)
                    delete = address["discussion.post_delete"](post_id)
                    body += (
                        f'    <li><a href="{edit}" hx-get="{edit}" hx-target='
                        f'"#post-{post_id}" hx-swap="outerHTML">{label["edit"]}</a></li>\n'
                        f'    <li><a href="{delete}">{label["delete"]}</a></li>\n'
                    )
                elif post.author_id != viewer_id and not (mod and hidden):
                    flag = address["discussion.post_flag"](post_id)
                    body += f'    <li><a href="{flag}">{label["report"]}</a></li>\n'
                if can_accept and number > 1 and accepted_id != post_id and not hidden:
                    accept = address["discussion.post_accept"](post_id)
                    body += (
                        f'    <li><form method="post" action="{accept}" hx-post="{accept}"'
                        ' hx-target="#accepted" hx-swap="outerHTML" class="inline"><input'
                        f' type="hidden" name="csrf_token" value="{csrf}"><button'
                        f' type="submit" class="link">{label["accept"]}</button></form></li>\n'
                    )
                if mod:
                    action = "restore" if hidden else "hide"
                    moderate = address["discussion.post_moderate", action](post_id)
                    redact = address["discussion.post_redact"](post_id)
                    body += (
                        f'    <li><form method="post" action="{moderate}" class="inline"><input'
                        f' type="hidden" name="csrf_token" value="{csrf}"><button'
                        f' type="submit" class="link">{label[action]}</button></form></li>\n'
                        f'    <li><a href="{redact}">{label["redact"]}</a></li>\n'
                    )
                    if post.edited_at or post.redacted_at:
                        history = address["discussion.post_history"](post_id)
                        body += f'<li><a href="{history}">{label["history"]}</a></li>'
                body += "  </ul>\n"
        return f"{head}{body}</article>\n{close_item}"

    # A post's article, kept per worker under everything it is written from (the post's
    # columns and its author's as read, the language, time zone and the thread's address,
    # and the viewer's rights that show in it): a change to any of them is another key,
    # so nothing kept is ever stale. Not with a moderator's or an asker's forms, which
    # hold the viewer's CSRF token; an author's own post (its edit links) is kept under
    # their id, which the post holds, so it is shown only to them.
    kept = (
        (translations, time_element.key, thread_url, anchor, oob, in_list, can_reply)
        if not csrf
        else None
    )
    out = []
    write = out.append
    for post in posts:
        number = post.number
        if number == first_unread:
            write(marker)
        if kept is not None and type(post) is ListedPost:
            key = (post, kept, accepted_id == post.id, post.author_id == viewer_id)
            text = _ARTICLES.peek(key)
            if text is None:
                text = article(post)
                _ARTICLES.keep(key, text)
            write(text)
        else:
            write(article(post))
    if more:
        more_url = f"{thread_url}?after={number}"
        write(
            f'<li id="load-more" class="load-more"><a href="{more_url}" hx-get="{more_url}"'
            f' hx-target="#load-more" hx-swap="outerHTML">{label["more"]}</a><input'
            f' type="hidden" name="shown_to" value="{number}" form="reply-form"></li>\n'
        )
    return Markup("".join(out))
