"""Learning reads: each returns what one page needs in a few statements."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import String, and_, bindparam, case, cast, func, literal_column, select
from sqlalchemy.orm import joinedload, load_only

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.database import read_rows
from portal.extensions import db
from portal.learning.content_files import ASSESSMENT_KEY
from portal.learning.models import (
    AssessmentWindow,
    AttemptAnswer,
    CurriculumSession,
    Objective,
    Partner,
    Programme,
    Question,
    Quiz,
    QuizAttempt,
    QuizSummary,
    Reading,
    ReadingProgress,
    session_objective,
)
from portal.memo import Memo

_READING_LIST = load_only(
    Reading.id,
    Reading.session_id,
    Reading.position,
    Reading.slug,
    Reading.title,
    Reading.summary,
    Reading.minutes,
)


def _sessions():
    return (
        db.session.scalars(
            select(CurriculumSession)
            .options(joinedload(CurriculumSession.objectives))
            .where(CurriculumSession.is_retired.is_(False))
            .order_by(CurriculumSession.number)
        )
        .unique()
        .all()
    )


def _readings_by_session() -> dict[int, list[Reading]]:
    readings = db.session.scalars(
        select(Reading)
        .options(_READING_LIST)
        .where(Reading.is_retired.is_(False))
        .order_by(Reading.session_id, Reading.position)
    ).all()
    grouped: dict[int, list[Reading]] = defaultdict(list)
    for reading in readings:
        grouped[reading.session_id].append(reading)
    return grouped


@dataclass
class SessionStatus:
    readings_done: int = 0
    attempts: int = 0
    passed: bool = False
    quiz_is_retired: bool = False

    def label(self, readings_total: int) -> str:
        quiz_done = self.passed or self.quiz_is_retired
        if quiz_done and self.readings_done >= readings_total:
            return "done"
        if self.readings_done or self.attempts:
            return "in_progress"
        return "not_started"


def outline() -> dict:
    """The public outline: programme title, objectives, sessions with reading titles,
    and the partner organisations for the cover."""

    programme = db.session.get(Programme, 1)
    objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    return {
        "partners": db.session.scalars(
            select(Partner).order_by(Partner.position, Partner.code)
        ).all(),
        "programme_title": programme.title if programme else "",
        "objectives": objectives,
        "sessions": _sessions(),
        "readings": _readings_by_session(),
    }


def curriculum_page(user, taking_part: bool, now: datetime) -> dict:
    """Sessions, objectives and readings; with the user's status and open assessments."""
    sessions = _sessions()
    readings = _readings_by_session()
    statuses: dict[int, SessionStatus] = {}
    windows: list[dict] = []
    if taking_part:
        statuses = defaultdict(SessionStatus)
        done = db.session.execute(
            select(Reading.session_id, func.count(ReadingProgress.id))
            .join(ReadingProgress, ReadingProgress.reading_id == Reading.id)
            .where(ReadingProgress.user_id == user.id, Reading.is_retired.is_(False))
            .group_by(Reading.session_id)
        ).all()
        for session_id, count in done:
            statuses[session_id].readings_done = count
        attempts = db.session.execute(
            select(
                Quiz.session_id,
                Quiz.is_retired,
                func.count(QuizAttempt.id),
                func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)),
            )
            .outerjoin(
                QuizAttempt,
                and_(QuizAttempt.quiz_id == Quiz.id, QuizAttempt.user_id == user.id),
            )
            .where(Quiz.session_id.is_not(None))
            .group_by(Quiz.session_id, Quiz.is_retired)
        ).all()
        for session_id, is_retired, count, passed in attempts:
            if is_retired:
                # A retired quiz no longer counts, neither for nor against the session.
                statuses[session_id].quiz_is_retired = True
                continue
            statuses[session_id].attempts = count
            statuses[session_id].passed = bool(passed)
        windows = open_windows(user, now)
    objectives = {o.number: o for s in sessions for o in s.objectives}
    return {
        "sessions": sessions,
        "readings": readings,
        "statuses": statuses,
        "windows": windows,
        "objectives": [objectives[n] for n in sorted(objectives)],
    }


