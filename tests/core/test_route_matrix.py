"""Route-wide suites (issue 15, item 6): every route in the URL map × seven personas.

The routes are discovered from `app.url_map`; each must have a declared expectation in
EXPECT below, so a route added later without one fails `test_every_route_is_declared`.
One world of fictional objects serves every check:

- the authorisation matrix: each GET answers each persona with the declared status, and
  each state-changing route refuses the personas declared as refused (403, 404, or the
  sign-in page for visitors) without changing a row;
- `HX-Request: true` never changes an access decision;
- security headers on every answer, errors and fragments included;
- CSRF: every state-changing route refuses a missing or a wrong token.

The feature suites (discussion, practices, exercises, authoring, enquiries, progress) keep
their deeper matrices, with objects in each state and the allowed POSTs carried out; this
suite is the net under all of them, so that no route is left without a decision.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from conftest import Browserless
from discussion.conftest import board_for, make_thread
from factories import csrf_from, enrol, make_cohort, make_invitation, make_user
from flask import Flask
from learning.builders import make_quiz, make_session
from practices.conftest import published
from sqlalchemy import func, select

from portal.database import utcnow
from portal.discussion import services as discussion_services
from portal.enquiries.models import Enquiry
from portal.exercises import services as exercise_services
from portal.exercises.models import ExerciseItem, ExerciseSection
from portal.extensions import db
from portal.learning import services as learning_services
from portal.learning.models import AssessmentWindow, Question, Reading
from portal.practices import services as practice_services
from portal.progress.models import Certificate
from portal.public.models import CountryTrained

PERSONAS = ("visitor", "member_a", "member_b", "alumnus", "trainer_a", "trainer_b", "admin")
HX = {"HX-Request": "true"}

# ---------------------------------------------------------------------------- the world


def _build_world() -> SimpleNamespace:
    """Cohort A (a participant and a trainer), cohort B (the same), an alumnus of an ended
    cohort, an admin, and one object of every kind a route loads by id, in cohort A."""
    today = date.today()
    w = SimpleNamespace()
    w.a = make_cohort("Matrix cohort A (fictional)")
    w.b = make_cohort("Matrix cohort B (fictional)")
    w.ended = make_cohort(
        "Matrix ended cohort (fictional)",
        elearning_opens=today - timedelta(days=200),
        workshop_start=today - timedelta(days=150),
        workshop_end=today - timedelta(days=146),
        alumni_from=today - timedelta(days=145),
    )
    w.member_a = make_user(display_name="Matrix Member A", email="member-a@example.test")
    w.member_b = make_user(display_name="Matrix Member B", email="member-b@example.test")
    w.alumnus = make_user(display_name="Matrix Alumnus", email="alumnus@example.test")
    w.trainer_a = make_user("trainer", display_name="Matrix Trainer A")
    w.trainer_b = make_user("trainer", display_name="Matrix Trainer B")
    w.admin = make_user("admin", display_name="Matrix Admin")
    w.membership = enrol(w.member_a, w.a)
    enrol(w.member_b, w.b)
    enrol(w.alumnus, w.ended)
    enrol(w.trainer_a, w.a, "trainer")
    enrol(w.trainer_b, w.b, "trainer")
    w.invitation = make_invitation(w.a)

    w.session = make_session(1)
    w.quiz = make_quiz(w.session, questions=3)
    w.reading = db.session.scalars(
        select(Reading).where(Reading.session_id == w.session.id)
    ).first()
    w.question = db.session.scalars(select(Question).where(Question.quiz_id == w.quiz.id)).first()
    w.attempt = learning_services.start_attempt(w.member_a, w.quiz)
    w.window = AssessmentWindow(
        cohort_id=w.a.id,
        quiz_id=w.quiz.id,
        phase="pre",
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=1),
    )
    db.session.add(w.window)
    db.session.commit()

    from exercises.conftest import make_exercise_session

    w.exercise_session = make_exercise_session(3)
    w.exercise = exercise_services.start(w.member_a, w.exercise_session, None)
    w.section = db.session.scalars(
        select(ExerciseSection).where(ExerciseSection.exercise_id == w.exercise.id)
    ).first()
    w.item = db.session.scalars(
        select(ExerciseItem).where(ExerciseItem.section_id == w.section.id)
    ).first()

    w.board = board_for(w.a, "cohort")
    w.thread, posts = make_thread(
        w.board, w.member_a, replies=[(w.trainer_a, "A reply by the trainer.")]
    )
    w.post = posts[0]
    w.alumni_board = discussion_services.create_alumni_board(
        w.admin, "Matrix alumni category", "Invented."
    )

    w.practice = published(w.member_a, w.trainer_a, title="A matrix practice (fictional)")
    w.comment = practice_services.add_comment(w.trainer_a, w.practice, "A comment.", None, None)
    w.enquiry = Enquiry(
        kind="workshop",
        name="Invented Enquirer",
        email="enquirer@example.test",
        organisation="Fictional Office",
        message="We would like to join a workshop.",
    )
    w.country = CountryTrained(code="TH")
    w.certificate = Certificate(code="MATRIX-CODE-1", user_id=w.member_a.id, cohort_id=w.a.id)
    db.session.add_all([w.enquiry, w.country, w.certificate])
    db.session.commit()
    w.values = _values(w)  # plain ids, read once: a route may delete its object later
    w.values["alumni_board_id"] = w.alumni_board.id
    return w


def _values(w) -> dict:
    """Path arguments by name: objects of cohort A (or public ones)."""
    return {
        "cohort_id": w.a.id,
        "user_id": w.member_a.id,
        "member_id": w.membership.id,
        "invitation_id": w.invitation.id,
        "board_id": w.board.id,
        "thread_id": w.thread.id,
        "post_id": w.post.id,
        "session_id": w.session.id,
        "number": w.session.number,
        "reading_id": w.reading.id,
        "slug": w.reading.slug,
        "question_id": w.question.id,
        "quiz_id": w.quiz.id,
        "attempt_id": w.attempt.id,
        "window_id": w.window.id,
        "answer_id": 1,
        "exercise_id": w.exercise.id,
        "section_id": w.section.id,
        "item_id": w.item.id,
        "practice_id": w.practice.id,
        "comment_id": w.comment.id,
        "enquiry_id": w.enquiry.id,
        "country_id": w.country.id,
        "code": w.certificate.code,
        "token": "not-a-token",
        "kind": "true_false",
        "index": 0,
        "filename": "css/portal.css",
    }


# Where a route's argument names a different object than the default above.
OVERRIDES = {
    "discussion.alumni_board_edit": {"board_id": "alumni_board_id"},
    "discussion.alumni_board_retire": {"board_id": "alumni_board_id"},
    "discussion.alumni_board_move": {"board_id": "alumni_board_id"},
    "exercises.session_exercise": {"number": 3},
    "exercises.exercise_start": {"number": 3},
    "enquiries.enquiry_form": {"kind": "workshop"},
    "enquiries.enquiry_thanks": {"kind": "workshop"},
}


def url_for_rule(rule, w) -> str:
    values = dict(w.values)
    for name, value in OVERRIDES.get(rule.endpoint, {}).items():
        values[name] = w.values.get(value, value)

    def fill(match):
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:].split(",")[0].strip()
        return str(values[name])

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", fill, rule.rule)


def routes(app: Flask) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
    )


def undeclared(app: Flask) -> list[str]:
    """Endpoint/method pairs in the URL map with no declared expectation."""
    missing = []
    for rule in routes(app):
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            if method not in EXPECT.get(rule.endpoint, {}):
                missing.append(f"{rule.endpoint} {method} {rule.rule}")
    return missing


class Crowd:
    """One signed-in test client per persona, built once per test."""

    def __init__(self, app: Flask, w):
        self.clients = {}
        self.tokens = {}
        for persona in PERSONAS:
            web = Browserless(app.test_client())
            if persona != "visitor":
                assert web.login(getattr(w, persona).email).status_code == 303
            page = "/login" if persona == "visitor" else "/account/profile"
            self.clients[persona] = web.client
            self.tokens[persona] = csrf_from(web.client.get(page).get_data(as_text=True))


@pytest.fixture
def world(app):
    w = _build_world()
    return w, Crowd(app, w)


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _read(response) -> None:
    response.get_data()
    response.close()


# ---------------------------------------------------------------------------- expectations

# For each endpoint and method, one answer per persona in PERSONAS order:
# visitor, member of A, member of B, alumnus, trainer of A, trainer of B, admin.
# GET: the status each receives. POST: "ok" where the persona may (the feature suites
# carry those out), else the refusal it receives.
EXPECT: dict[str, dict[str, str]] = {
    "public.home": {"GET": "200 200 200 200 200 200 200"},
    "public.about": {"GET": "200 200 200 200 200 200 200"},
    "accounts.delete": {"GET": "302 200 200 200 200 200 200", "POST": "302 ok ok ok ok ok ok"},
    "accounts.export": {"POST": "302 ok ok ok ok ok ok"},
    "accounts.password_change": {
        "GET": "302 200 200 200 200 200 200",
        "POST": "302 ok ok ok ok ok ok",
    },
    "accounts.profile": {"GET": "302 200 200 200 200 200 200", "POST": "302 ok ok ok ok ok ok"},
    "accounts.sign_out_everywhere": {"POST": "302 ok ok ok ok ok ok"},
    "admin.mail_failed": {"GET": "302 403 403 403 403 403 200"},
    "admin.user_list": {"GET": "302 403 403 403 403 403 200"},
    "admin.user_edit": {"GET": "302 403 403 403 403 403 200", "POST": "302 403 403 403 403 403 ok"},
    "learning.assessment_start": {"POST": "302 ok 404 404 404 404 404"},
    "authoring.session_list": {"GET": "302 403 403 403 200 200 200"},
    "authoring.assessment_detail": {"GET": "302 403 403 403 404 404 404"},
    "authoring.assessment_question_new": {
        "GET": "302 403 403 403 404 404 404",
        "POST": "302 403 403 403 404 404 404",
    },
    "authoring.objective_map": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.preview": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.question_delete": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.question_edit": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.question_move": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.question_restore": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.question_retire": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.reading_edit": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.reading_move": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.reading_restore": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.reading_retire": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.session_detail": {"GET": "302 403 403 403 200 200 200"},
    "authoring.session_edit": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.session_move": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.quiz_detail": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.gift_download": {"GET": "302 403 403 403 200 200 200"},
    "authoring.gift_upload": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.question_new": {
        "GET": "302 403 403 403 404 404 404",
        "POST": "302 403 403 403 404 404 404",
    },
    "authoring.quiz_restore": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.quiz_retire": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.reading_new": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.resource_add": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.resource_edit": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "authoring.resource_move": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.resource_remove": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.session_restore": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.session_retire": {"POST": "302 403 403 403 ok ok ok"},
    "authoring.session_new": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "progress.certificate_revoke": {"POST": "302 404 404 404 404 404 ok"},
    "progress.certificate_verify": {"GET": "200 200 200 200 200 200 200"},
    "cohorts.cohort_list": {"GET": "302 403 403 403 200 200 200"},
    "cohorts.cohort_detail": {"GET": "302 404 404 404 200 404 200"},
    "learning.cohort_assessments": {
        "GET": "302 404 404 404 404 404 404",
        "POST": "302 404 404 404 404 404 404",
    },
    "progress.certificate_issue": {"POST": "302 ok 404 404 404 404 404"},
    "progress.certificate_pdf": {"GET": "302 200 404 404 404 404 404"},
    "cohorts.cohort_edit": {
        "GET": "302 404 404 404 200 404 200",
        "POST": "302 404 404 404 ok 404 ok",
    },
    "learning.grading_queue": {"GET": "302 404 404 404 200 404 200"},
    "learning.grade_answer": {
        "GET": "302 404 404 404 404 404 404",
        "POST": "302 404 404 404 404 404 404",
    },
    "cohorts.invitation_create": {"POST": "302 404 404 404 ok 404 ok"},
    "cohorts.invitation_resend": {"POST": "302 404 404 404 ok 404 ok"},
    "cohorts.invitation_revoke": {"POST": "302 404 404 404 ok 404 ok"},
    "cohorts.invite_csv": {
        "GET": "302 404 404 404 200 404 200",
        "POST": "302 404 404 404 ok 404 ok",
    },
    "cohorts.member_remove": {"POST": "302 404 404 404 ok 404 ok"},
    "progress.cohort_dashboard": {"GET": "302 404 404 404 200 404 200"},
    "progress.cohort_export_csv": {"GET": "302 404 404 404 200 404 200"},
    "progress.cohort_export_xlsx": {"GET": "302 404 404 404 200 404 200"},
    "progress.participant_detail": {"GET": "302 404 404 404 200 404 200"},
    "cohorts.cohort_publish": {"POST": "302 404 404 404 403 404 ok"},
    "progress.reminders_send": {"POST": "302 404 404 404 ok 404 ok"},
    "cohorts.trainer_enrol": {"POST": "302 404 404 404 ok 404 ok"},
    "cohorts.cohort_new": {
        "GET": "302 403 403 403 200 200 200",
        "POST": "302 403 403 403 ok ok ok",
    },
    "public.contact": {"GET": "200 200 200 200 200 200 200"},
    "learning.curriculum": {"GET": "200 200 200 200 200 200 200"},
    "learning.curriculum_pdf": {"GET": "200 200 200 200 200 200 200"},
    "directory.directory_list": {"GET": "302 200 200 200 200 200 200"},
    "directory.entry_edit": {"GET": "302 200 200 200 200 200 200", "POST": "302 ok ok ok ok ok ok"},
    "directory.entry_remove": {"POST": "302 ok ok ok ok ok ok"},
    "directory.inbox": {"GET": "302 200 200 200 200 200 200"},
    "directory.conversation": {
        "GET": "302 404 404 404 404 404 404",
        "POST": "302 403 404 404 404 404 404",
    },
    "directory.block": {"POST": "302 403 404 404 404 404 404"},
    "discussion.board_list": {"GET": "302 200 200 200 200 200 200"},
    "discussion.alumni_boards": {
        "GET": "302 404 404 404 404 404 200",
        "POST": "302 404 404 404 404 404 ok",
    },
    "discussion.alumni_board_edit": {
        "GET": "302 404 404 404 404 404 200",
        "POST": "302 404 404 404 404 404 ok",
    },
    "discussion.alumni_board_retire": {"POST": "302 404 404 404 404 404 ok"},
    "discussion.alumni_board_move": {"POST": "302 404 404 404 404 404 ok"},
    "discussion.board_detail": {"GET": "302 200 404 404 200 404 200"},
    "notifications.board_subscription": {"POST": "302 ok 404 404 ok 404 ok"},
    "discussion.thread_new": {
        "GET": "302 200 404 404 200 404 200",
        "POST": "302 ok 404 404 ok 404 ok",
    },
    "discussion.identifier_check": {"POST": "302 ok ok ok ok ok ok"},
    "discussion.moderation_queue": {"GET": "302 404 404 404 200 200 200"},
    "discussion.post_detail": {"GET": "302 303 404 404 303 404 303"},
    "discussion.post_moderate": {"POST": "302 404 404 404 ok 404 ok"},
    "discussion.post_accept": {"POST": "302 404 404 404 403 404 403"},
    "discussion.post_delete": {
        "GET": "302 200 404 404 404 404 404",
        "POST": "302 ok 404 404 404 404 404",
    },
    "discussion.post_edit": {
        "GET": "302 200 404 404 404 404 404",
        "POST": "302 ok 404 404 404 404 404",
    },
    "discussion.post_flag": {
        "GET": "302 200 404 404 200 404 200",
        "POST": "302 ok 404 404 ok 404 ok",
    },
    "discussion.post_history": {"GET": "302 404 404 404 200 404 200"},
    "discussion.post_redact": {
        "GET": "302 404 404 404 200 404 200",
        "POST": "302 404 404 404 ok 404 ok",
    },
    "notifications.settings": {
        "GET": "302 200 200 200 200 200 200",
        "POST": "302 ok ok ok ok ok ok",
    },
    "discussion.thread_detail": {"GET": "302 200 404 404 200 404 200"},
    "discussion.thread_moderate": {"POST": "302 404 404 404 ok 404 ok"},
    "notifications.thread_subscription": {"POST": "302 ok 404 404 ok 404 ok"},
    "discussion.thread_move": {
        "GET": "302 404 404 404 200 404 200",
        "POST": "302 404 404 404 ok 404 ok",
    },
    "discussion.thread_reply": {"POST": "302 ok 404 404 ok 404 ok"},
    "discussion.thread_unaccept": {"POST": "302 404 404 404 403 404 403"},
    "notifications.unsubscribe": {"GET": "400 400 400 400 400 400 400"},
    "notifications.unsubscribe_confirm": {"POST": "ok ok ok ok ok ok ok"},
    "enquiries.inbox": {"GET": "302 404 404 404 200 200 200"},
    "enquiries.enquiry_detail": {"GET": "302 404 404 404 200 200 200"},
    "enquiries.enquiry_assign": {"POST": "302 404 404 404 ok ok ok"},
    "enquiries.enquiry_reply": {"POST": "302 404 404 404 ok ok ok"},
    "enquiries.enquiry_status": {"POST": "302 404 404 404 ok ok ok"},
    "enquiries.enquiry_export": {"GET": "302 404 404 404 200 200 200"},
    "exercises.exercise_detail": {"GET": "302 200 404 404 404 404 404"},
    "exercises.exercise_copy": {"POST": "302 403 404 404 404 404 404"},
    "exercises.item_edit": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.item_move": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.item_remove": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.exercise_print": {"GET": "302 200 404 404 404 404 404"},
    "exercises.exercise_publish": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.exercise_review": {"POST": "302 403 404 404 404 404 404"},
    "exercises.section_add": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.section_rename": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.section_move": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.item_add": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.section_remove": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.exercise_submit": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.exercise_rename": {"POST": "302 ok 404 404 404 404 404"},
    "exercises.review_queue": {"GET": "302 403 403 403 200 200 200"},
    "enquiries.get_involved": {"GET": "200 200 200 200 200 200 200"},
    "enquiries.enquiry_form": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "ok ok ok ok ok ok ok",
    },
    "enquiries.enquiry_thanks": {"GET": "200 200 200 200 200 200 200"},
    "healthz": {"GET": "200 200 200 200 200 200 200"},
    "accounts.login": {"GET": "200 302 302 302 302 302 302", "POST": "ok ok ok ok ok ok ok"},
    "accounts.logout": {"POST": "302 ok ok ok ok ok ok"},
    "accounts.password_forgot": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "ok ok ok ok ok ok ok",
    },
    "accounts.password_reset": {
        "GET": "400 400 400 400 400 400 400",
        "POST": "ok ok ok ok ok ok ok",
    },
    "practices.library": {"GET": "302 200 200 200 200 200 200"},
    "practices.practice_detail": {"GET": "302 200 200 200 200 200 200"},
    "practices.practice_archive": {"POST": "302 ok 404 404 ok ok ok"},
    "practices.comment_new": {"POST": "302 ok ok ok ok ok ok"},
    "practices.practice_edit": {
        "GET": "302 404 404 404 404 404 404",
        "POST": "302 404 404 404 404 404 404",
    },
    "practices.practice_review": {"POST": "302 404 404 404 ok ok ok"},
    "practices.practice_useful": {"POST": "302 404 ok ok ok ok ok"},
    "practices.comment_moderate": {"POST": "302 404 404 404 ok ok ok"},
    "practices.practice_mine": {"GET": "302 200 200 200 200 200 200"},
    "practices.practice_new": {
        "GET": "302 200 200 200 200 200 200",
        "POST": "302 ok ok ok ok ok ok",
    },
    "practices.review_queue": {"GET": "302 404 404 404 200 200 200"},
    "public.privacy": {"GET": "200 200 200 200 200 200 200"},
    "public.countries_trained": {
        "GET": "302 404 404 404 404 404 200",
        "POST": "302 404 404 404 404 404 ok",
    },
    "public.country_trained_remove": {"POST": "302 404 404 404 404 404 ok"},
    "progress.programme_report": {"GET": "302 404 404 404 404 404 200"},
    "progress.programme_report_csv": {"GET": "302 404 404 404 404 404 200"},
    "progress.home": {"GET": "302 200 200 200 200 200 200"},
    "public.protection": {"GET": "200 200 200 200 200 200 200"},
    "learning.attempt_detail": {"GET": "302 200 404 404 404 404 404"},
    "learning.attempt_post": {"POST": "302 ok 404 404 404 404 404"},
    "learning.attempt_confirm": {"GET": "302 200 404 404 404 404 404"},
    "learning.attempt_review": {"GET": "302 303 404 404 404 404 404"},
    "learning.attempt_save": {"POST": "302 ok 404 404 404 404 404"},
    "learning.attempt_submit_saved": {"POST": "302 ok 404 404 404 404 404"},
    "search.search": {"GET": "200 200 200 200 200 200 200"},
    "learning.session_detail": {"GET": "200 200 200 200 200 200 200"},
    "exercises.session_exercise": {"GET": "302 200 200 200 200 200 200"},
    "exercises.exercise_start": {"POST": "302 ok ok ok ok ok ok"},
    "learning.quiz_detail": {"GET": "302 200 200 200 200 200 200"},
    "learning.quiz_start": {"POST": "302 ok ok ok ok ok ok"},
    "learning.reading_detail": {"GET": "302 200 200 200 200 200 200"},
    "learning.reading_done": {"POST": "302 ok ok ok ok ok ok"},
    "accounts.signup": {"GET": "200 302 302 302 302 302 302", "POST": "ok ok ok ok ok ok ok"},
    # The mailed sign-up link: a made-up token is a clear 400 for everyone; the holder of a
    # real link (anyone with the mailbox) finishes the sign-up.
    "accounts.signup_confirm": {
        "GET": "400 400 400 400 400 400 400",
        "POST": "ok ok ok ok ok ok ok",
    },
    "accounts.signup_sent": {"GET": "200 200 200 200 200 200 200"},
    # Anyone, signed in or not, chooses the interface language (a missing choice: 400).
    "i18n.language_set": {"POST": "ok ok ok ok ok ok ok"},
    "authoring.translation_overview": {"GET": "302 403 403 403 200 200 200"},
    # Offline copies of a session: for everyone who takes part in the e-learning.
    "offline.session_file": {"GET": "302 200 200 200 200 200 200"},
    "offline.session_pdf": {"GET": "302 200 200 200 200 200 200"},
    "offline.readings_record": {
        "GET": "302 200 200 200 200 200 200",
        "POST": "302 ok ok ok ok ok ok",
    },
    # A trainer's invitation link works only for the invited staff account: 404 otherwise.
    "cohorts.trainer_join": {
        "GET": "302 404 404 404 404 404 404",
        "POST": "302 404 404 404 404 404 404",
    },
    # Only the author shares their own accepted checklist (the world's is a draft: 409).
    "exercises.exercise_share": {"POST": "302 ok 404 404 404 404 404"},
}


def _expected(endpoint: str, method: str) -> dict[str, str]:
    answers = EXPECT[endpoint][method].split()
    assert len(answers) == len(PERSONAS), (endpoint, method)
    return dict(zip(PERSONAS, answers, strict=True))


def _header_problems(response, persona: str) -> list[str]:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    problems = []
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        problems.append("CSP missing or without frame-ancestors 'none'")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows unsafe-inline/unsafe-eval")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if persona != "visitor" and "no-store" not in headers.get("Cache-Control", ""):
        problems.append("signed in but not no-store")
    return problems


def _decision(response) -> str:
    """ "refused" (403, 404, 401, or sent to sign in) or "allowed" (anything else)."""
    to_sign_in = response.status_code in (302, 303) and "/login" in response.headers.get(
        "Location", ""
    )
    return "refused" if response.status_code in (401, 403, 404) or to_sign_in else "allowed"


def _decision_of(expected: str, persona: str) -> str:
    """The decision a declared status stands for (a visitor's 302 goes to the sign-in page)."""
    refused = expected in ("401", "403", "404") or (expected == "302" and persona == "visitor")
    return "refused" if refused else "allowed"


def _refused_as_declared(response, expected: str, persona: str) -> bool:
    # A refused POST may answer 403 or 404 depending on what the refusing check found
    # first (a rate limit, a missing object); the feature suites pin the exact code.
    return _decision(response) == "refused" == _decision_of(expected, persona)


# ---------------------------------------------------------------------------- the suites


def test_every_route_is_declared(app):
    """A route added without a line in EXPECT fails here, naming the route."""
    missing = undeclared(app)
    assert not missing, "declare the expected answers in EXPECT for:\n" + "\n".join(missing)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not set(EXPECT) - endpoints, "EXPECT names routes that no longer exist"


def test_an_undeclared_route_makes_the_suite_fail(make_app):
    """The discovery really looks at the URL map: a throwaway route on a fresh app is
    reported, and the real routes are not."""
    fresh = make_app()

    @fresh.route("/throwaway/<int:thing_id>", methods=["GET", "POST"])
    def throwaway(thing_id):
        return "nothing"

    assert undeclared(fresh) == [
        "throwaway GET /throwaway/<int:thing_id>",
        "throwaway POST /throwaway/<int:thing_id>",
    ]


@pytest.mark.slow
def test_get_matrix_and_headers(app, world):
    """Every GET route answers every persona as declared, with the security headers."""
    w, crowd = world
    wrong, headers = [], []
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, w)
        for persona, expected in _expected(rule.endpoint, "GET").items():
            response = crowd.clients[persona].get(url)
            _read(response)
            if response.status_code != int(expected):
                wrong.append(f"{persona:9} GET {url}: {response.status_code}, declared {expected}")
            elif persona == "visitor" and expected == "302" and rule.endpoint != "accounts.login":
                if "/login" not in response.headers.get("Location", ""):
                    wrong.append(f"visitor   GET {url}: sent elsewhere than the sign-in page")
            headers += [f"{persona} GET {url}: {p}" for p in _header_problems(response, persona)]
    assert not wrong, f"{len(wrong)} answers differ from EXPECT:\n" + "\n".join(wrong)
    assert not headers, "\n".join(headers)


