"""Route x persona matrix for the exercise pages; hidden objects answer 404."""

from __future__ import annotations

import pytest

from exercises.conftest import start
from portal.exercises.models import Exercise
from portal.extensions import db

PERSONAS = [
    "visitor",
    "outsider",
    "author",
    "peer",
    "other",
    "alumnus",
    "trainer",
    "trainer_b",
    "admin",
]

# Who sees an exercise in each state (everyone else: 404; visitors are sent to sign in).
SEES = {
    "draft": {"author"},
    "submitted": {"author", "trainer", "admin"},
    "published": {"author", "peer", "other", "alumnus", "trainer", "trainer_b", "admin"},
}
TAKES_PART = {"author", "peer", "other", "alumnus", "trainer", "trainer_b", "admin"}


@pytest.fixture
def exercises(actor, world):
    author = actor(world.author)
    made = {}
    for state in ("draft", "submitted", "published"):
        exercise = start(author, world, token=state)
        made[state] = exercise.id
        if state == "draft":
            continue
        author.post(f"/exercises/{exercise.id}/submit", {"revision": exercise.revision})
        if state == "published":
            actor(world.trainer).post(
                f"/exercises/{exercise.id}/review", {"decision": "accept", "feedback": ""}
            )
            author.post(f"/exercises/{exercise.id}/publish")
    states = {s: db.session.get(Exercise, i).state for s, i in made.items()}
    assert states == {s: s for s in made}
    return made


def expected_get(persona: str, state: str | None) -> int:
    if persona == "visitor":
        return 302
    if persona not in TAKES_PART:
        return 403
    if state is None:
        return 200
    return 200 if persona in SEES[state] else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_matrix(actor, world, exercises, persona):
    client = actor(getattr(world, persona) if persona != "visitor" else None)
    got = {}
    want = {}
    for path, state in [("/sessions/3/exercise", None)] + [
        (f"/exercises/{i}{suffix}", state)
        for state, i in exercises.items()
        for suffix in ("", "/print")
    ]:
        got[path] = client.get(path).status_code
        want[path] = expected_get(persona, state)
    queue = client.get("/exercises/review").status_code
    got["/exercises/review"] = queue
    want["/exercises/review"] = (
        302
        if persona == "visitor"
        else 200
        if persona in ("trainer", "trainer_b", "admin")
        else 403
    )
    assert got == want


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_matrix_on_hidden_and_foreign_exercises(actor, world, exercises, persona):
    """Nobody but the author changes a draft; objects a persona cannot see answer 404."""
    client = actor(getattr(world, persona) if persona != "visitor" else None)
    draft = db.session.get(Exercise, exercises["draft"])
    section, item = draft.sections[0], draft.sections[0].items[0]
    paths = [
        f"/exercises/{draft.id}/title",
        f"/exercises/{draft.id}/sections",
        f"/exercises/{draft.id}/sections/{section.id}",
        f"/exercises/{draft.id}/sections/{section.id}/remove",
        f"/exercises/{draft.id}/sections/{section.id}/down",
        f"/exercises/{draft.id}/sections/{section.id}/items",
        f"/exercises/{draft.id}/items/{item.id}",
        f"/exercises/{draft.id}/items/{item.id}/remove",
        f"/exercises/{draft.id}/items/{item.id}/down",
        f"/exercises/{draft.id}/submit",
        f"/exercises/{draft.id}/review",
        f"/exercises/{draft.id}/publish",
        f"/exercises/{draft.id}/copy",
        f"/exercises/{draft.id}/practice",
    ]
    if persona == "author":
        return  # the author's own moves are covered in test_workflow
    for path in paths:
        status = client.post(path, {"text": "x", "decision": "accept"}).status_code
        want = 302 if persona == "visitor" else 403 if persona == "outsider" else 404
        assert status == want, (path, status)
    db.session.refresh(draft)
    assert draft.revision == 0 and draft.state == "draft"


def test_sections_and_items_of_another_exercise_are_404(actor, world, exercises):
    author = actor(world.author)
    mine = db.session.get(Exercise, exercises["draft"])
    other_exercise = start(actor(world.peer), world, token="peer")
    foreign_section = other_exercise.sections[0]
    foreign_item = foreign_section.items[0]
    for path in (
        f"/exercises/{mine.id}/sections/{foreign_section.id}",
        f"/exercises/{mine.id}/sections/{foreign_section.id}/items",
        f"/exercises/{mine.id}/items/{foreign_item.id}",
        f"/exercises/{mine.id}/items/{foreign_item.id}/remove",
    ):
        response = author.post(path, {"revision": mine.revision, "text": "Hijack"})
        assert response.status_code == 404, path
    db.session.refresh(foreign_item)
    assert foreign_item.text != "Hijack"


def test_posts_without_csrf_are_refused(actor, world, exercises):
    author = actor(world.author)
    response = author.client.post(
        f"/exercises/{exercises['draft']}/sections", data={"text": "No token", "revision": 0}
    )
    assert response.status_code == 400