def open_windows(user, now: datetime) -> list[dict]:
    """Assessment windows open now for the user's cohorts, with the user's attempt state and
    the cohort's time zone (windows are shown in it)."""
    rows = db.session.execute(
        select(AssessmentWindow, QuizAttempt.id, QuizAttempt.state, Cohort.time_zone)
        .join(Cohort, Cohort.id == AssessmentWindow.cohort_id)
        .join(
            Membership,
            and_(
                Membership.cohort_id == AssessmentWindow.cohort_id,
                Membership.user_id == user.id,
                Membership.role == "participant",
            ),
        )
        .outerjoin(
            QuizAttempt,
            and_(
                QuizAttempt.quiz_id == AssessmentWindow.quiz_id,
                QuizAttempt.user_id == user.id,
                QuizAttempt.phase == AssessmentWindow.phase,
            ),
        )
        .where(AssessmentWindow.opens_at <= now, AssessmentWindow.closes_at > now)
        .order_by(AssessmentWindow.opens_at)
    ).all()
    return [{"window": w, "attempt_id": a, "state": s, "zone": z or "UTC"} for w, a, s, z in rows]


# The statements of the pages people open most are built once per process with bind
# parameters: a request only binds its values, instead of building and hashing the whole
# statement (or, for a lambda statement, having the ORM copy it with the new values).

_SESSION_BY_NUMBER = (
    select(CurriculumSession)
    .options(joinedload(CurriculumSession.objectives))
    .where(CurriculumSession.number == bindparam("number"), CurriculumSession.is_retired.is_(False))
)


def session_by_number(number: int) -> CurriculumSession | None:
    """A session with its objectives."""
    return db.session.scalars(_SESSION_BY_NUMBER, {"number": number}).unique().one_or_none()


# The session page and the reading page only show what they read: plain rows of the
# columns they need (no ORM entities, read_rows), one statement each.

_READING_PAGE = (
    select(
        CurriculumSession.number.label("session_number"),
        CurriculumSession.title.label("session_title"),
        Reading.slug,
        Reading.title,
        Reading.minutes,
        # Only the reading shown brings its body.
        case((Reading.slug == bindparam("slug"), Reading.body), else_=None).label("body"),
        ReadingProgress.id.is_not(None).label("done"),
    )
    .join(CurriculumSession, CurriculumSession.id == Reading.session_id)
    .outerjoin(
        ReadingProgress,
        and_(
            ReadingProgress.reading_id == Reading.id,
            ReadingProgress.user_id == bindparam("user_id"),
        ),
    )
    .where(
        CurriculumSession.number == bindparam("number"),
        CurriculumSession.is_retired.is_(False),
        Reading.is_retired.is_(False),
    )
    .order_by(Reading.position)
)


def reading_page(number: int, slug: str, user) -> dict | None:
    """A current reading of a current session with its neighbours and the user's done mark:
    one statement; None when there is no such reading."""
    rows = read_rows(_READING_PAGE, {"number": number, "slug": slug, "user_id": user.id}).all()
    index = next((i for i, row in enumerate(rows) if row.slug == slug), None)
    if index is None:
        return None
    reading = rows[index]
    return {
        "session_number": reading.session_number,
        "session_title": reading.session_title,
        "reading": reading,
        "done": reading.done,
        "previous": rows[index - 1] if index > 0 else None,
        "next": rows[index + 1] if index + 1 < len(rows) else None,
        "position": index + 1,
        "total": len(rows),
    }


def _build_readings_statement(with_progress: bool, with_body: bool):
    statement = select(Reading)
    if with_progress:
        statement = statement.add_columns(ReadingProgress.id).outerjoin(
            ReadingProgress,
            and_(
                ReadingProgress.reading_id == Reading.id,
                ReadingProgress.user_id == bindparam("user_id"),
            ),
        )
    if not with_body:
        statement = statement.options(_READING_LIST)
    return statement.where(
        Reading.session_id == bindparam("session_id"), Reading.is_retired.is_(False)
    ).order_by(Reading.position)


_READINGS = {
    (with_progress, with_body): _build_readings_statement(with_progress, with_body)
    for with_progress in (False, True)
    for with_body in (False, True)
}


def readings_with_progress(session_id: int, user, with_body: bool = False) -> list[dict]:
    """The session's readings in order, each with whether the user marked it done."""
    statement = _READINGS[(user is not None, with_body)]
    values = {"session_id": session_id}
    if user is not None:
        values["user_id"] = user.id
    rows = db.session.execute(statement, values).all()
    return [{"reading": row[0], "done": user is not None and row[1] is not None} for row in rows]


