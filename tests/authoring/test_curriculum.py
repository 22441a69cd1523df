"""A trainer arranges sessions, readings, resources, the objective map and quiz settings."""

from __future__ import annotations

from sqlalchemy import select

from authoring.builders import make_quiz, tf_spec
from portal.audit import AuditEvent
from portal.extensions import db
from portal.learning.models import CurriculumSession, Quiz, Reading


def actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def session_by_number(number: int) -> CurriculumSession:
    return db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == number))


def test_create_and_edit_a_session(as_trainer, trainer, curriculum):
    response = as_trainer.post(
        "/author/sessions/new",
        {"title": "Made-up extra session", "summary": "Some *summary*.", "objectives": ["2", "4"]},
    )
    assert response.status_code == 303
    created = session_by_number(3)
    assert (created.title, created.slug) == ("Made-up extra session", "made-up-extra-session")
    assert [o.number for o in created.objectives] == [2, 4]

    page = as_trainer.client.get(f"/author/sessions/{created.id}/edit").get_data(as_text=True)
    assert 'value="2" checked' in page or 'checked value="2"' in page or "checked" in page
    response = as_trainer.post(
        f"/author/sessions/{created.id}/edit",
        {
            "title": "Renamed session",
            "summary": "",
            "discussion_prompt": "Why?",
            "objectives": ["1"],
        },
    )
    assert response.status_code == 303
    created = session_by_number(3)
    assert (created.title, created.discussion_prompt) == ("Renamed session", "Why?")
    assert [o.number for o in created.objectives] == [1]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "authoring.session_updated")
    )
    assert (event.actor_id, event.target_id, event.detail) == (trainer.id, created.id, {})


def test_a_session_without_title_keeps_what_was_typed(as_trainer, curriculum):
    response = as_trainer.post("/author/sessions/new", {"title": "", "summary": "Typed summary"})
    assert response.status_code == 400
    assert "Typed summary" in response.get_data(as_text=True)
    assert session_by_number(3) is None


def test_move_a_session_up_swaps_numbers_and_quiz_keys(as_trainer, curriculum):
    first, second = curriculum
    make_quiz(first, [tf_spec("mv-1")])
    response = as_trainer.post(
        f"/author/sessions/{second.id}/move", {"direction": "up"}, token_from="/author/"
    )
    assert response.status_code == 303
    assert session_by_number(1).id == second.id
    assert session_by_number(2).id == first.id
    quiz = db.session.scalar(select(Quiz).where(Quiz.session_id == first.id))
    assert quiz.key == "session-02"
    # Already first: nothing moves.
    as_trainer.post(
        f"/author/sessions/{second.id}/move", {"direction": "up"}, token_from="/author/"
    )
    assert session_by_number(1).id == second.id
    assert "authoring.session_moved" in actions()


def test_retire_and_restore_a_session(as_trainer, curriculum):
    first, _ = curriculum
    as_trainer.post(f"/author/sessions/{first.id}/retire", token_from="/author/")
    assert db.session.get(CurriculumSession, first.id).is_retired
    assert as_trainer.client.get("/sessions/1").status_code == 404  # participants' page is gone
    assert "retired" in as_trainer.client.get("/author/").get_data(as_text=True)
    as_trainer.post(f"/author/sessions/{first.id}/restore", token_from="/author/")
    assert not db.session.get(CurriculumSession, first.id).is_retired
    assert actions()[-2:] == ["authoring.session_retired", "authoring.session_restored"]


def test_objective_map_checkboxes(as_trainer, curriculum):
    first, second = curriculum
    page = as_trainer.client.get("/author/objectives").get_data(as_text=True)
    assert f'name="session-{first.id}" value="1" id="map-{first.id}-1" checked' in page
    response = as_trainer.post(
        "/author/objectives",
        {f"session-{first.id}": ["3", "4"], f"session-{second.id}": ["1", "9"]},
    )
    assert response.status_code == 303
    assert [o.number for o in db.session.get(CurriculumSession, first.id).objectives] == [3, 4]
    assert [o.number for o in db.session.get(CurriculumSession, second.id).objectives] == [1]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "authoring.objective_map_saved")
    )
    assert event.detail == {"sessions": [first.id, second.id]}


def readings(session_id: int) -> list[Reading]:
    return db.session.scalars(
        select(Reading).where(Reading.session_id == session_id).order_by(Reading.position)
    ).all()


