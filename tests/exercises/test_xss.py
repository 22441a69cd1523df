"""The hostile-input corpus through every free-text field of an exercise."""

from __future__ import annotations

from discussion.test_xss import Inspector
from markupsafe import escape
from xss_corpus import HOSTILE_INPUTS

from exercises.conftest import HX, start
from portal.exercises.models import Exercise
from portal.exercises.services import ExerciseError, clean_line
from portal.extensions import db


def expected(text: str, limit: int) -> str | None:
    try:
        return clean_line(text, limit, "x")
    except ExerciseError:
        return None


def test_item_section_and_title_fields_show_hostile_text_as_text(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    section = exercise.sections[0]
    item = section.items[0]
    fields = [
        (f"/exercises/{exercise.id}/items/{item.id}", 300),
        (f"/exercises/{exercise.id}/sections/{section.id}", 160),
        (f"/exercises/{exercise.id}/title", 160),
    ]
    stored = 0
    for path, limit in fields:
        for text in HOSTILE_INPUTS:
            revision = db.session.get(Exercise, exercise.id).revision
            response = author.post(path, {"revision": revision, "text": text}, headers=HX)
            body = response.get_data(as_text=True)
            line = expected(text, limit)
            if line is None:
                assert response.status_code == 400, (path, text[:40])
                continue
            assert response.status_code == 200, (path, text[:40], response.status_code)
            assert str(escape(line)) in body
            if line != str(escape(line)):  # markup characters must never arrive raw
                assert line not in body, (path, text[:60])
            stored += 1
    assert stored > 300
    # The read-only views: submitted page for the trainer, printable view.
    revision = db.session.get(Exercise, exercise.id).revision
    author.post(
        f"/exercises/{exercise.id}/items/{item.id}",
        {"revision": revision, "text": '<img src=x onerror=alert(1)>"><script>alert(2)</script>'},
    )
    for page in (
        author.get(f"/exercises/{exercise.id}/print").get_data(as_text=True),
        author.get("/sessions/3/exercise").get_data(as_text=True),
    ):
        assert "<img src=x" not in page and "<script>alert" not in page


def test_trainer_feedback_goes_through_the_sanitiser(actor, world):
    author = actor(world.author)
    trainer = actor(world.trainer)
    for index, text in enumerate(t for t in HOSTILE_INPUTS if len(t) <= 10_000):
        exercise = start(author, world, token=f"x{index}")
        author.post(f"/exercises/{exercise.id}/submit", {"revision": exercise.revision})
        response = trainer.post(
            f"/exercises/{exercise.id}/review", {"decision": "accept", "feedback": text}
        )
        assert response.status_code == 303, (index, response.status_code)
        db.session.refresh(exercise)
        inspector = Inspector()
        inspector.feed(exercise.feedback_html)
        assert not inspector.problems, (text[:80], inspector.problems)
        if index % 40 == 0:
            page = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
            assert "<script>alert" not in page
