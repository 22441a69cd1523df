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

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.types import JSON

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.discussion.models import Board, Post, SessionPostSummary, Thread
from portal.exercises.models import ExerciseSummary
from portal.extensions import db
from portal.learning.content_files import ASSESSMENT_KEY
from portal.learning.models import (
    CurriculumSession,
    Question,
    Quiz,
    QuizAttempt,
    QuizSummary,
    Reading,
    ReadingProgress,
)
from portal.learning.queries import assessment_change
from portal.progress.measure import (
    Activity,
    Catalogue,
    SessionInfo,
    measure,
    meets_completion_rule,
    next_step,
    normalised_gain,
)
from portal.progress.models import Certificate, Reminder, ReminderTemplate

EXERCISES_COUNTED = True
PAGE_SIZE = 50


def submitted_exercises(user_ids):
    """A select of (user_id, session_id) for sessions where the user has submitted an
    exercise at least once (a trainer sending it back does not undo the activity).

    `user_ids` is a select of user ids."""
    return (
        select(ExerciseSummary.user_id, ExerciseSummary.session_id)
        .where(
            ExerciseSummary.first_submitted_at.is_not(None),
            ExerciseSummary.user_id.in_(user_ids),
        )
        .subquery()
    )


# --------------------------------------------------------------------------- catalogue


def catalogue() -> Catalogue:
    """The current sessions, their readings and quizzes, and each objective's maximum points.

    Three statements, whatever the number of participants.
    """
    sessions = (
        db.session.scalars(
            select(CurriculumSession)
            .options(joinedload(CurriculumSession.objectives))
            .where(CurriculumSession.is_retired.is_(False))
            .order_by(CurriculumSession.number)
        )
        .unique()
        .all()
    )
    readings: dict[int, list] = defaultdict(list)
    for reading_id, session_id, slug, title in db.session.execute(
        select(Reading.id, Reading.session_id, Reading.slug, Reading.title)
        .where(Reading.is_retired.is_(False))
        .order_by(Reading.session_id, Reading.position, Reading.id)
    ):
        readings[session_id].append((reading_id, slug, title))
    quiz_of: dict[int, int] = {}
    possible: dict[int, float] = defaultdict(float)
    session_objectives = {s.id: {o.number for o in s.objectives} for s in sessions}
    for quiz_id, session_id, objectives, points in db.session.execute(
        select(Quiz.id, Quiz.session_id, Question.objectives, Question.points)
        .join(Question, Question.quiz_id == Quiz.id)
        .where(
            Quiz.kind == "session",
            Quiz.session_id.is_not(None),
            Quiz.is_retired.is_(False),
            Question.is_retired.is_(False),
        )
    ):
        if session_id not in session_objectives:
            continue
        quiz_of[session_id] = quiz_id
        for number in objectives or []:
            possible[int(number)] += float(points)
    objectives = {o.number: o for s in sessions for o in s.objectives}
    return Catalogue(
        objectives=[objectives[n] for n in sorted(objectives)],
        sessions=[
            SessionInfo(
                id=s.id,
                number=s.number,
                title=s.title,
                objectives=sorted(session_objectives[s.id]),
                readings=readings.get(s.id, []),
                quiz_id=quiz_of.get(s.id),
                has_exercise=s.has_exercise,
            )
            for s in sessions
        ],
        possible=dict(possible),
        exercises_counted=EXERCISES_COUNTED,
    )


# --------------------------------------------------------------------------- activity


def _activity_statement(user_ids):
    """One UNION ALL over the summary rows of the users selected by `user_ids`."""
    quizzes = select(
        literal("q").label("kind"),
        QuizSummary.user_id.label("user_id"),
        QuizSummary.quiz_id.label("ref"),
        QuizSummary.best_percent.label("value"),
        cast(QuizSummary.passed, Integer).label("flag"),
        QuizSummary.objectives.label("data"),
    ).where(QuizSummary.phase == "", QuizSummary.user_id.in_(user_ids))
    readings = select(
        literal("r"),
        ReadingProgress.user_id,
        ReadingProgress.reading_id,
        cast(literal(0), Float),
        literal(0),
        cast(null(), JSON),
    ).where(ReadingProgress.user_id.in_(user_ids))
    posts = select(
        literal("p"),
        SessionPostSummary.user_id,
        SessionPostSummary.session_id,
        cast(SessionPostSummary.posts, Float),
        literal(0),
        cast(null(), JSON),
    ).where(SessionPostSummary.posts > 0, SessionPostSummary.user_id.in_(user_ids))
    parts = [quizzes, readings, posts]
    exercises = submitted_exercises(user_ids)
    if exercises is not None:
        parts.append(
            select(
                literal("e"),
                exercises.c[0],
                exercises.c[1],
                cast(literal(0), Float),
                literal(0),
                cast(null(), JSON),
            )
        )
    return union_all(*parts)


def _add(activity: Activity, kind: str, ref: int, value, flag, data) -> None:
    if kind == "q":
        activity.quizzes[ref] = (float(value), bool(flag), data or {})
    elif kind == "r":
        activity.readings.add(ref)
    elif kind == "p":
        activity.posts[ref] = int(value)
    elif kind == "e":
        activity.exercises.add(ref)


