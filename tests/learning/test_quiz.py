"""Quizzes: start, resume, save, submit once, review; nothing leaks before submission."""

from __future__ import annotations

import html
import re
import threading

import pytest
from conftest import Browserless
from factories import PASSWORD, csrf_from, make_user
from flask.testing import FlaskClient
from measure import count_statements, page_weight
from sqlalchemy import func, select

from learning.builders import make_quiz, make_session
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import (
    AttemptAnswer,
    CurriculumSession,
    Question,
    Quiz,
    QuizAttempt,
    QuizSummary,
)
from portal.markdown import render_plain

ATTEMPT_RE = re.compile(r"/quiz/attempts/(\d+)")


def start(web, number: int = 1) -> int:
    """Start (or resume) the session quiz; the attempt id."""
    response = web.post(f"/sessions/{number}/quiz/start", token_from=f"/sessions/{number}/quiz")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(ATTEMPT_RE.search(response.headers["Location"]).group(1))


def page_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def form_fields(page: str) -> dict[str, list[tuple[str, str]]]:
    """The radio/checkbox choices and selects of an attempt page: name -> [(value, label)]."""
    fields: dict[str, list[tuple[str, str]]] = {}
    for name, value, label in re.findall(
        r'<input type="(?:radio|checkbox)" name="(q\d+)" value="([^"]+)"[^>]*>\s*(.*?)</label>',
        page,
        re.S,
    ):
        fields.setdefault(name, []).append((value, page_text(label)))
    return fields


def right_form(page: str, quiz: Quiz) -> dict:
    """The form a participant who knows every answer would send (built from the page)."""
    fields = form_fields(page)
    data: dict = {"action": "submit"}
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    for question in questions:
        name, spec = f"q{question.id}", question.spec
        if spec["type"] in ("single", "multiple"):
            wanted = {render_plain(o["text"]) for o in spec["options"] if o["fraction"] > 0}
            data[name] = [value for value, label in fields[name] if label in wanted]
        elif spec["type"] == "truefalse":
            data[name] = "true" if spec["answer"] else "false"
        elif spec["type"] == "short":
            data[name] = spec["answers"][0]["text"]
        elif spec["type"] == "numerical":
            data[name] = str(spec["answers"][0]["value"])
        elif spec["type"] == "matching":
            for i, pair in enumerate(spec["pairs"]):
                data[f"{name}-{i}"] = pair["right"]
    return data


@pytest.fixture
def quiz(app):
    session = make_session(1)
    return make_quiz(session, questions=6, max_attempts=2)


def secrets_of(spec: dict) -> list[str]:
    """Every text of a question that must not be on the page before submission."""
    texts = [
        spec.get("feedback", ""),
        spec.get("feedback_right", ""),
        spec.get("feedback_wrong", ""),
    ]
    for option in spec.get("options") or []:
        texts.append(option.get("feedback", ""))
    for answer in spec.get("answers") or []:
        texts.append(answer.get("feedback", ""))
        if spec["type"] == "short":
            texts.append(answer["text"])
    return [render_plain(t) for t in texts if t and len(t) > 3]


def shown_texts(spec: dict) -> str:
    """What the page legitimately shows of a question: its text, options and pair sides."""
    parts = [spec["text"]] + [o["text"] for o in spec.get("options") or []]
    parts += [p["left"] + " " + p["right"] for p in spec.get("pairs") or []]
    return " ".join(render_plain(p) for p in parts)


# --------------------------------------------------------------------------- no answer leaks


def test_attempt_page_shows_no_answer_fraction_or_feedback(as_participant, quiz):
    attempt_id = start(as_participant)
    page = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    text = page_text(page)
    for question in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)):
        assert question.spec["text"] in text
        for secret in secrets_of(question.spec):
            assert secret not in text and secret not in page, secret
    assert "fraction" not in page.lower()
    assert "Overall well done text" not in page and "Overall try again text" not in page
    # Option ids ("a" is often the right one) never reach the page either.
    values = [v for choices in form_fields(page).values() for v, _ in choices]
    assert values and not {"a", "b", "c"} & set(values)


def test_no_shipped_quiz_leaks_before_submission(as_participant, shipped):
    for number in range(1, 12):
        attempt_id = start(as_participant, number)
        page = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
        text = page_text(page)
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == f"session-{number:02d}"))
        questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
        assert len(questions) >= 6
        shown = " ".join(shown_texts(q.spec) for q in questions)
        for question in questions:
            for secret in secrets_of(question.spec):
                if secret not in shown:  # e.g. a short answer named in another question
                    assert secret not in text, (question.key, secret)
        assert render_plain(quiz.feedback_pass) not in text


