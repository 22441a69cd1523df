"""Authorisation matrix: every discussion route × every persona → the expected status.

Objects a persona may not see answer 404 (never 403), so their ids are not confirmed."""

from __future__ import annotations

import pytest

from discussion.conftest import post_form, sign_in

PERSONAS = ["member_a", "member_b", "alumnus", "trainer_a", "trainer_b", "admin", "visitor"]
SEES = {
    "a": {"member_a", "trainer_a", "admin"},
    "b": {"member_b", "trainer_b", "admin"},
    "alumni": {"alumnus", "trainer_a", "trainer_b", "admin"},
}
MODERATES = {"a": {"trainer_a", "admin"}, "b": {"trainer_b", "admin"}, "alumni": {"admin"}}
STAFF = {"trainer_a", "trainer_b", "admin"}


def _user(world, persona):
    return {
        "member_a": world.participant,
        "member_b": world.member_b,
        "alumnus": world.alumnus,
        "trainer_a": world.trainer,
        "trainer_b": world.trainer_b,
        "admin": world.admin,
        "visitor": None,
    }[persona]


def allowed(people, ok=200):
    return lambda persona: ok if persona in people else 404


EVERYONE = set(PERSONAS) - {"visitor"}

# (id, method, path from the world, data or None, persona -> expected status)
ROUTES = [
    ("board_list", "GET", lambda w: "/discussion/", None, allowed(EVERYONE)),
    *[
        (
            f"board_{key}",
            "GET",
            lambda w, k=key: f"/discussion/boards/{_board(w, k).id}",
            None,
            allowed(SEES[key]),
        )
        for key in SEES
    ],
    (
        "board_cohort_private",
        "GET",
        lambda w: f"/discussion/boards/{w.board_a2.id}",
        None,
        allowed(SEES["a"]),
    ),
    *[
        (
            f"thread_new_{key}",
            "GET",
            lambda w, k=key: f"/discussion/boards/{_board(w, k).id}/new",
            None,
            allowed(SEES[key]),
        )
        for key in SEES
    ],
    *[
        (
            f"thread_{key}",
            "GET",
            lambda w, k=key: f"/discussion/threads/{_thread(w, k).id}",
            None,
            allowed(SEES[key]),
        )
        for key in SEES
    ],
    ("thread_missing", "GET", lambda w: "/discussion/threads/999999", None, allowed(set())),
    ("board_missing", "GET", lambda w: "/discussion/boards/999999", None, allowed(set())),
    (
        "post_b",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_b[1].id}",
        None,
        allowed(SEES["b"], 303),
    ),
    (
        "post_hidden",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_a[2].id}",
        None,
        allowed(MODERATES["a"], 303),
    ),
    (
        "quote_hidden",
        "GET",
        lambda w: f"/discussion/threads/{w.thread_a.id}?quote={w.posts_a[2].id}",
        None,
        allowed(set()),  # nobody quotes a hidden post
    ),
    (
        "post_edit_own",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_a[0].id}/edit",
        None,
        allowed({"member_a"}),
    ),
    (
        "post_delete_own",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_a[0].id}/delete",
        None,
        allowed({"member_a"}),
    ),
    (
        "post_history",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_a[1].id}/history",
        None,
        allowed(MODERATES["a"]),
    ),
    (
        "post_flag_form",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_b[1].id}/flag",
        None,
        allowed(SEES["b"]),
    ),
    (
        "post_redact_form",
        "GET",
        lambda w: f"/discussion/posts/{w.posts_a[1].id}/redact",
        None,
        allowed(MODERATES["a"]),
    ),
    (
        "thread_move_form",
        "GET",
        lambda w: f"/discussion/threads/{w.thread_b.id}/move",
        None,
        allowed(MODERATES["b"]),
    ),
    ("moderation_queue", "GET", lambda w: "/discussion/moderation", None, allowed(STAFF)),
    (
        "moderation_queue_cohort_b",
        "GET",
        lambda w: f"/discussion/moderation?cohort={w.cohort_b.id}",
        None,
        allowed({"trainer_b", "admin"}),
    ),
    ("alumni_boards", "GET", lambda w: "/discussion/alumni-boards", None, allowed({"admin"})),
    (
        "alumni_board_edit",
        "GET",
        lambda w: f"/discussion/alumni-boards/{w.alumni_board.id}",
        None,
        allowed({"admin"}),
    ),
    (
        "alumni_board_edit_not_alumni",
        "GET",
        lambda w: f"/discussion/alumni-boards/{w.board_a.id}",
        None,
        allowed(set()),
    ),
    # --- state changes -----------------------------------------------------------------
    (
        "reply_b",
        "POST",
        lambda w: f"/discussion/threads/{w.thread_b.id}/reply",
        {"body": "A reply.", "token": "matrix"},
        allowed(SEES["b"], 303),
    ),
    (
        "new_thread_alumni",
        "POST",
        lambda w: f"/discussion/boards/{w.alumni_board.id}/new",
        {"title": "T", "kind": "discussion", "body": "Hello.", "token": "matrix-t"},
        allowed(SEES["alumni"], 303),
    ),
    (
        "accept_a",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_a[1].id}/accept",
        {},
        allowed(SEES["a"], 303),
    ),
    (
        "unaccept_b",
        "POST",
        lambda w: f"/discussion/threads/{w.thread_b.id}/unaccept",
        {},
        lambda p: 403 if p in SEES["b"] else 404,
    ),  # thread B is a discussion, not a question
    (
        "edit_other",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_a[1].id}/edit",
        {"body": "Taken over"},
        allowed(set()),
    ),
    (
        "delete_other",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_a[1].id}/delete",
        {},
        allowed(set()),
    ),
    (
        "flag_alumni",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_alumni[0].id}/flag",
        {"reason": "Please check"},
        allowed(SEES["alumni"], 303),
    ),
    (
        "hide_b",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_b[1].id}/hide",
        {},
        allowed(MODERATES["b"], 303),
    ),
    (
        "restore_a",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_a[2].id}/restore",
        {},
        allowed(MODERATES["a"], 303),
    ),
    (
        "dismiss_b",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_b[1].id}/dismiss",
        {},
        allowed(MODERATES["b"], 303),
    ),
    (
        "redact_a",
        "POST",
        lambda w: f"/discussion/posts/{w.posts_a[1].id}/redact",
        {"span": "checklist"},
        allowed(MODERATES["a"], 303),
    ),
    (
        "lock_alumni",
        "POST",
        lambda w: f"/discussion/threads/{w.thread_alumni.id}/lock",
        {},
        allowed(MODERATES["alumni"], 303),
    ),
    (
        "pin_a",
        "POST",
        lambda w: f"/discussion/threads/{w.thread_a.id}/pin",
        {},
        allowed(MODERATES["a"], 303),
    ),
    (
        "move_a_to_private",
        "POST",
        lambda w: f"/discussion/threads/{w.thread_a.id}/move",
        lambda w: {"board": w.board_a2.id},
        allowed(MODERATES["a"], 303),
    ),
    (
        "move_a_to_b",
        "POST",
        lambda w: f"/discussion/threads/{w.thread_a.id}/move",
        lambda w: {"board": w.board_b.id},
        lambda p: 303 if p == "admin" else (400 if p == "trainer_a" else 404),
    ),
    (
        "alumni_board_create",
        "POST",
        lambda w: "/discussion/alumni-boards",
        {"title": "New category", "description": ""},
        allowed({"admin"}, 303),
    ),
    (
        "alumni_board_up",
        "POST",
        lambda w: f"/discussion/alumni-boards/{w.alumni_board.id}/up",
        {},
        allowed({"admin"}, 303),
    ),
    (
        "identifier_check",
        "POST",
        lambda w: "/discussion/check",
        {"body": "Call 0812 345 678"},
        allowed(EVERYONE),
    ),
]


def _board(world, key):
    return {"a": world.board_a, "b": world.board_b, "alumni": world.alumni_board}[key]


def _thread(world, key):
    return {"a": world.thread_a, "b": world.thread_b, "alumni": world.thread_alumni}[key]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_matrix(web, world, route, persona):
    _name, method, path_for, data, expect = route
    sign_in(web, _user(world, persona))
    path = path_for(world)
    if method == "GET":
        response = web.client.get(path)
    else:
        payload = data(world) if callable(data) else data
        response = post_form(web, path, payload)
    expected = 302 if persona == "visitor" else expect(persona)
    assert response.status_code == expected, (persona, path, response.status_code)
    if persona == "visitor":
        assert "/login" in response.location


def test_post_without_csrf_token_is_refused(web, world):
    sign_in(web, world.participant)
    response = web.client.post(
        f"/discussion/threads/{world.thread_a.id}/reply", data={"body": "x", "token": "n"}
    )
    assert response.status_code == 400
