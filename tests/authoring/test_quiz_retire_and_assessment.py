"""A trainer retires and restores a whole quiz, and edits the pre/post assessment's questions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from authoring.builders import make_quiz, tf_spec
from authoring.test_questions import _form_values, common, rows
from portal.audit import AuditEvent
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import Question, Quiz

CONTENT = Path(__file__).resolve().parents[2] / "content"


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_retire_and_restore_a_session_quiz(as_trainer, trainer, curriculum):
    first, _ = curriculum
    quiz = make_quiz(first, [tf_spec("rq-1")])
    page_url = f"/author/sessions/{first.id}/quiz"
    page = as_trainer.client.get(page_url).get_data(as_text=True)
    assert "Retire the quiz" in page and "Restore the quiz" not in page

    response = as_trainer.post(f"{page_url}/retire", token_from=page_url)
    assert response.status_code == 303 and response.headers["Location"].endswith(page_url)
    assert db.session.get(Quiz, quiz.id).is_retired
    page = as_trainer.client.get(page_url).get_data(as_text=True)
    assert "Quiz retired." in page and "This quiz is retired" in page
    assert "Restore the quiz" in page and 'aria-label="Retire the quiz' not in page
    # The questions stay as they were: retiring the quiz is not retiring its questions.
    assert not db.session.scalar(select(Question).where(Question.key == "rq-1")).is_retired

    as_trainer.post(f"{page_url}/restore", token_from=page_url)
    assert not db.session.get(Quiz, quiz.id).is_retired
    assert "Retire the quiz" in as_trainer.client.get(page_url).get_data(as_text=True)

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[-2:]
    assert [e.action for e in events] == ["authoring.quiz_retired", "authoring.quiz_restored"]
    assert all(e.actor_id == trainer.id for e in events)


def test_retiring_a_session_without_a_quiz_is_404(as_trainer, curriculum):
    _, second = curriculum
    url = f"/author/sessions/{second.id}/quiz/retire"
    response = as_trainer.post(url, token_from=f"/author/sessions/{second.id}/quiz")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Quiz.id))) == 0


def test_the_assessment_is_reached_from_the_authoring_index(as_trainer, curriculum):
    assert 'href="/author/assessment"' not in as_trainer.client.get("/author/").get_data(
        as_text=True
    )
    assert as_trainer.client.get("/author/assessment").status_code == 404  # none imported yet
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    index = as_trainer.client.get("/author/").get_data(as_text=True)
    assert 'href="/author/assessment"' in index
    page = as_trainer.client.get("/author/assessment").get_data(as_text=True)
    assert "Pre/post assessment" in page
    assert "pa-q01" in page and "pa-q27" in page
    assert 'href="/author/assessment/questions/new/single"' in page


def test_a_new_assessment_question_through_the_form_gets_the_next_pa_key(as_trainer, app):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    assessment = db.session.scalar(select(Quiz).where(Quiz.key == "assessment"))
    before = db.session.scalar(
        select(func.count(Question.id)).where(Question.quiz_id == assessment.id)
    )
    url = "/author/assessment/questions/new/truefalse"
    form_page = as_trainer.client.get(url).get_data(as_text=True)
    assert 'href="/author/assessment"' in form_page  # the crumb leads back to the assessment
    response = as_trainer.post(
        url,
        {
            **common(key="", text="Trafficking always involves crossing a border."),
            "answer": "false",
            "feedback_right": "Right: it can happen within one country.",
            "feedback_wrong": "No: it can happen within one country.",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/author/assessment")

    question = db.session.scalar(select(Question).where(Question.key == "pa-q28"))
    assert question is not None and question.quiz_id == assessment.id
    assert question.position == before + 1
    assert question.spec["text"] == "Trafficking always involves crossing a border."
    assert question.spec["answer"] is False and question.objectives == [1, 3]
    assert "pa-q28" in as_trainer.client.get("/author/assessment").get_data(as_text=True)
    assert actions()[-1] == "authoring.question_created"

    # A refused one keeps what was typed and stores nothing.
    refused = as_trainer.post(url, {**common(key="", text=""), "answer": "true"})
    assert refused.status_code == 400
    assert db.session.scalar(select(Question).where(Question.key == "pa-q29")) is None


def test_edit_an_assessment_question_through_the_form(as_trainer, app):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == "pa-q02"))
    url = f"/author/questions/{question.id}/edit"
    page = as_trainer.client.get(url).get_data(as_text=True)
    assert page.count("pa-q02") >= 1 and 'href="/author/assessment"' in page
    form = _form_values(page)
    form["name"] = "Renamed in the portal"
    response = as_trainer.post(url, form)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/author/assessment")
    db.session.expire_all()
    edited = db.session.get(Question, question.id)
    assert edited.spec["name"] == "Renamed in the portal"
    assert edited.key == "pa-q02" and edited.type == question.type
    assert "Renamed in the portal" in as_trainer.client.get("/author/assessment").get_data(
        as_text=True
    )

    # Moving and retiring come back to the assessment page too.
    moved = as_trainer.post(
        f"/author/questions/{question.id}/move", {"direction": "up"}, token_from=url
    )
    assert moved.status_code == 303 and moved.headers["Location"].endswith("/author/assessment")
    retired = as_trainer.post(f"/author/questions/{question.id}/retire", token_from=url)
    assert retired.headers["Location"].endswith("/author/assessment")
    assert db.session.get(Question, question.id).is_retired


def test_a_new_multiple_choice_assessment_question(as_trainer, app):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    response = as_trainer.post(
        "/author/assessment/questions/new/single",
        {
            **common(key="pa-extra"),
            **rows(
                {"id": "", "text": "Recruitment", "fraction": "100", "feedback": ""},
                {"id": "", "text": "Holiday", "fraction": "0", "feedback": ""},
            ),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    question = db.session.scalar(select(Question).where(Question.key == "pa-extra"))
    assert question.type == "single"
    assert [o["text"] for o in question.spec["options"]] == ["Recruitment", "Holiday"]
    assert db.session.get(Quiz, question.quiz_id).is_assessment
