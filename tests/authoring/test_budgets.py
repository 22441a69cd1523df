"""Authoring pages stay inside the budgets: SQL statements, page weight, fragment size."""

from __future__ import annotations

import pytest
from measure import count_statements, page_weight

from authoring.builders import make_quiz, make_session, tf_spec
from portal.extensions import db
from portal.learning.models import Question, Reading


def grow(curriculum, n: int) -> None:
    """n more sessions, and n questions and readings in session 1."""
    first, _ = curriculum
    make_quiz(first, [tf_spec(f"b-{i}") for i in range(n)])
    for i in range(n):
        db.session.add(Reading(session_id=first.id, position=10 + i, slug=f"r-{i}", title="R"))
    db.session.commit()
    for number in range(3, 3 + n):
        make_session(number)


@pytest.mark.parametrize("size", [2, 40])
def test_statements_per_page_do_not_grow_with_rows(app, as_trainer, curriculum, size):
    grow(curriculum, size)
    first = curriculum[0]
    question = db.session.query(Question).first()
    reading = db.session.query(Reading).first()
    for path in (
        "/author/",
        "/author/objectives",
        f"/author/sessions/{first.id}",
        f"/author/sessions/{first.id}/quiz",
        f"/author/questions/{question.id}/edit",
        f"/author/readings/{reading.id}/edit",
    ):
        with count_statements(app) as log:
            assert as_trainer.client.get(path).status_code == 200
        assert log.count <= 8, (path, log.count, log.statements)


def test_cold_page_weight(as_trainer, curriculum):
    first = curriculum[0]
    make_quiz(first, [tf_spec("w-1")])
    for path in (f"/author/sessions/{first.id}/quiz/questions/new/numerical", "/author/"):
        weight = page_weight(as_trainer.client, path)
        assert weight.bytes <= 50 * 1024, weight.sizes
        assert weight.requests <= 6 and not weight.other_hosts
