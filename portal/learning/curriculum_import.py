"""Applying curriculum files over a live curriculum, as an explicit act with a plan.

`has_curriculum()` tells `flask seed` whether to load the files at all (only into an empty
curriculum). `apply_files(root, force, dry_run)` runs the importer, compares every item
before and after, and reports what is created, updated or retired. Items changed in the
browser since the last import (their fingerprint no longer equals the stored `import_hash`,
or they never came from files) are conflicts: without `force` nothing is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from portal import audit
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import CurriculumSession, Question, Quiz, Reading


@dataclass(frozen=True)
class Change:
    """One item the files would create, update or retire."""

    action: str  # "created", "updated" or "retired"
    label: str
    changed_in_browser: bool = False

    def line(self) -> str:
        note = "  (changed in the browser since the last import)" if self.changed_in_browser else ""
        return f"{self.action:<8} {self.label}{note}"


@dataclass
class Plan:
    """What an import changes; `conflicts` are the changes over work done in the browser."""

    changes: list[Change] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    applied: bool = False

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.changed_in_browser]

    def summary(self) -> str:
        tally = {a: sum(c.action == a for c in self.changes) for a in ("created", "updated")}
        tally["retired"] = sum(c.action == "retired" for c in self.changes)
        return ", ".join(f"{n} {a}" for a, n in tally.items()) + (
            f", {len(self.conflicts)} changed in the browser"
        )


def has_curriculum() -> bool:
    """True when the database holds any session or quiz (seeding then leaves it alone)."""
    sessions = db.session.scalar(select(func.count(CurriculumSession.id)))
    quizzes = db.session.scalar(select(func.count(Quiz.id)))
    return bool(sessions or quizzes)


@dataclass(frozen=True)
class _State:
    label: str
    fingerprint: str
    import_hash: str | None
    is_retired: bool


def _snapshot() -> dict[tuple[str, int], _State]:
    """Every session, reading, quiz and question with its fingerprint (four statements)."""
    sessions = db.session.scalars(select(CurriculumSession)).all()
    numbers = {s.id: s.number for s in sessions}
    quizzes = db.session.scalars(select(Quiz)).all()
    keys = {q.id: q.key for q in quizzes}
    state: dict[tuple[str, int], _State] = {}

    def keep(kind: str, item, label: str) -> None:
        fingerprint = content_files.fingerprint(item)
        state[(kind, item.id)] = _State(label, fingerprint, item.import_hash, item.is_retired)

    for session in sessions:
        keep("session", session, f"session {session.number:02d} {session.slug}")
    for reading in db.session.scalars(select(Reading)):
        number = numbers.get(reading.session_id, 0)
        keep("reading", reading, f"reading {number:02d}/{reading.slug}")
    for quiz in quizzes:
        keep("quiz", quiz, f"quiz {quiz.key}")
    for question in db.session.scalars(select(Question)):
        keep("question", question, f"question {question.key} (quiz {keys.get(question.quiz_id)})")
    return state


def _is_browser_work(state: _State) -> bool:
    return state.import_hash != state.fingerprint


def apply_files(root: Path, force: bool = False, dry_run: bool = False) -> Plan:
    """Import the folder and commit, unless it is a dry run or it would overwrite browser work.

    Raises content_files.ContentError for malformed files (nothing is applied then).
    """
    before = _snapshot()
    try:
        counts = content_files.import_curriculum(Path(root))
    except content_files.ContentError:
        db.session.rollback()
        raise
    after = _snapshot()
    plan = Plan(counts=counts)
    for key, now in after.items():
        was = before.get(key)
        if was is None:
            plan.changes.append(Change("created", now.label))
        elif now.fingerprint != was.fingerprint:
            action = "retired" if now.is_retired and not was.is_retired else "updated"
            plan.changes.append(Change(action, was.label, _is_browser_work(was)))
    order = {"created": 0, "updated": 1, "retired": 2}
    plan.changes.sort(key=lambda c: (order[c.action], c.label))
    if dry_run or (plan.conflicts and not force):
        db.session.rollback()
        return plan
    audit.record(
        "curriculum.imported",
        created=sum(c.action == "created" for c in plan.changes),
        updated=sum(c.action == "updated" for c in plan.changes),
        retired=sum(c.action == "retired" for c in plan.changes),
        overwritten=len(plan.conflicts),
    )
    db.session.commit()
    plan.applied = True
    return plan