_QUESTION_COUNT = (
    select(func.count(Question.id))
    .where(Question.quiz_id == Quiz.id, Question.is_retired.is_(False))
    .scalar_subquery()
)
_OPEN_ATTEMPT = (
    select(QuizAttempt.id)
    .where(
        QuizAttempt.quiz_id == Quiz.id,
        QuizAttempt.user_id == bindparam("user_id"),
        QuizAttempt.state == "in_progress",
    )
    .limit(1)
    .scalar_subquery()
)


# The user's summary of a session quiz (there is at most one).
_STANDING = and_(
    QuizSummary.quiz_id == Quiz.id,
    QuizSummary.user_id == bindparam("user_id"),
    QuizSummary.phase == "",
)


def _current_quiz_with_standing(*columns):
    """`columns` of the session's current quiz, with the user's summary of it joined."""
    return (
        select(*columns)
        .outerjoin(QuizSummary, _STANDING)
        .where(Quiz.session_id == bindparam("session_id"), Quiz.is_retired.is_(False))
    )


def _attempts_left(max_attempts: int | None, attempts: int | None) -> int | None:
    """None when the quiz allows any number of attempts."""
    return None if not max_attempts else max(0, max_attempts - (attempts or 0))


_QUIZ_OVERVIEW = _current_quiz_with_standing(Quiz, _QUESTION_COUNT, QuizSummary, _OPEN_ATTEMPT)


def quiz_overview(session_id: int, user) -> dict | None:
    """The session's current quiz, its question count, the user's summary and open attempt.

    None when the session has no quiz or its quiz is retired.
    """
    row = db.session.execute(_QUIZ_OVERVIEW, {"user_id": user.id, "session_id": session_id}).first()
    if row is None:
        return None
    quiz, count, summary, open_id = row
    left = _attempts_left(quiz.max_attempts, summary.attempts if summary else 0)
    return {
        "quiz": quiz,
        "question_count": count,
        "summary": summary,
        "open_attempt_id": open_id,
        "attempts_left": left,
    }


@dataclass(frozen=True, slots=True)
class SessionQuiz:
    """What the session page says of its quiz and of the user's standing on it."""

    title: str
    pass_mark: float
    question_count: int
    has_summary: bool
    best_percent: float | None
    passed: bool | None
    attempts_left: int | None
    open_attempt_id: int | None


@dataclass(frozen=True, slots=True)
class SessionPage:
    """What the session page shows of a session; `objectives` are rows of (number,
    description), `readings` its current readings (ReadingLine), `quiz` the reader's
    standing on its quiz (None for a session without a current quiz, or read without a
    reader), `parts` what other features show on it (SESSION_PAGE_PARTS), by name."""

    id: int
    number: int
    title: str
    summary: str
    discussion_prompt: str
    exercise_intro: str
    exercise_template: list | None
    resources: list | None
    is_retired: bool
    objectives: tuple
    quiz: SessionQuiz | None
    readings: tuple = ()
    parts: dict = field(default_factory=dict)
    # exercise_template and resources as the JSON text they were decoded from (what a
    # key of HTML made from them holds: the text says all the decoded values do).
    json_texts: tuple = ()

    @property
    def has_exercise(self) -> bool:
        return self.exercise_template is not None


@dataclass(frozen=True, eq=False)
class SessionPagePart:
    """Something another feature shows on the session page (discussion: the reader's board
    of the session), read by the page's own statement instead of a round trip of its own.
    Learning never imports the features above it: they register here when imported.

    `columns` are scalar subqueries correlated to CurriculumSession, with bind parameters
    that `values(user)` gives on each request (for every parameter, None included; `user`
    is whoever opens the page, a visitor too); `result(user, page, found)` turns the
    columns' values into what the template gets as `session.parts[name]`, and holds the
    part's own rule of who sees what."""

    name: str
    columns: tuple
    values: Callable[[object], dict]
    result: Callable[[object, SessionPage, tuple], object]


SESSION_PAGE_PARTS: list[SessionPagePart] = []


def add_session_page_part(part: SessionPagePart) -> None:
    """Register a part of the session page (again under its name replaces it)."""
    SESSION_PAGE_PARTS[:] = [p for p in SESSION_PAGE_PARTS if p.name != part.name] + [part]


# A session's current readings, for the session page's statement (correlated to its session
# only: the statement joins Reading too).
_READING_COUNT = (
    select(func.count(Reading.id))
    .where(Reading.session_id == CurriculumSession.id, Reading.is_retired.is_(False))
    .correlate(CurriculumSession)
    .scalar_subquery()
)

