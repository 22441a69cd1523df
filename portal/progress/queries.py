"""Progress reads. They read only summary rows other features keep up to date:

- `ReadingProgress` (learning: one row per reading marked done),
- `QuizSummary` (learning: best attempt per quiz and phase, with per-objective points),
- `SessionPostSummary` (discussion: posts per user and session),
- `ExerciseSummary` (exercises: per user and session, when an exercise was first
  submitted); `submitted_exercises` below is the one place it is read.

No function here recomputes anything from raw attempts or posts, and none loops over rows
issuing statements: each page costs the same number of statements at 100 or 10,000 people.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    DateTime,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.database import (
    driver_rows,
    lost_read_snapshot,
    read_rows,
    write_lock_for_this_request,
)
from portal.discussion.models import Board, Post, SessionPostSummary, Thread
from portal.discussion.permissions import Viewer, boards_seen_by, viewer_for
from portal.exercises.models import ExerciseSummary
from portal.extensions import db
from portal.learning import curriculum_version
from portal.learning.content_files import ASSESSMENT_KEY
from portal.learning.models import (
    CurriculumSession,
    Objective,
    Question,
    Quiz,
    QuizAttempt,
    QuizSummary,
    Reading,
    ReadingProgress,
    session_objective,
)
from portal.learning.queries import change_from
from portal.memo import Memo
from portal.progress.measure import (
    Activity,
    Catalogue,
    SessionInfo,
    _session_done,
    matrix_row,
    measure,
    meets_completion_rule,
    next_step,
    normalised_gain,
)
from portal.progress.models import Certificate, ProgressSummary, Reminder, ReminderTemplate

EXERCISES_COUNTED = True
PAGE_SIZE = 50


def submitted_exercises(user_ids, joined=None):
    """A select of (user_id, session_id) for sessions where the user has submitted an
    exercise at least once (a trainer sending it back does not undo the activity).

    `user_ids` is a select of user ids; or `joined`, a common table expression of ids (its
    first column), joined instead."""
    statement = select(ExerciseSummary.user_id, ExerciseSummary.session_id).where(
        ExerciseSummary.first_submitted_at.is_not(None)
    )
    if joined is None:
        return statement.where(ExerciseSummary.user_id.in_(user_ids))
    return statement.select_from(joined).join(
        ExerciseSummary, ExerciseSummary.user_id == joined.c[0]
    )


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class ObjectiveInfo:
    number: int
    title: str
    description: str


@cache
def _catalogue_statement():
    """The catalogue's statement: it has no per-request values, so it is built once per
    process. Core tables, not ORM entities: the rows are plain columns, and the ORM's
    handling of each row would cost more than the rest of the catalogue."""
    sessions, objectives, readings = (
        CurriculumSession.__table__,
        Objective.__table__,
        Reading.__table__,
    )
    quizzes, questions = Quiz.__table__, Question.__table__
    text_null = cast(null(), String)
    sessions_part = (
        select(
            literal("s").label("kind"),
            sessions.c.id.label("a"),
            sessions.c.number.label("b"),
            session_objective.c.objective_number.label("c"),
            sessions.c.title.label("t1"),
            objectives.c.title.label("t2"),
            objectives.c.description.label("t3"),
            # JSON as its text: the catalogue decodes only what it needs, once per text.
            cast(sessions.c.exercise_template, String).label("data"),
            cast(null(), Float).label("points"),
        )
        .select_from(sessions)
        .outerjoin(session_objective, session_objective.c.session_id == sessions.c.id)
        .outerjoin(objectives, objectives.c.number == session_objective.c.objective_number)
        .where(sessions.c.is_retired.is_(False))
    )
    readings_part = select(
        literal("r"),
        readings.c.id,
        readings.c.session_id,
        readings.c.position,
        readings.c.slug,
        readings.c.title,
        text_null,
        text_null,
        cast(null(), Float),
    ).where(readings.c.is_retired.is_(False))
    # Questions by quiz, objectives and points, with how many share them: the catalogue
    # needs each objective's sum of points and each session's quiz, not each question
    # (some 30 rows instead of 100 on the demo curriculum).
    objectives_text = cast(questions.c.objectives, String)
    points = cast(questions.c.points, Float)
    questions_part = (
        select(
            literal("q"),
            quizzes.c.id,
            quizzes.c.session_id,
            func.count(),
            text_null,
            text_null,
            text_null,
            objectives_text,
            points,
        )
        .join(questions, questions.c.quiz_id == quizzes.c.id)
        .where(
            quizzes.c.kind == "session",
            quizzes.c.session_id.is_not(None),
            quizzes.c.is_retired.is_(False),
            questions.c.is_retired.is_(False),
        )
        .group_by(quizzes.c.id, quizzes.c.session_id, objectives_text, points)
    )
    # The curriculum's version, read in the same statement (so from the same snapshot on
    # PostgreSQL) as the rows: the version that `catalogue` keeps the Catalogue by.
    version = curriculum_version.curriculum_version.c.version
    version_part = select(
        literal("v"),
        version,
        literal(0),
        literal(0),
        text_null,
        text_null,
        text_null,
        text_null,
        cast(null(), Float),
    ).where(curriculum_version.curriculum_version.c.id == 1)
    # No ORDER BY (sorting the rows was a third of the statement's time): _make_catalogue
    # orders what it keeps, so rows in another order make an equal Catalogue.
    return union_all(sessions_part, readings_part, questions_part, version_part)


# Catalogues by the curriculum's version (kept by the database, raised by triggers on every
# change to what the catalogue reads: portal/learning/curriculum_version.py) and
# EXERCISES_COUNTED: a page reads the version, not the curriculum, and a change made by any
# process counts on the next request. Callers only read a Catalogue, so requests can share
# one. A few versions at most between restarts: never grows far.
_CATALOGUES = Memo(max_entries=8)


def catalogue(version: int | None = None) -> Catalogue:
    """The current sessions with their objectives, their readings and quizzes, and each
    objective's maximum points: one statement, whatever the number of participants.

    `version` is the curriculum's version when the caller has read it already (the
    dashboard reads it in its permission check), else it is read here; the curriculum
    itself is read only for a version this worker has not kept."""
    if version is None:
        version = read_rows(curriculum_version.CURRENT).scalar()
    kept = _CATALOGUES.peek((version, EXERCISES_COUNTED))
    if kept is not None:
        return kept
    rows = read_rows(_catalogue_statement()).all()
    made = _make_catalogue(rows)
    read = next((row[1] for row in rows if row[0] == "v"), None)
    if read is not None:  # without the version's row, nothing is kept
        _CATALOGUES.keep((read, EXERCISES_COUNTED), made)
    return made


def _make_catalogue(rows) -> Catalogue:
    """The Catalogue from the rows of `_catalogue_statement`, in any order: readings are
    ordered by position, a session's quiz is its last (highest id), and each objective's
    points are summed exactly (math.fsum), so that the sum, and so `catalogue_key`, does
    not depend on the order of the rows."""
    sessions: dict[int, dict] = {}
    objectives: dict[int, ObjectiveInfo] = {}
    readings: dict[int, list] = defaultdict(list)
    quiz_of: dict[int, int] = {}
    points_of: dict[int, list[float]] = defaultdict(list)
    question_rows = []
    decoded: dict[str, list] = {}  # many questions share their objectives' text, e.g. "[1]"
    for kind, a, b, c, t1, t2, t3, data, points in rows:
        if kind == "v":
            continue
        if kind == "s":
            # A session has an exercise when its template is not null (in SQL or in JSON).
            has_exercise = data is not None and data.strip() != "null"
            info = sessions.setdefault(
                a,
                {"id": a, "number": b, "title": t1, "objectives": [], "exercise": has_exercise},
            )
            if c is not None:
                info["objectives"].append(int(c))
                objectives[int(c)] = ObjectiveInfo(int(c), t2 or "", t3 or "")
        elif kind == "r":
            readings[b].append((c, a, t1, t2))
        else:
            numbers = decoded.get(data) if data is not None else None
            if numbers is None and data is not None:
                numbers = decoded[data] = json.loads(data)
            question_rows.append((a, b, c, numbers, points))
    for quiz_id, session_id, count, numbers, points in question_rows:
        if session_id not in sessions:
            continue
        quiz_of[session_id] = max(quiz_id, quiz_of.get(session_id, quiz_id))
        for number in numbers or []:
            points_of[int(number)] += [float(points or 0)] * int(count)
    possible = {number: math.fsum(points) for number, points in points_of.items()}
    for found in readings.values():
        found.sort(key=lambda r: (r[0], r[1]))
        found[:] = [r[1:] for r in found]
    ordered = sorted(sessions.values(), key=lambda s: s["number"])
    return Catalogue(
        objectives=[objectives[n] for n in sorted(objectives)],
        sessions=[
            SessionInfo(
                id=s["id"],
                number=s["number"],
                title=s["title"],
                objectives=sorted(set(s["objectives"])),
                readings=readings.get(s["id"], []),
                quiz_id=quiz_of.get(s["id"]),
                has_exercise=s["exercise"],
            )
            for s in ordered
        ],
        possible=possible,
        exercises_counted=EXERCISES_COUNTED,
    )


def catalogue_key(cat: Catalogue) -> str:
    """A fingerprint of what counts: a summary computed against another catalogue is stale.

    Kept on the catalogue (a catalogue is only read once made, and `catalogue()` shares
    one between requests), so that a page works it out once per catalogue, not once per
    request."""
    kept = cat.__dict__.get("_key")
    if kept is not None:
        return kept
    import hashlib

    shape = repr(
        (
            [
                (s.id, s.objectives, [r[0] for r in s.readings], s.quiz_id, s.has_exercise)
                for s in cat.sessions
            ],
            sorted(cat.possible.items()),
            cat.exercises_counted,
        )
    )
    key = cat.__dict__["_key"] = hashlib.sha1(shape.encode()).hexdigest()
    return key


# --------------------------------------------------------------------------- activity


def _activity_statement(user_ids, joined=None):
    """One UNION ALL over the summary rows of the users selected by `user_ids` (a select of
    ids), or with `joined` (a common table expression of ids, whose first column is read)
    the rows of its users, each part joined to it: on SQLite an IN (SELECT ...) builds a
    temporary index of the ids at every execution, where a join reads the expression as
    it is."""

    def of_users(part, table):
        if joined is None:
            return part.where(table.user_id.in_(user_ids))
        return part.select_from(joined).join(table, table.user_id == joined.c[0])

    quizzes = of_users(
        select(
            literal("q").label("kind"),
            QuizSummary.user_id.label("user_id"),
            QuizSummary.quiz_id.label("ref"),
            QuizSummary.best_percent.label("value"),
            cast(QuizSummary.passed, Integer).label("flag"),
            # The points as their JSON text, decoded by _decoded: once per text a read,
            # not once per row (many people share their points, e.g. full marks).
            cast(QuizSummary.objectives, String).label("data"),
        ).where(QuizSummary.phase == ""),
        QuizSummary,
    )
    readings = of_users(
        select(
            literal("r"),
            ReadingProgress.user_id,
            ReadingProgress.reading_id,
            cast(literal(0), Float),
            literal(0),
            cast(null(), String),
        ),
        ReadingProgress,
    )
    posts = of_users(
        select(
            literal("p"),
            SessionPostSummary.user_id,
            SessionPostSummary.session_id,
            cast(SessionPostSummary.posts, Float),
            literal(0),
            cast(null(), String),
        ).where(SessionPostSummary.posts > 0),
        SessionPostSummary,
    )
    exercises = submitted_exercises(user_ids, joined).subquery()
    parts = [
        quizzes,
        readings,
        posts,
        select(
            literal("e"),
            exercises.c[0],
            exercises.c[1],
            cast(literal(0), Float),
            literal(0),
            cast(null(), String),
        ),
    ]
    return union_all(*parts)


def _decoded(data: str | None, decoded: dict) -> dict:
    """A summary's points from their JSON text (`{}` for none), decoded once per text in
    `decoded`, which the caller keeps for one read: people who share points share the
    dict, which nothing changes."""
    if data is None:
        return {}
    found = decoded.get(data)
    if found is None:
        found = decoded[data] = json.loads(data) or {}
    return found


def _add(activity: Activity, kind: str, ref: int, value, flag, data, decoded: dict) -> None:
    if kind == "q":
        activity.quizzes[ref] = (float(value), bool(flag), _decoded(data, decoded))
    elif kind == "r":
        activity.readings.add(ref)
    elif kind == "p":
        activity.posts[ref] = int(value)
    elif kind == "e":
        activity.exercises.add(ref)


def activities(user_ids) -> dict[int, Activity]:
    """Each selected user's activity, from one statement."""
    found: dict[int, Activity] = defaultdict(Activity)
    decoded: dict = {}
    for kind, user_id, ref, value, flag, data in db.session.execute(_activity_statement(user_ids)):
        _add(found[user_id], kind, ref, value, flag, data, decoded)
    return found