@pytest.mark.slow
def test_hx_request_never_changes_an_access_decision(app, world):
    """The same GET with `HX-Request: true` gets the same decision; a fragment carries the
    security headers and `Vary: HX-Request`."""
    w, crowd = world
    wrong, headers = [], []
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, w)
        for persona, expected in _expected(rule.endpoint, "GET").items():
            response = crowd.clients[persona].get(url, headers=HX)
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            response.close()
            # The answer may differ (a fragment instead of a redirect), the decision not.
            if _decision(response) != _decision_of(expected, persona):
                wrong.append(f"{persona:9} GET {url} (HX): {response.status_code}, not {expected}")
            headers += [f"{persona} HX {url}: {p}" for p in _header_problems(response, persona)]
            is_fragment = response.status_code == 200 and body and "<html" not in body
            if is_fragment and "HX-Request" not in response.headers.get("Vary", ""):
                headers.append(f"{persona} HX {url}: a fragment without Vary: HX-Request")
    assert not wrong, "\n".join(wrong)
    assert not headers, "\n".join(headers)


@pytest.mark.slow
def test_state_changing_routes_refuse_the_declared_personas(app, world):
    """Each persona a POST route refuses is refused (with and without HX-Request), and
    nothing in the database changes."""
    w, crowd = world
    db.session.commit()
    before = _row_counts()
    wrong, headers = [], []
    for rule in routes(app):
        if "POST" not in rule.methods:
            continue
        url = url_for_rule(rule, w)
        for persona, expected in _expected(rule.endpoint, "POST").items():
            if expected == "ok":
                continue
            for extra in ({}, HX):
                response = crowd.clients[persona].post(
                    url, data={"csrf_token": crowd.tokens[persona]}, headers=extra
                )
                _read(response)
                if not _refused_as_declared(response, expected, persona):
                    wrong.append(
                        f"{persona:9} POST {url} {extra}: {response.status_code}, not {expected}"
                    )
                headers += [
                    f"{persona} POST {url}: {p}" for p in _header_problems(response, persona)
                ]
    assert not wrong, "\n".join(wrong)
    assert not headers, "\n".join(headers)
    db.session.expire_all()
    assert _row_counts() == before