# The session and the reader's standing on its current quiz (a session has at most one
# quiz and a reader one summary of it), with one row per objective and current reading
# (each objective with each reading, in order; the count of readings says where the
# objectives change): one statement for what the session page reads of its session, the
# registered parts' columns after these. The JSON columns come as their text, decoded once
# rather than on every row.
_SESSION_PAGE = (
    select(
        CurriculumSession.id,
        CurriculumSession.number,
        CurriculumSession.title,
        CurriculumSession.summary,
        CurriculumSession.discussion_prompt,
        CurriculumSession.exercise_intro,
        cast(CurriculumSession.exercise_template, String),
        cast(CurriculumSession.resources, String),
        CurriculumSession.is_retired,
        Quiz.id,
        Quiz.title,
        Quiz.pass_mark,
        Quiz.max_attempts,
        _QUESTION_COUNT,
        QuizSummary.id,
        QuizSummary.best_percent,
        QuizSummary.passed,
        QuizSummary.attempts,
        _OPEN_ATTEMPT,
        Objective.number,
        Objective.description,
        _READING_COUNT,
        Reading.slug,
        Reading.title,
        Reading.summary,
        Reading.minutes,
        ReadingProgress.id.is_not(None),
    )
    .outerjoin(Quiz, and_(Quiz.session_id == CurriculumSession.id, Quiz.is_retired.is_(False)))
    .outerjoin(QuizSummary, _STANDING)
    .outerjoin(session_objective, session_objective.c.session_id == CurriculumSession.id)
    .outerjoin(Objective, Objective.number == session_objective.c.objective_number)
    .outerjoin(
        Reading, and_(Reading.session_id == CurriculumSession.id, Reading.is_retired.is_(False))
    )
    .outerjoin(
        ReadingProgress,
        and_(
            ReadingProgress.reading_id == Reading.id,
            ReadingProgress.user_id == bindparam("user_id"),
        ),
    )
    .where(CurriculumSession.number == bindparam("number"), CurriculumSession.is_retired.is_(False))
    .order_by(Objective.number, Reading.position)
)
_SESSION_PAGE_WIDTH = len(_SESSION_PAGE.selected_columns)
# The statement with the parts' columns, built once per set of registered parts.
_SESSION_PAGE_WITH_PARTS: dict[tuple, object] = {}


def _session_page_statement(parts: tuple):
    statement = _SESSION_PAGE_WITH_PARTS.get(parts)
    if statement is None:
        columns = [column for part in parts for column in part.columns]
        statement = _SESSION_PAGE.add_columns(*columns) if columns else _SESSION_PAGE
        _SESSION_PAGE_WITH_PARTS[parts] = statement
    return statement


@dataclass(frozen=True, slots=True)
class ObjectiveLine:
    number: int
    description: str


class ReadingLine(NamedTuple):
    """A current reading of the session page, with the reader's done mark (never, without
    a reader)."""

    slug: str
    title: str
    summary: str
    minutes: int
    done: bool


# Decoded JSON columns of the session page, by their text: shared by every request that
# reads the same text, so nothing may change them (templates only read them).
_DECODED = Memo(max_entries=200)


def _json(text: str | None):
    return None if text is None else _DECODED.get(text, json.loads, text)


def session_page(number: int, reader, user=None) -> SessionPage | None:
    """A current session with its objectives (in number order), its current readings (in
    order, with the reader's done marks), the reader's standing on its quiz (none without a
    reader: pass the user only when they take part) and the registered parts as `user`
    (whoever opens the page) sees them, for the session page: one statement."""
    parts = tuple(SESSION_PAGE_PARTS)
    values = {"number": number, "user_id": reader.id if reader is not None else None}
    for part in parts:
        values.update(part.values(user))
    rows = read_rows(_session_page_statement(parts), values).all()
    if not rows:
        return None
    first = rows[0]
    quiz = None
    if reader is not None and first[9] is not None:
        title, pass_mark, max_attempts, count, summary_id, best, passed, attempts = first[10:18]
        left = _attempts_left(max_attempts, attempts)
        has_summary = summary_id is not None
        quiz = SessionQuiz(title, pass_mark, count, has_summary, best, passed, left, first[18])
    # Each objective has one row per reading (one row, without readings).
    reading_count = first[21]
    page = SessionPage(
        *first[:6],
        _json(first[6]),
        _json(first[7]),
        first[8],
        objectives=tuple(
            ObjectiveLine(row[19], row[20])
            for row in rows[:: reading_count or 1]
            if row[19] is not None
        ),
        quiz=quiz,
        readings=tuple(ReadingLine._make(row[22:27]) for row in rows[:reading_count]),
        json_texts=(first[6], first[7]),
    )
    start = _SESSION_PAGE_WIDTH
    for part in parts:
        found = tuple(first[start : start + len(part.columns)])
        page.parts[part.name] = part.result(user, page, found)
        start += len(part.columns)
    return page


