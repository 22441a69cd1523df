"""In-place (htmx) replies and accepted answers keep the thread page consistent."""

from __future__ import annotations

import gzip
import re

from measure import count_statements
from sqlalchemy import insert

from discussion.conftest import HX, post_form, sign_in
from portal.database import utcnow
from portal.discussion.models import Post
from portal.discussion.queries import POSTS_PER_PAGE
from portal.extensions import db


def lengthen(world, replies: int = POSTS_PER_PAGE + 5):
    """Thread A with enough replies that its first page shows "load more"."""
    thread = world.thread_a
    start = thread.last_number
    db.session.execute(
        insert(Post),
        [
            {
                "thread_id": thread.id,
                "number": start + n,
                "author_id": world.peer.id,
                "body": f"Extra reply {n}.",
                "body_html": f"<p>Extra reply {n}.</p>",
                "created_at": utcnow(),
            }
            for n in range(1, replies + 1)
        ],
    )
    thread.last_number = thread.post_count = start + replies
    db.session.commit()
    return thread


def reply(web, thread, body, token, **extra):
    return post_form(
        web,
        f"/discussion/threads/{thread.id}/reply",
        {"body": body, "token": token, **extra},
        headers=HX,
    )


def test_load_more_carries_what_the_page_shows_to_the_reply_form(web, world):
    thread = lengthen(world)
    sign_in(web, world.participant)
    html = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    more = re.search(r'<li id="load-more".*?</li>', html, re.S).group(0)
    assert f'name="shown_to" value="{POSTS_PER_PAGE}" form="reply-form"' in more
    last = web.client.get(f"/discussion/threads/{thread.id}?after={POSTS_PER_PAGE}", headers=HX)
    assert 'name="shown_to"' not in last.get_data(as_text=True)  # the whole thread is shown


def test_reply_while_load_more_is_showing_is_not_appended(web, world):
    thread = lengthen(world)
    sign_in(web, world.participant)
    response = reply(web, thread, "Posted before loading more.", "m1", shown_to=POSTS_PER_PAGE)
    assert response.status_code == 201
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "hx-swap-oob" not in html and "Posted before loading more." not in html
    assert "Load more replies to see it" in html
    post = db.session.scalar(db.select(Post).where(Post.body == "Posted before loading more."))
    after = post.number - POSTS_PER_PAGE
    assert f'href="/discussion/threads/{thread.id}?after={after}#post-{post.id}"' in html
    # "Load more" then shows it exactly once.
    more = web.client.get(f"/discussion/threads/{thread.id}?after={POSTS_PER_PAGE}", headers=HX)
    assert more.get_data(as_text=True).count("Posted before loading more.") == 1


def test_reply_with_the_whole_thread_shown_is_appended(web, world):
    thread = lengthen(world)
    sign_in(web, world.participant)
    html = reply(web, thread, "Posted at the end.", "m2").get_data(as_text=True)
    assert 'hx-swap-oob="beforeend:#posts"' in html and "Posted at the end." in html
    assert "Load more replies to see it" not in html


def test_reply_without_javascript_still_redirects_to_the_post(web, world):
    thread = lengthen(world)
    sign_in(web, world.participant)
    response = post_form(
        web,
        f"/discussion/threads/{thread.id}/reply",
        {"body": "Plain form reply.", "token": "m3", "shown_to": POSTS_PER_PAGE},
    )
    assert response.status_code == 303
    post = db.session.scalar(db.select(Post).where(Post.body == "Plain form reply."))
    after = post.number - POSTS_PER_PAGE
    assert response.headers["Location"].endswith(
        f"/discussion/threads/{thread.id}?after={after}#post-{post.id}"
    )


def test_switching_the_accepted_answer_refreshes_both_posts(app, web, world):
    sign_in(web, world.participant)  # the asker
    first, second = world.posts_a[1], world.posts_a[2]
    second.is_hidden = False
    db.session.commit()
    post_form(web, f"/discussion/posts/{first.id}/accept", {})
    token, url = web.token("/"), f"/discussion/posts/{second.id}/accept"
    with count_statements(app) as log:
        response = web.client.post(url, data={"csrf_token": token}, headers=HX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="accepted"')
    articles = dict(
        re.findall(
            r'<article class="post" id="(post-\d+)" hx-swap-oob="true">(.*?)</article>', html, re.S
        )
    )
    assert set(articles) == {f"post-{first.id}", f"post-{second.id}"}
    # The new answer is marked and has no button; the previous one has its button back.
    assert "Accepted answer" in articles[f"post-{second.id}"]
    assert "Accept as the answer" not in articles[f"post-{second.id}"]
    assert "Accepted answer" not in articles[f"post-{first.id}"]
    assert "Accept as the answer" in articles[f"post-{first.id}"]
    assert len(gzip.compress(response.get_data())) <= 5 * 1024
    assert log.count <= 8, log.count


def test_clearing_the_accepted_answer_refreshes_the_previous_post(web, world):
    sign_in(web, world.participant)
    first = world.posts_a[1]
    post_form(web, f"/discussion/posts/{first.id}/accept", {})
    response = post_form(web, f"/discussion/threads/{world.thread_a.id}/unaccept", {}, headers=HX)
    html = response.get_data(as_text=True)
    assert f'id="post-{first.id}" hx-swap-oob="true"' in html
    assert "Accept as the answer" in html
    # Without JS both still redirect to the thread.
    plain = post_form(web, f"/discussion/posts/{first.id}/accept", {})
    assert plain.status_code == 303
