"""The measure of progress toward the programme's objectives (pure functions, no SQL).

For a participant and an objective:

- the *activities* of the objective are, for every current session serving it: each current
  reading, the session quiz (when it has current questions), a post in the session's board,
  and (once the exercise feature exists) the session's exercise;
- *coverage* is the share of those activities done (reading marked done, quiz passed once,
  at least one post in the session's board, exercise submitted);
- *mastery* is the best attempt's points on the current questions tagged with the objective
  over the maximum points of all those questions (a question tagged with two objectives
  counts fully for both);
- the objective is *met* when coverage is 100 % and mastery reaches the cohort's threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class SessionInfo:
    id: int
    number: int
    title: str
    objectives: list[int]
    readings: list[tuple[int, str, str]]  # (reading id, slug, title) in order
    quiz_id: int | None = None
    has_exercise: bool = False


@dataclass
class Catalogue:
    """What counts: current sessions, readings, quizzes and the points per objective."""

    objectives: list  # Objective rows, in number order
    sessions: list[SessionInfo]
    possible: dict[int, float]  # objective -> maximum points of its current questions
    exercises_counted: bool = False

    def all_activities(self) -> int:
        return self._counts[0]

    def activities(self, objective: int) -> int:
        found = self._counts[1].get(objective)
        if found is None:
            found = sum(
                _session_activities(self, s) for s in self.sessions if objective in s.objectives
            )
        return found

    @cached_property
    def _counts(self) -> tuple[int, dict[int, int]]:
        """All activities, and each objective's: a page asks for them several times and
        `catalogue()` shares a catalogue between requests, so they are counted once."""
        per_session = [(s, _session_activities(self, s)) for s in self.sessions]
        by_objective = {
            o.number: sum(n for s, n in per_session if o.number in s.objectives)
            for o in self.objectives
        }
        return sum(n for _s, n in per_session), by_objective

    @cached_property
    def numbers(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The objectives' numbers and the sessions' numbers, in order: all that the
        dashboard's labels and column heads read of the catalogue (display.objective_labels
        keeps them by these), worked out once per catalogue."""
        return tuple(o.number for o in self.objectives), tuple(s.number for s in self.sessions)

    @cached_property
    def matrix_plan(self) -> tuple[tuple, tuple]:
        """What `matrix_row` reads, worked out once per catalogue: per session its readings
        (a set), quiz, id and whether its exercise counts; per objective its number (also as
        the summaries' text key), the places of the sessions serving it, its activities and
        its possible points."""
        sessions = tuple(
            (
                frozenset(r[0] for r in s.readings),
                len(s.readings),
                s.quiz_id,
                s.id,
                self.exercises_counted and s.has_exercise,
            )
            for s in self.sessions
        )
        objectives = tuple(
            (
                o.number,
                str(o.number),
                tuple(i for i, s in enumerate(self.sessions) if o.number in s.objectives),
                total,
                self.possible.get(o.number, 0.0),
            )
            for o, _serving, total in self.serving
        )
        return sessions, objectives

    @cached_property
    def serving(self) -> list[tuple[object, list[SessionInfo], int]]:
        """Per objective: the objective, the sessions serving it and its number of
        activities. None of it depends on the person, so a page that measures many people
        against one catalogue (the dashboard) works it out once."""
        return [
            (o, [s for s in self.sessions if o.number in s.objectives], self.activities(o.number))
            for o in self.objectives
        ]


def _session_activities(catalogue: Catalogue, session: SessionInfo) -> int:
    count = len(session.readings) + 1  # the readings and a post in the session's board
    if session.quiz_id is not None:
        count += 1
    if catalogue.exercises_counted and session.has_exercise:
        count += 1
    return count


@dataclass
class Activity:
    """One participant's stored activity (read from the summary rows)."""

    readings: set[int] = field(default_factory=set)
    quizzes: dict[int, tuple[float, bool, dict]] = field(default_factory=dict)
    posts: dict[int, int] = field(default_factory=dict)
    exercises: set[int] = field(default_factory=set)

    @property
    def is_started(self) -> bool:
        return bool(self.readings or self.quizzes or self.posts or self.exercises)


