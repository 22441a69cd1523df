"""A retired session quiz: hidden and closed to new attempts, earlier reviews kept, restorable."""

from __future__ import annotations

import re

import pytest
from conftest import Browserless
from sqlalchemy import func, select

from learning.builders import make_quiz, make_session
from learning.conftest import CONTENT
from learning.test_quiz import right_form, start
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import Quiz, QuizAttempt


@pytest.fixture
def quiz(app):
    return make_quiz(make_session(1), questions=3, max_attempts=0)


@pytest.fixture
def as_staff(app, trainer):
    staff = Browserless(app.test_client())
    staff.login(trainer.email)
    return staff


def attempts() -> int:
    return db.session.scalar(select(func.count(QuizAttempt.id)))


def status_of_session_1(page: str) -> str:
    item = page[page.index("Made-up session 1") :]
    return re.search(r'<span class="status[^"]*">([^<]+)</span>', item).group(1)


def test_retire_hides_and_blocks_starting_keeps_reviews_restore_brings_it_back(
    as_participant, as_staff, quiz
):
    web = as_participant
    first = start(web)
    page = web.client.get(f"/quiz/attempts/{first}").get_data(as_text=True)
    web.post(
        f"/quiz/attempts/{first}", right_form(page, quiz), token_from=f"/quiz/attempts/{first}"
    )
    assert "Go to the quiz" in web.client.get("/sessions/1").get_data(as_text=True)
    assert status_of_session_1(web.client.get("/curriculum").get_data(as_text=True)) == (
        "In progress"
    )

    quiz_page = f"/author/sessions/{quiz.session_id}/quiz"
    retired = as_staff.post(f"{quiz_page}/retire", token_from=quiz_page)
    assert retired.status_code == 303
    db.session.expire_all()
    assert db.session.get(Quiz, quiz.id).is_retired

    session_page = web.client.get("/sessions/1").get_data(as_text=True)
    assert "Go to the quiz" not in session_page and quiz.title not in session_page
    assert 'href="/sessions/1/quiz"' not in session_page
    # The retired quiz is gone from the curriculum status: neither attempts nor a pass count.
    assert status_of_session_1(web.client.get("/curriculum").get_data(as_text=True)) == (
        "Not started"
    )
    assert web.client.get("/sessions/1/quiz").status_code == 404
    before = attempts()
    response = web.post("/sessions/1/quiz/start", token_from="/sessions/1")
    assert response.status_code == 404
    assert attempts() == before

    # The earlier attempt and its review stay with their owner, without a link to the quiz.
    review = web.client.get(f"/quiz/attempts/{first}/review")
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert "You scored 3 of 3 points (100%)" in text and "Passed" in text
    assert 'href="/sessions/1/quiz"' not in text and "Back to the curriculum" in text
    assert web.client.get(f"/quiz/attempts/{first}").status_code == 303  # → the review

    as_staff.post(f"{quiz_page}/restore", token_from=quiz_page)
    assert "Go to the quiz" in web.client.get("/sessions/1").get_data(as_text=True)
    assert web.client.get("/sessions/1/quiz").status_code == 200
    second = start(web)
    assert second != first and attempts() == before + 1


def test_a_retired_quiz_with_an_open_attempt_cannot_be_restarted(as_participant, quiz):
    first = start(as_participant)
    quiz.is_retired = True
    db.session.commit()
    assert (
        as_participant.post("/sessions/1/quiz/start", token_from="/sessions/1").status_code == 404
    )
    # The open attempt is still its owner's to read.
    assert as_participant.client.get(f"/quiz/attempts/{first}").status_code == 200


def files_of(root):
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_export_and_import_keep_the_retired_flag(app, tmp_path):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    content_files.export_curriculum(tmp_path / "current")
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == "session-02"))
    quiz.is_retired = True
    db.session.commit()

    first = tmp_path / "first"
    content_files.export_curriculum(first)
    changed = {
        name
        for name, data in files_of(first).items()
        if files_of(tmp_path / "current").get(name) != data
    }
    assert changed == {"sessions/02-three-p-approach/quiz.yaml"}
    text = (first / "sessions/02-three-p-approach/quiz.yaml").read_text()
    assert "\nretired: true\n" in text
    # Only the retired quiz says so; the shipped files have no such line.
    assert not any(b"retired" in p.read_bytes() for p in CONTENT.rglob("*.yaml"))

    # The files carry the flag back: import over a restored quiz retires it again.
    quiz.is_retired = False
    db.session.commit()
    content_files.import_curriculum(first)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Quiz).where(Quiz.key == "session-02")).is_retired
    assert not db.session.scalar(select(Quiz).where(Quiz.key == "session-01")).is_retired
    second = tmp_path / "second"
    content_files.export_curriculum(second)
    assert files_of(first) == files_of(second)

    # Without the line, importing restores it.
    path = first / "sessions/02-three-p-approach/quiz.yaml"
    path.write_text(path.read_text().replace("retired: true\n", ""))
    content_files.import_curriculum(first)
    db.session.commit()
    assert not db.session.scalar(select(Quiz).where(Quiz.key == "session-02")).is_retired
