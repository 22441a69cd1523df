"""Authorisation matrix: every authoring route × visitor, participant, trainer, admin."""

from __future__ import annotations

import pytest

from authoring.builders import make_quiz, tf_spec
from portal.extensions import db
from portal.learning.models import Question, Quiz, Reading

ROUTES = [
    ("GET", "/author/"),
    ("GET", "/author/sessions/new"),
    ("POST", "/author/sessions/new"),
    ("GET", "/author/sessions/{s}"),
    ("GET", "/author/sessions/{s}/edit"),
    ("POST", "/author/sessions/{s}/edit"),
    ("POST", "/author/sessions/{s}/move"),
    ("POST", "/author/sessions/{s}/retire"),
    ("POST", "/author/sessions/{s}/restore"),
    ("GET", "/author/objectives"),
    ("POST", "/author/objectives"),
    ("GET", "/author/sessions/{s}/readings/new"),
    ("POST", "/author/sessions/{s}/readings/new"),
    ("GET", "/author/readings/{r}/edit"),
    ("POST", "/author/readings/{r}/edit"),
    ("POST", "/author/readings/{r}/move"),
    ("POST", "/author/readings/{r}/retire"),
    ("POST", "/author/readings/{r}/restore"),
    ("POST", "/author/sessions/{s}/resources"),
    ("GET", "/author/sessions/{s}/resources/0/edit"),
    ("POST", "/author/sessions/{s}/resources/0/edit"),
    ("POST", "/author/sessions/{s}/resources/0/move"),
    ("POST", "/author/sessions/{s}/resources/0/remove"),
    ("GET", "/author/sessions/{s}/quiz"),
    ("POST", "/author/sessions/{s}/quiz"),
    ("POST", "/author/sessions/{s}/quiz/gift"),
    ("GET", "/author/sessions/{s}/quiz.gift"),
    ("POST", "/author/sessions/{s}/quiz/retire"),
    ("POST", "/author/sessions/{s}/quiz/restore"),
    ("GET", "/author/assessment"),
    ("GET", "/author/assessment/questions/new/single"),
    ("POST", "/author/assessment/questions/new/single"),
    ("GET", "/author/sessions/{s}/quiz/questions/new/single"),
    ("POST", "/author/sessions/{s}/quiz/questions/new/single"),
    ("GET", "/author/questions/{q}/edit"),
    ("POST", "/author/questions/{q}/edit"),
    ("POST", "/author/questions/{q}/move"),
    ("POST", "/author/questions/{q}/retire"),
    ("POST", "/author/questions/{q}/restore"),
    ("POST", "/author/questions/{q}/delete"),
    ("POST", "/author/preview"),
]


@pytest.fixture
def ids(curriculum):
    first, _ = curriculum
    first.resources = [{"title": "A made-up resource", "url": "https://example.org/"}]
    make_quiz(first, [tf_spec("acl-1")])
    db.session.add(Quiz(key="assessment", kind="assessment", title="Made-up assessment"))
    db.session.commit()
    reading = db.session.query(Reading).filter_by(session_id=first.id).first()
    question = db.session.query(Question).first()
    return {"s": first.id, "r": reading.id, "q": question.id}


@pytest.mark.parametrize("persona", ["visitor", "participant", "trainer", "admin"])
@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_only_trainers_and_admins_reach_authoring(request, web, ids, persona, method, route):
    if persona != "visitor":
        user = request.getfixturevalue(persona)
        web.login(user.email)
    url = route.format(**ids)
    if method == "GET":
        response = web.client.get(url)
    else:
        response = web.post(url, {}, token_from="/login" if persona == "visitor" else "/")
    if persona == "visitor":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    elif persona == "participant":
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 303, 400), response.status_code


def test_nav_shows_authoring_to_staff_only(web, participant, trainer):
    web.login(participant.email)
    assert 'href="/author/"' not in web.client.get("/").get_data(as_text=True)
    web.logout()
    web.login(trainer.email)
    assert 'href="/author/"' in web.client.get("/").get_data(as_text=True)


def test_unknown_objects_are_404(as_trainer, curriculum):
    for url in ("/author/sessions/999", "/author/readings/999/edit", "/author/questions/999/edit"):
        assert as_trainer.client.get(url).status_code == 404
    first = curriculum[0]
    assert as_trainer.client.get(f"/author/sessions/{first.id}/resources/5/edit").status_code == 404