def user_attempts(quiz_id: int, user) -> list[QuizAttempt]:
    """The user's attempts at a quiz, newest first."""
    return db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.number.desc())
    ).all()


# Who may open an attempt: its owner only. Both statements below keep to this condition.
_OWN_ATTEMPT = and_(
    QuizAttempt.id == bindparam("attempt_id"), QuizAttempt.user_id == bindparam("user_id")
)

_ATTEMPT_FOR = (
    select(QuizAttempt, Quiz, CurriculumSession.number)
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .outerjoin(CurriculumSession, CurriculumSession.id == Quiz.session_id)
    .where(_OWN_ATTEMPT)
)


def attempt_for(attempt_id: int, user) -> tuple[QuizAttempt, Quiz, int | None] | None:
    """The attempt with its quiz and session number, only for its owner."""
    row = db.session.execute(_ATTEMPT_FOR, {"attempt_id": attempt_id, "user_id": user.id}).first()
    return tuple(row) if row else None


@dataclass(frozen=True, slots=True)
class AttemptQuiz:
    """What the attempt page shows of the attempt's quiz."""

    title: str
    is_retired: bool


# A question's version as text ("id:updated_at"): the attempt page reads its quiz's in the
# attempt's own statement, joined into one string, which both databases write the same way
# for the same value (only compared, never parsed as a time).
_VERSION = cast(Question.updated_at, String)
_QUIZ_VERSIONS = (
    # The separators are written into the statement, not bound: a bound separator is
    # rendered into the statement again on each execution.
    select(
        func.aggregate_strings(
            cast(Question.id, String) + literal_column("':'") + _VERSION, literal_column("','")
        )
    )
    .where(Question.quiz_id == QuizAttempt.quiz_id)
    .scalar_subquery()
)

_ATTEMPT_PAGE = (
    select(
        QuizAttempt.id,
        QuizAttempt.quiz_id,
        QuizAttempt.number,
        QuizAttempt.phase,
        QuizAttempt.seed,
        QuizAttempt.question_ids,
        QuizAttempt.state,
        QuizAttempt.draft,
        Quiz.title,
        Quiz.is_retired,
        Quiz.shuffle,
        CurriculumSession.number,
        _QUIZ_VERSIONS,
    )
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .outerjoin(CurriculumSession, CurriculumSession.id == Quiz.session_id)
    .where(_OWN_ATTEMPT)
)


def _versions(joined: str | None) -> dict[int, str]:
    """The question versions by id, from the "id:version,..." text of _QUIZ_VERSIONS."""
    if not joined:
        return {}
    return {int(i): version for i, _, version in (v.partition(":") for v in joined.split(","))}


def attempt_page(attempt_id: int, user) -> dict | None:
    """attempt_for as the attempt page reads it (plain values, no entities), only for the
    attempt's owner: the attempt row, its quiz, whether the quiz shuffles, the session
    number and the versions of the quiz's questions (for question_specs)."""
    row = read_rows(_ATTEMPT_PAGE, {"attempt_id": attempt_id, "user_id": user.id}).first()
    if row is None:
        return None
    (id_, quiz_id, number, phase, seed, question_ids, state, draft) = row[:8]
    title, is_retired, shuffle, session_number, versions = row[8:]
    return {
        "attempt": AttemptRow(
            id_, quiz_id, number, phase, seed, question_ids or [], state, draft or {}
        ),
        "quiz": AttemptQuiz(title, is_retired),
        "shuffle": shuffle,
        "session_number": session_number,
        "versions": _versions(versions),
    }


