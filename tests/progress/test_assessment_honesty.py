"""An honest pre/post assessment: the pre review shows scores per objective but no answers or
explanations; the post review shows them once its window closed; windows are in the cohort's
time zone and cannot overlap."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from learning.builders import make_quiz, make_session
from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db
from portal.learning.models import AssessmentWindow, Question

ATTEMPT_RE = re.compile(r"/quiz/attempts/(\d+)")


@pytest.fixture
def assessment(app):
    make_session(1)  # objectives 1 and 2 with their titles
    return make_quiz(None, questions=3, kind="assessment", key="assessment", max_attempts=1)


def window(cohort, quiz, phase, opens, closes) -> AssessmentWindow:
    row = AssessmentWindow(
        cohort_id=cohort.id, quiz_id=quiz.id, phase=phase, opens_at=opens, closes_at=closes
    )
    db.session.add(row)
    db.session.commit()
    return row


def take(web, window_id: int, right: bool) -> str:
    start = web.post(f"/assessments/{window_id}/start", {}, token_from="/curriculum")
    attempt_id = ATTEMPT_RE.search(start.headers["Location"]).group(1)
    form = {"action": "submit"}
    for question in db.session.scalars(select(Question)):
        if question.type == "truefalse":
            form[f"q{question.id}"] = "true" if right else "false"
    web.post(f"/quiz/attempts/{attempt_id}", form, token_from=f"/quiz/attempts/{attempt_id}")
    return f"/quiz/attempts/{attempt_id}/review"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_pre_review_names_the_phase_and_hides_answers_and_explanations(
    as_participant, cohort, assessment
):
    now = utcnow()
    pre = window(cohort, assessment, "pre", now - timedelta(days=1), now + timedelta(days=1))
    review = as_participant.client.get(take(as_participant, pre.id, right=False))
    text = text_of(review)
    assert "Results of your pre-workshop assessment" in text
    assert "Your score per objective" in text and "Objective title 1" in text
    for question in db.session.scalars(select(Question)):
        spec = question.spec
        assert spec["text"] not in text
        assert spec.get("feedback", "@@") not in text
    assert "Correct answer" not in text
    assert "Overall try again text" not in text


def test_post_review_shows_answers_only_after_the_window_and_the_change(
    as_participant, cohort, assessment
):
    now = utcnow()
    pre = window(cohort, assessment, "pre", now - timedelta(days=3), now - timedelta(days=2))
    db.session.commit()
    # The pre result is taken while its window is open (moved back afterwards).
    pre.closes_at = now + timedelta(hours=1)
    db.session.commit()
    take(as_participant, pre.id, right=False)
    pre.closes_at = now - timedelta(days=2)
    post = window(cohort, assessment, "post", now - timedelta(days=1), now + timedelta(days=1))
    path = take(as_participant, post.id, right=True)
    text = text_of(as_participant.client.get(path))
    assert "Results of your post-workshop assessment" in text
    assert "Correct answer" not in text
    assert "will be shown here once the assessment window has closed" in text
    assert "again" not in text.lower()
    assert "Pre-workshop" in text  # the person's own change per objective
    post.closes_at = now - timedelta(minutes=1)
    db.session.commit()
    text = text_of(as_participant.client.get(path))
    assert "Correct answer" in text


def test_windows_are_entered_in_the_cohort_time_zone_and_cannot_overlap(
    as_trainer, cohort, assessment
):
    cohort.time_zone = "Asia/Bangkok"  # UTC+7
    db.session.commit()
    path = f"/cohorts/{cohort.id}/assessments"
    response = as_trainer.post(
        path, {"phase": "pre", "opens_at": "2030-01-01T09:00", "closes_at": "2030-01-08T17:00"}
    )
    assert response.status_code == 303
    stored = db.session.scalar(select(AssessmentWindow))
    assert stored.opens_at.isoformat() == "2030-01-01T02:00:00"  # stored in UTC
    page = as_trainer.client.get(path).get_data(as_text=True)
    assert "Jan 1, 2030 9:00" in page and "Asia/Bangkok" in page  # in the cohort's zone
    overlap = as_trainer.post(
        path, {"phase": "post", "opens_at": "2030-01-08T09:00", "closes_at": "2030-01-20T17:00"}
    )
    assert overlap.status_code == 400
    assert "must close before the post-assessment opens" in overlap.get_data(as_text=True)
    assert db.session.query(AssessmentWindow).count() == 1


def test_participants_and_trainers_see_window_times_in_the_cohort_time_zone(
    app, web, participant, trainer, cohort, assessment
):
    from datetime import datetime

    from portal.i18n.languages import when

    cohort.time_zone = "Asia/Kathmandu"  # UTC+5:45
    db.session.commit()
    now = utcnow()
    closes = datetime(now.year + 1, 3, 1, 12, 0)  # stored in UTC: 17:45 in Kathmandu
    window(cohort, assessment, "pre", now - timedelta(days=2), now - timedelta(days=1))
    window(cohort, assessment, "post", now - timedelta(hours=1), closes)
    with app.test_request_context():  # written as an English page writes it
        shown = re.sub(r"\s+", " ", when(datetime(closes.year, 3, 1, 17, 45)))
    web.login(participant.email)
    for path in ("/progress", "/curriculum"):
        text = text_of(web.client.get(path))
        assert f"Open until {shown} (Asia/Kathmandu time)" in text, path
        assert "12:00" not in text and "(UTC)" not in text, path
    path = take(web, db.session.scalar(select(AssessmentWindow.id).filter_by(phase="post")), True)
    text = text_of(web.client.get(path))
    assert f"once the assessment window has closed, on {shown} (Asia/Kathmandu time)" in text
    web.logout()
    web.login(trainer.email)
    text = text_of(web.client.get(f"/cohorts/{cohort.id}"))
    assert "Assessment windows, in the cohort's time zone (Asia/Kathmandu)" in text
    assert "Post-assessment" in text and shown in text
