"""Boards, threads and posting: what participants see and what is stored."""

from __future__ import annotations

from sqlalchemy import func, select

from discussion.conftest import HX, make_sessions, post_form, sign_in
from portal.audit import AuditEvent
from portal.discussion.models import Board, Post, PostRevision, Thread
from portal.discussion.queries import session_board_url
from portal.extensions import db


def posts_of(thread):
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.number)
    ).all()


def test_boards_are_created_for_a_cohort_without_manual_steps(web, participant, cohort):
    make_sessions(3)
    sign_in(web, participant)
    page = web.client.get("/discussion/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cohort board" in html and "3. Invented session 3" in html
    assert "June workshop (fictional)" in html
    slots = db.session.scalars(select(Board.slot).where(Board.cohort_id == cohort.id)).all()
    assert len(slots) == 4
    # A second visit creates nothing more.
    web.client.get("/discussion/")
    assert db.session.scalar(select(func.count(Board.id))) == 4


def test_session_board_url_points_to_the_cohort_session_board(app, participant, cohort):
    make_sessions(2)
    with app.test_request_context():
        url = session_board_url(participant, 2)
    board = db.session.scalar(
        select(Board).where(Board.slot.like(f"session:{cohort.id}:%"), Board.position == 2)
    )
    assert url == f"/discussion/boards/{board.id}"


def test_board_lists_threads_pinned_first_with_counts(web, world):
    world.thread_a.is_pinned = False
    db.session.commit()
    sign_in(web, world.participant)
    post_form(
        web,
        f"/discussion/boards/{world.board_a.id}/new",
        {"title": "Newer thread", "body": "Hello all.", "kind": "discussion", "token": "t1"},
    )
    html = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert html.index("Newer thread") < html.index("How do you identify victims")
    world.thread_a.is_pinned = True
    db.session.commit()
    html = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    assert html.index("How do you identify victims") < html.index("Newer thread")
    listing = web.client.get("/discussion/").get_data(as_text=True)
    assert "2 threads" in listing


def test_new_thread_without_js_redirects_and_stores_once(web, world):
    sign_in(web, world.participant)
    data = {
        "title": "Shelter referrals",
        "kind": "question",
        "body": "**How** do you refer?",
        "token": "same-token",
    }
    first = post_form(web, f"/discussion/boards/{world.board_a.id}/new", data)
    assert first.status_code == 303
    second = post_form(web, f"/discussion/boards/{world.board_a.id}/new", data)
    assert second.status_code == 303 and second.location == first.location
    threads = db.session.scalars(select(Thread).where(Thread.title == "Shelter referrals")).all()
    assert len(threads) == 1 and threads[0].kind == "question"
    [post] = posts_of(threads[0])
    assert post.number == 1 and "<strong>How</strong>" in post.body_html
    page = web.client.get(first.location).get_data(as_text=True)
    assert "<strong>How</strong> do you refer?" in page


def test_validation_keeps_what_was_typed(web, world):
    sign_in(web, world.participant)
    response = post_form(
        web,
        f"/discussion/boards/{world.board_a.id}/new",
        {"title": "", "body": "Text I typed", "kind": "discussion"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Text I typed" in html and "Give the thread a title." in html
    too_long = post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "x" * 20_001, "token": "long"},
    )
    assert too_long.status_code == 400
    assert "at most 20,000 characters" in too_long.get_data(as_text=True)
    assert len(posts_of(world.thread_a)) == 3


def test_reply_without_js_redirects_to_the_new_post(web, world):
    sign_in(web, world.participant)
    response = post_form(
        web, f"/discussion/threads/{world.thread_a.id}/reply", {"body": "My reply", "token": "r1"}
    )
    assert response.status_code == 303
    post = posts_of(world.thread_a)[-1]
    assert post.number == 4 and post.body == "My reply" and post.author_id == world.participant.id
    assert response.location.endswith(f"#post-{post.id}")
    assert "My reply" in web.client.get(response.location).get_data(as_text=True)


def test_reply_with_htmx_returns_the_post_and_a_fresh_form(web, world):
    sign_in(web, world.participant)
    response = post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "In place reply", "token": "r2"},
        headers=HX,
    )
    assert response.status_code == 201
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert 'hx-swap-oob="beforeend:#posts"' in html and "In place reply" in html
    assert 'id="reply-form"' in html and "Your reply was posted." in html
    assert "<html" not in html
    again = post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "In place reply", "token": "r2"},
        headers=HX,
    )
    assert again.status_code == 201
    assert [p.body for p in posts_of(world.thread_a)].count("In place reply") == 1


def test_quote_prefills_the_reply_box(web, world):
    sign_in(web, world.participant)
    url = f"/discussion/threads/{world.thread_a.id}?quote={world.posts_a[1].id}"
    page = web.client.get(url).get_data(as_text=True)
    assert "Peer A wrote (post #2):\n&gt; We use a checklist." in page
    fragment = web.client.get(url, headers=HX)
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="reply-form"') and "&gt; We use a checklist." in html
    # A hidden post cannot be quoted by a participant.
    hidden = web.client.get(f"/discussion/threads/{world.thread_a.id}?quote={world.posts_a[2].id}")
    assert hidden.status_code == 404


