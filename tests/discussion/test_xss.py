"""Every hostile input, posted through the form, is stored and shown without active content."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from xss_corpus import HOSTILE_INPUTS

from discussion.conftest import post_form, sign_in
from portal.discussion.models import Post
from portal.extensions import db
from portal.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

POSTABLE = [text for text in HOSTILE_INPUTS if len(text) <= 20_000]


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on {tag}")
            if name in ("href", "src") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                self.problems.append(f"url {value}")


def test_every_hostile_input_is_stored_sanitised(web, world):
    """Posted as the trainer (not rate limited) with "Post anyway" where identifiers appear."""
    sign_in(web, world.trainer)
    path = f"/discussion/threads/{world.thread_a.id}/reply"
    for index, text in enumerate(POSTABLE):
        response = post_form(web, path, {"body": text, "token": f"x{index}"})
        if response.status_code == 422:
            confirm = re.search(r'name="confirm" value="([0-9a-f]+)"', response.get_data(True))
            response = post_form(
                web,
                path,
                {"body": text, "token": f"x{index}", "confirm": confirm.group(1), "anyway": "1"},
            )
        assert response.status_code in (303, 400), (index, response.status_code)
    stored = db.session.scalars(
        select(Post).where(Post.thread_id == world.thread_a.id, Post.number > 3)
    ).all()
    assert len(stored) >= len(POSTABLE) - 5  # only blank-after-trim inputs are refused
    for post in stored:
        inspector = Inspector()
        inspector.feed(post.body_html)
        assert not inspector.problems, (post.body[:80], inspector.problems)
        assert "<script" not in post.body_html.lower()


@pytest.mark.parametrize("field", ["title", "reason"])
def test_plain_text_fields_are_escaped(web, world, field):
    sign_in(web, world.participant)
    payload = "<img src=x onerror=alert(1)>"
    if field == "title":
        response = post_form(
            web,
            f"/discussion/boards/{world.board_a.id}/new",
            {"title": payload, "kind": "discussion", "body": "Body", "token": "e1"},
        )
        page = web.client.get(response.location).get_data(as_text=True)
    else:
        post_form(web, f"/discussion/posts/{world.posts_a[0].id}/flag", {"reason": payload})
        web.logout()
        sign_in(web, world.trainer)
        page = web.client.get("/discussion/moderation").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