def _ids(*user_ids: int):
    return select(User.id).where(User.id.in_(user_ids)).scalar_subquery()


def progress_for(user, threshold: float = 70, cat: Catalogue | None = None):
    """One user's Progress (4 statements with the catalogue)."""
    cat = cat or catalogue()
    activity = activities(_ids(user.id)).get(user.id, Activity())
    return measure(cat, activity, threshold), cat


# --------------------------------------------------------------------------- participant home


def certificate_of(user_id: int, cohort_id: int) -> Certificate | None:
    """The user's valid certificate for the cohort, if one was issued."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.cohort_id == cohort_id,
            Certificate.revoked_at.is_(None),
        )
    )


def alumni_forum_news(viewer: Viewer, limit: int = 5) -> list[tuple[Thread, Board]]:
    """The alumni-forum threads with the latest posts that the viewer may see (the board
    rule's SQL twin decides, as on the forum's own pages)."""
    return list(
        db.session.execute(
            select(Thread, Board)
            .join(Board, Board.id == Thread.board_id)
            .where(Board.kind == "alumni", boards_seen_by(viewer))
            .order_by(Thread.last_post_at.desc())
            .limit(limit)
        ).all()
    )


def _assessment_union_rows(user_ids):
    """Rows ("a", user, 0, 0.0, 1 for pre or 2 for post, per-objective points) of the pre/post
    assessment summaries of these users, shaped to join the activity union."""
    return select(
        literal("a"),
        QuizSummary.user_id,
        literal(0),
        cast(literal(0), Float),
        case((QuizSummary.phase == "pre", 1), else_=2),
        cast(QuizSummary.objectives, String),
    ).where(
        # Two comparisons, not IN (...): a list of literals is an expanding parameter,
        # which SQLAlchemy writes into the statement's text again at every execution (a
        # regular expression over the dashboard's longest statement).
        or_(QuizSummary.phase == "pre", QuizSummary.phase == "post"),
        QuizSummary.user_id.in_(user_ids),
        QuizSummary.quiz_id.in_(select(Quiz.id).where(Quiz.key == ASSESSMENT_KEY)),
    )


def _own_activity(user) -> tuple[Activity, dict[str, dict]]:
    """The user's activity and their pre/post assessment points, in one statement."""
    ids = _ids(user.id)
    assessments = _assessment_union_rows(ids)
    activity, by_phase, decoded = Activity(), {}, {}
    parts = [*_activity_statement(ids).selects, assessments]
    for kind, _user_id, ref, value, flag, data in db.session.execute(union_all(*parts)):
        if kind == "a":
            by_phase["pre" if flag == 1 else "post"] = _decoded(data, decoded)
        else:
            _add(activity, kind, ref, value, flag, data, decoded)
    return activity, by_phase


