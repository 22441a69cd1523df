"""A line break in a thread title never reaches a mail subject (issue 7, item 2)."""

from __future__ import annotations

from sqlalchemy import select

from discussion.conftest import post_form, sign_in
from portal.discussion.models import Post, Thread
from portal.extensions import db


def test_thread_title_loses_control_characters_body_keeps_lines(web, world):
    sign_in(web, world.participant)
    response = post_form(
        web,
        f"/discussion/boards/{world.board_a.id}/new",
        {
            "title": "Referral\r\nBcc: everyone@example.test\x00\x07",
            "body": "First line\nsecond line\x00",
            "kind": "discussion",
            "token": "hygiene-1",
        },
    )
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread).where(Thread.title.like("Referral%")))
    assert thread.title == "Referral Bcc: everyone@example.test"
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert post.body == "First line\nsecond line"