# --------------------------------------------------------------------------- the journey


def test_start_resume_save_submit_review(as_participant, participant, quiz):
    first = start(as_participant)
    assert start(as_participant) == first  # starting again returns the open attempt
    page = as_participant.client.get(f"/quiz/attempts/{first}").get_data(as_text=True)
    answers = right_form(page, quiz)
    answers["action"] = "save"
    saved = as_participant.post(
        f"/quiz/attempts/{first}", answers, token_from=f"/quiz/attempts/{first}"
    )
    assert saved.status_code == 303 and saved.headers["Location"] == f"/quiz/attempts/{first}"
    attempt = db.session.get(QuizAttempt, first)
    assert attempt.state == "in_progress" and len(attempt.draft) == 6
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0  # nothing graded yet

    # Coming back: the saved answers are in the form, in the same (shuffled) order.
    again = as_participant.client.get(f"/quiz/attempts/{first}").get_data(as_text=True)
    assert "Your answers are saved" in again
    assert form_fields(again) == form_fields(page)
    assert again.count(" checked") >= 4  # single, multiple (2), true/false
    assert 'value="secretword' in again and 'value="42"' in again
    assert again.count(" selected>") == 2  # the matching pairs

    answers["action"] = "submit"
    response = as_participant.post(
        f"/quiz/attempts/{first}", answers, token_from=f"/quiz/attempts/{first}"
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/quiz/attempts/{first}/review"
    attempt = db.session.get(QuizAttempt, first)
    assert (attempt.state, attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
        "submitted",
        6,
        6,
        100,
        True,
    )
    review = as_participant.client.get(f"/quiz/attempts/{first}/review").get_data(as_text=True)
    assert "You scored 6 of 6 points (100%)" in review and "Passed" in review
    assert "Overall well done text" in review
    assert "Yes session-01-q01" in review  # option feedback
    assert "General feedback session-01-q01" in review
    assert "Correct answer" in review and "Your answer" in review
    # The submitted attempt's form now shows the review instead.
    assert as_participant.client.get(f"/quiz/attempts/{first}").status_code == 303

    summary = db.session.scalar(select(QuizSummary).where(QuizSummary.user_id == participant.id))
    assert (summary.attempts, summary.best_percent, summary.passed) == (1, 100, True)
    assert summary.objectives == {"1": [6, 6], "2": [6, 6]}


def test_wrong_and_partial_answers_are_graded_on_the_server(as_participant, participant, quiz):
    quiz.reveal = "always"  # this review shows the feedback of a failed first attempt
    db.session.commit()
    attempt_id = start(as_participant)
    page = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    answers = right_form(page, quiz)
    questions = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
    ).all()
    by_type = {q.type: q for q in questions}
    answers[f"q{by_type['truefalse'].id}"] = "false"
    answers[f"q{by_type['multiple'].id}"] = answers[f"q{by_type['multiple'].id}"][:1]  # half
    answers[f"q{by_type['numerical'].id}"] = "40"  # outside the tolerance
    as_participant.post(f"/quiz/attempts/{attempt_id}", answers, token_from="/curriculum")
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.score == 3.5 and attempt.percent == pytest.approx(58.33) and not attempt.passed
    review = as_participant.client.get(f"/quiz/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Not passed yet" in review and "Overall try again text" in review
    assert "Wrong tf session-01-q03" in review and "partly correct" in review
    stored = db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)
    ).all()
    assert len(stored) == 6
    assert {a.question["key"]: a.score for a in stored}["session-01-q02"] == 0.5


def test_max_attempts_and_best_attempt_counts(as_participant, participant, quiz):
    for _ in range(2):
        attempt_id = start(as_participant)
        as_participant.post(
            f"/quiz/attempts/{attempt_id}", {"action": "submit"}, token_from="/curriculum"
        )
    response = as_participant.post("/sessions/1/quiz/start", token_from="/sessions/1/quiz")
    assert response.status_code == 303 and response.headers["Location"] == "/sessions/1/quiz"
    page = as_participant.client.get("/sessions/1/quiz").get_data(as_text=True)
    assert "You have used all your attempts" in page
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2
    summary = db.session.scalar(select(QuizSummary))
    assert summary.attempts == 2 and summary.best_percent == 0 and not summary.passed


