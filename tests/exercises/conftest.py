"""Exercise fixtures: an exercise session, two cohorts, alumni and an outsider (all fictional)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from factories import PASSWORD, csrf_from, enrol, make_cohort, make_user

from portal.exercises.models import Exercise
from portal.extensions import db
from portal.learning.models import CurriculumSession

HX = {"HX-Request": "true"}

TEMPLATE = [
    {"title": "Before the campaign", "items": ["Who is the audience?", "What should they do?"]},
    {"title": "Safety", "items": ["Is consent recorded?"]},
]


def make_exercise_session(number: int = 3) -> CurriculumSession:
    session = CurriculumSession(
        number=number,
        slug=f"exercise-{number}",
        title="Exercise: an invented checklist",
        summary="An invented exercise session.",
        exercise_intro="Build a **checklist** for an invented situation.",
        exercise_template=TEMPLATE,
    )
    db.session.add(session)
    db.session.commit()
    return session


@pytest.fixture
def world(app):
    today = date.today()
    session = make_exercise_session(3)
    plain = CurriculumSession(number=1, slug="plain", title="A session without exercise")
    db.session.add(plain)
    cohort_a = make_cohort("Cohort A (fictional)")
    cohort_b = make_cohort("Cohort B (fictional)")
    ended = make_cohort(
        "Ended cohort (fictional)",
        elearning_opens=today - timedelta(days=200),
        workshop_start=today - timedelta(days=150),
        workshop_end=today - timedelta(days=146),
        alumni_from=today - timedelta(days=145),
    )
    w = SimpleNamespace(session=session, plain=plain, a=cohort_a, b=cohort_b)
    w.author = make_user(display_name="Author Invented", email="author@example.test")
    w.peer = make_user(display_name="Peer Invented", country="TH")
    w.other = make_user(display_name="Other Cohort Person", country="ID")
    w.alumnus = make_user(display_name="Alumnus Invented", country="VN")
    w.trainer = make_user("trainer", display_name="Trainer A")
    w.trainer_b = make_user("trainer", display_name="Trainer B")
    w.admin = make_user("admin", display_name="Admin Invented")
    w.outsider = make_user(display_name="No Cohort Yet")
    enrol(w.author, cohort_a)
    enrol(w.peer, cohort_a)
    enrol(w.other, cohort_b)
    enrol(w.alumnus, ended)
    enrol(w.trainer, cohort_a, "trainer")
    enrol(w.trainer_b, cohort_b, "trainer")
    return w


class Actor:
    """A signed-in test client that keeps its CSRF token."""

    def __init__(self, app, user=None):
        self.client = app.test_client()
        self.user = user
        if user is not None:
            token = csrf_from(self.client.get("/login").get_data(as_text=True))
            response = self.client.post(
                "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
            )
            assert response.status_code in (302, 303)
        page = "/" if user is not None else "/login"
        self.token = csrf_from(self.client.get(page).get_data(as_text=True))

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, **kw):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)

    def revision(self, exercise_id: int) -> int:
        return db.session.get(Exercise, exercise_id).revision


@pytest.fixture
def actor(app):
    return lambda user=None: Actor(app, user)


def start(actor_, world, token="t1") -> Exercise:
    response = actor_.post(f"/sessions/{world.session.number}/exercise", {"token": token})
    assert response.status_code == 303, response.status_code
    exercise_id = int(re.search(r"/exercises/(\d+)$", response.location).group(1))
    return db.session.get(Exercise, exercise_id)