def activities(user_ids) -> dict[int, Activity]:
    """Each selected user's activity, from one statement."""
    found: dict[int, Activity] = defaultdict(Activity)
    for kind, user_id, ref, value, flag, data in db.session.execute(_activity_statement(user_ids)):
        _add(found[user_id], kind, ref, value, flag, data)
    return found


def _ids(*user_ids: int):
    return select(User.id).where(User.id.in_(user_ids)).scalar_subquery()


def progress_for(user, threshold: float = 70, cat: Catalogue | None = None):
    """One user's Progress (4 statements with the catalogue)."""
    cat = cat or catalogue()
    activity = activities(_ids(user.id)).get(user.id, Activity())
    return measure(cat, activity, threshold), cat


# --------------------------------------------------------------------------- participant home


def participant_cohorts(user) -> list[Cohort]:
    """The cohorts the user takes part in (as participant), newest first."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.user_id == user.id, Membership.role == "participant")
            .order_by(Cohort.workshop_start.desc())
        )
    )


def certificate_of(user_id: int, cohort_id: int) -> Certificate | None:
    """The user's valid certificate for the cohort, if one was issued."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.cohort_id == cohort_id,
            Certificate.revoked_at.is_(None),
        )
    )


def alumni_forum_news(limit: int = 5) -> list[tuple[Thread, Board]]:
    """The alumni-forum threads with the latest posts."""
    return list(
        db.session.execute(
            select(Thread, Board)
            .join(Board, Board.id == Thread.board_id)
            .where(Board.kind == "alumni")
            .order_by(Thread.last_post_at.desc())
            .limit(limit)
        ).all()
    )


def home(user, today) -> dict:
    """Everything the participant home shows; a handful of statements."""
    cohorts = participant_cohorts(user)
    cohort = cohorts[0] if cohorts else None
    threshold = cohort.mastery_threshold if cohort else 70
    progress, cat = progress_for(user, threshold)
    is_alumni = bool(cohort and cohort.is_alumni_phase(today))
    return {
        "cohort": cohort,
        "progress": progress,
        "next": next_step(progress, cat),
        "certificate": certificate_of(user.id, cohort.id) if cohort else None,
        "can_certify": bool(cohort) and meets_completion_rule(cohort.completion_rule, progress),
        "is_alumni": is_alumni,
        "forum_news": alumni_forum_news() if is_alumni else [],
        "change": assessment_change(user.id),
    }


# --------------------------------------------------------------------------- cohort dashboard


@dataclass
class Filters:
    country: str = ""
    organisation_type: str = ""
    page: int = 1

    def members(self, cohort_id: int):
        """A select of the ids of the cohort's participants matching the filters."""
        statement = select(Membership.user_id).where(
            Membership.cohort_id == cohort_id, Membership.role == "participant"
        )
        if self.country or self.organisation_type:
            statement = statement.join(User, User.id == Membership.user_id)
        if self.country:
            statement = statement.where(User.country == self.country)
        if self.organisation_type:
            statement = statement.where(User.organisation_type == self.organisation_type)
        return statement

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in (("country", self.country), ("organisation_type", self.organisation_type))
            if v
        }


def _points(column, objective: int, index: int):
    """Earned (index 0) or possible (1) points of an objective in a summary's JSON."""
    return column[(str(objective), index)].as_float()


def _member_page(cohort_id: int, filters: Filters) -> tuple[list[User], int]:
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(User, total)
        .where(User.id.in_(filters.members(cohort_id)))
        .order_by(User.display_name, User.id)
        .limit(PAGE_SIZE)
        .offset((max(filters.page, 1) - 1) * PAGE_SIZE)
    ).all()
    return [u for u, _t in rows], (rows[0][1] if rows else 0)


def _cohort_sums(cat: Catalogue, members) -> dict:
    """Sums over all selected members, by session and quiz, from one aggregate statement."""
    numbers = [o.number for o in cat.objectives]
    zeros = [cast(literal(0), Float) for _ in numbers]
    reading_sums = (
        select(literal("r"), Reading.session_id, func.count(), *zeros)
        .select_from(ReadingProgress)
        .join(Reading, Reading.id == ReadingProgress.reading_id)
        .where(Reading.is_retired.is_(False), ReadingProgress.user_id.in_(members))
        .group_by(Reading.session_id)
    )
    post_sums = (
        select(literal("p"), SessionPostSummary.session_id, func.count(), *zeros)
        .where(SessionPostSummary.posts > 0, SessionPostSummary.user_id.in_(members))
        .group_by(SessionPostSummary.session_id)
    )
    quiz_sums = (
        select(
            literal("q"),
            QuizSummary.quiz_id,
            func.sum(case((QuizSummary.passed.is_(True), 1), else_=0)),
            *[
                cast(
                    func.coalesce(func.sum(QuizSummary.objectives[(str(n), 0)].as_float()), 0),
                    Float,
                )
                for n in numbers
            ],
        )
        .where(QuizSummary.phase == "", QuizSummary.user_id.in_(members))
        .group_by(QuizSummary.quiz_id)
    )
    sums: dict = {"r": {}, "p": {}, "q": {}}
    # Reading sums count only readings in the catalogue (current ones) via the session total.
    for kind, ref, count, *earned in db.session.execute(
        union_all(reading_sums, post_sums, quiz_sums)
    ):
        sums[kind][ref] = (int(count or 0), [float(e or 0) for e in earned])
    return sums


