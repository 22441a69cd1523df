"""SPEC §4 budgets for the discussion pages: statements, page weight, fragment size."""

from __future__ import annotations

import gzip

import pytest
from measure import count_statements, page_weight
from sqlalchemy import delete, insert, select

from discussion.conftest import HX, make_thread, sign_in
from portal.database import utcnow
from portal.discussion.models import Post, Thread
from portal.discussion.notifications.models import ThreadRead
from portal.extensions import db

COLD_BYTES = 50 * 1024
FRAGMENT_BYTES = 5 * 1024
REPORT: dict = {}


def grow(world, replies: int) -> Thread:
    """Thread A with `replies` replies and the board with as many threads, bulk-inserted."""
    thread = world.thread_a
    start = thread.last_number
    now = utcnow()
    db.session.execute(
        insert(Post),
        [
            {
                "thread_id": thread.id,
                "number": start + n,
                "author_id": (world.peer if n % 2 else world.participant).id,
                "body": f"Reply {n} about *referral* practice.",
                "body_html": f"<p>Reply {n} about <em>referral</em> practice.</p>",
                "created_at": now,
            }
            for n in range(1, replies + 1)
        ],
    )
    db.session.execute(
        insert(Thread),
        [
            {
                "board_id": world.board_a.id,
                "author_id": world.peer.id,
                "title": f"Topic {n}",
                "kind": "discussion",
                "last_number": 1,
                "post_count": 1,
            }
            for n in range(replies)
        ],
    )
    thread.last_number = thread.post_count = start + replies
    thread.accepted_post_id = world.posts_a[1].id
    db.session.commit()
    return thread


def statements(app, client, path, headers=None) -> int:
    with count_statements(app) as log:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, path
    return log.count


@pytest.mark.parametrize("persona", ["participant", "trainer"])
def test_statement_counts_do_not_grow_with_posts(app, web, world, persona):
    sign_in(web, getattr(world, persona))
    pages = {
        "board list": "/discussion/",
        "board": f"/discussion/boards/{world.board_a.id}",
        "thread": f"/discussion/threads/{world.thread_a.id}",
        "load more": f"/discussion/threads/{world.thread_a.id}?after=5",
    }

    def first_visits() -> dict[str, int]:
        # Each page as a first visit, its most expensive case: the thread pages then store
        # how far the reader got (a revisit with nothing new stores nothing, tested below).
        counts = {}
        for name, path in pages.items():
            db.session.execute(delete(ThreadRead))
            db.session.commit()
            counts[name] = statements(app, web.client, path)
        return counts

    grow(world, 10)
    small = first_visits()
    grow(world, 1000)
    large = first_visits()
    REPORT[persona] = (small, large)
    assert small == large
    assert max(large.values()) <= 8, large


def test_a_revisit_with_nothing_new_stores_no_read_position(app, web, world):
    grow(world, 10)
    sign_in(web, world.participant)
    thread = f"/discussion/threads/{world.thread_a.id}"
    first = statements(app, web.client, thread)
    stored = db.session.scalar(
        select(ThreadRead.last_read_number).where(
            ThreadRead.user_id == world.participant.id, ThreadRead.thread_id == world.thread_a.id
        )
    )
    assert stored == world.thread_a.last_number
    with count_statements(app) as log:
        assert web.client.get(thread).status_code == 200
    assert log.count == first - 1
    writes = [sql for sql in log.statements if "thread_read" in sql.lower()]
    assert not any(sql.lstrip().upper().startswith("INSERT") for sql in writes)
    grow(world, 1)  # a new reply: the next visit moves the position on
    statements(app, web.client, thread)
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(ThreadRead.last_read_number).where(
                ThreadRead.user_id == world.participant.id,
                ThreadRead.thread_id == world.thread_a.id,
            )
        )
        == db.session.get(Thread, world.thread_a.id).last_number
    )


