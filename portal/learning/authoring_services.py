"""Learning's curriculum-editing use cases, called by the authoring screens: each validates,
writes, records an audit event (ids only), commits once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import func, select

from portal import audit
from portal.extensions import db
from portal.learning import authoring_queries as queries
from portal.learning.content_files import session_quiz_key, set_question_spec
from portal.learning.gift import GiftProblem, parse_gift
from portal.learning.grading import validate_question
from portal.learning.models import (
    REVEAL_POLICIES,
    CurriculumSession,
    Objective,
    Question,
    Quiz,
    Reading,
)
from portal.learning.summaries import rebuild_quiz_summaries
from portal.markdown import reading_minutes, render_plain


def _(text: str, **values) -> str:
    """gettext on a request; the English text in the CLI, where no locale is chosen."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,59}$")


class AuthoringError(Exception):
    """A change that cannot be made; `problems` says why, in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def slugify(text: str, fallback: str = "item") -> str:
    """A lower-case ASCII address made from a title."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def _swap_in(items: list, item, direction: str) -> bool:
    """Move the item one place up or down in the list; False when it is already at the end."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return False
    items[index], items[other] = items[other], items[index]
    return True


# --------------------------------------------------------------------------- sessions


def _objectives(numbers) -> list[Objective]:
    wanted = sorted({int(n) for n in numbers or []})
    if not wanted:
        return []
    return db.session.scalars(
        select(Objective).where(Objective.number.in_(wanted)).order_by(Objective.number)
    ).all()


def create_session(user, data: dict) -> CurriculumSession:
    """Add a session after the last one."""
    number = (db.session.scalar(select(func.max(CurriculumSession.number))) or 0) + 1
    session = CurriculumSession(number=number, slug=slugify(data["title"], f"session-{number}"))
    _set_session_fields(session, data)
    db.session.add(session)
    db.session.flush()
    audit.record("authoring.session_created", actor=user, target=session)
    db.session.commit()
    return session


def _set_session_fields(session: CurriculumSession, data: dict) -> None:
    session.title = data["title"].strip()
    session.summary = (data.get("summary") or "").strip().replace("\r\n", "\n")
    session.discussion_prompt = (data.get("discussion_prompt") or "").strip().replace("\r\n", "\n")
    session.objectives = _objectives(data.get("objectives"))


def update_session(user, session: CurriculumSession, data: dict) -> None:
    """Save a session's title, summary, prompt and objectives."""
    _set_session_fields(session, data)
    audit.record("authoring.session_updated", actor=user, target=session)
    db.session.commit()


def set_session_retired(user, session: CurriculumSession, retired: bool) -> None:
    """Retire a session (hidden from participants, kept with its attempts) or restore it."""
    session.is_retired = retired
    action = "authoring.session_retired" if retired else "authoring.session_restored"
    audit.record(action, actor=user, target=session)
    db.session.commit()


def move_session(user, session: CurriculumSession, direction: str) -> bool:
    """Swap the session's number with its neighbour's (and their quizzes' keys)."""
    sessions = queries.sessions_in_order()
    if not _swap_in(sessions, session, direction):
        return False
    index = sessions.index(session)
    other = sessions[index + 1] if direction == "up" else sessions[index - 1]
    mine, theirs = session.number, other.number
    quizzes = [(queries.session_quiz(s.id), s.number) for s in (session, other)]
    # Numbers and quiz keys are unique: park them on free values before the swap.
    session.number = -mine
    for quiz, _number in quizzes:
        if quiz is not None:
            quiz.key = f"moving-{quiz.id}"
    db.session.flush()
    other.number = mine
    db.session.flush()
    session.number = theirs
    db.session.flush()
    for quiz, old_number in quizzes:
        if quiz is not None:
            quiz.key = session_quiz_key(theirs if old_number == mine else mine)
    audit.record("authoring.session_moved", actor=user, target=session, direction=direction)
    db.session.commit()
    return True


def save_objective_map(user, mapping: dict[int, list[int]]) -> None:
    """Set which objectives each session serves."""
    sessions = {s.id: s for s in queries.sessions_in_order()}
    objectives = {o.number: o for o in queries.objectives()}
    changed = []
    for session_id, numbers in mapping.items():
        session = sessions.get(session_id)
        if session is None:
            continue
        wanted = [objectives[n] for n in sorted(set(numbers)) if n in objectives]
        if [o.number for o in session.objectives] != [o.number for o in wanted]:
            session.objectives = wanted
            changed.append(session.id)
    audit.record("authoring.objective_map_saved", actor=user, sessions=changed)
    db.session.commit()