def test_a_resent_submit_is_graded_once(as_participant, participant, quiz):
    attempt_id = start(as_participant)
    page = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    answers = right_form(page, quiz)
    token = f"/quiz/attempts/{attempt_id}"
    as_participant.post(f"/quiz/attempts/{attempt_id}", answers, token_from=token)
    wrong = {"action": "submit"}  # a resent (here: changed) form must not change anything
    second = as_participant.post(f"/quiz/attempts/{attempt_id}", wrong, token_from="/curriculum")
    assert second.status_code == 303 and second.headers["Location"].endswith("/review")
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 6
    assert db.session.get(QuizAttempt, attempt_id).percent == 100
    assert db.session.scalar(select(QuizSummary.attempts)) == 1
    # Saving over a submitted attempt changes nothing either.
    as_participant.post(
        f"/quiz/attempts/{attempt_id}", {"action": "save"}, token_from="/curriculum"
    )
    assert db.session.get(QuizAttempt, attempt_id).percent == 100


def test_two_identical_concurrent_submissions_grade_once(app, participant, quiz):
    web = Browserless(app.test_client())
    web.login(participant.email)
    attempt_id = start(web)
    page = web.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    answers = right_form(page, quiz)
    email = participant.email
    db.session.commit()  # the test holds no transaction while the threads run

    clients = []
    for _ in range(2):
        # Plain clients: each request in a thread runs in its own app context and session.
        client = Browserless(FlaskClient(app, app.response_class, use_cookies=True))
        clients.append(client)
    barrier = threading.Barrier(2)
    results: list = []

    def submit(client: Browserless) -> None:
        client.login(email, PASSWORD)
        data = dict(answers, csrf_token=client.token(f"/quiz/attempts/{attempt_id}"))
        barrier.wait()
        response = client.client.post(f"/quiz/attempts/{attempt_id}", data=data)
        results.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [(303, f"/quiz/attempts/{attempt_id}/review")] * 2
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 6
    assert (
        db.session.scalar(
            select(func.count(QuizAttempt.id)).where(QuizAttempt.state == "submitted")
        )
        == 1
    )
    summary = db.session.scalar(select(QuizSummary))
    assert summary.attempts == 1 and summary.best_percent == 100


def test_an_edited_question_shows_at_once_on_an_open_attempt(as_participant, quiz):
    """The page keeps decoded questions per version: an edit is a new version."""
    attempt_id = start(as_participant)
    path = f"/quiz/attempts/{attempt_id}"
    question = db.session.scalar(select(Question).where(Question.quiz_id == quiz.id).limit(1))
    assert question.spec["text"] in as_participant.client.get(path).get_data(as_text=True)
    question.spec = {**question.spec, "text": "A corrected question text"}
    db.session.commit()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert "A corrected question text" in page
    assert f"Question text for {question.key}<" not in page
    db.session.delete(question)
    db.session.commit()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert "A corrected question text" not in page and page.count("<fieldset") == 5
    # The others are numbered afresh.
    assert "Question 5 <" in page and "Question 6 <" not in page


def test_the_attempt_page_reads_its_questions_with_the_attempt(app, make_app, as_participant, quiz):
    """Two statements (the user, the attempt with its questions' versions) once the
    questions are known; an edit made through another app shows on the next request."""
    other = make_app()
    attempt_id = start(as_participant)
    path = f"/quiz/attempts/{attempt_id}"
    assert as_participant.client.get(path).status_code == 200
    with count_statements(app) as log:
        assert as_participant.client.get(path).status_code == 200
    assert log.count == 2, "\n".join(s[:70] for s in log.statements)
    quiz_id = quiz.id
    db.session.commit()  # this app's session ends its transaction, as a request would
    with other.app_context():  # its own engine and session, as another process
        question = db.session.scalar(
            select(Question).where(Question.quiz_id == quiz_id).order_by(Question.position)
        )
        question.spec = {**question.spec, "text": "Edited through another app"}
        db.session.commit()
        db.session.remove()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert "Edited through another app" in page and page.count("<fieldset") == 6


def test_the_kept_attempt_form_follows_its_quiz_and_language(as_participant, participant, quiz):
    """The form around the questions is kept per worker: a renamed or retired quiz, or
    another language, shows on the next request; the CSRF token is the request's own."""
    attempt_id = start(as_participant)
    path = f"/quiz/attempts/{attempt_id}"
    page = as_participant.client.get(path).get_data(as_text=True)
    assert '<p class="crumbs"><a href="/sessions/1/quiz">' in page
    assert f'action="/quiz/attempts/{attempt_id}"' in page and "Attempt 1." in page
    quiz.title = "A renamed quiz"
    db.session.commit()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert '<a href="/sessions/1/quiz">A renamed quiz</a>' in page
    assert "<h1>A renamed quiz</h1>" in page
    quiz.is_retired = True
    db.session.commit()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert 'class="crumbs"' not in page and "<h1>A renamed quiz</h1>" in page
    participant.language = "th"
    db.session.commit()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert "Submit answers" not in page and "Save and continue later" not in page
    # The token is the request's own, written around the kept parts.
    assert f'<input type="hidden" name="csrf_token" value="{csrf_from(page)}">' in page


