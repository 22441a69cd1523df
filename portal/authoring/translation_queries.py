"""Reads for the translation overview."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from portal.extensions import db
from portal.i18n.content import translation_status
from portal.learning.models import CurriculumSession, Question, Quiz, Reading


def curriculum_translation_status() -> list[dict]:
    """Every session with its readings and questions, and each one's state per language."""
    sessions = db.session.scalars(
        select(CurriculumSession)
        .where(CurriculumSession.is_retired.is_(False))
        .order_by(CurriculumSession.number)
    ).all()
    readings = defaultdict(list)
    for reading in db.session.scalars(
        select(Reading).where(Reading.is_retired.is_(False)).order_by(Reading.position)
    ):
        readings[reading.session_id].append(reading)
    questions = defaultdict(list)
    for session_id, question in db.session.execute(
        select(Quiz.session_id, Question)
        .join(Quiz, Question.quiz_id == Quiz.id)
        .where(Quiz.session_id.is_not(None), Question.is_retired.is_(False))
        .order_by(Question.position)
    ):
        questions[session_id].append(question)
    return translation_status(sessions, readings, questions)
