"""The personal-identifier check (C4), moderation (C3) and posting rate limits."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, insert, select

from discussion.conftest import HX, post_form, sign_in
from portal.audit import AuditEvent
from portal.database import utcnow
from portal.discussion.models import Flag, Post, PostRevision, Thread
from portal.discussion.services import REDACTED
from portal.extensions import db
from portal.mail import OutboxMessage

PHONE_TEXT = "You can reach the shelter worker on 0812 345 678 any day."
CONFIRM_RE = re.compile(r'name="confirm" value="([0-9a-f]+)"')


def reply_bodies(thread):
    return db.session.scalars(
        select(Post.body).where(Post.thread_id == thread.id).order_by(Post.number)
    ).all()


# --- C4: personal identifiers --------------------------------------------------------


def test_identifier_found_stores_nothing_and_shows_what_was_found(web, world):
    sign_in(web, world.participant)
    path = f"/discussion/threads/{world.thread_a.id}/reply"
    response = post_form(web, path, {"body": PHONE_TEXT, "token": "p1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Phone number" in html and "<mark>0812 345 678</mark>" in html
    assert "Edit my post" in html and "Post anyway" in html
    assert PHONE_TEXT in html  # the text stays in the box
    assert PHONE_TEXT not in reply_bodies(world.thread_a)


def test_post_anyway_with_the_confirmation_for_the_same_text_stores_it(web, world):
    sign_in(web, world.participant)
    path = f"/discussion/threads/{world.thread_a.id}/reply"
    first = post_form(web, path, {"body": PHONE_TEXT, "token": "p2"})
    confirm = CONFIRM_RE.search(first.get_data(as_text=True)).group(1)
    # The confirmation alone, without pressing "Post anyway", is not enough.
    not_pressed = post_form(web, path, {"body": PHONE_TEXT, "token": "p2", "confirm": confirm})
    assert not_pressed.status_code == 422
    # The browser sends CRLF line ends: still the same text.
    response = post_form(
        web, path, {"body": PHONE_TEXT + "\r\n", "token": "p2", "confirm": confirm, "anyway": "1"}
    )
    assert response.status_code == 303
    assert reply_bodies(world.thread_a)[-1] == PHONE_TEXT


def test_a_confirmation_for_different_text_is_refused(web, world):
    sign_in(web, world.participant)
    path = f"/discussion/threads/{world.thread_a.id}/reply"
    first = post_form(web, path, {"body": "Call 0812 345 678.", "token": "p3"})
    confirm = CONFIRM_RE.search(first.get_data(as_text=True)).group(1)
    other = "Call 0899 111 222, or write to someone@example.org."
    response = post_form(
        web, path, {"body": other, "token": "p3", "confirm": confirm, "anyway": "1"}
    )
    assert response.status_code == 422
    assert other not in reply_bodies(world.thread_a)
    # A forged confirmation fails too.
    forged = post_form(
        web, path, {"body": other, "token": "p3", "confirm": "0" * 64, "anyway": "1"}
    )
    assert forged.status_code == 422
    assert len(reply_bodies(world.thread_a)) == 3


def test_identifier_check_applies_to_new_threads_and_edits(web, world):
    sign_in(web, world.participant)
    response = post_form(
        web,
        f"/discussion/boards/{world.board_a.id}/new",
        {
            "title": "Case",
            "kind": "discussion",
            "body": "Her passport no. P1234567 was kept.",
            "token": "p4",
        },
    )
    assert response.status_code == 422 and "Passport or ID number" in response.get_data(True)
    assert db.session.scalar(select(func.count(Thread.id)).where(Thread.title == "Case")) == 0
    opening = world.posts_a[0]
    edit = post_form(
        web,
        f"/discussion/posts/{opening.id}/edit",
        {"body": "Write to me: a.person@example.org"},
        headers=HX,
    )
    assert edit.status_code == 422 and "E-mail address" in edit.get_data(as_text=True)
    db.session.refresh(opening)
    assert opening.body == "Opening post text."


def test_live_check_returns_a_small_fragment(web, world):
    sign_in(web, world.participant)
    response = post_form(web, "/discussion/check", {"body": PHONE_TEXT}, headers=HX)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "Phone number" in html and "<html" not in html and len(html) < 1024
    clean = post_form(web, "/discussion/check", {"body": "Nothing personal here."}, headers=HX)
    assert clean.get_data(as_text=True).strip() == ""


def test_compose_box_carries_the_sensitive_content_notice(web, world):
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert "Do not post names, photos or details that could identify a person" in page


# --- C3: moderation ------------------------------------------------------------------


def audit_actions():
    ours = AuditEvent.action.like("discussion.%")
    return list(db.session.scalars(select(AuditEvent.action).where(ours).order_by(AuditEvent.id)))


def test_flag_goes_to_the_queue_of_the_cohorts_trainer_only(web, world):
    sign_in(web, world.peer)
    response = post_form(
        web, f"/discussion/posts/{world.posts_a[0].id}/flag", {"reason": "It names a village"}
    )
    assert response.status_code == 303
    flagged = Flag.post_id == world.posts_a[0].id
    assert db.session.scalar(select(func.count(Flag.id)).where(flagged)) == 1
    web.logout()
    sign_in(web, world.trainer)
    queue = web.client.get("/discussion/moderation").get_data(as_text=True)
    assert "It names a village" in queue and "Off topic" not in queue  # B's flag is not ours
    web.logout()
    sign_in(web, world.trainer_b)
    queue_b = web.client.get("/discussion/moderation").get_data(as_text=True)
    assert "Off topic" in queue_b and "It names a village" not in queue_b


def test_hide_and_restore(web, world):
    post = world.posts_a[1]
    sign_in(web, world.trainer)
    assert post_form(web, f"/discussion/posts/{post.id}/hide", {"back": "queue"}).status_code == 303
    db.session.refresh(post)
    assert post.is_hidden
    assert db.session.scalar(select(Flag.resolved_at).where(Flag.id == world.flag.id)) is not None
    trainer_view = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(True)
    assert "We use a checklist." in trainer_view and "hidden by a moderator" in trainer_view
    web.logout()
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert "We use a checklist." not in page and "This post is hidden by a moderator." in page
    web.logout()
    sign_in(web, world.trainer)
    post_form(web, f"/discussion/posts/{post.id}/restore", {})
    db.session.refresh(post)
    assert not post.is_hidden
    assert audit_actions()[-2:] == ["discussion.post_hidden", "discussion.post_restored"]


def test_lock_pin_and_move(web, world):
    thread = world.thread_a
    sign_in(web, world.trainer)
    for action in ("lock", "pin"):
        assert post_form(web, f"/discussion/threads/{thread.id}/{action}", {}).status_code == 303
    db.session.refresh(thread)
    assert thread.is_locked and thread.is_pinned
    moved = post_form(web, f"/discussion/threads/{thread.id}/move", {"board": world.board_a2.id})
    assert moved.status_code == 303
    db.session.refresh(thread)
    assert thread.board_id == world.board_a2.id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "discussion.thread_moved")
    )
    assert event.detail == {"source": world.board_a.id, "to": world.board_a2.id}
    for action in ("unlock", "unpin"):
        post_form(web, f"/discussion/threads/{thread.id}/{action}", {})
    assert audit_actions()[-5:] == [
        "discussion.thread_lock",
        "discussion.thread_pin",
        "discussion.thread_moved",
        "discussion.thread_unlock",
        "discussion.thread_unpin",
    ]


def test_redaction_replaces_the_span_everywhere_and_tells_the_author(web, world):
    post = world.posts_a[1]
    post.body = "We met her in Sitio Example near the market."
    db.session.add(PostRevision(post_id=post.id, body="We met Sitio Example people."))
    db.session.commit()
    sign_in(web, world.trainer)
    response = post_form(web, f"/discussion/posts/{post.id}/redact", {"span": "Sitio Example"})
    assert response.status_code == 303
    db.session.refresh(post)
    assert post.body == f"We met her in {REDACTED} near the market."
    assert REDACTED in post.body_html and post.redacted_at is not None
    revisions = db.session.scalars(select(PostRevision.body).where(PostRevision.post_id == post.id))
    assert all("Sitio Example" not in body for body in revisions)
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_addr == world.peer.email)
    )
    assert "removed part of one of your posts" in message.body_text
    assert "Sitio Example" not in message.body_text
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "discussion.post_redacted")
    )
    assert event.detail == {"places": 1} and event.actor_id == world.trainer.id
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert "Part of this post was removed by a moderator." in page
    missing = post_form(web, f"/discussion/posts/{post.id}/redact", {"span": "not in the post"})
    assert missing.status_code == 400


def test_audit_details_never_carry_post_text(web, world):
    sign_in(web, world.trainer)
    post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "Secret words here", "token": "a1"},
    )
    post_form(web, f"/discussion/posts/{world.posts_a[1].id}/hide", {})
    post_form(web, f"/discussion/posts/{world.posts_a[1].id}/redact", {"span": "checklist"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("discussion.%")))
    for event in events:
        text = repr(event.detail)
        assert "Secret" not in text and "checklist" not in text


def test_admin_manages_alumni_categories(web, world):
    sign_in(web, world.admin)
    post_form(web, "/discussion/alumni-boards", {"title": "Labour migration", "description": ""})
    page = web.client.get("/discussion/alumni-boards").get_data(as_text=True)
    assert page.index("Good practice (alumni)") < page.index("Labour migration")
    from portal.discussion.models import Board

    new = db.session.scalar(select(Board).where(Board.title == "Labour migration"))
    post_form(web, f"/discussion/alumni-boards/{new.id}/up", {})
    post_form(web, f"/discussion/alumni-boards/{new.id}", {"title": "Migration", "description": ""})
    page = web.client.get("/discussion/alumni-boards").get_data(as_text=True)
    assert page.index("Migration") < page.index("Good practice (alumni)")
    web.logout()
    sign_in(web, world.alumnus)
    assert "Migration" in web.client.get("/discussion/").get_data(as_text=True)


# --- rate limits ---------------------------------------------------------------------


def test_new_account_waits_between_posts(web, world):
    world.participant.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    sign_in(web, world.participant)
    path = f"/discussion/threads/{world.thread_a.id}/reply"
    assert post_form(web, path, {"body": "First", "token": "r1"}).status_code == 303
    second = post_form(web, path, {"body": "Second, too soon", "token": "r2"}, headers=HX)
    assert second.status_code == 429
    html = second.get_data(as_text=True)
    assert "wait half a minute" in html and "Second, too soon" in html
    assert "Second, too soon" not in reply_bodies(world.thread_a)


def test_new_account_posts_at_most_ten_on_the_first_day(web, world):
    user = world.participant
    user.created_at = utcnow() - timedelta(hours=3)
    (thread,) = [world.thread_a]
    start = thread.last_number
    db.session.execute(
        insert(Post),
        [
            {
                "thread_id": thread.id,
                "number": start + n,
                "author_id": user.id,
                "body": "x",
                "body_html": "<p>x</p>",
                "created_at": utcnow() - timedelta(minutes=10 + n),
            }
            for n in range(1, 9)  # with the opening post, nine so far
        ],
    )
    thread.last_number = start + 8
    db.session.commit()
    sign_in(web, user)
    path = f"/discussion/threads/{thread.id}/reply"
    assert post_form(web, path, {"body": "Tenth", "token": "d1"}).status_code == 303
    db.session.execute(
        Post.__table__.update()
        .where(Post.body == "Tenth")
        .values(created_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()
    refused = post_form(web, path, {"body": "Eleventh", "token": "d2"})
    assert refused.status_code == 429 and "ten posts on their first day" in refused.get_data(True)


def test_trainers_are_not_rate_limited(web, world):
    world.trainer.created_at = utcnow()
    db.session.commit()
    sign_in(web, world.trainer)
    path = f"/discussion/threads/{world.thread_a.id}/reply"
    for n in range(3):
        assert post_form(web, path, {"body": f"Note {n}", "token": f"t{n}"}).status_code == 303