def home(user, today) -> dict:
    """Everything the participant home shows, in four statements: the latest cohort with the
    person's certificate code, the catalogue, the person's activity with their pre/post
    assessment points, and (for those who may read the alumni forum) the forum news.

    Who reads the alumni forum is the discussion board rule (Viewer.sees_alumni_forum): a
    participant of any cohort whose alumni phase began, not only of the latest one. The
    request's Viewer costs no statement of its own here: the navigation loads it anyway."""
    code = (
        select(Certificate.code)
        .where(
            Certificate.user_id == user.id,
            Certificate.cohort_id == Cohort.id,
            Certificate.revoked_at.is_(None),
        )
        .limit(1)
        .scalar_subquery()
    )
    latest = db.session.execute(
        select(Cohort, code)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Membership.role == "participant")
        .order_by(Cohort.workshop_start.desc())
        .limit(1)
    ).first()
    cohort, certificate_code = (latest[0], latest[1]) if latest else (None, None)
    threshold = cohort.mastery_threshold if cohort else 70
    cat = catalogue()
    activity, by_phase = _own_activity(user)
    progress = measure(cat, activity, threshold)
    viewer = viewer_for(user, today)
    is_alumni = viewer.sees_alumni_forum
    return {
        "cohort": cohort,
        "progress": progress,
        "next": next_step(progress, cat),
        "certificate_code": certificate_code,
        "can_certify": bool(cohort) and meets_completion_rule(cohort.completion_rule, progress),
        "is_alumni": is_alumni,
        "forum_news": alumni_forum_news(viewer) if is_alumni else [],
        "change": change_from(by_phase),
    }


# --------------------------------------------------------------------------- cohort dashboard


@dataclass
class Filters:
    country: str = ""
    organisation_type: str = ""
    page: int = 1

    def members(self, cohort_id: int):
        """A select of the ids of the cohort's participants matching the filters."""
        return _members(bool(self.country), bool(self.organisation_type)).params(
            self.values(cohort_id)
        )

    def values(self, cohort_id: int) -> dict:
        """The values of the bound parameters of `_members` (and of the dashboard's
        statements built on it)."""
        return {
            "dash_cohort": cohort_id,
            "dash_country": self.country,
            "dash_type": self.organisation_type,
            "dash_offset": (max(self.page, 1) - 1) * PAGE_SIZE,
        }

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in (("country", self.country), ("organisation_type", self.organisation_type))
            if v
        }