def test_readings_create_edit_reorder_retire(as_trainer, curriculum):
    first, _ = curriculum
    response = as_trainer.post(
        f"/author/sessions/{first.id}/readings/new",
        {"title": "Who is a victim?", "summary": "One line.", "body": "## Part\n\nText " * 50},
    )
    assert response.status_code == 303
    new = readings(first.id)[-1]
    assert (new.slug, new.position, new.title) == ("who-is-a-victim", 3, "Who is a victim?")
    assert new.words > 50 and new.minutes == 1

    # A slug taken by another reading is refused; the typed text stays.
    response = as_trainer.post(
        f"/author/readings/{new.id}/edit",
        {"title": "Renamed", "slug": "reading-1", "body": "Kept body text"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "already uses this address" in page and "Kept body text" in page
    response = as_trainer.post(
        f"/author/readings/{new.id}/edit", {"title": "Renamed", "slug": "", "body": "Short."}
    )
    assert response.status_code == 303
    assert db.session.get(Reading, new.id).title == "Renamed"

    token_from = f"/author/sessions/{first.id}"
    as_trainer.post(f"/author/readings/{new.id}/move", {"direction": "up"}, token_from=token_from)
    assert [r.slug for r in readings(first.id)] == ["reading-1", "who-is-a-victim", "reading-2"]
    assert [r.position for r in readings(first.id)] == [1, 2, 3]

    as_trainer.post(f"/author/readings/{new.id}/retire", token_from=token_from)
    assert db.session.get(Reading, new.id).is_retired
    assert as_trainer.client.get("/sessions/1/readings/who-is-a-victim").status_code == 404
    as_trainer.post(f"/author/readings/{new.id}/restore", token_from=token_from)
    assert not db.session.get(Reading, new.id).is_retired
    assert [a for a in actions() if a.startswith("authoring.reading")] == [
        "authoring.reading_created",
        "authoring.reading_updated",
        "authoring.reading_moved",
        "authoring.reading_retired",
        "authoring.reading_restored",
    ]


def test_resources_add_edit_reorder_remove(as_trainer, curriculum):
    first, _ = curriculum
    url = f"/author/sessions/{first.id}/resources"
    for title in ("First resource", "Second resource"):
        response = as_trainer.post(
            url,
            {"title": title, "url": "https://example.org/" + title[:5], "note": "A note."},
            token_from=f"/author/sessions/{first.id}",
        )
        assert response.status_code == 303
    bad = as_trainer.post(
        url,
        {"title": "Typed title", "url": "javascript:alert(1)"},
        token_from=f"/author/sessions/{first.id}",
    )
    assert bad.status_code == 400 and "Typed title" in bad.get_data(as_text=True)

    as_trainer.post(
        f"/author/sessions/{first.id}/resources/1/edit",
        {"title": "Second, renamed", "url": "https://example.org/2", "note": ""},
    )
    token_from = f"/author/sessions/{first.id}"
    as_trainer.post(f"{url}/1/move", {"direction": "up"}, token_from=token_from)
    assert db.session.get(CurriculumSession, first.id).resources == [
        {"title": "Second, renamed", "url": "https://example.org/2"},
        {"title": "First resource", "url": "https://example.org/First", "note": "A note."},
    ]
    as_trainer.post(f"{url}/0/remove", token_from=token_from)
    assert [r["title"] for r in db.session.get(CurriculumSession, first.id).resources] == [
        "First resource"
    ]


def test_quiz_settings_create_the_quiz(as_trainer, curriculum):
    _, second = curriculum
    response = as_trainer.post(
        f"/author/sessions/{second.id}/quiz",
        {
            "title": "Made-up quiz",
            "pass_mark": "70",
            "max_attempts": "2",
            "shuffle": "y",
            "feedback_pass": "Well done.",
            "feedback_fail": "Read again.",
        },
    )
    assert response.status_code == 303
    quiz = db.session.scalar(select(Quiz).where(Quiz.session_id == second.id))
    assert (quiz.key, quiz.title, quiz.pass_mark, quiz.max_attempts, quiz.shuffle) == (
        "session-02",
        "Made-up quiz",
        70,
        2,
        True,
    )
    assert (quiz.feedback_pass, quiz.feedback_fail) == ("Well done.", "Read again.")
    response = as_trainer.post(
        f"/author/sessions/{second.id}/quiz", {"title": "Made-up quiz", "pass_mark": "150"}
    )
    assert response.status_code == 400
    assert "authoring.quiz_saved" in actions()