@dataclass(frozen=True, slots=True)
class AttemptRow:
    id: int
    quiz_id: int
    number: int
    phase: str
    seed: int
    question_ids: list
    state: str
    draft: dict

    @property
    def is_submitted(self) -> bool:
        return QuizAttempt.is_submitted.fget(self)


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """A question as the attempt page reads it; `spec` is shared by every request that
    reads the same version of the question, so nothing may change it. `version` is its
    updated_at as text (see _VERSION)."""

    id: int
    version: str
    spec: dict


# The attempt page reads each question's version (id, updated_at) on every request, and
# its spec (a JSON document to decode) only for a version this process has not seen yet.
# The versions are read by the attempt's quiz (one bound value, where a list of ids costs
# SQLAlchemy a statement rewritten on each request), or given by the caller, who read them
# with the attempt; a question the attempt holds that has since moved to another quiz is
# read by its id.
_QUIZ_QUESTION_VERSIONS = select(Question.id, _VERSION).where(
    Question.quiz_id == bindparam("quiz_id")
)
_QUESTION_VERSIONS = select(Question.id, _VERSION).where(
    Question.id.in_(bindparam("ids", expanding=True))
)
_QUESTION_SPECS = select(Question.id, _VERSION, Question.spec).where(
    Question.id.in_(bindparam("ids", expanding=True))
)
_SPECS = Memo(max_entries=5_000)


def question_specs(
    question_ids: list, quiz_id: int | None = None, versions: dict[int, str] | None = None
) -> list[QuestionSpec]:
    """The questions an attempt was started with, in the attempt's order (ids no longer
    found are left out): their versions in one statement (by the attempt's quiz, `quiz_id`,
    when given; none when the quiz's `versions` are given, as attempt_page reads them),
    the specs of versions not yet decoded in this process in a second one."""
    ids = [int(i) for i in question_ids]
    if not ids:
        return []
    if versions is None:
        versions = {}
        if quiz_id is not None:
            versions = dict(read_rows(_QUIZ_QUESTION_VERSIONS, {"quiz_id": quiz_id}).all())
    elsewhere = [i for i in ids if i not in versions]
    if elsewhere:
        versions = {**versions, **dict(read_rows(_QUESTION_VERSIONS, {"ids": elsewhere}).all())}
    found = {i: _SPECS.peek((i, versions[i])) for i in ids if i in versions}
    missing = [i for i, spec in found.items() if spec is None]
    if missing:
        for row_id, version, spec in read_rows(_QUESTION_SPECS, {"ids": missing}):
            found[row_id] = QuestionSpec(row_id, version, spec)
            _SPECS.keep((row_id, version), found[row_id])
    return [question for question in found.values() if question is not None]


_QUESTIONS_BY_ID = select(Question).where(Question.id.in_(bindparam("ids", expanding=True)))


def attempt_questions(attempt: QuizAttempt) -> list[Question]:
    """The questions the attempt was started with, in the attempt's order."""
    ids = [int(i) for i in attempt.question_ids or []]
    if not ids:
        return []
    found = {q.id: q for q in db.session.scalars(_QUESTIONS_BY_ID, {"ids": ids})}
    return [found[i] for i in ids if i in found]


def attempt_answers(attempt_id: int) -> list[AttemptAnswer]:
    """The graded answers of a submitted attempt, in question order."""
    return db.session.scalars(
        select(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt_id)
        .order_by(AttemptAnswer.position)
    ).all()


_READING_BY_SLUG = (
    select(Reading.id, Reading.slug)
    .join(CurriculumSession, CurriculumSession.id == Reading.session_id)
    .where(
        CurriculumSession.number == bindparam("number"),
        Reading.slug == bindparam("slug"),
        Reading.is_retired.is_(False),
    )
)


def reading_by_slug(number: int, slug: str):
    """A current reading by session number and slug: a row of (id, slug), or None."""
    return read_rows(_READING_BY_SLUG, {"number": number, "slug": slug}).first()


def assessment_quiz() -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.key == ASSESSMENT_KEY))


def cohort_windows(cohort_id: int) -> dict[str, AssessmentWindow]:
    """The cohort's assessment windows by phase."""
    windows = db.session.scalars(
        select(AssessmentWindow).where(AssessmentWindow.cohort_id == cohort_id)
    ).all()
    return {w.phase: w for w in windows}


def window_for(window_id: int, user) -> AssessmentWindow | None:
    """A window of one of the user's cohorts (as participant), else None."""
    return db.session.scalar(
        select(AssessmentWindow)
        .join(
            Membership,
            and_(
                Membership.cohort_id == AssessmentWindow.cohort_id,
                Membership.user_id == user.id,
                Membership.role == "participant",
            ),
        )
        .where(AssessmentWindow.id == window_id)
    )