@pytest.mark.slow
def test_every_state_change_refuses_a_missing_or_wrong_csrf_token(app, world):
    """Every POST route, signed in and not: no token, another session's token, a forged
    header: 400, and nothing stored."""
    w, crowd = world
    db.session.commit()
    before = _row_counts()
    wrong = []
    stranger = crowd.tokens["visitor"]  # a real token, but of another session
    for rule in routes(app):
        if "POST" not in rule.methods:
            continue
        url = url_for_rule(rule, w)
        for persona in ("visitor", "member_a", "admin"):
            client = crowd.clients[persona]
            token = stranger if persona != "visitor" else crowd.tokens["admin"]
            attempts = {
                "no token": client.post(url, data={"title": "x", "body": "x"}),
                "another session's token": client.post(url, data={"csrf_token": token}),
                "forged header": client.post(url, headers={"X-CSRFToken": "forged", **HX}),
            }
            for what, response in attempts.items():
                _read(response)
                if response.status_code != 400:
                    wrong.append(f"{persona:9} POST {url} ({what}): {response.status_code}")
    assert not wrong, "\n".join(wrong)
    db.session.expire_all()
    assert _row_counts() == before


def test_error_pages_carry_the_security_headers(make_app, world):
    """404, 405, 400 (CSRF), 413 and an unexpected 500, as a visitor and signed in, plain
    and as a fragment request."""
    w, crowd = world
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/throwaway-failure")
    def failure():
        raise RuntimeError("an invented failure")

    failing = app.test_client()
    answers = {
        ("visitor", "500"): failing.get("/throwaway-failure"),
        ("visitor", "500 HX"): failing.get("/throwaway-failure", headers=HX),
    }
    for persona in ("visitor", "member_a"):
        client = crowd.clients[persona]
        for extra in ({}, HX):
            tag = " HX" if extra else ""
            answers[(persona, "404" + tag)] = client.get("/no-such-page", headers=extra)
            answers[(persona, "405" + tag)] = client.get("/logout", headers=extra)
            answers[(persona, "400" + tag)] = client.post("/logout", headers=extra)
            answers[(persona, "413" + tag)] = client.post(
                "/login", data={"body": "x" * (5 * 1024 * 1024)}, headers=extra
            )
    problems = []
    for (persona, what), response in answers.items():
        _read(response)
        if str(response.status_code) != what.split()[0]:
            problems.append(f"{persona} {what}: answered {response.status_code}")
        problems += [f"{persona} {what}: {p}" for p in _header_problems(response, persona)]
        page = response.get_data(as_text=True)
        if "Traceback" in page or "invented failure" in page:
            problems.append(f"{persona} {what}: shows internals")
    assert not problems, "\n".join(problems)
