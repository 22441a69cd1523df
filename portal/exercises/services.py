"""Exercise use cases; each validates, writes, audits, updates the summary and commits once."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.database import utcnow
from portal.discussion.services import NeedsConfirmation, check_identifiers
from portal.exercises.models import (
    MAX_ITEMS,
    MAX_LINE,
    MAX_SECTIONS,
    MAX_TITLE,
    STATE_RANK,
    Exercise,
    ExerciseItem,
    ExerciseSection,
    ExerciseSummary,
)
from portal.extensions import db
from portal.markdown import render_markdown

MAX_FEEDBACK = 10_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")

__all__ = ["ExerciseError", "NeedsConfirmation", "Stale", "WrongState"]


class ExerciseError(Exception):
    """A user-facing reason an exercise use case was refused."""


class WrongState(ExerciseError):
    """The exercise is not in a state that allows this (for example no longer a draft)."""


class Stale(ExerciseError):
    """The form was made for an older revision (a repeated click or another window)."""


def clean_line(text: str | None, limit: int, what: str) -> str:
    """One line of text: control characters become spaces, runs of spaces collapse."""
    line = " ".join(_CONTROL.sub(" ", text or "").split())
    if not line:
        raise ExerciseError(f"Write the {what} first.")
    if len(line) > limit:
        raise ExerciseError(f"The {what} can have at most {limit} characters.")
    return line


def _check_revision(exercise: Exercise, revision: int | None) -> None:
    if revision is None or revision != exercise.revision:
        raise Stale(
            "This checklist changed since the page was loaded (perhaps a repeated click). "
            "Here is its current state; what you typed is still in the box."
        )


def _touch(exercise: Exercise) -> None:
    exercise.revision += 1
    exercise.updated_at = utcnow()


def refresh_summary(user_id: int, session_id: int) -> None:
    """Recompute the user's summary row for the session from their exercises."""
    rows = db.session.execute(
        select(Exercise.state, Exercise.submitted_at).where(
            Exercise.author_id == user_id, Exercise.session_id == session_id
        )
    ).all()
    summary = db.session.scalar(
        select(ExerciseSummary).where(
            ExerciseSummary.user_id == user_id, ExerciseSummary.session_id == session_id
        )
    )
    if summary is None:
        summary = ExerciseSummary(user_id=user_id, session_id=session_id)
        db.session.add(summary)
    states = [state for state, _ in rows]
    summary.state = max(states, key=STATE_RANK.__getitem__) if states else "draft"
    summary.exercise_count = len(rows)
    submitted = [at for _, at in rows if at is not None]
    if submitted and (summary.first_submitted_at is None):
        summary.first_submitted_at = min(submitted)
    summary.updated_at = utcnow()