def test_edit_keeps_history_and_trainers_see_it(web, world):
    sign_in(web, world.peer)
    post = world.posts_a[1]
    form = web.client.get(f"/discussion/posts/{post.id}/edit", headers=HX)
    assert form.status_code == 200 and f'id="post-{post.id}"' in form.get_data(as_text=True)
    saved = post_form(
        web, f"/discussion/posts/{post.id}/edit", {"body": "We use *two* checklists."}, headers=HX
    )
    assert saved.status_code == 200
    assert "<em>two</em>" in saved.get_data(as_text=True) and "edited" in saved.get_data(
        as_text=True
    )
    db.session.refresh(post)
    assert post.body == "We use *two* checklists." and post.edited_at is not None
    [revision] = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id))
    assert revision.body == "We use a checklist."
    # Without JS: a full page and a 303.
    plain = post_form(web, f"/discussion/posts/{post.id}/edit", {"body": "Three checklists."})
    assert plain.status_code == 303
    # Someone else cannot edit it; the participant cannot see the history, the trainer can.
    web.logout()
    sign_in(web, world.participant)
    assert web.client.get(f"/discussion/posts/{post.id}/edit").status_code == 404
    assert web.client.get(f"/discussion/posts/{post.id}/history").status_code == 404
    web.logout()
    sign_in(web, world.trainer)
    history = web.client.get(f"/discussion/posts/{post.id}/history").get_data(as_text=True)
    assert "We use a checklist." in history and "We use *two* checklists." in history


def test_delete_own_post_shows_removed(web, world):
    sign_in(web, world.peer)
    post = world.posts_a[1]
    assert web.client.get(f"/discussion/posts/{post.id}/delete").status_code == 200
    response = post_form(web, f"/discussion/posts/{post.id}/delete", {})
    assert response.status_code == 303
    db.session.refresh(post)
    assert post.is_deleted and post.body == "" and post.body_html == ""
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert "This post was removed by its author." in page and "We use a checklist." not in page
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "discussion.post_deleted")
    )


def test_accept_an_answer_in_place_and_without_js(web, world):
    sign_in(web, world.participant)  # the asker
    answer = world.posts_a[1]
    response = post_form(web, f"/discussion/posts/{answer.id}/accept", {}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="accepted"') and "We use a checklist." in html
    db.session.refresh(world.thread_a)
    assert world.thread_a.accepted_post_id == answer.id
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert page.index("Accepted answer") < page.index('id="posts"')
    cleared = post_form(web, f"/discussion/threads/{world.thread_a.id}/unaccept", {})
    assert cleared.status_code == 303
    db.session.refresh(world.thread_a)
    assert world.thread_a.accepted_post_id is None


def test_only_the_asker_or_a_trainer_accepts(web, world):
    sign_in(web, world.peer)
    response = post_form(web, f"/discussion/posts/{world.posts_a[1].id}/accept", {})
    assert response.status_code == 403
    web.logout()
    sign_in(web, world.trainer)
    response = post_form(web, f"/discussion/posts/{world.posts_a[1].id}/accept", {})
    assert response.status_code == 303


def test_load_more_uses_keyset_pages(web, world):
    from discussion.conftest import make_thread

    replies = [(world.peer, f"Reply number {n}") for n in range(2, 46)]
    thread, _posts = make_thread(world.board_a, world.participant, "Long thread", replies=replies)
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    assert "Reply number 20" in page and "Reply number 21" not in page
    assert "after=20" in page
    more = web.client.get(f"/discussion/threads/{thread.id}?after=20", headers=HX)
    html = more.get_data(as_text=True)
    assert "Reply number 21" in html and "Reply number 40" in html and "Reply number 41" not in html
    assert html.lstrip().startswith("<li>") and 'id="load-more"' in html
    assert "HX-Request" in more.headers["Vary"]
    last = web.client.get(f"/discussion/threads/{thread.id}?after=40").get_data(as_text=True)
    assert "Reply number 45" in last and 'id="load-more"' not in last


def test_locked_thread_refuses_replies_except_moderators(web, world):
    world.thread_a.is_locked = True
    db.session.commit()
    sign_in(web, world.participant)
    response = post_form(
        web, f"/discussion/threads/{world.thread_a.id}/reply", {"body": "Let me in", "token": "l1"}
    )
    assert response.status_code == 403
    web.logout()
    sign_in(web, world.trainer)
    response = post_form(
        web,
        f"/discussion/threads/{world.thread_a.id}/reply",
        {"body": "Trainer note", "token": "l2"},
    )
    assert response.status_code == 303
    assert [p.body for p in posts_of(world.thread_a)] == [
        "Opening post text.",
        "We use a checklist.",
        "A second reply by the peer.",
        "Trainer note",
    ]


def test_export_includes_the_users_posts(web, world):
    from portal.accounts.services import export_data

    data = export_data(world.peer).data
    assert [p["body"] for p in data["discussion_posts"]] == [
        "We use a checklist.",
        "A second reply by the peer.",
    ]


def test_deleted_account_posts_show_former_participant(web, world):
    from factories import PASSWORD

    from portal.accounts.services import delete_account

    delete_account(world.peer, PASSWORD)
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    assert "Former participant" in page and "Peer A" not in page
