"""Answer-reveal policy, the confirmation page before submitting, two-decimal scores, the
next step on results, and essay questions graded by the cohort's trainer."""

from __future__ import annotations

import pytest
from factories import enrol, make_cohort, make_user
from measure import count_statements
from sqlalchemy import select

from learning.builders import make_quiz, make_session
from learning.test_quiz import page_text, right_form, start
from portal.audit import AuditEvent
from portal.extensions import db
from portal.learning.display import points_text
from portal.learning.models import AttemptAnswer, Question, Quiz, QuizAttempt, QuizSummary


@pytest.fixture
def quiz(app):
    session = make_session(1)
    make_session(2)
    return make_quiz(session, questions=6, max_attempts=2)


def _first_page(web, quiz):
    attempt_id = start(web)
    page = web.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    return attempt_id, page


def _submit_wrong(web):
    """Submit an attempt with nothing right (every question left blank, submitted as is)."""
    attempt_id = start(web)
    web.post(f"/quiz/attempts/{attempt_id}", {"action": "submit"}, token_from="/curriculum")
    return attempt_id


def _review(web, attempt_id) -> str:
    return page_text(web.client.get(f"/quiz/attempts/{attempt_id}/review").get_data(as_text=True))


# --------------------------------------------------------------------------- reveal policy


@pytest.mark.parametrize(
    ("policy", "shown_after_first"), [("always", True), ("last_or_pass", False), ("never", False)]
)
def test_review_reveals_answers_per_policy(as_participant, quiz, policy, shown_after_first):
    quiz.reveal = policy
    db.session.commit()
    attempt_id = start(as_participant)
    truefalse = db.session.scalar(
        select(Question).where(Question.quiz_id == quiz.id, Question.type == "truefalse")
    )
    answers = {"action": "submit", f"q{truefalse.id}": "true"}  # 1 of 6: a fail
    as_participant.post(f"/quiz/attempts/{attempt_id}", answers, token_from="/curriculum")
    review = _review(as_participant, attempt_id)
    # The participant's own answers and score always show.
    assert "Your answer" in review and "You scored 1 of 6 points" in review
    assert "True" in review  # the answer given to the true/false question
    assert ("Correct answer" in review) is shown_after_first
    assert ("General feedback session-01-q01" in review) is shown_after_first
    assert ("Right session-01-q01" in review) is shown_after_first  # the right option
    assert ("shown when you pass or after your last attempt" in review) is (
        policy == "last_or_pass"
    )
    assert ("does not show the correct answers" in review) is (policy == "never")

    # After the last attempt, "last_or_pass" reveals (also on the first attempt's review).
    _submit_wrong(as_participant)
    again = _review(as_participant, attempt_id)
    assert ("Correct answer" in again) is (policy != "never")


def test_a_pass_reveals_under_the_default_policy(as_participant, quiz):
    assert quiz.reveal == "last_or_pass"
    attempt_id, page = _first_page(as_participant, quiz)
    as_participant.post(
        f"/quiz/attempts/{attempt_id}", right_form(page, quiz), token_from="/curriculum"
    )
    review = _review(as_participant, attempt_id)
    assert "Passed" in review and "Correct answer" in review


def test_the_default_policy_is_stored_for_existing_and_new_quizzes(app, quiz):
    assert db.session.get(Quiz, quiz.id).reveal == "last_or_pass"


# --------------------------------------------------------------------------- confirmation


