"""What bad input gets (issue 7, items 6 and 7): the route-wide test in test_bad_input.py
asserts no 5xx anywhere; these assert the answer itself on representative routes, and
what is stored (nothing)."""

from __future__ import annotations

import io

import pytest
from discussion.conftest import board_for, make_sessions, make_thread
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.discussion.models import Post
from portal.extensions import db

HUGE = str(2**64)  # one past what any id column stores
MB = 1024 * 1024


@pytest.fixture
def thread(cohort, participant, trainer):
    make_sessions(1)
    thread, _posts = make_thread(board_for(cohort), participant, title="Invented thread")
    return thread


# --- Ids beyond 64 bits: 404, in a path segment or in page/after/quote/cohort -----------


def test_ids_beyond_64_bits_are_not_found(as_trainer, thread, cohort):
    get = as_trainer.client.get
    for url in (
        f"/cohorts/{HUGE}",
        f"/discussion/threads/{HUGE}",
        f"/discussion/threads/{thread.id}?page={HUGE}",
        f"/discussion/threads/{thread.id}?after={HUGE}",
        f"/discussion/threads/{thread.id}?quote={HUGE}",
        f"/discussion/threads/{thread.id}?quote=-{HUGE}",
        f"/discussion/moderation?cohort={HUGE}",
        f"/progress?cohort={HUGE}",
        f"/search?q=trafficking&page={HUGE}",
    ):
        assert get(url).status_code == 404, url
    # The same pages with ordinary values are there.
    assert get(f"/discussion/threads/{thread.id}?after=0").status_code == 200
    assert get(f"/discussion/moderation?cohort={cohort.id}").status_code == 200


# --- JSON bodies and file parts sent to form fields: 400, nothing stored -----------------


def test_a_json_body_is_refused_with_400(web, participant):
    token = web.token("/login")
    for path in ("/login", "/signup", "/password/forgot"):
        response = web.client.post(
            path,
            json={"email": participant.email, "password": "x", "code": {"nested": [1]}},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 400, path
    web.login(participant.email)
    response = web.client.post(
        "/account/profile",
        json={"display_name": "Changed by JSON", "language": "en"},
        headers={"X-CSRFToken": web.token("/account/profile")},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, participant.id).display_name != "Changed by JSON"


def test_a_file_part_in_a_text_field_is_refused_with_400(web, participant, thread):
    web.login(participant.email)
    token = web.token("/account/profile")
    response = web.client.post(
        "/account/profile",
        data={
            "csrf_token": token,
            "language": "en",
            "display_name": (io.BytesIO(b"Changed by a file"), "name.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, participant.id).display_name != "Changed by a file"
    posts = select(func.count(Post.id)).where(Post.thread_id == thread.id)
    before = db.session.scalar(posts)
    reply = web.client.post(
        f"/discussion/threads/{thread.id}/reply",
        data={"csrf_token": token, "body": (io.BytesIO(b"A reply as a file"), "reply.txt")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 400
    assert db.session.scalar(posts) == before


# --- The maximum request size: 413 before the body is read --------------------------------


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that counts how much of it the app reads."""

    def __init__(self, size: int):
        self.size = size
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_so_far)
        buffer[:n] = b"x" * n
        self.read_so_far += n
        return n


def test_a_200_mb_upload_is_refused_before_it_is_read(client):
    body = CountingStream(200 * MB)
    response = client.post(
        "/cohorts/1/invite-csv",
        environ_overrides={
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.size),
            "CONTENT_TYPE": "multipart/form-data; boundary=fictional",
        },
    )
    assert response.status_code == 413
    assert body.read_so_far == 0  # refused on its declared length: nothing spooled


def test_a_body_without_a_length_is_cut_at_the_limit(client, app):
    body = CountingStream(200 * MB)
    response = client.post(
        "/login",
        environ_overrides={
            "wsgi.input": body,
            "wsgi.input_terminated": True,  # as a server passes a chunked body on
            "CONTENT_TYPE": "multipart/form-data; boundary=fictional",
        },
    )
    assert response.status_code == 413
    assert body.read_so_far <= app.config["MAX_CONTENT_LENGTH"] + MB


# --- NUL characters (PostgreSQL refuses them in text): gone before anything is stored ------


def test_nul_characters_never_reach_the_database(web, participant, thread):
    web.login(participant.email)
    response = web.post(
        "/account/profile",
        {"display_name": "Nu\x00ll Name", "organisation": "Fictional\x00 NGO", "language": "en"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(User, participant.id)
    assert (stored.display_name, stored.organisation) == ("Null Name", "Fictional NGO")
    reply = web.post(
        f"/discussion/threads/{thread.id}/reply",
        {"body": "A reply with a\x00 NUL in it.", "token": "nul-reply"},
    )
    assert reply.status_code in (201, 303)
    body = db.session.scalar(select(Post.body).where(Post.body.like("A reply with%")))
    assert body == "A reply with a NUL in it."