@dataclass
class ObjectiveResult:
    number: int
    title: str
    description: str
    done: int
    total: int
    earned: float
    possible: float
    threshold: float

    @property
    def coverage(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0

    @property
    def mastery(self) -> float | None:
        return 100.0 * self.earned / self.possible if self.possible else None

    @property
    def is_met(self) -> bool:
        mastery_ok = self.mastery is None or self.mastery >= self.threshold - 1e-9
        return self.done >= self.total and mastery_ok


@dataclass
class SessionResult:
    number: int
    title: str
    readings_done: int
    readings_total: int
    best_percent: float | None
    passed: bool
    has_quiz: bool
    posted: bool
    exercise: str  # "submitted", "open", "none" (no exercise) or "not_counted"
    next_reading: tuple[int, str, str] | None

    @property
    def status(self) -> str:
        quiz_done = self.passed or not self.has_quiz
        if quiz_done and self.readings_done >= self.readings_total and self.posted:
            return "done"
        if self.readings_done or self.best_percent is not None or self.posted:
            return "in_progress"
        return "not_started"


@dataclass
class Progress:
    objectives: list[ObjectiveResult]
    sessions: list[SessionResult]
    activity: Activity

    @property
    def done(self) -> int:
        return sum(1 for s in self.sessions if s.status == "done")

    @property
    def all_met(self) -> bool:
        return all(o.is_met for o in self.objectives)


def _session_done(catalogue: Catalogue, session: SessionInfo, activity: Activity) -> int:
    done = sum(1 for reading_id, _s, _t in session.readings if reading_id in activity.readings)
    if session.quiz_id is not None and activity.quizzes.get(session.quiz_id, (0, False, {}))[1]:
        done += 1
    if activity.posts.get(session.id, 0) > 0:
        done += 1
    if catalogue.exercises_counted and session.has_exercise and session.id in activity.exercises:
        done += 1
    return done


def measure(catalogue: Catalogue, activity: Activity, threshold: float = 70) -> Progress:
    """Coverage, mastery and met per objective, and the state of every session."""
    objectives = []
    for objective, serving, total in catalogue.serving:
        number = objective.number
        earned = 0.0
        for session in serving:
            summary = activity.quizzes.get(session.quiz_id) if session.quiz_id else None
            if summary:
                earned += float((summary[2] or {}).get(str(number), [0, 0])[0])
        objectives.append(
            ObjectiveResult(
                number=number,
                title=objective.title,
                description=objective.description,
                done=sum(_session_done(catalogue, s, activity) for s in serving),
                total=total,
                earned=earned,
                possible=catalogue.possible.get(number, 0.0),
                threshold=threshold,
            )
        )
    sessions = []
    for session in catalogue.sessions:
        summary = activity.quizzes.get(session.quiz_id) if session.quiz_id else None
        missing = [r for r in session.readings if r[0] not in activity.readings]
        if not session.has_exercise:
            exercise = "none"
        elif not catalogue.exercises_counted:
            exercise = "not_counted"
        else:
            exercise = "submitted" if session.id in activity.exercises else "open"
        sessions.append(
            SessionResult(
                number=session.number,
                title=session.title,
                readings_done=len(session.readings) - len(missing),
                readings_total=len(session.readings),
                best_percent=summary[0] if summary else None,
                passed=bool(summary and summary[1]),
                has_quiz=session.quiz_id is not None,
                posted=activity.posts.get(session.id, 0) > 0,
                exercise=exercise,
                next_reading=missing[0] if missing else None,
            )
        )
    return Progress(objectives=objectives, sessions=sessions, activity=activity)


def matrix_row(catalogue: Catalogue, activity: Activity) -> tuple[list, list]:
    """What the dashboard's matrix shows of one person, the same figures as `measure`:
    per objective (coverage, mastery), per session (readings done, readings, best quiz
    percent or None, has a quiz, posted). Without measure's result objects, of which the
    matrix reads a few numbers: a page has fifty people (tests/progress/test_measure.py
    holds the two to the same figures)."""
    readings, quizzes, posts = activity.readings, activity.quizzes, activity.posts
    exercises = activity.exercises
    sessions_plan, objectives_plan = catalogue.matrix_plan
    done_in, summary_of, cells = [], [], []
    for reading_ids, readings_total, quiz_id, session_id, counts_exercise in sessions_plan:
        read = len(reading_ids & readings) if readings else 0
        summary = quizzes.get(quiz_id) if quiz_id else None
        posted = posts.get(session_id, 0) > 0
        done = read + posted
        if summary is not None and summary[1]:
            done += 1
        if counts_exercise and session_id in exercises:
            done += 1
        done_in.append(done)
        summary_of.append(summary)
        best = summary[0] if summary else None
        cells.append((read, readings_total, best, quiz_id is not None, posted))
    figures = []
    for _number, key, serving, total, possible in objectives_plan:
        done, earned = 0, 0.0
        for place in serving:
            done += done_in[place]
            summary = summary_of[place]
            if summary:
                earned += float((summary[2] or {}).get(key, [0, 0])[0])
        figures.append(
            (
                100.0 * done / total if total else 100.0,
                100.0 * earned / possible if possible else None,
            )
        )
    return figures, cells


def next_step(progress: Progress, catalogue: Catalogue) -> dict | None:
    """The one next thing to do: the first session not done, and what is missing in it."""
    for info, session in zip(catalogue.sessions, progress.sessions, strict=True):
        if session.status == "done":
            continue
        if session.next_reading is not None:
            position = [r[0] for r in info.readings].index(session.next_reading[0]) + 1
            return {
                "kind": "reading",
                "session": session,
                "position": position,
                "slug": session.next_reading[1],
                "title": session.next_reading[2],
            }
        if session.has_quiz and not session.passed:
            return {"kind": "quiz", "session": session}
        if not session.posted:
            return {"kind": "post", "session": session}
    return None


def normalised_gain(pre: float, post: float) -> float | None:
    """(post − pre) / (100 − pre); None when the pre score is already 100."""
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


SUPPRESS_BELOW = 5


def suppressed(people: int) -> bool:
    """A figure drawn from fewer than 5 people is not shown (promised in session 11)."""
    return people < SUPPRESS_BELOW


def meets_completion_rule(rule: str, progress: Progress) -> bool:
    """The cohort's rule: every objective met, and (by default) every session done too."""
    if not progress.objectives or not progress.all_met:
        return False
    if rule == "objectives":
        return True
    return progress.done == len(progress.sessions)