# --------------------------------------------------------------------------- readings


def save_reading(user, session: CurriculumSession, reading: Reading | None, data: dict) -> Reading:
    """Create a reading at the end of the session, or save an existing one."""
    is_new = reading is None
    existing = queries.session_readings(session.id)
    taken = {r.slug for r in existing if r is not reading}
    slug = (data.get("slug") or "").strip() or (
        reading.slug if reading is not None else slugify(data["title"], "reading")
    )
    if slug in taken:
        if data.get("slug"):
            raise AuthoringError([_("Another reading of this session already uses this address.")])
        base, n = slug, 2
        while f"{base}-{n}" in taken:
            n += 1
        slug = f"{base}-{n}"
    if reading is None:
        position = max((r.position for r in existing), default=0) + 1
        reading = Reading(session_id=session.id, position=position)
        db.session.add(reading)
    body = (data.get("body") or "").replace("\r\n", "\n")
    reading.slug = slug
    reading.title = data["title"].strip()
    reading.summary = (data.get("summary") or "").strip()
    reading.body = body
    reading.words = len(render_plain(body).split())
    reading.minutes = reading_minutes(body)
    db.session.flush()
    action = "authoring.reading_created" if is_new else "authoring.reading_updated"
    audit.record(action, actor=user, target=reading, session_id=session.id)
    db.session.commit()
    return reading


def set_reading_retired(user, reading: Reading, retired: bool) -> None:
    """Retire a reading (hidden, progress kept) or restore it."""
    reading.is_retired = retired
    action = "authoring.reading_retired" if retired else "authoring.reading_restored"
    audit.record(action, actor=user, target=reading, session_id=reading.session_id)
    db.session.commit()


def move_reading(user, reading: Reading, direction: str) -> bool:
    """Move a reading one place up or down; positions become 1..n."""
    readings = list(queries.session_readings(reading.session_id))
    if not _swap_in(readings, reading, direction):
        return False
    for position, item in enumerate(readings, start=1):
        item.position = position
    audit.record("authoring.reading_moved", actor=user, target=reading, direction=direction)
    db.session.commit()
    return True


# --------------------------------------------------------------------------- resources


def save_resource(user, session: CurriculumSession, index: int | None, data: dict) -> None:
    """Add a resource (title, url, note) at the end, or replace the one at index."""
    resources = [dict(r) for r in session.resources or []]
    item = {"title": data["title"].strip(), "url": data["url"].strip()}
    if (data.get("note") or "").strip():
        item["note"] = data["note"].strip()
    if index is None:
        resources.append(item)
        index = len(resources) - 1
    else:
        resources[index] = item
    session.resources = resources
    audit.record("authoring.resource_saved", actor=user, target=session, index=index)
    db.session.commit()


def move_resource(user, session: CurriculumSession, index: int, direction: str) -> bool:
    """Move a resource one place up or down."""
    resources = [dict(r) for r in session.resources or []]
    other = index - 1 if direction == "up" else index + 1
    if not (0 <= other < len(resources)):
        return False
    resources[index], resources[other] = resources[other], resources[index]
    session.resources = resources
    audit.record("authoring.resource_moved", actor=user, target=session, index=index)
    db.session.commit()
    return True


def remove_resource(user, session: CurriculumSession, index: int) -> None:
    """Take a resource off the session's list."""
    resources = [dict(r) for r in session.resources or []]
    del resources[index]
    session.resources = resources
    audit.record("authoring.resource_removed", actor=user, target=session, index=index)
    db.session.commit()


# --------------------------------------------------------------------------- quizzes


def _ensure_quiz(session: CurriculumSession) -> Quiz:
    quiz = queries.session_quiz(session.id)
    if quiz is None:
        quiz = Quiz(
            key=session_quiz_key(session.number),
            kind="session",
            session_id=session.id,
            title=_("Session %(number)d quiz", number=session.number),
            pass_mark=60,
            max_attempts=3,
            shuffle=True,
        )
        db.session.add(quiz)
        db.session.flush()
    return quiz