@cache
def _members(by_country: bool, by_type: bool):
    """A select of the ids of a cohort's participants, of a country and of an organisation
    type when asked; built once per process for each of the four shapes, with the values
    as bound parameters (`Filters.values`)."""
    membership, users = Membership.__table__, User.__table__
    statement = select(membership.c.user_id).where(
        membership.c.cohort_id == bindparam("dash_cohort", type_=Integer),
        membership.c.role == "participant",
    )
    if by_country or by_type:
        statement = statement.join(users, users.c.id == membership.c.user_id)
    if by_country:
        statement = statement.where(users.c.country == bindparam("dash_country", type_=String))
    if by_type:
        statement = statement.where(
            users.c.organisation_type == bindparam("dash_type", type_=String)
        )
    return statement


def _points(column, objective: int, index: int):
    """Earned (index 0) or possible (1) points of an objective in a summary's JSON."""
    return column[(str(objective), index)].as_float()


_GAINS_COLUMNS: dict[tuple[int, ...], tuple] = {}


def _gains_columns(objective_numbers: tuple[int, ...]) -> tuple:
    """The pre and post aliases and the three aggregates per objective, built once per
    process for each set of objectives (SQL expressions never change once built)."""
    found = _GAINS_COLUMNS.get(objective_numbers)
    if found is not None:
        return found
    pre = QuizSummary.__table__.alias("pre")
    post = QuizSummary.__table__.alias("post")
    columns = []
    for n in objective_numbers:

        def percent(table, n=n):
            earned = _points(table.c.objectives, n, 0)
            possible = _points(table.c.objectives, n, 1)
            return case((possible > 0, 100.0 * earned / possible), else_=None)

        both = and_(percent(pre).is_not(None), percent(post).is_not(None))
        columns += [
            func.sum(case((both, 1), else_=0)),
            func.avg(case((both, percent(pre)), else_=None)),
            func.avg(case((both, percent(post)), else_=None)),
        ]
    if len(_GAINS_COLUMNS) > 64:  # objectives change rarely; never grow without bound
        _GAINS_COLUMNS.clear()
    found = _GAINS_COLUMNS[objective_numbers] = (pre, post, columns)
    return found


def assessment_gains(members, objective_numbers: list[int]) -> list[dict]:
    """Per objective: people with both a pre and a post result, mean pre and post %, gains.

    Means are of each person's percent on the objective's questions; one aggregate statement.
    """
    pre, post, columns = _gains_columns(tuple(objective_numbers))
    if not columns:
        return []
    row = db.session.execute(
        select(*columns)
        .select_from(pre)
        .join(Quiz, and_(Quiz.id == pre.c.quiz_id, Quiz.key == ASSESSMENT_KEY))
        .join(
            post,
            and_(
                post.c.user_id == pre.c.user_id,
                post.c.quiz_id == pre.c.quiz_id,
                post.c.phase == "post",
            ),
        )
        .where(pre.c.phase == "pre", pre.c.user_id.in_(members))
    ).one()
    result = []
    for index, number in enumerate(objective_numbers):
        people, pre_mean, post_mean = row[3 * index : 3 * index + 3]
        people = int(people or 0)
        if not people:
            result.append({"objective": number, "people": 0})
            continue
        pre_mean, post_mean = float(pre_mean), float(post_mean)
        result.append(
            {
                "objective": number,
                "people": people,
                "pre": pre_mean,
                "post": post_mean,
                "raw_gain": post_mean - pre_mean,
                "normalised_gain": normalised_gain(pre_mean, post_mean),
            }
        )
    return result


# --------------------------------------------------------------------------- summaries


def _assessment_rows(user_ids):
    """(user_id, phase, objectives) of the selected users' pre/post assessment summaries."""
    return (
        select(QuizSummary.user_id, QuizSummary.phase, QuizSummary.objectives)
        .join(Quiz, and_(Quiz.id == QuizSummary.quiz_id, Quiz.key == ASSESSMENT_KEY))
        .where(QuizSummary.phase.in_(("pre", "post")), QuizSummary.user_id.in_(user_ids))
    )


def _stale(members, key: str | None):
    """A select of the ids of the selected members whose summary is missing or stale (of
    every member when `key` is None), each with their version (0 without a summary)."""
    totals = ProgressSummary.__table__.alias("totals")
    statement = (
        select(members.c[0].label("user_id"), func.coalesce(totals.c.version, 0).label("version"))
        .select_from(members)
        .outerjoin(totals, and_(totals.c.user_id == members.c[0], totals.c.objective == 0))
    )
    if key is None:
        return statement
    return statement.where(
        (totals.c.user_id.is_(None))
        | (totals.c.version != totals.c.refreshed)
        | (totals.c.catalogue_key != key)
    )


def _summary_rows(
    cat: Catalogue, key: str, user_id: int, activity: Activity, version: int, assessments: dict
) -> list[dict]:
    progress = measure(cat, activity)
    done = sum(_session_done(cat, s, activity) for s in cat.sessions)
    rows = [
        {
            "user_id": user_id,
            "objective": 0,
            "version": version,
            "refreshed": version,
            "catalogue_key": key,
            "done": done,
            "earned": 0.0,
            "pre": None,
            "post": None,
        }
    ]
    for objective in progress.objectives:
        pre, post = (assessments.get(phase, {}).get(objective.number) for phase in ("pre", "post"))
        rows.append(
            {
                "user_id": user_id,
                "objective": objective.number,
                "version": 0,
                "refreshed": 0,
                "catalogue_key": "",
                "done": objective.done,
                "earned": objective.earned,
                "pre": pre,
                "post": post,
            }
        )
    return rows


def _percents(objectives: dict | None) -> dict[int, float]:
    found = {}
    for number, pair in (objectives or {}).items():
        if isinstance(pair, list | tuple) and len(pair) == 2 and pair[1]:
            found[int(number)] = 100.0 * float(pair[0]) / float(pair[1])
    return found