def test_blank_questions_lead_to_a_confirmation_page_first(as_participant, quiz):
    attempt_id, page = _first_page(as_participant, quiz)
    answers = right_form(page, quiz)
    questions = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
    ).all()
    answers.pop(f"q{questions[1].id}")  # question 2 (multiple) left blank
    answers.pop(f"q{questions[3].id}")  # question 4 (short) left blank
    answers["action"] = "finish"
    response = as_participant.post(
        f"/quiz/attempts/{attempt_id}", answers, token_from=f"/quiz/attempts/{attempt_id}"
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/quiz/attempts/{attempt_id}/confirm"
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.state == "in_progress"  # nothing graded yet, answers kept
    assert db.session.scalar(select(AttemptAnswer.id)) is None
    confirm = as_participant.client.get(response.headers["Location"]).get_data(as_text=True)
    text = page_text(confirm)
    assert "You have not answered 2 questions" in text
    assert "Question 2" in text and "Question 4" in text and "Question 1 " not in text
    assert f'href="/quiz/attempts/{attempt_id}"' in confirm  # go back
    # Going back shows the answers given so far.
    back = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert back.count(" checked") >= 2 and 'value="42"' in back
    # "Submit anyway" grades the saved answers: 4 of 6.
    done = as_participant.post(
        f"/quiz/attempts/{attempt_id}/submit", {}, token_from=response.headers["Location"]
    )
    assert done.headers["Location"] == f"/quiz/attempts/{attempt_id}/review"
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert (attempt.state, attempt.score) == ("submitted", 4)
    # A second "submit anyway" (double click) counts once.
    as_participant.post(f"/quiz/attempts/{attempt_id}/submit", {}, token_from="/curriculum")
    assert db.session.scalar(select(QuizSummary.attempts)) == 1


def test_finishing_with_every_answer_submits_at_once(as_participant, quiz):
    attempt_id, page = _first_page(as_participant, quiz)
    answers = right_form(page, quiz)
    answers["action"] = "finish"
    response = as_participant.post(f"/quiz/attempts/{attempt_id}", answers, token_from="/")
    assert response.headers["Location"] == f"/quiz/attempts/{attempt_id}/review"
    assert db.session.get(QuizAttempt, attempt_id).score == 6


def test_confirmation_page_needs_the_owner(web, participant, quiz, trainer):
    web.login(participant.email)
    attempt_id = start(web)
    web.logout()
    web.login(trainer.email)
    assert web.client.get(f"/quiz/attempts/{attempt_id}/confirm").status_code == 404
    response = web.post(f"/quiz/attempts/{attempt_id}/submit", {}, token_from="/")
    assert response.status_code == 404
    assert db.session.get(QuizAttempt, attempt_id).state == "in_progress"


def test_submit_anyway_without_csrf_is_refused(as_participant, quiz):
    attempt_id = start(as_participant)
    response = as_participant.client.post(f"/quiz/attempts/{attempt_id}/submit", data={})
    assert response.status_code == 400
    assert db.session.get(QuizAttempt, attempt_id).state == "in_progress"


# --------------------------------------------------------------------------- scores, next step


@pytest.mark.parametrize(
    ("value", "text"), [(2.25, "2.25"), (9.0, "9"), (2.5, "2.5"), (1 / 3, "0.33"), (0, "0")]
)
def test_points_show_with_up_to_two_decimals(value, text):
    assert points_text(value) == text


def test_results_show_two_decimals_and_the_next_step(as_participant, quiz):
    for question in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)):
        spec = dict(question.spec, points=1.5)
        question.spec = spec
    db.session.commit()
    attempt_id, page = _first_page(as_participant, quiz)
    answers = right_form(page, quiz)
    multiple = db.session.scalar(
        select(Question).where(Question.quiz_id == quiz.id, Question.type == "multiple")
    )
    answers[f"q{multiple.id}"] = answers[f"q{multiple.id}"][:1]  # half of 1.5
    as_participant.post(f"/quiz/attempts/{attempt_id}", answers, token_from="/")
    review_html = as_participant.client.get(f"/quiz/attempts/{attempt_id}/review").get_data(
        as_text=True
    )
    review = page_text(review_html)
    assert "You scored 8.25 of 9 points (91.67%)" in review
    assert "0.75 of 1.5" in review
    assert 'href="/sessions/1#prompt-title"' in review_html  # the session's discussion
    assert 'href="/sessions/2"' in review_html and "Go on to session 2" in review