def test_a_question_moved_to_another_quiz_stays_in_the_attempt(as_participant, quiz):
    # The attempt page reads its questions' versions by the attempt's quiz; a question the
    # attempt holds that an import has since moved to another quiz is still shown, edited
    # afresh, and its autosaved answer kept.
    attempt_id = start(as_participant)
    path = f"/quiz/attempts/{attempt_id}"
    other = make_quiz(make_session(2), questions=1)
    question = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
    ).first()
    question.quiz_id = other.id
    question.spec = {**question.spec, "text": "Moved and corrected text"}
    db.session.commit()
    page = as_participant.client.get(path).get_data(as_text=True)
    assert "Moved and corrected text" in page and page.count("<fieldset") == 6
    answers = right_form(page, quiz)
    answers.pop("action")
    as_participant.post(f"{path}/save", answers, token_from=path, headers={"HX-Request": "true"})
    assert str(question.id) in db.session.get(QuizAttempt, attempt_id).draft


def test_autosave_with_htmx_returns_the_status_fragment(as_participant, quiz):
    attempt_id = start(as_participant)
    page = as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    answers = right_form(page, quiz)
    answers.pop("action")
    response = as_participant.post(
        f"/quiz/attempts/{attempt_id}/save",
        answers,
        token_from=f"/quiz/attempts/{attempt_id}",
        headers={"HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="save-status"' in body and "Answers saved." in body
    assert len(db.session.get(QuizAttempt, attempt_id).draft) == 6


# --------------------------------------------------------------------------- authorisation


@pytest.mark.parametrize("suffix", ["", "/review"])
def test_other_people_get_404_for_an_attempt(web, participant, trainer, quiz, suffix):
    web.login(participant.email)
    attempt_id = start(web)
    web.logout()
    web.login(trainer.email)
    assert web.client.get(f"/quiz/attempts/{attempt_id}{suffix}").status_code == 404
    response = web.post(
        f"/quiz/attempts/{attempt_id}", {"action": "submit"}, token_from="/curriculum"
    )
    assert response.status_code == 404
    response = web.post(f"/quiz/attempts/{attempt_id}/save", {}, token_from="/curriculum")
    assert response.status_code == 404
    assert db.session.get(QuizAttempt, attempt_id).state == "in_progress"


def test_visitors_are_sent_to_sign_in_for_quiz_pages(client, quiz):
    assert client.get("/sessions/1/quiz").status_code == 302
    assert client.get("/quiz/attempts/1").status_code == 302


# --------------------------------------------------------------------------- budgets


def _statement_counts(app, web, questions: int) -> dict[str, int]:
    session = make_session(1)
    quiz = make_quiz(session, questions=questions)
    attempt_id = start(web)
    paths = {
        "session": "/sessions/1",
        "reading": "/sessions/1/readings/reading-1",
        "quiz": "/sessions/1/quiz",
        "attempt": f"/quiz/attempts/{attempt_id}",
        "curriculum": "/curriculum",
    }
    counts = {}
    # The first visit of a cohort to a session page creates the cohort's discussion boards
    # once (for the link to the session's board); the budget is for every visit after it.
    assert web.client.get(paths["session"]).status_code == 200
    for name, path in paths.items():
        with count_statements(app) as log:
            assert web.client.get(path).status_code == 200
        counts[name] = log.count
    web.post(f"/quiz/attempts/{attempt_id}", {"action": "submit"}, token_from="/curriculum")
    with count_statements(app) as log:
        assert web.client.get(f"/quiz/attempts/{attempt_id}/review").status_code == 200
    counts["review"] = log.count
    page = web.client.get(paths["attempt"])
    assert page.status_code == 303
    with count_statements(app) as log:
        web.post(f"/quiz/attempts/{attempt_id}", {"action": "submit"}, token_from="/curriculum")
    del quiz
    return counts


def test_statement_counts_do_not_grow_with_questions(app, as_participant):
    one = _statement_counts(app, as_participant, 1)
    from conftest import clear_tables
    from factories import enrol, make_cohort

    as_participant.logout()  # the next user may reuse the id once the tables are cleared
    clear_tables()
    cohort = make_cohort()
    user = make_user()
    enrol(user, cohort)
    as_participant.login(user.email)
    fifty = _statement_counts(app, as_participant, 50)
    assert one == fifty
    assert max(one.values()) <= 8, one


def test_submitting_fifty_questions_stays_within_the_statement_budget(app, as_participant):
    session = make_session(1)
    make_quiz(session, questions=50)
    attempt_id = start(as_participant)
    token = as_participant.token("/curriculum")
    with count_statements(app) as log:
        response = as_participant.client.post(
            f"/quiz/attempts/{attempt_id}", data={"action": "submit", "csrf_token": token}
        )
    assert response.status_code == 303
    assert log.count <= 8, "\n".join(s[:70] for s in log.statements)
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 50


def test_pages_within_the_cold_budget(as_participant, shipped):
    attempt_id = start(as_participant, 1)
    for path in (
        "/sessions/1",
        "/sessions/1/readings/who-is-a-victim",
        f"/quiz/attempts/{attempt_id}",
        "/curriculum",
    ):
        weight = page_weight(as_participant.client, path)
        assert weight.requests <= 6, (path, weight.sizes)
        assert weight.bytes <= 50 * 1024, (path, weight.sizes)
        assert weight.other_hosts == []


def test_assessment_quiz_is_imported_as_its_own_kind(app, shipped):
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == content_files.ASSESSMENT_KEY))
    assert quiz.kind == "assessment" and quiz.session_id is None


