"""Authorisation matrix: every practice route × every persona → the expected status.

Practices and comments a persona may not see answer 404 (never 403), so ids are not
confirmed; visitors are sent to the sign-in page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from discussion.conftest import post_form

from portal.practices import services
from practices.conftest import COMPLETE, draft, form_fields, published, sign_in

PERSONAS = [
    "author",
    "peer",
    "member_b",
    "alumnus",
    "trainer",
    "trainer_b",
    "admin",
    "outsider",
    "visitor",
]
STAFF = {"trainer", "trainer_b", "admin"}
READERS = {"author", "peer", "member_b", "alumnus"} | STAFF
NOBODY: set[str] = set()


def allowed(people, ok=200):
    return lambda persona: ok if persona in people else 404


def make_objects(people):
    """A practice in each state, all by the author, and a comment on the published one."""
    drafted = draft(people.author, title="A draft")
    submitted = draft(people.author, title="Submitted")
    services.submit(people.author, submitted)
    sent_back = draft(people.author, title="Sent back")
    services.submit(people.author, sent_back)
    services.request_changes(people.trainer, sent_back, "Please add results.")
    live = published(people.author, people.trainer, title="Published")
    archived = published(people.author, people.trainer, title="Archived")
    services.archive(people.trainer, archived)
    comment = services.add_comment(people.trainer_b, live, "A kind comment.", None, None)
    return SimpleNamespace(
        draft=drafted,
        submitted=submitted,
        sent_back=sent_back,
        published=live,
        archived=archived,
        comment=comment,
    )


def p(key, suffix=""):
    return lambda o: f"/practices/{getattr(o, key).id}{suffix}"


# (id, method, path from the objects, data or None, persona -> expected status)
ROUTES = [
    ("library", "GET", lambda o: "/practices/", None, allowed(READERS)),
    (
        "library_filtered",
        "GET",
        lambda o: "/practices/?country=TH&sort=useful",
        None,
        allowed(READERS),
    ),
    ("mine", "GET", lambda o: "/practices/mine", None, allowed(READERS)),
    ("review_queue", "GET", lambda o: "/practices/review", None, allowed(STAFF)),
    ("new", "GET", lambda o: "/practices/new", None, allowed(READERS)),
    (
        "new_adapting",
        "GET",
        lambda o: f"/practices/new?adapts={o.published.id}",
        None,
        allowed(READERS),
    ),
    (
        "new_adapting_draft",
        "GET",
        lambda o: f"/practices/new?adapts={o.draft.id}",
        None,
        allowed(NOBODY),
    ),
    (
        "new_post",
        "POST",
        lambda o: "/practices/new",
        form_fields(COMPLETE, action="save"),
        allowed(READERS, 303),
    ),
    ("detail_draft", "GET", p("draft"), None, allowed({"author"})),
    ("detail_submitted", "GET", p("submitted"), None, allowed({"author"} | STAFF)),
    ("detail_sent_back", "GET", p("sent_back"), None, allowed({"author"} | STAFF)),
    ("detail_published", "GET", p("published"), None, allowed(READERS)),
    ("detail_archived", "GET", p("archived"), None, allowed({"author"} | STAFF)),
    ("detail_missing", "GET", lambda o: "/practices/999999", None, allowed(NOBODY)),
    ("edit_draft", "GET", p("draft", "/edit"), None, allowed({"author"})),
    ("edit_sent_back", "GET", p("sent_back", "/edit"), None, allowed({"author"})),
    ("edit_submitted", "GET", p("submitted", "/edit"), None, allowed(NOBODY)),
    ("edit_published", "GET", p("published", "/edit"), None, allowed(NOBODY)),
    (
        "edit_draft_post",
        "POST",
        p("draft", "/edit"),
        form_fields(COMPLETE, action="save"),
        allowed({"author"}, 303),
    ),
    (
        "review_publish",
        "POST",
        p("submitted", "/review"),
        {"action": "publish"},
        allowed(STAFF, 303),
    ),
    (
        "review_changes",
        "POST",
        p("submitted", "/review"),
        {"action": "request_changes", "comment": "More detail."},
        allowed(STAFF, 303),
    ),
    # A draft is nobody's to review: trainers do not even learn that it exists.
    ("review_draft", "POST", p("draft", "/review"), {"action": "publish"}, allowed(NOBODY)),
    (
        "review_published",
        "POST",
        p("published", "/review"),
        {"action": "publish"},
        lambda x: 303 if x in STAFF else 404,
    ),
    ("archive_published", "POST", p("published", "/archive"), {}, allowed(STAFF | {"author"}, 303)),
    ("archive_draft", "POST", p("draft", "/archive"), {}, allowed(NOBODY)),
    (
        "useful_published",
        "POST",
        p("published", "/useful"),
        {"useful": "1"},
        allowed(READERS - {"author"}, 303),
    ),
    ("useful_submitted", "POST", p("submitted", "/useful"), {"useful": "1"}, allowed(NOBODY)),
    (
        "comment_published",
        "POST",
        p("published", "/comments"),
        {"body": "Thank you for sharing.", "token": "x1"},
        allowed(READERS, 303),
    ),
    (
        "comment_archived",
        "POST",
        p("archived", "/comments"),
        {"body": "Hi", "token": "x2"},
        allowed(NOBODY),
    ),
    (
        "comment_hide",
        "POST",
        lambda o: f"/practices/comments/{o.comment.id}/hide",
        {},
        allowed(STAFF, 303),
    ),
    (
        "comment_missing_hide",
        "POST",
        lambda o: "/practices/comments/999999/hide",
        {},
        allowed(NOBODY),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(web, people, persona):
    """Each persona tries every route; a route that changes something gets fresh objects,
    so each row starts from the same states. All mismatches are reported together."""
    user = None if persona == "visitor" else getattr(people, persona)
    sign_in(web, user)
    objects = make_objects(people)
    wrong = []
    for name, method, path_for, data, expect in ROUTES:
        if method == "POST":
            objects = make_objects(people)
        path = path_for(objects)
        if method == "GET":
            response = web.client.get(path)
        else:
            response = post_form(web, path, data)
        expected = 302 if persona == "visitor" else expect(persona)
        if response.status_code != expected:
            wrong.append((name, path, response.status_code, expected))
        elif persona == "visitor":
            assert "/login" in response.location
    assert not wrong, wrong


def test_every_route_is_in_the_matrix(app):
    """A new practice route must be added to ROUTES."""
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("practices.")}
    covered = {
        "/practices/",
        "/practices/mine",
        "/practices/review",
        "/practices/new",
        "/practices/<int:practice_id>",
        "/practices/<int:practice_id>/edit",
        "/practices/<int:practice_id>/review",
        "/practices/<int:practice_id>/archive",
        "/practices/<int:practice_id>/useful",
        "/practices/<int:practice_id>/comments",
        "/practices/comments/<int:comment_id>/<any(hide, restore):action>",
    }
    assert rules == covered


def test_post_without_csrf_token_is_refused(web, people):
    objects = make_objects(people)
    sign_in(web, people.peer)
    response = web.client.post(f"/practices/{objects.published.id}/useful", data={"useful": "1"})
    assert response.status_code == 400


def test_navigation_shows_the_library_to_readers_only(web, people):
    sign_in(web, people.alumnus)
    assert 'href="/practices/"' in web.client.get("/").get_data(as_text=True)
    web.logout()
    sign_in(web, people.outsider)
    assert 'href="/practices/"' not in web.client.get("/").get_data(as_text=True)
