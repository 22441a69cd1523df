"""Subscriptions, e-mail per post, the daily digest and unsubscribe links (real SMTP)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from discussion.conftest import HX, post_form, sign_in
from portal.audit import AuditEvent
from portal.cohorts.models import Membership
from portal.discussion.notifications.models import NotificationPreference, Subscription
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending

LINK = re.compile(r"http://127\.0\.0\.1:5000(/discussion/unsubscribe/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def inbox(app, smtp_server):
    """Mail from this app goes to the real local SMTP server."""
    messages, port = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    return messages


def subscriptions(user):
    return db.session.execute(
        select(Subscription.thread_id, Subscription.board_id).where(Subscription.user_id == user.id)
    ).all()


def choose(web, mode):
    response = web.post("/discussion/settings", {"email_mode": mode})
    assert response.status_code == 303


def outbox():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_follow_and_stop_without_javascript(web, world):
    sign_in(web, world.peer)
    thread_url = f"/discussion/threads/{world.thread_a.id}"
    page = web.client.get(thread_url).get_data(as_text=True)
    assert "Follow this thread" in page
    response = post_form(web, f"{thread_url}/subscribe", {})
    assert response.status_code == 303 and response.headers["Location"].endswith(thread_url)
    assert subscriptions(world.peer) == [(world.thread_a.id, None)]
    page = web.client.get(thread_url).get_data(as_text=True)
    assert "Following</strong>" in page and "Stop following</button>" in page
    post_form(web, f"{thread_url}/subscribe", {})  # twice changes nothing
    assert len(subscriptions(world.peer)) == 1
    response = post_form(web, f"{thread_url}/unsubscribe", {})
    assert response.status_code == 303 and subscriptions(world.peer) == []


def test_follow_button_swaps_itself_with_htmx(web, world):
    sign_in(web, world.peer)
    board_url = f"/discussion/boards/{world.board_a.id}"
    assert "Follow this board" in web.client.get(board_url).get_data(as_text=True)
    response = post_form(web, f"{board_url}/subscribe", {}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<form id="subscription-board"') and "<html" not in html
    assert 'hx-target="this"' in html and "Stop following</button>" in html
    assert subscriptions(world.peer) == [(None, world.board_a.id)]
    thread_page = web.client.get(f"/discussion/threads/{world.thread_a.id}")
    assert "You already follow the whole board" in thread_page.get_data(as_text=True)
    response = post_form(web, f"{board_url}/unsubscribe", {}, headers=HX)
    assert "Follow this board" in response.get_data(as_text=True)
    assert subscriptions(world.peer) == []


def test_cannot_follow_what_one_cannot_see_nor_without_csrf(web, world):
    sign_in(web, world.member_b)
    assert (
        post_form(web, f"/discussion/threads/{world.thread_a.id}/subscribe", {}).status_code == 404
    )
    assert post_form(web, f"/discussion/boards/{world.board_a.id}/subscribe", {}).status_code == 404
    response = web.client.post(f"/discussion/threads/{world.thread_b.id}/subscribe")
    assert response.status_code == 400
    assert subscriptions(world.member_b) == []


def test_authors_follow_the_threads_they_start(web, world):
    sign_in(web, world.peer)
    response = post_form(
        web,
        f"/discussion/boards/{world.board_a.id}/new",
        {
            "title": "Shelter referrals",
            "body": "How do you refer?",
            "kind": "discussion",
            "token": "start-1",
        },
    )
    assert response.status_code == 303
    ((thread_id, board_id),) = subscriptions(world.peer)
    assert board_id is None and response.headers["Location"].endswith(f"/threads/{thread_id}")


def test_settings_page_lists_and_saves(web, world):
    sign_in(web, world.peer)
    page = web.client.get("/discussion/settings")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'checked id="email_mode-1"' in html  # the default
    choose(web, "post")
    assert db.session.get(NotificationPreference, world.peer.id).email_mode == "post"
    assert web.post("/discussion/settings", {"email_mode": "loud"}).status_code == 400
    post_form(web, f"/discussion/threads/{world.thread_a.id}/subscribe", {})
    html = web.client.get("/discussion/settings").get_data(as_text=True)
    assert "How do you identify victims at borders?" in html and 'checked id="email_mode-0"' in html
    assert web.client.get("/discussion/").get_data(as_text=True).count("/discussion/settings")


def test_a_reply_mails_per_post_subscribers_who_can_still_see_it(web, world, inbox):
    for user, mode in ((world.peer, "post"), (world.trainer, "post"), (world.alumnus, "post")):
        sign_in(web, user)
        choose(web, mode)
        web.logout()
    # The peer follows the thread, the trainer the board, the participant (author) both.
    db.session.add_all(
        [
            Subscription(user_id=world.peer.id, thread_id=world.thread_a.id),
            Subscription(user_id=world.trainer.id, board_id=world.board_a.id),
            Subscription(user_id=world.trainer.id, thread_id=world.thread_a.id),
            Subscription(user_id=world.participant.id, board_id=world.board_a.id),
            # Someone who once could see the board but has left the cohort.
            Subscription(user_id=world.member_b.id, board_id=world.board_a.id),
        ]
    )
    db.session.add(Membership(user_id=world.member_b.id, cohort_id=world.cohort.id))
    db.session.commit()
    db.session.execute(
        delete(Membership).where(
            Membership.user_id == world.member_b.id, Membership.cohort_id == world.cohort.id
        )
    )
    db.session.commit()
    sign_in(web, world.participant)
    response = post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "We screen with the **indicator** list.", "token": "mail-1"},
    )
    assert response.status_code == 303
    queued = outbox()
    assert sorted(m.to_addr for m in queued) == sorted([world.peer.email, world.trainer.email])
    assert deliver_pending() == (2, 0)
    by_to = {m["To"]: m for m in inbox.messages}
    mail = by_to[world.peer.email]
    body = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "New reply in: How do you identify victims at borders?"
    assert "indicator" in body and "Amihan Test wrote (post #4)" in body
    assert mail["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/discussion/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The trainer follows thread and board: one mail, and its link stops the thread.
    assert by_to[world.trainer.email]["List-Unsubscribe"] != mail["List-Unsubscribe"]


def test_unsubscribe_link_from_a_received_mail_works_without_signing_in(web, world, inbox):
    sign_in(web, world.peer)
    choose(web, "post")
    post_form(web, f"/discussion/threads/{world.thread_a.id}/subscribe", {})
    web.logout()
    sign_in(web, world.participant)
    post_form(
        web, f"/discussion/threads/{world.thread_a.id}/reply", {"body": "News.", "token": "u-1"}
    )
    web.logout()
    deliver_pending()
    body = inbox.messages[0].get_body(("plain",)).get_content()
    stop_thread, stop_all = LINK.findall(body)
    page = web.client.get(stop_thread)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stop e-mail about this thread?" in html and 'method="post"' in html
    assert subscriptions(world.peer) == [(world.thread_a.id, None)]  # GET changed nothing
    done = web.post(stop_thread, {}, token_from=stop_thread)
    assert done.status_code == 200 and "no more e-mail about this" in done.get_data(as_text=True)
    assert subscriptions(world.peer) == []
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "notifications.unsubscribed"
            )
        )
        == 1
    )
    # The "all e-mail" link, used as a mail client's one-click POST (no session, no CSRF).
    one_click = web.client.post(stop_all, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert db.session.get(NotificationPreference, world.peer.id).email_mode == "none"


def test_a_tampered_unsubscribe_link_is_refused_kindly(web, world, inbox):
    db.session.add(Subscription(user_id=world.peer.id, thread_id=world.thread_a.id))
    db.session.commit()
    from portal.discussion.notifications.tokens import make_token

    with web.client.application.test_request_context():
        token = make_token(world.peer.id, "thread", world.thread_a.id)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    other = make_token_for_other(web, world)
    for bad in (forged, "nonsense", other):
        page = web.client.get(f"/discussion/unsubscribe/{bad}")
        assert page.status_code == 400
        assert "This unsubscribe link is not valid" in page.get_data(as_text=True)
        assert web.client.post(f"/discussion/unsubscribe/{bad}").status_code == 400
    assert subscriptions(world.peer) == [(world.thread_a.id, None)]


def make_token_for_other(web, world):
    """A token signed with another key (another salt) is not ours either."""
    from itsdangerous import URLSafeSerializer

    key = web.client.application.config["SECRET_KEY"]
    return URLSafeSerializer(key, salt="password-reset").dumps([world.peer.id, "all", None])


def test_daily_digest_over_smtp(app, web, world, inbox):
    db.session.add_all(
        [
            Subscription(user_id=world.peer.id, board_id=world.board_a.id),
            Subscription(user_id=world.member_b.id, thread_id=world.thread_a.id),  # cannot see
            Subscription(user_id=world.alumnus.id, thread_id=world.thread_alumni.id),
        ]
    )
    db.session.commit()
    sign_in(web, world.participant)
    post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "Digest-worthy reply about shelters.", "token": "d-1"},
    )
    assert outbox() == []  # digest readers get nothing per post
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "digest"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digests" in result.output
    assert deliver_pending() == (1, 0)
    digest = inbox.messages[0]
    body = digest.get_body(("plain",)).get_content()
    assert digest["To"] == world.peer.email
    assert "Digest-worthy reply about shelters." in body
    assert "Opening post text." in body  # the fixture's posts of the last hour
    assert "We use a checklist." not in body  # the peer's own
    assert LINK.search(body) and digest["List-Unsubscribe"]
    pref = db.session.get(NotificationPreference, world.peer.id)
    assert pref.last_digest_at is not None
    # A second run the same day has nothing new.
    result = runner.invoke(args=["mail", "digest"])
    assert "queued 0 digests" in result.output
    # Later posts go into the next digest only.
    web.logout()
    sign_in(web, world.trainer)
    post_form(
        web, f"/discussion/threads/{world.thread_a.id}/reply", {"body": "Next day.", "token": "d-2"}
    )
    assert "queued 1 digests" in runner.invoke(args=["mail", "digest"]).output
    deliver_pending()
    second = inbox.messages[1].get_body(("plain",)).get_content()
    assert "Next day." in second and "Digest-worthy" not in second
