"""Unread counts on board and thread lists, and the "new since your last visit" marker."""

from __future__ import annotations

from sqlalchemy import select

from discussion.conftest import HX, make_thread, post_form, sign_in
from portal.discussion.models import Post
from portal.discussion.notifications.models import ThreadRead
from portal.extensions import db
from portal.markdown import render_markdown


def add_reply(thread, author, body):
    """A reply written directly, as another person would post it."""
    thread.last_number += 1
    thread.post_count += 1
    post = Post(
        thread_id=thread.id,
        number=thread.last_number,
        author_id=author.id,
        body=body,
        body_html=str(render_markdown(body)),
    )
    db.session.add(post)
    db.session.commit()
    return post


def read_position(user, thread):
    return db.session.scalar(
        select(ThreadRead.last_read_number).where(
            ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id
        )
    )


def test_first_visit_counts_everything_unread_and_shows_no_marker(web, world):
    sign_in(web, world.peer)
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert "3 unread" in board
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert 'id="new"' not in page
    assert read_position(world.peer, world.thread_a) == 3
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert "unread" not in board


def test_new_replies_are_counted_and_marked_once(web, world):
    sign_in(web, world.peer)
    web.client.get(f"/discussion/threads/{world.thread_a.id}")
    first_new = add_reply(world.thread_a, world.participant, "A new answer about referral.")
    add_reply(world.thread_a, world.participant, "And one more.")
    listing = web.client.get("/discussion/").get_data(as_text=True)
    assert "2 unread" in listing
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert "2 unread" in board and f"/discussion/threads/{world.thread_a.id}?after=3#new" in board
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert "New since your last visit" in page
    assert page.index('id="new"') < page.index(f'id="post-{first_new.id}"')
    assert page.index(f'id="post-{world.posts_a[2].id}"') < page.index('id="new"')
    assert read_position(world.peer, world.thread_a) == 5
    again = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert 'id="new"' not in again
    assert "unread" not in web.client.get("/discussion/").get_data(as_text=True)


def test_read_position_follows_the_pages_shown(web, world):
    replies = [(world.peer, f"Reply number {n}") for n in range(2, 46)]
    thread, _posts = make_thread(world.board_a, world.participant, "Long thread", replies=replies)
    sign_in(web, world.peer)
    web.client.get(f"/discussion/threads/{thread.id}")
    assert read_position(world.peer, thread) == 20
    more = web.client.get(f"/discussion/threads/{thread.id}?after=20", headers=HX)
    assert 'id="new"' not in more.get_data(as_text=True)  # "load more" continues the visit
    assert read_position(world.peer, thread) == 40
    web.client.get(f"/discussion/threads/{thread.id}")  # going back never moves it back
    assert read_position(world.peer, thread) == 40


def test_own_posts_are_read(web, world):
    sign_in(web, world.participant)
    web.client.get(f"/discussion/threads/{world.thread_a.id}")
    response = post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "My own follow-up.", "token": "own-1"},
        headers=HX,
    )
    assert response.status_code == 201
    assert read_position(world.participant, world.thread_a) == 4
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert "unread" not in board


def test_other_people_have_their_own_positions(web, world):
    sign_in(web, world.peer)
    web.client.get(f"/discussion/threads/{world.thread_a.id}")
    web.logout()
    sign_in(web, world.trainer)
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert "3 unread" in board