def _commit_new(author, exercise: Exercise, token: str | None) -> Exercise:
    """Store a new exercise once per form token: a repeated click returns the first one."""
    if token:
        existing = db.session.scalar(
            select(Exercise).where(Exercise.author_id == author.id, Exercise.client_token == token)
        )
        if existing is not None:
            db.session.rollback()
            return existing
    db.session.add(exercise)
    db.session.flush()
    audit.record(
        "exercise.copied" if exercise.source_id else "exercise.started",
        actor=author,
        target=exercise,
        session=exercise.session_id,
        source=exercise.source_id,
    )
    refresh_summary(author.id, exercise.session_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same token raced in from a second request
        db.session.rollback()
        return db.session.scalar(
            select(Exercise).where(Exercise.author_id == author.id, Exercise.client_token == token)
        )
    return exercise


def _fill(exercise: Exercise, sections) -> None:
    for s_pos, (title, items) in enumerate(sections, start=1):
        section = ExerciseSection(title=title[:MAX_TITLE], position=s_pos)
        section.items = [
            ExerciseItem(text=text[:MAX_LINE], position=i_pos)
            for i_pos, text in enumerate(items, start=1)
        ]
        exercise.sections.append(section)


def start(author, session, token: str | None) -> Exercise:
    """A new draft for the session, filled with the session's starter template."""
    if session.exercise_template is None:
        raise ExerciseError(_("This session has no exercise."))
    exercise = Exercise(
        author_id=author.id,
        session_id=session.id,
        title=clean_line(session.title.removeprefix("Exercise: "), MAX_TITLE, "title"),
        client_token=token or None,
    )
    _fill(
        exercise,
        [
            (str(s.get("title", "")), [str(i) for i in s.get("items") or []])
            for s in session.exercise_template
        ],
    )
    return _commit_new(author, exercise, token)


def copy(author, source: Exercise, token: str | None) -> Exercise:
    """A draft copy of a published exercise for the author to adapt; it links to its source."""
    if not source.is_published:
        raise ExerciseError(_("Only published checklists can be copied."))
    exercise = Exercise(
        author_id=author.id,
        session_id=source.session_id,
        title=source.title,
        source_id=source.id,
        client_token=token or None,
    )
    _fill(exercise, [(s.title, [i.text for i in s.items]) for s in source.sections])
    return _commit_new(author, exercise, token)


def _edited(author, exercise: Exercise, action: str, **detail) -> None:
    _touch(exercise)
    audit.record(f"exercise.{action}", actor=author, target=exercise, **detail)
    db.session.commit()


def rename(author, exercise: Exercise, title: str, revision: int | None) -> None:
    """Change the exercise's title (drafts only; the view checks the author)."""
    _check_revision(exercise, revision)
    exercise.title = clean_line(title, MAX_TITLE, "title")
    _edited(author, exercise, "renamed")


def add_section(author, exercise: Exercise, title: str, revision: int | None) -> None:
    """Append a section."""
    _check_revision(exercise, revision)
    title = clean_line(title, MAX_TITLE, "section title")
    if len(exercise.sections) >= MAX_SECTIONS:
        raise ExerciseError(f"A checklist can have at most {MAX_SECTIONS} sections.")
    exercise.sections.append(ExerciseSection(title=title, position=len(exercise.sections) + 1))
    _edited(author, exercise, "section_added")


def rename_section(author, section: ExerciseSection, title: str, revision: int | None) -> None:
    _check_revision(section.exercise, revision)
    section.title = clean_line(title, MAX_TITLE, "section title")
    _edited(author, section.exercise, "section_renamed", section=section.id)


def _renumber(rows) -> None:
    for position, row in enumerate(rows, start=1):
        row.position = position


def remove_section(author, section: ExerciseSection, revision: int | None) -> None:
    exercise = section.exercise
    _check_revision(exercise, revision)
    exercise.sections.remove(section)
    _renumber(exercise.sections)
    _edited(author, exercise, "section_removed", section=section.id)


def _moved(rows: list, row, offset: int) -> list:
    index = rows.index(row)
    target = index + offset
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    return rows


def move_section(author, section: ExerciseSection, offset: int, revision: int | None) -> None:
    exercise = section.exercise
    _check_revision(exercise, revision)
    _renumber(_moved(list(exercise.sections), section, offset))
    exercise.sections.sort(key=lambda s: s.position)
    _edited(author, exercise, "section_moved", section=section.id)


def add_item(author, section: ExerciseSection, text: str, revision: int | None) -> None:
    exercise = section.exercise
    _check_revision(exercise, revision)
    text = clean_line(text, MAX_LINE, "item")
    if len(section.items) >= MAX_ITEMS:
        raise ExerciseError(f"A section can have at most {MAX_ITEMS} items.")
    section.items.append(ExerciseItem(text=text, position=len(section.items) + 1))
    _edited(author, exercise, "item_added", section=section.id)


def edit_item(author, item: ExerciseItem, text: str, revision: int | None) -> None:
    exercise = item.section.exercise
    _check_revision(exercise, revision)
    item.text = clean_line(text, MAX_LINE, "item")
    _edited(author, exercise, "item_edited", item=item.id)


def remove_item(author, item: ExerciseItem, revision: int | None) -> None:
    section = item.section
    _check_revision(section.exercise, revision)
    section.items.remove(item)
    _renumber(section.items)
    _edited(author, section.exercise, "item_removed", item=item.id)


def move_item(author, item: ExerciseItem, offset: int, revision: int | None) -> None:
    section = item.section
    _check_revision(section.exercise, revision)
    _renumber(_moved(list(section.items), item, offset))
    section.items.sort(key=lambda i: i.position)
    _edited(author, section.exercise, "item_moved", item=item.id)


def full_text(exercise: Exercise) -> str:
    """Every line of the exercise, for the personal-identifier check."""
    lines = [exercise.title]
    for section in exercise.sections:
        lines.append(section.title)
        lines.extend(item.text for item in section.items)
    return "\n".join(lines)


def submit(author, exercise: Exercise, revision: int | None, confirm: str | None) -> None:
    """Draft → submitted, for the trainers' review. Text that looks like a personal
    identifier needs the author's confirmation first."""
    if exercise.state == "submitted":
        return  # a repeated click
    _check_revision(exercise, revision)
    if exercise.item_count == 0:
        raise ExerciseError(_("Add at least one item before you submit."))
    check_identifiers(author, full_text(exercise), confirm)
    exercise.state = "submitted"
    exercise.submitted_at = utcnow()
    _touch(exercise)
    audit.record("exercise.submitted", actor=author, target=exercise)
    refresh_summary(author.id, exercise.session_id)
    db.session.commit()


def review(reviewer, exercise: Exercise, decision: str, feedback: str, link: str) -> None:
    """Submitted → accepted, or back to draft with feedback; the author is told by e-mail."""
    if exercise.state != "submitted":
        raise WrongState(_("This checklist is no longer waiting for review."))
    feedback = (feedback or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(feedback) > MAX_FEEDBACK:
        raise ExerciseError(_("Feedback can have at most 10,000 characters."))
    if decision == "return" and not feedback:
        raise ExerciseError(_("Say what to change when you send a checklist back."))
    exercise.feedback = feedback
    exercise.feedback_html = render_markdown(feedback) if feedback else ""
    exercise.reviewer_id = reviewer.id
    exercise.reviewed_at = utcnow()
    exercise.state = "accepted" if decision == "accept" else "draft"
    _touch(exercise)
    audit.record(
        f"exercise.{'accepted' if decision == 'accept' else 'returned'}",
        actor=reviewer,
        target=exercise,
    )
    refresh_summary(exercise.author_id, exercise.session_id)
    author = exercise.author
    if author is not None and author.is_active:
        mail.send(author, "exercise_feedback", accepted=decision == "accept", link=link)
    db.session.commit()


def publish(author, exercise: Exercise) -> None:
    """Accepted → published: listed for everyone taking part, who may copy it."""
    if exercise.state == "published":
        return
    if exercise.state != "accepted":
        raise WrongState(_("Only a checklist accepted by a trainer can be published."))
    exercise.state = "published"
    exercise.published_at = utcnow()
    _touch(exercise)
    audit.record("exercise.published", actor=author, target=exercise)
    refresh_summary(author.id, exercise.session_id)
    db.session.commit()


def export_exercises(user) -> tuple[str, object]:
    """The user's exercises for the personal-data export."""
    rows = db.session.scalars(
        select(Exercise).where(Exercise.author_id == user.id).order_by(Exercise.id)
    ).all()
    return "exercises", [
        {
            "title": e.title,
            "state": e.state,
            "sections": [
                {"title": s.title, "items": [i.text for i in s.items]} for s in e.sections
            ],
        }
        for e in rows
    ]