def normalised_gain(pre: float, post: float) -> float | None:
    """(post − pre) / (100 − pre); None when the pre score is already 100."""
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def assessment_gains(cohort_id: int) -> list[dict]:
    """Per objective: participants with both phases, mean pre and post %, raw and normalised gain.

    Only participants who took both the pre- and the post-assessment count; the means are
    of each participant's percent on the questions tagged with the objective, and the
    normalised gain is computed from those means: (post − pre) / (100 − pre).
    """
    rows = db.session.execute(
        select(QuizSummary.user_id, QuizSummary.phase, QuizSummary.objectives)
        .join(Quiz, Quiz.id == QuizSummary.quiz_id)
        .join(
            Membership,
            and_(
                Membership.user_id == QuizSummary.user_id,
                Membership.cohort_id == cohort_id,
                Membership.role == "participant",
            ),
        )
        .where(Quiz.key == ASSESSMENT_KEY, QuizSummary.phase.in_(("pre", "post")))
    ).all()
    by_user: dict[int, dict[str, dict]] = defaultdict(dict)
    for user_id, phase, objectives in rows:
        by_user[user_id][phase] = objectives or {}
    percents: dict[int, dict[str, list[float]]] = defaultdict(lambda: {"pre": [], "post": []})
    for phases in by_user.values():
        if "pre" not in phases or "post" not in phases:
            continue
        for key in set(phases["pre"]) & set(phases["post"]):
            for phase in ("pre", "post"):
                earned, possible = phases[phase][key]
                if possible:
                    percents[int(key)][phase].append(100 * earned / possible)
    result = []
    for objective in sorted(percents):
        pre_values, post_values = percents[objective]["pre"], percents[objective]["post"]
        if not pre_values or len(pre_values) != len(post_values):
            continue
        pre = sum(pre_values) / len(pre_values)
        post = sum(post_values) / len(post_values)
        result.append(
            {
                "objective": objective,
                "participants": len(pre_values),
                "pre": pre,
                "post": post,
                "raw_gain": post - pre,
                "normalised_gain": normalised_gain(pre, post),
            }
        )
    return result


def export_for(user) -> dict:
    """The user's reading progress and quiz attempts with answers, for the data export."""
    readings = db.session.execute(
        select(CurriculumSession.number, Reading.slug, ReadingProgress.done_at)
        .join(Reading, Reading.id == ReadingProgress.reading_id)
        .join(CurriculumSession, CurriculumSession.id == Reading.session_id)
        .where(ReadingProgress.user_id == user.id)
        .order_by(CurriculumSession.number, Reading.position)
    ).all()
    attempts = db.session.execute(
        select(QuizAttempt, Quiz.key)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.id)
    ).all()
    answers: dict[int, list] = defaultdict(list)
    for answer in db.session.scalars(
        select(AttemptAnswer)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(AttemptAnswer.attempt_id, AttemptAnswer.position)
    ):
        answers[answer.attempt_id].append(
            {
                "question": answer.question.get("key"),
                "response": answer.response,
                "score": answer.score,
            }
        )
    return {
        "readings_done": [
            {"session": n, "reading": slug, "done_at": at.isoformat()} for n, slug, at in readings
        ],
        "quiz_attempts": [
            {
                "quiz": key,
                "number": a.number,
                "phase": a.phase,
                "state": a.state,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "score": a.score,
                "max_score": a.max_score,
                "percent": a.percent,
                "passed": a.passed,
                "answers": answers.get(a.id, []),
                "saved_answers": a.draft if a.state == "in_progress" else None,
            }
            for a, key in attempts
        ],
    }


def post_review_open(user, now: datetime) -> bool:
    """True once a post-assessment window of one of the user's cohorts has closed."""
    return (
        db.session.scalar(
            select(AssessmentWindow.id)
            .join(
                Membership,
                and_(
                    Membership.cohort_id == AssessmentWindow.cohort_id,
                    Membership.user_id == user.id,
                ),
            )
            .where(AssessmentWindow.phase == "post", AssessmentWindow.closes_at <= now)
            .limit(1)
        )
        is not None
    )