def cohort_averages(cat: Catalogue, sums: dict, people: int) -> list[dict]:
    """Per objective, the cohort's mean coverage and mean mastery (each person weighs the same).

    Both measures are linear in a person's counts, so the mean of the people's values is the
    sum of their counts over people × the objective's total.
    """
    result = []
    for index, objective in enumerate(cat.objectives):
        serving = [s for s in cat.sessions if objective.number in s.objectives]
        done = 0
        earned = 0.0
        for session in serving:
            done += sums["r"].get(session.id, (0, []))[0]
            done += sums["p"].get(session.id, (0, []))[0]
            if session.quiz_id is not None:
                passed, points = sums["q"].get(session.quiz_id, (0, [0.0] * len(cat.objectives)))
                done += passed
                earned += points[index]
        total = cat.activities(objective.number)
        possible = cat.possible.get(objective.number, 0.0)
        result.append(
            {
                "objective": objective,
                "coverage": 100 * done / (people * total) if people and total else None,
                "mastery": 100 * earned / (people * possible) if people and possible else None,
            }
        )
    return result


def _done_counts(cat: Catalogue, members):
    """A subquery: (user_id, done) for every selected member, from the summary rows."""
    session_ids = [s.id for s in cat.sessions]
    quiz_ids = [s.quiz_id for s in cat.sessions if s.quiz_id is not None]
    reading_ids = [r[0] for s in cat.sessions for r in s.readings]
    parts = [
        select(ReadingProgress.user_id.label("user_id")).where(
            ReadingProgress.user_id.in_(members), ReadingProgress.reading_id.in_(reading_ids or [0])
        ),
        select(QuizSummary.user_id).where(
            QuizSummary.user_id.in_(members),
            QuizSummary.phase == "",
            QuizSummary.passed.is_(True),
            QuizSummary.quiz_id.in_(quiz_ids or [0]),
        ),
        select(SessionPostSummary.user_id).where(
            SessionPostSummary.user_id.in_(members),
            SessionPostSummary.posts > 0,
            SessionPostSummary.session_id.in_(session_ids or [0]),
        ),
    ]
    done = union_all(*parts).subquery()
    return select(done.c.user_id, func.count().label("done")).group_by(done.c.user_id).subquery()


LIST_LIMIT = 100


def attention_list(cat: Catalogue, members) -> tuple[list[dict], int, int]:
    """Participants not started (nothing done) or behind (less than half of all activities).

    Returns up to LIST_LIMIT rows (fewest done first), and how many are not started and behind.
    """
    total = cat.all_activities()
    done = _done_counts(cat, members)
    done_value = func.coalesce(done.c.done, 0)
    not_started = func.sum(case((done_value == 0, 1), else_=0)).over()
    behind = func.sum(case((done_value > 0, 1), else_=0)).over()
    rows = db.session.execute(
        select(User, done_value, not_started, behind)
        .outerjoin(done, done.c.user_id == User.id)
        .where(User.id.in_(members), done_value * 2 < total)
        .order_by(done_value, User.display_name, User.id)
        .limit(LIST_LIMIT)
    ).all()
    people = [{"user": u, "done": d, "total": total} for u, d, _n, _b in rows]
    return people, (rows[0][2] if rows else 0), (rows[0][3] if rows else 0)


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


def dashboard(cohort: Cohort, filters: Filters) -> dict:
    """The cohort dashboard: a page of the matrix, averages, attention list and gains.

    Eight statements whatever the cohort's size: catalogue (3), page of members (1), their
    activity (1), the cohort sums (1), the attention list (1) and the pre/post gains (1).
    """
    cat = catalogue()
    members = filters.members(cohort.id)
    people, total = _member_page(cohort.id, filters)
    found = activities(_ids(*[u.id for u in people])) if people else {}
    rows = [
        {"user": u, "progress": measure(cat, found.get(u.id, Activity()), cohort.mastery_threshold)}
        for u in people
    ]
    sums = _cohort_sums(cat, members)
    attention, not_started, behind = attention_list(cat, members)
    return {
        "catalogue": cat,
        "rows": rows,
        "people": total,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "averages": cohort_averages(cat, sums, total),
        "attention": attention,
        "not_started": not_started,
        "behind": behind,
        "gains": assessment_gains(members, [o.number for o in cat.objectives]),
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
        activity = Activity()
        while pending is not None and pending[1] < user.id:
            pending = next(stream, None)
        while pending is not None and pending[1] == user.id:
            kind, _uid, ref, value, flag, data = pending
            _add(activity, kind, ref, value, flag, data)
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