def test_choose_all_that_apply_is_said_once(as_participant, shipped):
    attempt_id = start(as_participant, 1)
    page = page_text(as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(True))
    multiples = db.session.scalars(
        select(Question)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(Quiz.key == "session-01", Question.type == "multiple")
    ).all()
    assert page.count("Choose all that apply") == len(multiples)


# --------------------------------------------------------------------------- essays

ESSAY = {
    "key": "session-01-essay",
    "type": "essay",
    "name": "Reflection",
    "objectives": [2],
    "points": 4,
    "text": "Describe one change you would make in your office. Why?",
    "feedback": "",
    "rubric": [
        {"criterion": "Names a concrete change", "points": 2},
        {"criterion": "Explains it with the victim-centred approach", "points": 2},
    ],
}


@pytest.fixture
def essay_quiz(app):
    session = make_session(1)
    quiz = make_quiz(session, questions=1, max_attempts=2)  # one single-choice question
    db.session.add(
        Question(
            quiz_id=quiz.id,
            position=2,
            key=ESSAY["key"],
            type="essay",
            spec=ESSAY,
            objectives=[2],
            points=4,
        )
    )
    db.session.add(
        Question(
            quiz_id=quiz.id,
            position=0,
            key="session-01-intro",
            type="description",
            spec={
                "key": "session-01-intro",
                "type": "description",
                "text": "Read the case first: a fictional worker, Ana, ...",
                "objectives": [],
            },
            objectives=[],
            points=0,
        )
    )
    db.session.commit()
    return quiz


def _answer_essay(web, quiz, essay_text: str) -> int:
    attempt_id = start(web)
    page = web.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Read the case first" in page and "Names a concrete change" in page
    answers = right_form(page, quiz)
    essay = db.session.scalar(select(Question).where(Question.key == ESSAY["key"]))
    answers[f"q{essay.id}"] = essay_text
    answers["action"] = "finish"
    response = web.post(f"/quiz/attempts/{attempt_id}", answers, token_from="/")
    assert response.status_code == 303
    return attempt_id, response.headers["Location"]


def test_essay_journey_participant_answers_trainer_grades_score_updates(
    web, participant, trainer, cohort, essay_quiz
):
    web.login(participant.email)
    attempt_id, location = _answer_essay(
        web, essay_quiz, "I would **ask first** what the person needs.\n\n- interpreter\n- rest"
    )
    assert location.endswith("/review")
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert (attempt.score, attempt.max_score, attempt.awaiting_grading, attempt.passed) == (
        1,
        1,
        1,
        False,
    )
    summary = db.session.scalar(select(QuizSummary))
    assert summary.objectives == {"1": [1, 1], "2": [1, 1]}  # the essay is not counted yet
    review_html = web.client.get(location).get_data(as_text=True)
    review = page_text(review_html)
    assert "Awaiting grading" in review and "awaiting grading" in review
    assert "So far you scored 1 of 1 points" in review and "Passed" not in review
    assert "<strong>ask first</strong>" in review_html  # the essay through the Markdown pipeline
    web.logout()

    web.login(trainer.email)
    queue = page_text(web.client.get(f"/cohorts/{cohort.id}/grading").get_data(as_text=True))
    assert "Amihan Test" in queue and "Reflection" in queue
    answer = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.grading_state != ""))
    path = f"/cohorts/{cohort.id}/grading/{answer.id}"
    form = web.client.get(path).get_data(as_text=True)
    assert "Explains it with the victim-centred approach" in form
    bad = web.post(path, {"rubric-0": "3", "rubric-1": "x", "comment": "Kept"}, token_from=path)
    assert bad.status_code == 400
    bad_text = page_text(bad.get_data(as_text=True))
    assert "must be from 0 to 2" in bad_text and "Type a number" in bad_text
    assert "Kept" in bad.get_data(as_text=True)  # what was typed stays
    good = web.post(
        path,
        {"rubric-0": "2", "rubric-1": "1.5", "comment": "A clear, *kind* plan."},
        token_from=path,
    )
    assert good.status_code == 303
    again = web.post(path, {"rubric-0": "0", "rubric-1": "0"}, token_from=path)  # resent
    assert again.status_code == 303
    db.session.expire_all()
    stored = db.session.get(AttemptAnswer, answer.id)
    assert (stored.grading_state, stored.score, stored.rubric_points) == ("graded", 3.5, [2, 1.5])
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert (attempt.score, attempt.max_score, attempt.percent, attempt.awaiting_grading) == (
        4.5,
        5,
        90,
        0,
    )
    assert attempt.passed
    summary = db.session.scalar(select(QuizSummary))
    assert (summary.best_score, summary.max_score, summary.best_percent, summary.passed) == (
        4.5,
        5,
        90,
        True,
    )
    assert summary.objectives == {"1": [1, 1], "2": [4.5, 5]}
    assert summary.attempts == 1
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "quiz.essay_graded")
    ).all()
    assert events == ["quiz.essay_graded"]
    assert "Amihan" not in page_text(
        web.client.get(f"/cohorts/{cohort.id}/grading").get_data(as_text=True)
    )
    web.logout()

    web.login(participant.email)
    review_html = web.client.get(location).get_data(as_text=True)
    review = page_text(review_html)
    assert "You scored 4.5 of 5 points (90%)" in review and "Passed" in review
    assert "<em>kind</em>" in review_html and "Trainer's comment" in review


