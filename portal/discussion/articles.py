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

from flask_babel import get_locale
from markupsafe import Markup, escape

from portal.countries import country_name
from portal.i18n.languages import dates_writer
from portal.navigation import item_url, item_url_parts
from portal.security import csrf_token
from portal.translations import current_translations


def _labels() -> dict[str, str]:
    """The list's labels in the page's language, written as they are, as the templates
    write `_()`: their text is the translators', not a user's."""
    _ = current_translations().ugettext
    return {
        "former": _("Former participant"),
        "new": _("New since your last visit"),
        "post": _("Post %(n)d"),
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
    }


def _post_addresses():
    """post_url(endpoint, post_id, **words): item_url(endpoint, post_id=post_id, **words),
    escaped, each endpoint and words found once per list (item_url_parts)."""
    made = {}

    def post_url(endpoint: str, post_id: int, **words) -> str:
        key = (endpoint, *words.values())
        if key not in made:
            parts = item_url_parts(endpoint, "post_id", **words)
            made[key] = None if parts is None else tuple(map(escape, parts))
        parts = made[key]
        if parts is None:
            return escape(item_url(endpoint, post_id=post_id, **words))
        return f"{parts[0]}{post_id}{parts[1]}"

    return post_url


def person_details(user, locale: str | None = None) -> Markup:
    """A person's details as they chose to show them (User.visible_details), to write
    beside their name: " (country, organisation...)", or nothing. `locale` names the
    countries (the page's language when not given)."""
    details = user.visible_details if user else None
    if not details:
        return Markup("")
    if locale is None:
        locale = str(get_locale() or "en")
    shown = ", ".join(
        f'<span class="detail-{escape(kind)}">'
        f"{escape(country_name(value, locale) if kind == 'country' else value)}</span>"
        for kind, value in details
    )
    return Markup(f' <span class="person-details">({shown})</span>')


def _people(posts, former: str) -> dict:
    """Each author's name and details, written once per list: author id -> (name, details)."""
    locale = str(get_locale() or "en")
    people = {}
    for post in posts:
        if post.author_id not in people:
            user = post.author
            name = escape(user.public_name) if user else former
            people[post.author_id] = (name, person_details(user, locale))
    return people


def post_articles(posts, thread, viewer, anchor=True, oob=False, in_list=False, read=None):
    """The posts' articles (each in an <li> when `in_list`), as Markup. `read` (the
    viewer's ThreadRead state) marks the first unread post."""
    if not posts:
        return Markup("")
    label = _labels()
    people = _people(posts, label["former"])
    mod = viewer.can_moderate_board(thread.board)
    can_reply = viewer.can_reply(thread)
    can_accept = viewer.can_accept(thread)
    csrf = escape(csrf_token()) if mod or can_accept else ""
    accepted_id = thread.accepted_post_id
    viewer_id = viewer.user.id
    # The thread's address once; a post's link and quote add one whole number to it, as
    # url_for writes a single query value.
    thread_url = escape(item_url("discussion.thread_detail", thread_id=thread.id))
    when = dates_writer()
    post_url = _post_addresses()
    id_prefix = "post-" if anchor else "accepted-post-"
    swap = ' hx-swap-oob="true"' if oob else ""
    out = []
    write = out.append
    for post in posts:
        post_id, number, hidden = post.id, post.number, post.is_hidden
        name, details = people[post.author_id]
        if in_list:
            if read and read.is_first_unread(number):
                write(f'<li id="new" class="unread-marker"><span>{label["new"]}</span></li>')
            write("<li>")
        link = f"{thread_url}?after={number - 1}" if number - 1 else thread_url
        write(
            f'<article class="post{" is-hidden" if hidden else ""}" id="{id_prefix}{post_id}"'
            f'{swap}>\n  <p class="post-meta"><strong><bdi>{name}</bdi></strong>'
            f'{details}\n    <a href="{link}#post-{post_id}" aria-label="'
            f'{label["post"] % {"n": number}}">#{number}</a>\n    <time datetime="'
            f'{post.created_at.isoformat()}Z">{escape(when(post.created_at))}</time>\n'
        )
        if anchor and accepted_id == post_id:
            write(f'<span class="tag">{label["accepted"]}</span>')
        if post.edited_at and not post.is_deleted:
            write(f'<span class="tag">{label["edited"]}</span>')
        if hidden:
            write(f'<span class="tag">{label["hidden_tag"]}</span>')
        write("  </p>\n")
        if post.is_deleted:
            write(f'  <p class="removed">{label["removed"]}</p>\n')
        elif hidden and not mod:
            write(f'  <p class="removed">{label["hidden"]}</p>\n')
        else:
            write(f'  <div class="post-body" dir="auto">{post.body_html}</div>\n')
            if post.redacted_at:
                write(f'<p class="hint">{label["redacted"]}</p>')
            if anchor:
                write('  <ul class="post-actions">\n')
                if can_reply and not hidden:
                    quote = f"{thread_url}?quote={post_id}"
                    write(
                        f'<li><a href="{quote}#reply-form" hx-get="{quote}" hx-target='
                        f'"#reply-form" hx-swap="outerHTML">{label["quote"]}</a></li>'
                    )
                if viewer.can_edit(post):
                    edit = post_url("discussion.post_edit", post_id)
                    delete = post_url("discussion.post_delete", post_id)
                    write(
                        f'    <li><a href="{edit}" hx-get="{edit}" hx-target="#post-{post_id}"'
                        f' hx-swap="outerHTML">{label["edit"]}</a></li>\n'
                        f'    <li><a href="{delete}">{label["delete"]}</a></li>\n'
                    )
                elif post.author_id != viewer_id and not (mod and hidden):
                    flag = post_url("discussion.post_flag", post_id)
                    write(f'    <li><a href="{flag}">{label["report"]}</a></li>\n')
                if can_accept and number > 1 and accepted_id != post_id and not hidden:
                    accept = post_url("discussion.post_accept", post_id)
                    write(
                        f'    <li><form method="post" action="{accept}" hx-post="{accept}"'
                        ' hx-target="#accepted" hx-swap="outerHTML" class="inline"><input'
                        f' type="hidden" name="csrf_token" value="{csrf}"><button'
                        f' type="submit" class="link">{label["accept"]}</button></form></li>\n'
                    )
                if mod:
                    action = "restore" if hidden else "hide"
                    moderate = post_url("discussion.post_moderate", post_id, action=action)
                    redact = post_url("discussion.post_redact", post_id)
                    write(
                        f'    <li><form method="post" action="{moderate}" class="inline"><input'
                        f' type="hidden" name="csrf_token" value="{csrf}"><button'
                        f' type="submit" class="link">{label[action]}</button></form></li>\n'
                        f'    <li><a href="{redact}">{label["redact"]}</a></li>\n'
                    )
                    if post.edited_at or post.redacted_at:
                        history = post_url("discussion.post_history", post_id)
                        write(f'<li><a href="{history}">{label["history"]}</a></li>')
                write("  </ul>\n")
        write("</article>\n")
        if in_list:
            write("</li>\n")
    return Markup("".join(out))