def test_session_page_shows_the_quiz_standing(as_participant, participant, quiz):
    """The session page's quiz part (read as plain rows): question count, pass mark,
    attempts left, the open attempt, then the best score and the pass once submitted."""
    page = page_text(as_participant.client.get("/sessions/1").get_data(as_text=True))
    assert "6 questions, pass mark 60%" in page
    assert "2 attempts left" in page and "Go to the quiz" in page
    assert "Your best score" not in page
    attempt_id = start(as_participant)
    page = page_text(as_participant.client.get("/sessions/1").get_data(as_text=True))
    assert "Continue the quiz" in page
    answers = right_form(
        as_participant.client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True), quiz
    )
    as_participant.post(f"/quiz/attempts/{attempt_id}", answers, token_from="/curriculum")
    page = page_text(as_participant.client.get("/sessions/1").get_data(as_text=True))
    assert "Your best score: 100% Passed" in page
    assert "1 attempt left" in page and "Go to the quiz" in page
    # The part is kept as HTML per worker: the quiz's and the session's texts change it too.
    quiz.title, quiz.pass_mark = "A renamed quiz", 70
    db.session.commit()
    page = page_text(as_participant.client.get("/sessions/1").get_data(as_text=True))
    assert "A renamed quiz. 6 questions, pass mark 70%" in page
    session = db.session.get(CurriculumSession, quiz.session_id)
    session.resources = [{"title": "A new resource", "url": "https://example.org/r"}]
    db.session.commit()
    page = as_participant.client.get("/sessions/1").get_data(as_text=True)
    assert '<a href="https://example.org/r" rel="noopener">A new resource</a>' in page


def test_typed_answers_are_shown_but_never_kept_in_a_worker(as_participant, quiz):
    """A worker keeps question HTML per saved answer only where the answer was chosen from
    the question: text a person typed is rendered on each request and held nowhere after it
    (it would outlive the person's erased account)."""
    from portal.learning import display

    display._QUESTIONS.clear()
    attempt_id = start(as_participant)
    path = f"/quiz/attempts/{attempt_id}"
    page = as_participant.client.get(path).get_data(as_text=True)
    answers = right_form(page, quiz)
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    short = next(q for q in questions if q.spec["type"] == "short")
    single = next(q for q in questions if q.spec["type"] == "single")
    answers[f"q{short.id}"] = "Typed by Ayu Lestari (fictional)"
    answers["action"] = "save"
    as_participant.post(path, answers, token_from=path)
    for _ in range(2):  # the second visit would be served from what a worker keeps
        again = as_participant.client.get(path).get_data(as_text=True)
        assert 'value="Typed by Ayu Lestari (fictional)"' in again
    kept = display._QUESTIONS._entries
    assert not any("Ayu Lestari" in repr(key) + html for key, html in kept.items())
    # A chosen answer is kept: the single-choice question's entry holds its saved choice.
    assert any(key[0] == single.id and key[-1] != repr(None) for key in kept)