def save_quiz(user, session: CurriculumSession, data: dict) -> Quiz:
    """Create the session's quiz or save its title, pass mark, attempts, shuffle and feedback."""
    quiz = _ensure_quiz(session)
    quiz.title = data["title"].strip()
    quiz.pass_mark = float(data["pass_mark"])
    quiz.max_attempts = int(data.get("max_attempts") or 0)
    quiz.shuffle = bool(data.get("shuffle"))
    if data.get("reveal") in REVEAL_POLICIES:
        quiz.reveal = data["reveal"]
    quiz.feedback_pass = (data.get("feedback_pass") or "").strip().replace("\r\n", "\n")
    quiz.feedback_fail = (data.get("feedback_fail") or "").strip().replace("\r\n", "\n")
    audit.record("authoring.quiz_saved", actor=user, target=quiz, session_id=session.id)
    db.session.commit()
    return quiz


def set_quiz_retired(user, quiz: Quiz, retired: bool) -> None:
    """Retire a quiz (hidden, cannot be started; attempts and reviews kept) or restore it."""
    quiz.is_retired = retired
    action = "authoring.quiz_retired" if retired else "authoring.quiz_restored"
    audit.record(action, actor=user, target=quiz, session_id=quiz.session_id)
    db.session.commit()


# --------------------------------------------------------------------------- questions


def canonical(spec: dict) -> dict:
    """The stored form of a question: no empty name or general feedback, no default format."""
    spec = dict(spec)
    for name in ("name", "feedback"):
        if not spec.get(name):
            spec.pop(name, None)
    if spec.get("format") == "markdown":
        spec.pop("format")
    return spec


def _next_key(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n:02d}" in taken:
        n += 1
    key = f"{prefix}{n:02d}"
    taken.add(key)
    return key


def _question_problems(spec: dict, question: Question | None) -> list[str]:
    problems = validate_question(spec)
    key = spec.get("key") or ""
    if key:
        if not KEY_RE.match(key):
            problems.append(_("The key may hold letters, digits and - . _ : only."))
        else:
            other = queries.questions_by_key([key]).get(key)
            if other is not None and other is not question:
                problems.append(_("Another question already uses the key %(key)s.", key=key))
    return problems


def create_question(user, session: CurriculumSession, spec: dict) -> Question:
    """Add a question at the end of the session's quiz (created when missing)."""
    return _add_question(user, spec, f"s{session.number:02d}-q", lambda: _ensure_quiz(session))


def create_assessment_question(user, quiz: Quiz, spec: dict) -> Question:
    """Add a question at the end of the pre/post assessment (new keys are pa-q01, pa-q02…)."""
    return _add_question(user, spec, "pa-q", lambda: quiz)


def _add_question(user, spec: dict, prefix: str, get_quiz) -> Question:
    """Validate, then add the question at the end of the quiz `get_quiz` returns."""
    spec = canonical(spec)
    if not spec.get("key"):
        spec["key"] = _next_key(prefix, queries.keys_like(prefix))
    problems = _question_problems(spec, None)
    if problems:
        raise AuthoringError(problems)
    quiz = get_quiz()  # only now, so a refused question never creates a session quiz
    question = Question(
        quiz_id=quiz.id, key=spec["key"], position=queries.last_position(quiz.id) + 1
    )
    set_question_spec(question, spec)
    db.session.add(question)
    db.session.flush()
    audit.record("authoring.question_created", actor=user, target=question, quiz_id=quiz.id)
    db.session.commit()
    return question


def update_question(user, question: Question, spec: dict) -> None:
    """Replace a question's content; graded attempts keep the copy they were graded against."""
    spec = canonical({**spec, "key": question.key})
    if spec.get("type") == question.spec.get("type"):
        # Fields the form has no rows for (imported from GIFT) stay as they were.
        for name in ("distractors", "other_feedback"):
            if name in question.spec and name not in spec:
                spec[name] = question.spec[name]
    problems = _question_problems(spec, question)
    if problems:
        raise AuthoringError(problems)
    # A new dict, never an in-place change: answer rows hold their own snapshot anyway.
    set_question_spec(question, spec)
    audit.record(
        "authoring.question_updated", actor=user, target=question, quiz_id=question.quiz_id
    )
    db.session.commit()


def set_question_retired(user, question: Question, retired: bool) -> None:
    """Retire a question (kept for old attempts, left out of new ones) or restore it."""
    question.is_retired = retired
    action = "authoring.question_retired" if retired else "authoring.question_restored"
    audit.record(action, actor=user, target=question, quiz_id=question.quiz_id)
    db.session.flush()
    # A retired question counts for nobody: the quiz's summaries are recomputed without it.
    rebuild_quiz_summaries([question.quiz_id])
    db.session.commit()


