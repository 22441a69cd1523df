"""Pre/post assessment: windows set by trainers, taken once per phase, gains per objective."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import make_cohort, make_user
from sqlalchemy import func, select

from learning.builders import make_quiz
from portal.database import utcnow
from portal.extensions import db
from portal.learning import queries
from portal.learning.models import AssessmentWindow, Quiz, QuizAttempt, QuizSummary
from portal.learning.services import _update_summary

ATTEMPT_RE = re.compile(r"/quiz/attempts/(\d+)")


@pytest.fixture
def assessment(app):
    return make_quiz(None, questions=6, kind="assessment", key="assessment", max_attempts=1)


def open_window(cohort, quiz, phase="pre") -> AssessmentWindow:
    window = AssessmentWindow(
        cohort_id=cohort.id,
        quiz_id=quiz.id,
        phase=phase,
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=1),
    )
    db.session.add(window)
    db.session.commit()
    return window


def test_trainer_sets_a_window_on_the_cohort(as_trainer, cohort, assessment):
    path = f"/cohorts/{cohort.id}/assessments"
    page = as_trainer.client.get(path).get_data(as_text=True)
    assert "Pre-assessment" in page and "not set" in page
    response = as_trainer.post(
        path, {"phase": "pre", "opens_at": "2030-01-01T09:00", "closes_at": "2030-01-08T17:00"}
    )
    assert response.status_code == 303
    window = db.session.scalar(select(AssessmentWindow))
    assert (window.phase, window.opens_at.isoformat()) == ("pre", "2030-01-01T09:00:00")
    # Setting it again changes the same window.
    as_trainer.post(
        path, {"phase": "pre", "opens_at": "2030-01-02T09:00", "closes_at": "2030-01-08T17:00"}
    )
    assert db.session.scalar(select(func.count(AssessmentWindow.id))) == 1
    assert "Jan 2, 2030 9:00" in as_trainer.client.get(path).get_data(as_text=True)


def test_a_window_must_close_after_it_opens(as_trainer, cohort, assessment):
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/assessments",
        {"phase": "post", "opens_at": "2030-01-08T09:00", "closes_at": "2030-01-01T09:00"},
    )
    assert response.status_code == 400
    assert "must close after it opens" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AssessmentWindow.id))) == 0


@pytest.mark.parametrize("persona", ["participant", "other_trainer"])
def test_others_get_404_for_the_windows_page(web, cohort, assessment, participant, persona):
    user = participant if persona == "participant" else make_user("trainer")
    web.login(user.email)
    path = f"/cohorts/{cohort.id}/assessments"
    assert web.client.get(path).status_code == 404
    response = web.post(
        path,
        {"phase": "pre", "opens_at": "2030-01-01T09:00", "closes_at": "2030-01-08T17:00"},
        token_from="/curriculum",
    )
    assert response.status_code == 404


def test_admin_may_set_windows(as_admin, cohort, assessment):
    assert as_admin.client.get(f"/cohorts/{cohort.id}/assessments").status_code == 200


def test_participant_takes_the_pre_assessment_once(as_participant, participant, cohort, assessment):
    window = open_window(cohort, assessment, "pre")
    page = as_participant.client.get("/curriculum").get_data(as_text=True)
    assert "Assessments open now" in page and "Take the pre-workshop assessment" in page
    start = f"/assessments/{window.id}/start"
    response = as_participant.post(start, token_from="/curriculum")
    attempt_id = int(ATTEMPT_RE.search(response.headers["Location"]).group(1))
    assert (
        as_participant.post(start, token_from="/curriculum")
        .headers["Location"]
        .endswith(f"/quiz/attempts/{attempt_id}")
    )  # resumes
    attempt_page = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Pre-workshop assessment" in attempt_page
    as_participant.post(
        f"/quiz/attempts/{attempt_id}", {"action": "submit"}, token_from="/curriculum"
    )
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.phase == "pre" and attempt.state == "submitted"
    summary = db.session.scalar(select(QuizSummary).where(QuizSummary.user_id == participant.id))
    assert summary.phase == "pre" and summary.objectives == {"1": [0, 6], "2": [0, 6]}
    # Only one attempt per phase.
    response = as_participant.post(start, token_from="/curriculum")
    assert response.headers["Location"] == "/curriculum"
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    page = as_participant.client.get("/curriculum").get_data(as_text=True)
    assert "done, see your results" in page
    # The post-assessment is a separate phase.
    post = open_window(cohort, assessment, "post")
    response = as_participant.post(f"/assessments/{post.id}/start", token_from="/curriculum")
    post_attempt = db.session.get(
        QuizAttempt, int(ATTEMPT_RE.search(response.headers["Location"]).group(1))
    )
    assert post_attempt.phase == "post" and post_attempt.number == 2


def test_closed_or_foreign_windows_cannot_be_started(as_participant, participant, assessment):
    other = make_cohort("Someone else's workshop")
    foreign = open_window(other, assessment, "pre")
    assert (
        as_participant.post(
            f"/assessments/{foreign.id}/start", token_from="/curriculum"
        ).status_code
        == 404
    )
    mine = db.session.scalar(select(AssessmentWindow).where(AssessmentWindow.id == foreign.id))
    assert mine is not None
    assert "Assessments open now" not in as_participant.client.get("/curriculum").get_data(
        as_text=True
    )


def test_a_window_not_open_yet_is_refused(as_participant, cohort, assessment):
    window = open_window(cohort, assessment, "post")
    window.opens_at = utcnow() + timedelta(days=2)
    window.closes_at = utcnow() + timedelta(days=3)
    db.session.commit()
    response = as_participant.post(f"/assessments/{window.id}/start", token_from="/curriculum")
    assert response.headers["Location"] == "/curriculum"
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0


# --------------------------------------------------------------------------- gains


def summary(user, quiz: Quiz, phase: str, objectives: dict) -> None:
    _update_summary(
        user.id,
        quiz.id,
        phase,
        {
            "best_percent": 0,
            "best_score": 0,
            "max_score": 0,
            "passed": True,
            "last_submitted_at": utcnow(),
            "objectives": objectives,
        },
    )
    db.session.commit()


def test_gains_per_objective_hand_worked(app, cohort, assessment):
    """Two participants with both phases; a third with only the pre-assessment is left out.

    Objective 1: A 2/4 → 4/4 (50 → 100), B 1/4 → 2/4 (25 → 50).
      mean pre 37.5, mean post 75; raw gain 37.5; normalised 37.5 / 62.5 = 0.6.
    Objective 2: A 3/3 → 3/3 (100 → 100), B 0/3 → 3/3 (0 → 100).
      mean pre 50, mean post 100; raw 50; normalised 50 / 50 = 1.0.
    Objective 3: A 2/2 → 1/2 (100 → 50), B 2/2 → 2/2 (100 → 100).
      pre 100: normalised gain undefined (None); raw −25.
    """
    from factories import enrol

    a, b, c = make_user(), make_user(), make_user()
    for user in (a, b, c):
        enrol(user, cohort)
    outsider = make_user()  # not in the cohort
    summary(a, assessment, "pre", {"1": [2, 4], "2": [3, 3], "3": [2, 2]})
    summary(a, assessment, "post", {"1": [4, 4], "2": [3, 3], "3": [1, 2]})
    summary(b, assessment, "pre", {"1": [1, 4], "2": [0, 3], "3": [2, 2]})
    summary(b, assessment, "post", {"1": [2, 4], "2": [3, 3], "3": [2, 2]})
    summary(c, assessment, "pre", {"1": [0, 4], "2": [0, 3], "3": [0, 2]})
    summary(outsider, assessment, "pre", {"1": [0, 4]})
    summary(outsider, assessment, "post", {"1": [4, 4]})

    gains = {g["objective"]: g for g in queries.assessment_gains(cohort.id)}
    assert set(gains) == {1, 2, 3}
    assert gains[1]["participants"] == 2
    assert gains[1]["pre"] == pytest.approx(37.5) and gains[1]["post"] == pytest.approx(75)
    assert gains[1]["raw_gain"] == pytest.approx(37.5)
    assert gains[1]["normalised_gain"] == pytest.approx(0.6)
    assert gains[2]["raw_gain"] == pytest.approx(50) and gains[2]["normalised_gain"] == 1.0
    assert gains[3]["raw_gain"] == pytest.approx(-25) and gains[3]["normalised_gain"] is None


def test_normalised_gain_formula():
    assert queries.normalised_gain(40, 70) == pytest.approx(0.5)
    assert queries.normalised_gain(100, 100) is None


def test_trainer_sees_gains_on_the_page(as_trainer, cohort, assessment, participant):
    summary(participant, assessment, "pre", {"1": [1, 4]})
    summary(participant, assessment, "post", {"1": [3, 4]})
    page = as_trainer.client.get(f"/cohorts/{cohort.id}/assessments").get_data(as_text=True)
    assert "Knowledge gain per objective" in page
    assert "25%" in page and "75%" in page and "0.67" in page


def test_summary_keeps_the_best_attempt(app, participant, assessment):
    _update_summary(
        participant.id,
        assessment.id,
        "",
        {
            "best_percent": 50,
            "best_score": 3,
            "max_score": 6,
            "passed": False,
            "last_submitted_at": utcnow(),
            "objectives": {"1": [3, 6]},
        },
    )
    _update_summary(
        participant.id,
        assessment.id,
        "",
        {
            "best_percent": 80,
            "best_score": 4.8,
            "max_score": 6,
            "passed": True,
            "last_submitted_at": utcnow(),
            "objectives": {"1": [4.8, 6]},
        },
    )
    _update_summary(
        participant.id,
        assessment.id,
        "",
        {
            "best_percent": 10,
            "best_score": 0.6,
            "max_score": 6,
            "passed": False,
            "last_submitted_at": utcnow(),
            "objectives": {"1": [0.6, 6]},
        },
    )
    db.session.commit()
    row = db.session.scalar(select(QuizSummary))
    assert (row.attempts, row.best_percent, row.passed) == (3, 80, True)
    assert row.objectives == {"1": [4.8, 6]}