def test_page_weight_of_board_and_thread_pages(web, world):
    grow(world, 1000)
    sign_in(web, world.trainer)  # the heaviest view: moderation buttons on every post
    for path in (
        "/discussion/",
        f"/discussion/boards/{world.board_a.id}",
        f"/discussion/threads/{world.thread_a.id}",
        f"/discussion/threads/{world.thread_a.id}?after=500",
    ):
        weight = page_weight(web.client, path)
        REPORT[path] = weight.bytes
        assert weight.requests <= 6, weight.sizes
        assert weight.bytes <= COLD_BYTES, weight.sizes
        assert weight.other_hosts == []


def test_htmx_fragments_are_small_and_vary(web, world):
    grow(world, 100)
    sign_in(web, world.trainer)
    headers = {**HX, "Accept-Encoding": "gzip"}
    thread = world.thread_a
    fragments = {
        "load more": web.client.get(f"/discussion/threads/{thread.id}?after=20", headers=headers),
        "quote": web.client.get(
            f"/discussion/threads/{thread.id}?quote={world.posts_a[1].id}", headers=headers
        ),
    }
    web.logout()
    sign_in(web, world.participant)  # the author of the opening post
    fragments["edit form"] = web.client.get(
        f"/discussion/posts/{world.posts_a[0].id}/edit", headers=headers
    )
    fragments["accept"] = web.post(
        f"/discussion/posts/{world.posts_a[1].id}/accept", {}, token_from="/", headers=headers
    )
    for name, response in fragments.items():
        assert response.status_code == 200, name
        assert "HX-Request" in response.headers["Vary"], name
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(body)
        else:
            raw = body
        assert b"<html" not in raw, name
        REPORT[name] = (len(body), len(raw))
        assert len(body) <= FRAGMENT_BYTES, (name, len(body))


def test_thread_of_a_thousand_replies_pages_by_number(app, web, world):
    thread = grow(world, 1000)
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{thread.id}?after=990").get_data(as_text=True)
    assert "Reply 988 about" in page and 'id="load-more"' not in page
    other, _posts = make_thread(world.board_a, world.peer, "Small")
    assert other.id != thread.id


def test_the_quote_fragment_reads_only_the_quoted_post(app, web, world):
    """The reply form alone (htmx) lists no post: of the thread's posts it reads only the
    one it quotes, not the page of replies or the accepted answer."""
    thread_id = grow(world, 30).id
    sign_in(web, world.participant)
    quoted_id, number = world.posts_a[1].id, world.posts_a[1].number
    with count_statements(app) as log:
        response = web.client.get(f"/discussion/threads/{thread_id}?quote={quoted_id}", headers=HX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"wrote (post #{number}):" in page
    assert 'id="reply-form"' in page and "<article" not in page
    reads = [sql for sql in log.statements if "FROM post" in sql]
    assert len(reads) == 1, reads


def test_the_thread_page_reads_its_posts_once(app, web, world):
    """The page of posts is one read of plain columns, their authors' with them; the
    accepted answer, when on that page, is taken from it rather than read again."""
    thread = grow(world, 30)  # the accepted answer is the first reply, on the first page
    thread.kind = "question"
    db.session.commit()
    thread_id, answer_id = thread.id, world.posts_a[1].id
    sign_in(web, world.participant)
    with count_statements(app) as log:
        response = web.client.get(f"/discussion/threads/{thread_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="accepted-post-{answer_id}"' in page and f'id="post-{answer_id}"' in page
    reads = [sql for sql in log.statements if "FROM post" in sql]
    assert len(reads) == 1, reads
    assert not [sql for sql in log.statements if "user.id IN" in sql], log.statements


def test_a_thread_revisit_reads_thread_board_and_state_in_one_statement(app, web, world):
    """A revisit with nothing new: the signed-in user with their memberships, the thread
    with its board and the reader's read position and follows, and the posts with their
    authors; nothing written."""
    grow(world, 30)
    sign_in(web, world.participant)
    path = f"/discussion/threads/{world.thread_a.id}"
    assert web.client.get(path).status_code == 200
    with count_statements(app) as log:
        assert web.client.get(path).status_code == 200
    reads = [sql for sql in log.statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == len(log.statements) == 3, log.statements
    (shown,) = [sql for sql in reads if "FROM thread" in sql]
    assert "JOIN board" in shown and "thread_read" in shown and "subscription" in shown