def delete_question(user, question: Question) -> None:
    """Delete a question no attempt has used; a used one can only be retired."""
    if queries.question_is_used(question):
        raise AuthoringError(
            [_("This question has been answered in attempts; retire it instead of deleting it.")]
        )
    audit.record(
        "authoring.question_deleted", actor=user, target=question, quiz_id=question.quiz_id
    )
    db.session.delete(question)
    db.session.commit()


def move_question(user, question: Question, direction: str) -> bool:
    """Move a question one place up or down in its quiz; positions become 1..n."""
    questions = [row["question"] for row in queries.quiz_questions(question.quiz_id)]
    if not _swap_in(questions, question, direction):
        return False
    for position, item in enumerate(questions, start=1):
        item.position = position
    audit.record("authoring.question_moved", actor=user, target=question, direction=direction)
    db.session.commit()
    return True


# --------------------------------------------------------------------------- GIFT


@dataclass
class GiftImport:
    """What a GIFT import did: questions created and updated, and problems by line."""

    created: int = 0
    updated: int = 0
    problems: list[GiftProblem] = field(default_factory=list)
    # Questions without an [id:] updated because the quiz has one of the same name.
    updated_by_name: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated


def _gift_blocks(text: str) -> list[tuple[int, int, str]]:
    """The question blocks of a GIFT text: first line, first non-comment line, text."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks, current = [], []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            body = [n for n, item in current if not item.strip().startswith("//")]
            blocks.append((current[0][0], body[0] if body else current[0][0], current))
            current = []
    return [(first, line, "\n".join(item for _, item in block)) for first, line, block in blocks]


def import_gift(user, session: CurriculumSession, text: str) -> GiftImport:
    """Add or update (by key) the questions of a GIFT text in the session's quiz."""
    report = GiftImport()
    parsed: list[tuple[int, dict]] = []
    for first, line, block in _gift_blocks(text):
        result = parse_gift(block)
        report.problems += [GiftProblem(p.line + first - 1, p.message) for p in result.problems]
        parsed += [(line, q) for q in result.questions]
    quiz = queries.session_quiz(session.id)
    existing = queries.questions_by_key([q["key"] for _, q in parsed if q.get("key")])
    # Re-importing the same file: a question without [id:] updates the question of the
    # same name in this quiz (the first one, if several share it) instead of a duplicate.
    by_name: dict[str, Question] = {}
    if quiz is not None:
        for row in queries.quiz_questions(quiz.id):
            name = (row["question"].spec.get("name") or "").strip()
            if name:
                by_name.setdefault(name, row["question"])
    prefix = f"s{session.number:02d}-gift-"
    taken = queries.keys_like(prefix)
    seen: set[str] = set()
    default_objectives = [o.number for o in session.objectives]
    position = queries.last_position(quiz.id) if quiz else 0
    for line, spec in parsed:
        spec = canonical(spec)
        if not spec.get("objectives") and default_objectives:
            spec["objectives"] = list(default_objectives)
        key = spec.get("key") or ""
        question = existing.get(key) if key else None
        if key in seen:
            report.problems.append(GiftProblem(line, _("the key %(key)s is used twice", key=key)))
            continue
        if question is not None and (quiz is None or question.quiz_id != quiz.id):
            new_key = _next_key(prefix, taken)
            report.problems.append(
                GiftProblem(
                    line,
                    _(
                        "the key %(key)s belongs to another quiz; imported as %(new)s",
                        key=key,
                        new=new_key,
                    ),
                )
            )
            key, question = new_key, None
        elif not key and (spec.get("name") or "").strip() in by_name:
            question = by_name.pop(spec["name"].strip())
            key = question.key
            report.updated_by_name.append(spec["name"].strip())
        elif not key:
            key = _next_key(prefix, taken)
        spec["key"] = key
        problems = validate_question(spec)
        if not KEY_RE.match(key):
            problems.append(_("The key may hold letters, digits and - . _ : only."))
        if problems:
            report.problems.append(GiftProblem(line, " ".join(problems)))
            continue
        seen.add(key)
        if question is None:
            quiz = quiz or _ensure_quiz(session)
            position += 1
            question = Question(quiz_id=quiz.id, key=key, position=position)
            db.session.add(question)
            report.created += 1
        else:
            question.is_retired = False
            report.updated += 1
        set_question_spec(question, spec)
    report.problems.sort(key=lambda p: p.line)
    if not report.imported:
        db.session.rollback()
        return report
    db.session.flush()
    audit.record(
        "authoring.gift_imported",
        actor=user,
        target=quiz,
        created=report.created,
        updated=report.updated,
        problems=len(report.problems),
    )
    db.session.commit()
    return report