def _store_summaries(rows: list[dict]) -> None:
    """Upsert summary rows in one statement and commit without expiring loaded objects."""
    statement = _dialect_insert()(ProgressSummary)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "objective"],
        set_={
            name: statement.excluded[name]
            for name in ("refreshed", "catalogue_key", "done", "earned", "pre", "post")
        },
    )
    db.session.execute(statement, rows)
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _refresh_statement(members, key, also=None, force: bool = False):
    """The one read of `refresh_progress`: the activity of the stale members and of the
    users selected by `also`, the stale members' versions and their pre/post assessments.

    `members` is a select of user ids; `key` the catalogue's fingerprint (a value or a bound
    parameter)."""
    member_ids = members.subquery()
    # One common table expression, used by every part of the statement (SQLite and
    # PostgreSQL compute it once): the stale members (is_stale 1, with their version),
    # then the users selected by `also` (is_stale 0). Someone both stale and selected is
    # in it twice (UNION ALL: on SQLite a UNION or an IN (SELECT ...) builds a temporary
    # index at every execution): their activity rows come twice, and adding a row twice
    # to an Activity changes nothing.
    stale = _stale(member_ids, None if force else key).add_columns(literal(1).label("is_stale"))
    if also is not None:
        stale = union_all(stale, also.add_columns(literal(0), literal(0)))
    wanted = stale.cte("wanted")
    is_stale = wanted.c.is_stale == 1
    versions = select(
        literal("v"), wanted.c[0], wanted.c[1], cast(literal(0), Float), literal(0), null()
    ).where(is_stale)
    summary = QuizSummary.__table__
    assessments = (
        select(
            literal("a"),
            summary.c.user_id,
            literal(0),
            cast(literal(0), Float),
            case((summary.c.phase == "pre", 1), else_=2),
            cast(summary.c.objectives, String),
        )
        .select_from(wanted)
        .join(summary, summary.c.user_id == wanted.c[0])
        .where(
            is_stale,
            # The assessment (its key is unique) as a value found once: joined, SQLite
            # would read every assessment summary and look each up in `stale`.
            summary.c.quiz_id
            == select(Quiz.id).where(Quiz.key == ASSESSMENT_KEY).scalar_subquery(),
            # Two comparisons, not IN (...): a list of literals is an expanding parameter.
            or_(summary.c.phase == "pre", summary.c.phase == "post"),
        )
    )
    parts = [*_activity_statement(None, joined=wanted).selects, versions, assessments]
    return union_all(*parts)


def _refreshed(cat: Catalogue, key: str, rows) -> dict[int, Activity]:
    """Store the recomputed summaries of the stale people among `rows` (the result of
    `_refresh_statement`), one statement when any was stale; returns the activity read."""
    found: dict[int, Activity] = defaultdict(Activity)
    version_of: dict[int, int] = {}
    tested: dict[int, dict] = defaultdict(dict)
    decoded: dict = {}
    for kind, user_id, ref, value, flag, data in rows:
        if kind == "r":  # the commonest row, added here without a call
            found[user_id].readings.add(ref)
        elif kind == "v":
            version_of[user_id] = int(ref or 0)
        elif kind == "a":
            tested[user_id]["pre" if flag == 1 else "post"] = _percents(_decoded(data, decoded))
        else:
            _add(found[user_id], kind, ref, value, flag, data, decoded)
    summary_rows = []
    # People in user-id order, each person's totals row (objective 0) first: every writer of
    # these rows takes their locks in that order, so on PostgreSQL a page, a rebuild and the
    # background refresh can wait for one another but never deadlock.
    for user_id, version in sorted(version_of.items()):
        summary_rows += _summary_rows(
            cat, key, user_id, found.get(user_id, Activity()), version, tested.get(user_id, {})
        )
    if summary_rows:
        _store_summaries(summary_rows)
    return found


def refresh_progress(cat: Catalogue, members, also=None, force: bool = False) -> dict:
    """Bring the summaries of the selected members up to date, in a constant number of
    statements: one reads the activity of the stale members (and of the users selected by
    `also`, e.g. the dashboard's page of people, whose activity is returned), one more
    stores the recomputed rows when any was stale.

    `members` is a select of user ids; with `force` every member is recomputed."""
    key = catalogue_key(cat)
    rows = db.session.execute(_refresh_statement(members, key, also, force))
    return _refreshed(cat, key, rows)


REFRESH_BATCH = 500


def _dialect_insert():
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert


def _add_missing_totals() -> None:
    """Give every participant without one a totals row marked stale (refreshed -1), in one
    short transaction, so that the triggers can mark them and the refresh can claim them."""
    summary = ProgressSummary.__table__
    has_totals = exists().where(summary.c.user_id == Membership.user_id, summary.c.objective == 0)
    missing = (
        select(Membership.user_id, literal(0), literal(0), literal(-1), literal(""))
        .where(Membership.role == "participant", ~has_totals)
        .distinct()
    )
    statement = (
        _dialect_insert()(summary)
        .from_select(["user_id", "objective", "version", "refreshed", "catalogue_key"], missing)
        .on_conflict_do_nothing(index_elements=["user_id", "objective"])
    )
    db.session.execute(statement)
    db.session.commit()


