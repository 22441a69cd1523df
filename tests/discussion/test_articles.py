"""A thread's posts as post_articles writes them, against the writer it replaced (one string
per piece, each right asked per post), for each kind of viewer, post and list."""

from __future__ import annotations

import itertools
from datetime import datetime
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from markupsafe import Markup, escape

from portal.discussion.articles import _labels, person_details, post_articles
from portal.discussion.notifications.queries import SubscriptionState, ThreadState
from portal.discussion.permissions import Viewer
from portal.discussion.queries import ListedAuthor, ListedPost, ShownBoard, ShownThread
from portal.i18n.languages import dates_writer
from portal.navigation import item_url, item_url_parts
from portal.security import csrf_token
from portal.translations import locale_code


# post_articles as it was before its rights and pieces were found once per list.
def _old_labels() -> dict[str, str]:
    """The labels are the writer's own (the comparison is of everything else)."""
    return _labels()


def _people(posts, former: str) -> dict:
    """Each author's name and details, written once per list: author id -> (name, details),
    the countries named in the page's language."""
    locale = locale_code()
    people = {}
    for post in posts:
        if post.author_id not in people:
            user = post.author
            name = escape(user.public_name) if user else former
            people[post.author_id] = (name, person_details(user, locale))
    return people


def _old_post_addresses():
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


def reference_articles(posts, thread, viewer, anchor=True, oob=False, in_list=False, read=None):
    """The posts' articles (each in an <li> when `in_list`), as Markup. `read` (the
    viewer's ThreadRead state) marks the first unread post."""
    if not posts:
        return Markup("")
    label = _old_labels()
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
    post_url = _old_post_addresses()
    id_prefix = "post-" if anchor else "accepted-post-"
    swap = ' hx-swap-oob="true"' if oob else ""
    out = []
    write = out.append
    for post in posts:
        post_id, number, hidden = post.id, post.number, post.is_hidden
        name, details = people[post.author_id]
        if in_list:
            if read and read.last_read_number > 0 and number == read.last_read_number + 1:
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


ME, OTHER, TRAINER = 5, 6, 7
BOARD = ShownBoard(3, "cohort", 11, "Board <b>")


def authors():
    me = ListedAuthor(ME, "Me <i>", None, "TH", "Org & co", "ngo", True, True, False)
    other = ListedAuthor(OTHER, 'Other "x"', None, "PH", "", "ngo", False, False, True)
    gone = ListedAuthor(TRAINER, "Gone", datetime(2024, 1, 1), "", "", "", False, False, False)
    return {ME: me, OTHER: other, TRAINER: gone, None: None}


def posts():
    """Posts of every state by every kind of author, numbered 1 onwards."""
    made = []
    states = itertools.product([ME, OTHER, TRAINER, None], [False, True], [False, True], [0, 1, 2])
    for number, (author, hidden, deleted, touched) in enumerate(states, start=1):
        made.append(
            ListedPost(
                id=100 + number,
                thread_id=9,
                number=number,
                author_id=author,
                body_html=f"<p>Body {number} &amp; <b>x</b></p>",
                created_at=datetime(2024, 3, number % 28 + 1, number % 24, 7),
                edited_at=datetime(2024, 4, 1) if touched == 1 else None,
                redacted_at=datetime(2024, 4, 2) if touched == 2 else None,
                is_deleted=deleted,
                is_hidden=hidden,
                author=authors()[author],
            )
        )
    return made


def viewers():
    yield Viewer(
        user=SimpleNamespace(id=ME, is_admin=False, is_staff=False), roles={11: "participant"}
    )
    yield Viewer(
        user=SimpleNamespace(id=TRAINER, is_admin=False, is_staff=True), roles={11: "trainer"}
    )
    yield Viewer(user=SimpleNamespace(id=99, is_admin=True, is_staff=True))


def threads():
    for kind, author, locked, accepted in itertools.product(
        ["question", "discussion"], [ME, OTHER], [False, True], [None, 102, 113]
    ):
        yield ShownThread(9, 3, author, "T", kind, False, locked, 40, accepted, BOARD)


@pytest.mark.parametrize("language", ["en", "th", "id", "ur"])
def test_the_posts_are_the_markup_of_the_writer_they_replaced(app, language):
    listed = posts()
    compared = 0
    seen = set()
    with app.test_request_context(), force_locale(language):
        for viewer, thread in itertools.product(viewers(), threads()):
            for anchor, oob, in_list in [
                (True, False, False),
                (False, False, False),
                (True, True, False),
                (True, False, True),
            ]:
                for last_read in (0, 3, 40):
                    read = ThreadState(last_read, SubscriptionState("thread", 9, False))
                    args = (listed, thread, viewer, anchor, oob, in_list, read)
                    written = post_articles(*args)
                    assert written == reference_articles(*args)
                    seen.add(written)
                    compared += 1
            assert post_articles([], thread, viewer) == Markup("")
    assert compared == 3 * 24 * 4 * 3
    if language == "en":  # each piece was written at least once
        seen = "".join(seen)
        for piece in (
            "unread-marker",
            "?quote=",
            "Edit",
            "Report",
            "Accept as the answer",
            "Restore",
            "Hide",
            "History",
            "hx-swap-oob",
            "accepted-post-",
        ):
            assert piece in seen, piece