def post_window(user) -> tuple[datetime, str] | None:
    """When the post-assessment window of the user's cohort closes (stored UTC), and the
    cohort's time zone to show it in; the earliest closing one when there are several."""
    row = db.session.execute(
        select(AssessmentWindow.closes_at, Cohort.time_zone)
        .join(Cohort, Cohort.id == AssessmentWindow.cohort_id)
        .join(
            Membership,
            and_(
                Membership.cohort_id == AssessmentWindow.cohort_id,
                Membership.user_id == user.id,
            ),
        )
        .where(AssessmentWindow.phase == "post")
        .order_by(AssessmentWindow.closes_at)
        .limit(1)
    ).first()
    return (row[0], row[1] or "UTC") if row else None


def assessment_change(user_id: int) -> list[dict]:
    """The user's own pre and post percent per objective (None for a phase not taken)."""
    rows = db.session.execute(
        select(QuizSummary.phase, QuizSummary.objectives)
        .join(Quiz, Quiz.id == QuizSummary.quiz_id)
        .where(
            Quiz.key == ASSESSMENT_KEY,
            QuizSummary.user_id == user_id,
            QuizSummary.phase.in_(("pre", "post")),
        )
    ).all()
    return change_from({phase: objectives or {} for phase, objectives in rows})


def change_from(by_phase: dict[str, dict]) -> list[dict]:
    """Pre and post percent per objective from the pre/post summaries' objective points."""
    numbers = sorted({int(k) for objectives in by_phase.values() for k in objectives})
    result = []
    for number in numbers:
        item = {"objective": number}
        for phase in ("pre", "post"):
            earned, possible = by_phase.get(phase, {}).get(str(number), (0, 0))
            item[phase] = 100 * earned / possible if possible else None
        result.append(item)
    return result


# --------------------------------------------------------------------------- reveal and grading


def reveals_answers(quiz: Quiz, attempt: QuizAttempt) -> bool:
    """Whether the review of this attempt shows the right answers and feedback.

    Session quizzes follow their reveal policy; "last_or_pass" reveals once the user has
    passed, has used every attempt, or the quiz is retired. The assessment's own review
    rules live with the assessment (its attempts are revealed as before).
    """
    if attempt.phase or quiz.is_assessment or quiz.reveal == "always":
        return True
    if quiz.reveal == "never":
        return False
    if quiz.is_retired:
        return True
    row = db.session.execute(
        select(QuizSummary.passed, QuizSummary.attempts).where(
            QuizSummary.user_id == attempt.user_id,
            QuizSummary.quiz_id == quiz.id,
            QuizSummary.phase == attempt.phase,
        )
    ).first()
    if row is None:
        return False
    passed, used = row
    return bool(passed) or bool(quiz.max_attempts and used >= quiz.max_attempts)


def next_session_number(number: int) -> int | None:
    """The number of the next current session after this one, if any."""
    return db.session.scalar(
        select(func.min(CurriculumSession.number)).where(
            CurriculumSession.number > number, CurriculumSession.is_retired.is_(False)
        )
    )


def _member_of(cohort_id: int):
    return select(Membership.user_id).where(
        Membership.cohort_id == cohort_id, Membership.role == "participant"
    )


def grading_queue(cohort_id: int) -> list[dict]:
    """Essay answers of the cohort's participants awaiting a trainer's grade, oldest first."""
    rows = db.session.execute(
        select(AttemptAnswer, QuizAttempt, Quiz.title, User)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(User, User.id == QuizAttempt.user_id)
        .where(
            AttemptAnswer.grading_state == "awaiting",
            QuizAttempt.user_id.in_(_member_of(cohort_id)),
        )
        .order_by(QuizAttempt.submitted_at, AttemptAnswer.position)
    ).all()
    return [
        {"answer": answer, "attempt": attempt, "quiz_title": title, "user": user}
        for answer, attempt, title, user in rows
    ]


def answer_for_grading(cohort_id: int, answer_id: int):
    """An essay answer of a participant of the cohort, with its attempt, quiz and author;
    None for anything else (the view answers 404)."""
    row = db.session.execute(
        select(AttemptAnswer, QuizAttempt, Quiz, User)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(User, User.id == QuizAttempt.user_id)
        .where(
            AttemptAnswer.id == answer_id,
            AttemptAnswer.grading_state.in_(("awaiting", "graded")),
            QuizAttempt.user_id.in_(_member_of(cohort_id)),
        )
    ).first()
    return tuple(row) if row else None