def _claim_stale(key: str, limit: int) -> list[int]:
    """Up to `limit` people whose summary is stale, in user-id order, locked for this
    transaction. On PostgreSQL FOR UPDATE SKIP LOCKED leaves the people another refresher
    (or a page, or an event's trigger) holds to them, so two refreshers never take the same
    person; on SQLite the transaction holds the write lock from its start (BEGIN IMMEDIATE
    outside requests), which serialises the refreshers."""
    summary = ProgressSummary.__table__
    return list(
        db.session.scalars(
            select(summary.c.user_id)
            .where(
                summary.c.objective == 0,
                (summary.c.version != summary.c.refreshed) | (summary.c.catalogue_key != key),
            )
            .order_by(summary.c.user_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def refresh_stale(batch: int = REFRESH_BATCH, pause: float | None = None) -> int:
    """Recompute every stale summary in batches of `batch` people; returns how many people.

    The background refresh (`flask --app portal progress refresh`). Each batch is one short
    transaction of three statements: claim the people, read their activity, store their
    rows. An event stored meanwhile raises the person's version (its trigger waits for the
    batch's lock on PostgreSQL), so the row stays stale and a later batch takes it again;
    nothing is lost and nobody is computed twice at once. On SQLite a batch holds the one
    write lock, so the refresh pauses `pause` seconds (default 0.1) between batches: a page
    waiting to write gets its turn instead of waiting for the whole run.
    """
    import time

    if pause is None:
        pause = 0.1 if db.engine.dialect.name == "sqlite" else 0.0
    cat = catalogue()
    key = catalogue_key(cat)
    db.session.commit()
    _add_missing_totals()
    refreshed = 0
    while True:
        ids = _claim_stale(key, batch)
        if not ids:
            db.session.commit()
            return refreshed
        refresh_progress(cat, select(User.id).where(User.id.in_(ids)), force=True)
        refreshed += len(ids)
        if pause:
            time.sleep(pause)


def rebuild_progress(batch: int = 2000) -> int:
    """Recompute every participant's summary rows from their records (the rebuild command);
    returns how many people. Commits each batch."""
    cat = catalogue()
    ids = db.session.scalars(
        select(Membership.user_id)
        .where(Membership.role == "participant")
        .distinct()
        .order_by(Membership.user_id)
    ).all()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        refresh_progress(cat, select(User.id).where(User.id.in_(chunk)), force=True)
    return len(ids)


class Person(NamedTuple):
    """A participant as the dashboard lists them, read as plain columns (no ORM object)."""

    id: int
    display_name: str
    deleted_at: datetime | None

    # The same rules as the account's (a deleted account shows as a former participant).
    is_deleted = User.is_deleted
    public_name = User.public_name


@dataclass(frozen=True)
class _DashboardStatements:
    read: object  # the page's activity, with the stale members' (refresh_progress)
    # Who may need a reminder ("a"), the per objective sums and means with the reminder
    # template ("f"), then the page's people by name ("p"): see `_dashboard_statements`.
    people: object


LIST_LIMIT = 100

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz_")


def _written_in(statement):
    """`statement` with each of its constants (the anonymous bound parameters that
    `literal("a")`, `== "participant"`, `else_=0` make: a small integer or a lower-case
    word) written into its text. The same rows; but a bound parameter costs at every
    execution (SQLAlchemy gathers and converts each one, the driver binds it), and the
    dashboard's two statements had about a hundred. Named parameters (the request's
    values) stay bound."""

    def written(element, **_kw):
        if not isinstance(element, BindParameter) or not element.unique:
            return None
        value = element.value
        if element.callable is not None:
            return None
        if type(value) is int:
            return literal_column(str(value), element.type)
        if type(value) is str and set(value) <= _PLAIN:
            return literal_column(f"'{value}'", element.type)
        return None

    return replacement_traverse(statement, {}, written)


@cache
def _dashboard_statements(by_country: bool, by_type: bool) -> _DashboardStatements:
    """The dashboard's statements for one shape of filters, built once per process: the
    cohort, filters, page, catalogue fingerprint and activity total are bound parameters
    (`dashboard` passes their values)."""
    users, summary = User.__table__, ProgressSummary.__table__
    members = _members(by_country, by_type)
    member_ids = members.subquery()
    page = (
        select(users.c.id)
        .select_from(member_ids)
        .join(users, users.c.id == member_ids.c[0])
        .order_by(users.c.display_name, users.c.id)
        .limit(PAGE_SIZE)
        .offset(bindparam("dash_offset", type_=Integer))
    )
    read = _refresh_statement(
        members, bindparam("dash_key", type_=String), also=select(page.subquery().c.id)
    )
    total = bindparam("dash_total", type_=Integer)
    both = and_(summary.c.pre.is_not(None), summary.c.post.is_not(None))
    is_totals = summary.c.objective == 0
    template = select(ReminderTemplate.__table__).where(
        ReminderTemplate.__table__.c.cohort_id == bindparam("dash_cohort", type_=Integer)
    )
    # The figures' columns by name (each column of a UNION needs its own label), with
    # their types for the rows that leave them empty; "members" to "behind" and the
    # template are the totals' (objective 0 only), the others the objectives'.
    figures = {
        "members": (Integer, func.count()),
        "not_started": (
            Integer,
            func.sum(case((summary.c.done == 0, 1), else_=0)),
        ),
        "behind": (
            Integer,
            func.sum(case((and_(summary.c.done > 0, summary.c.done * 2 < total), 1), else_=0)),
        ),
        "done_sum": (Integer, func.sum(summary.c.done)),
        "earned_sum": (Float, func.sum(summary.c.earned)),
        "tested": (Integer, func.sum(case((both, 1), else_=0))),
        "pre_mean": (Float, func.avg(case((both, summary.c.pre), else_=None))),
        "post_mean": (Float, func.avg(case((both, summary.c.post), else_=None))),
        "subject": (
            String,
            template.with_only_columns(ReminderTemplate.__table__.c.subject).scalar_subquery(),
        ),
        "body": (
            String,
            template.with_only_columns(ReminderTemplate.__table__.c.body).scalar_subquery(),
        ),
    }
    no_figures = [cast(null(), kind).label(name) for name, (kind, _sql) in figures.items()]
    attention = (
        select(
            literal("a").label("kind"),
            users.c.id,
            users.c.display_name,
            users.c.deleted_at,
            summary.c.done,
            *no_figures,
        )
        .select_from(member_ids)
        .join(users, users.c.id == member_ids.c[0])
        .join(summary, and_(summary.c.user_id == users.c.id, summary.c.objective == 0))
        .where(summary.c.done * 2 < total)
        .order_by(summary.c.done, users.c.display_name, users.c.id)
        .limit(LIST_LIMIT)
        .subquery()
    )
    # Every objective's rows, also of objectives no longer in the catalogue (which
    # `_figures` passes over): a list of the catalogue's numbers would be an expanding
    # parameter, written into the statement's text again at every execution.
    # The totals (objective 0: how many, not started, behind, with the template) and the
    # other objectives' sums apart: each aggregate costs at every group, and the totals'
    # figures are of no use to an objective nor the objectives' to the totals. No totals
    # row without members, as when the figures were one GROUP BY.
    of_totals = ("members", "not_started", "behind", "subject", "body")
    figure_columns = [
        (sql if name in of_totals else cast(null(), kind)).label(name)
        for name, (kind, sql) in figures.items()
    ]
    totals_figures = (
        select(
            literal("f"),
            literal(0),
            cast(null(), String),
            cast(null(), DateTime),
            cast(null(), Integer),
            *figure_columns,
        )
        .select_from(member_ids)
        .join(summary, and_(summary.c.user_id == member_ids.c[0], is_totals))
        .having(func.count() > 0)
    )
    objective_columns = [
        (cast(null(), kind) if name in of_totals else sql).label(name)
        for name, (kind, sql) in figures.items()
    ]
    per_objective = (
        select(
            literal("f"),
            summary.c.objective,
            cast(null(), String),
            cast(null(), DateTime),
            cast(null(), Integer),
            *objective_columns,
        )
        .select_from(member_ids)
        .join(summary, and_(summary.c.user_id == member_ids.c[0], summary.c.objective > 0))
        .group_by(summary.c.objective)
    )
    page_people = page.with_only_columns(
        literal("p").label("kind"),
        users.c.id,
        users.c.display_name,
        users.c.deleted_at,
        cast(null(), Integer).label("done"),
        *no_figures,
    ).subquery()
    # The three in one statement (two round trips less); each keeps its own order, as the
    # page's people have no "done" and the figures neither "done" nor a name.
    rows = union_all(
        select(attention), totals_figures, per_objective, select(page_people)
    ).subquery()
    people = select(rows).order_by(rows.c.kind, rows.c.done, rows.c.display_name, rows.c.id)
    return _DashboardStatements(_written_in(read), _written_in(people))


def _figures(cat: Catalogue, rows) -> dict:
    """From the figures' rows of the people statement (the sums over the summary rows of
    the selected members, one row per objective): how many people, not started and behind;
    per objective the averages of activities done and points earned and the pre/post means
    of the people who took both; and the cohort's reminder template."""
    rows = [(row[1], *row[5:]) for row in rows]  # the objective, then the figures
    by_objective = {row[0]: row for row in rows}
    totals = by_objective.get(0)
    people = int(totals[1]) if totals else 0
    averages, gains = [], []
    for objective in cat.objectives:
        row = by_objective.get(objective.number)
        done, earned = (float(row[4] or 0), float(row[5] or 0)) if row else (0.0, 0.0)
        activities_total = cat.activities(objective.number)
        possible = cat.possible.get(objective.number, 0.0)
        averages.append(
            {
                "objective": objective,
                "coverage": 100 * done / (people * activities_total)
                if people and activities_total
                else None,
                "mastery": 100 * earned / (people * possible) if people and possible else None,
            }
        )
        tested = int(row[6] or 0) if row else 0
        if not tested:
            gains.append({"objective": objective.number, "people": 0})
            continue
        pre_mean, post_mean = float(row[7]), float(row[8])
        gains.append(
            {
                "objective": objective.number,
                "people": tested,
                "pre": pre_mean,
                "post": post_mean,
                "raw_gain": post_mean - pre_mean,
                "normalised_gain": normalised_gain(pre_mean, post_mean),
            }
        )
    first = rows[0] if rows else None
    return {
        "people": people,
        "not_started": int(totals[2] or 0) if totals else 0,
        "behind": int(totals[3] or 0) if totals else 0,
        "averages": averages,
        "gains": gains,
        "template": (first[9], first[10]) if first and first[9] is not None else None,
    }


def dashboard(cohort: Cohort, filters: Filters, version: int | None = None) -> dict:
    """The cohort dashboard: a page of the matrix, averages, attention list and gains.

    Two statements whatever the cohort's size (three when summaries were stale), with the
    curriculum's `version` read beforehand (by the page's permission check) and the
    catalogue kept by it: the activity of the page of people (and of anyone whose summary
    is stale), [the refreshed summaries], and the attention list with the figures from the
    summary rows (with the reminder template) and the page's people. Up to LIST_LIMIT participants
    are in the attention list: not started (nothing done) or behind (less than half of all
    activities done), fewest done first.
    """
    statements = _dashboard_statements(bool(filters.country), bool(filters.organisation_type))
    cat = catalogue(version)
    values = filters.values(cohort.id)
    # Normally nobody here is stale: the background refresh (`flask --app portal progress
    # refresh --loop`, started beside the outbox worker) recomputes a person's rows within
    # seconds of the event that made them stale, in small batches outside any request. The
    # check stays, at no extra statement (it rides on the read of the page's activity), so
    # that the figures are never older than the events: someone who acted since the last
    # batch, a worker that is not running, or a catalogue just changed are recomputed here.
    try:
        key = catalogue_key(cat)
        found = _refreshed(cat, key, driver_rows(statements.read, {**values, "dash_key": key}))
    except OperationalError as error:
        # On SQLite this GET read in a deferred transaction; when it has stale rows to
        # store and another writer (the background refresh) committed meanwhile, SQLite
        # refuses the write at once. Start again holding the write lock from the start.
        if not lost_read_snapshot(error):
            raise
        db.session.rollback()
        write_lock_for_this_request()
        cat = catalogue()
        key = catalogue_key(cat)
        found = _refreshed(cat, key, driver_rows(statements.read, {**values, "dash_key": key}))
    total = cat.all_activities()
    values["dash_total"] = total
    people = driver_rows(statements.people, values)
    nothing = Activity()
    rows = [
        {"user": Person(*u[1:4]), "figures": matrix_row(cat, found.get(u[1], nothing))}
        for u in people
        if u[0] == "p"
    ]
    figures = _figures(cat, [u for u in people if u[0] == "f"])
    attention = [
        {"user": Person(*u[1:4]), "done": u[4], "total": total} for u in people if u[0] == "a"
    ]
    return {
        "catalogue": cat,
        "rows": rows,
        "people": figures["people"],
        "pages": max(1, -(-figures["people"] // PAGE_SIZE)),
        "averages": figures["averages"],
        "attention": attention,
        "not_started": figures["not_started"],
        "behind": figures["behind"],
        "gains": figures["gains"],
        "template": figures["template"],
    }


def cohort_participant(cohort: Cohort, user_id: int) -> User | None:
    """A participant of the cohort by id, else None (so other people answer 404)."""
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            User.id == user_id,
            Membership.cohort_id == cohort.id,
            Membership.role == "participant",
        )
    )


def participant_detail(cohort: Cohort, user: User) -> dict:
    """A participant's bars, attempts, readings done, posts and reminders received."""
    progress, cat = progress_for(user, cohort.mastery_threshold)
    attempts = db.session.execute(
        select(QuizAttempt, Quiz.title, Quiz.kind)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.state == "submitted")
        .order_by(QuizAttempt.submitted_at.desc())
    ).all()
    readings = db.session.execute(
        select(CurriculumSession.number, Reading.title, ReadingProgress.done_at)
        .join(Reading, Reading.id == ReadingProgress.reading_id)
        .join(CurriculumSession, CurriculumSession.id == Reading.session_id)
        .where(ReadingProgress.user_id == user.id)
        .order_by(ReadingProgress.done_at.desc())
    ).all()
    posts = db.session.execute(
        select(Post.id, Post.created_at, Thread.title, Board.title)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .where(
            Post.author_id == user.id,
            Post.is_deleted.is_(False),
            Board.cohort_id == cohort.id,
        )
        .order_by(Post.created_at.desc())
        .limit(50)
    ).all()
    reminders = db.session.scalars(
        select(Reminder)
        .where(Reminder.user_id == user.id, Reminder.cohort_id == cohort.id)
        .order_by(Reminder.sent_at.desc())
    ).all()
    return {
        "progress": progress,
        "catalogue": cat,
        "attempts": attempts,
        "readings": readings,
        "posts": posts,
        "reminders": reminders,
    }


def reminder_template(cohort: Cohort) -> ReminderTemplate | None:
    return db.session.scalar(
        select(ReminderTemplate).where(ReminderTemplate.cohort_id == cohort.id)
    )


# --------------------------------------------------------------------------- export


def export_rows(cohort: Cohort, filters: Filters) -> Iterator[tuple[User, object]]:
    """(user, Progress) for every selected participant, streamed: two statements in all.

    Members and their activity are both read in user-id order with server-side cursors and
    merged, so memory does not grow with the cohort.
    """
    cat = catalogue()
    members = filters.members(cohort.id)
    users = db.session.execute(
        select(User).where(User.id.in_(members)).order_by(User.id).execution_options(yield_per=500)
    ).scalars()
    ordered = _activity_statement(members).subquery()
    stream = db.session.execute(
        select(ordered).order_by(ordered.c.user_id).execution_options(yield_per=2000)
    )
    pending = next(stream, None)
    for user in users:
        activity, decoded = Activity(), {}  # per person: memory stays flat
        while pending is not None and pending[1] < user.id:
            pending = next(stream, None)
        while pending is not None and pending[1] == user.id:
            kind, _uid, ref, value, flag, data = pending
            _add(activity, kind, ref, value, flag, data, decoded)
            pending = next(stream, None)
        yield user, measure(cat, activity, cohort.mastery_threshold), cat


# --------------------------------------------------------------------------- programme report


def _people_by(column) -> list[tuple[str, int]]:
    participants = (
        select(Membership.user_id).where(Membership.role == "participant").distinct().subquery()
    )
    return [
        (value or "", count)
        for value, count in db.session.execute(
            select(column, func.count())
            .select_from(participants)
            .join(User, User.id == participants.c.user_id)
            .group_by(column)
            .order_by(func.count().desc(), column)
        )
    ]


def practices_shared() -> dict[str, list[tuple[str, int, int]]]:
    """Published practices by country and by organisation type: (value, practices, people),
    people being the practices' distinct authors; one statement. A practice tagged with two
    countries counts in both."""
    from portal.practices.models import Practice, PracticeTag

    found: dict[str, list[tuple[str, int, int]]] = {"country": [], "org": []}
    practices = func.count(func.distinct(Practice.id))
    for facet, value, count, people in db.session.execute(
        select(
            PracticeTag.facet,
            PracticeTag.value,
            practices,
            func.count(func.distinct(Practice.author_id)),
        )
        .join(Practice, Practice.id == PracticeTag.practice_id)
        .where(Practice.status == "published", PracticeTag.facet.in_(("country", "org")))
        .group_by(PracticeTag.facet, PracticeTag.value)
        .order_by(PracticeTag.facet, practices.desc(), PracticeTag.value)
    ):
        found[facet].append((value, int(count), int(people)))
    return found


def programme_report() -> dict:
    """Across cohorts: people by country, organisation type and cohort, completion per
    cohort, and the mean pre/post gain per objective. Suppression is applied by the caller
    (`measure.suppressed`) so that the page and the CSV hide the same figures.

    Completion needs each person's measure, so it streams the cohorts' participants
    (two statements per cohort, whatever their size).
    """
    by_cohort = []
    cat = catalogue()
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.workshop_start)).all()
    for cohort in cohorts:
        people = completed = 0
        for _user, progress, _cat in export_rows(cohort, Filters()):
            people += 1
            if progress.all_met and progress.done == len(progress.sessions):
                completed += 1
        by_cohort.append({"cohort": cohort, "people": people, "completed": completed})
    everyone = select(Membership.user_id).where(Membership.role == "participant")
    return {
        "by_country": _people_by(User.country),
        "by_type": _people_by(User.organisation_type),
        "by_cohort": by_cohort,
        "gains": assessment_gains(everyone, [o.number for o in cat.objectives]),
        "objectives": cat.objectives,
        "practices": practices_shared(),
    }


def participant_cohort(user, cohort_id: int) -> Cohort | None:
    """A cohort the user takes part in as participant, else None."""
    return db.session.scalar(
        select(Cohort)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Cohort.id == cohort_id,
            Membership.user_id == user.id,
            Membership.role == "participant",
        )
    )


def verified_certificate(code: str):
    """(certificate, name, cohort) for a valid code; None for unknown and revoked alike."""
    row = db.session.execute(
        select(Certificate, User.display_name, Cohort)
        .join(User, User.id == Certificate.user_id)
        .join(Cohort, Cohort.id == Certificate.cohort_id)
        .where(Certificate.code == code, Certificate.revoked_at.is_(None))
    ).first()
    return tuple(row) if row else None


def certificate_by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def programme_title() -> str:
    from portal.learning.models import Programme

    programme = db.session.get(Programme, 1)
    return programme.title if programme and programme.title else "VCA training programme"