def test_an_essay_with_identifiers_is_confirmed_first(as_participant, essay_quiz):
    attempt_id, location = _answer_essay(
        as_participant, essay_quiz, "She can be reached on +66 81 234 5678 after work."
    )
    assert location.endswith("/confirm")
    page = page_text(as_participant.client.get(location).get_data(as_text=True))
    assert "may identify a person" in page and "+66 81 234 5678" in page
    assert db.session.get(QuizAttempt, attempt_id).state == "in_progress"


def test_grading_pages_are_only_for_the_cohorts_trainers(
    web, participant, trainer, cohort, essay_quiz
):
    web.login(participant.email)
    _answer_essay(web, essay_quiz, "A thoughtful answer.")
    answer = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.grading_state != ""))
    web.logout()
    other_cohort = make_cohort("Other cohort (fictional)")
    other_trainer = make_user("trainer")
    enrol(other_trainer, other_cohort, "trainer")
    paths = [f"/cohorts/{cohort.id}/grading", f"/cohorts/{cohort.id}/grading/{answer.id}"]
    for user in (participant, other_trainer):
        web.login(user.email)
        for path in paths:
            assert web.client.get(path).status_code == 404, (user.role, path)
        assert (
            web.post(paths[1], {"rubric-0": "2", "rubric-1": "2"}, token_from="/").status_code
            == 404
        )
        web.logout()
    # The other trainer cannot reach the answer through their own cohort either.
    web.login(other_trainer.email)
    assert web.client.get(f"/cohorts/{other_cohort.id}/grading/{answer.id}").status_code == 404
    web.logout()
    assert db.session.get(AttemptAnswer, answer.id).grading_state == "awaiting"


def test_grading_pages_stay_within_the_statement_budget(
    app, web, participant, trainer, cohort, essay_quiz
):
    web.login(participant.email)
    _answer_essay(web, essay_quiz, "An answer.")
    web.logout()
    web.login(trainer.email)
    answer = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.grading_state != ""))
    for path in (f"/cohorts/{cohort.id}/grading", f"/cohorts/{cohort.id}/grading/{answer.id}"):
        with count_statements(app) as log:
            assert web.client.get(path).status_code == 200
        assert log.count <= 8, (path, log.statements)
