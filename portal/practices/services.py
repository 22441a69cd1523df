"""Practice use cases: save, submit, review, publish, archive, endorse, comment.

Each validates, writes, appends to the audit log and commits once."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext
from flask_babel import gettext as _
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.database import utcnow
from portal.discussion.permissions import viewer_for
from portal.discussion.pii import Finding, find_identifiers
from portal.discussion.services import MAX_BODY, confirmation_for, normalise_body
from portal.extensions import db
from portal.markdown import render_markdown
from portal.practices import permissions, queries
from portal.practices.models import (
    CONTACT_CHOICES,
    FACETS,
    Endorsement,
    Practice,
    PracticeComment,
    PracticeReview,
    PracticeTag,
)
from portal.practices.vocab import clean_values

TEXT_FIELDS = ("title", "summary", "description", "results", "lessons")
LIMITS = {"title": 160, "summary": 600, "description": 20_000, "results": 5_000, "lessons": 5_000}
MARKDOWN_FIELDS = ("description", "results", "lessons")
# What a practice needs before it can go to review (a draft needs only a title).
REQUIRED_FOR_REVIEW = ("title", "summary", "description", "country", "pillar", "org")
MIN_SECONDS_BETWEEN_COMMENTS = 20


class PracticeError(Exception):
    """A user-facing reason a practice use case was refused."""


class Incomplete(PracticeError):
    """Fields a practice needs before review are empty."""

    def __init__(self, missing: list[str]):
        super().__init__("Fill in the marked fields before you submit.")
        self.missing = missing


class NeedsConfirmation(PracticeError):
    """Some fields look like they hold personal identifiers; the author must confirm."""

    def __init__(self, findings: dict[str, list[Finding]], confirm: str):
        super().__init__("personal identifiers found")
        self.findings = findings
        self.confirm = confirm


@dataclass
class PracticeData:
    """What the author typed: texts, facet values and the contact preference."""

    title: str = ""
    summary: str = ""
    description: str = ""
    results: str = ""
    lessons: str = ""
    contact: str = "portal"
    facets: dict[str, list[str]] = field(default_factory=dict)
    adapts_id: int | None = None
    # Set by `from_exercise` only (never from a form): the exercise the practice shares.
    source_exercise_id: int | None = None


def _clean_line(value: str) -> str:
    """Single-line fields are single-line: control characters become spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value or "").split())


def _cleaned(data: PracticeData) -> PracticeData:
    texts = {name: normalise_body(getattr(data, name)) for name in TEXT_FIELDS}
    texts["title"] = _clean_line(texts["title"])
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            raise PracticeError(f"The {name} can have at most {limit:,} characters.")
    if not texts["title"]:
        raise PracticeError(_("Give the practice a title."))
    facets = {facet: clean_values(facet, data.facets.get(facet, ())) for facet in FACETS}
    facets["org"] = facets["org"][:1]
    return PracticeData(
        **texts,
        contact=data.contact if data.contact in CONTACT_CHOICES else "none",
        facets=facets,
        adapts_id=data.adapts_id,
        source_exercise_id=data.source_exercise_id,
    )


def text_for_check(practice: Practice) -> str:
    """All free text of the practice, as one string signed by "Submit anyway"."""
    return "\x1e".join(getattr(practice, name) for name in TEXT_FIELDS)


def identifier_findings(practice: Practice) -> dict[str, list[Finding]]:
    """Possible personal identifiers, field by field (only fields with findings)."""
    found = {}
    for name in TEXT_FIELDS:
        hits = find_identifiers(getattr(practice, name))
        if hits:
            found[name] = hits
    return found


def missing_for_review(practice: Practice) -> list[str]:
    """The fields a practice still needs before review."""
    missing = [
        name for name in REQUIRED_FOR_REVIEW if name in TEXT_FIELDS and not getattr(practice, name)
    ]
    missing += [
        name for name in REQUIRED_FOR_REVIEW if name in FACETS and not practice.values(name)
    ]
    return missing


def save(author, practice: Practice | None, data: PracticeData, token: str | None = None):
    """Create a draft (practice None) or change the author's draft or sent-back practice.

    A resent "new practice" form returns the draft stored the first time."""
    viewer = viewer_for(author)
    if practice is None:
        if not permissions.reads_library(viewer):
            raise PracticeError(_("Only participants, alumni and trainers can share practices."))
        earlier = queries.posted_with_token(Practice, author.id, token)
        if earlier is not None:
            return earlier
    elif not permissions.can_edit(viewer, practice):
        raise PracticeError(_("This practice can no longer be changed."))
    data = _cleaned(data)
    is_new = practice is None
    if is_new:
        practice = Practice(author_id=author.id, status="draft", client_token=token or None)
        source = queries.adaptable(data.adapts_id, viewer)
        practice.adapts_id = source.id if source is not None else None
        practice.source_exercise_id = data.source_exercise_id
        db.session.add(practice)
    for name in TEXT_FIELDS:
        setattr(practice, name, getattr(data, name))
    for name in MARKDOWN_FIELDS:
        setattr(practice, f"{name}_html", str(render_markdown(getattr(data, name))))
    practice.contact = data.contact
    wanted = {(facet, value) for facet, values in data.facets.items() for value in values}
    for tag in list(practice.tags):
        if (tag.facet, tag.value) not in wanted:
            practice.tags.remove(tag)
    have = {(tag.facet, tag.value) for tag in practice.tags}
    for facet, value in sorted(wanted - have):
        practice.tags.append(PracticeTag(facet=facet, value=value))
    practice.updated_at = utcnow()
    db.session.flush()
    detail = {"source_exercise": practice.source_exercise_id} if practice.source_exercise_id else {}
    audit.record(
        "practice.created" if is_new else "practice.updated",
        actor=author,
        target=practice,
        **detail,
    )
    try:
        db.session.commit()
    except IntegrityError:
        # The same form was sent twice at once; the other request stored it.
        db.session.rollback()
        earlier = queries.posted_with_token(Practice, author.id, token)
        if earlier is None:
            raise
        return earlier
    return practice


# Characters that Markdown would read as syntax in a checklist line (shown literally).
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]<>#|~!&])")
SHAREABLE_EXERCISE_STATES = ("accepted", "published")


def _literal(line: str) -> str:
    """One line of plain text as Markdown that shows exactly that text."""
    line = _MARKDOWN_SYNTAX.sub(r"\\\1", line)
    # A leading "1." or "-" would start a list inside the item.
    return re.sub(r"^(\d+)\.", r"\1\\.", re.sub(r"^([+-])", r"\\\1", line))


def checklist_markdown(exercise) -> str:
    """The exercise's sections and items as the Markdown of a practice description."""
    parts = []
    for section in exercise.sections:
        parts.append(f"## {_literal(section.title)}")
        parts.append("\n".join(f"- {_literal(item.text)}" for item in section.items) or "")
    return "\n\n".join(part for part in parts if part)


def from_exercise(author, exercise) -> Practice:
    """A draft practice made from the author's exercise once a trainer accepted it: its
    title, session (and the session's objectives), and the checklist as the description.
    The author adds countries, pillars and organisation type, then submits it to the
    practice review like any other (D2). One per exercise: asking again returns it."""
    if exercise.author_id != author.id or exercise.state not in SHAREABLE_EXERCISE_STATES:
        raise PracticeError(
            "Only the author of a checklist accepted by a trainer can share it in the library."
        )
    session = exercise.session
    sections = [section.title for section in exercise.sections]
    summary = gettext(
        "A checklist from the exercise of session %(number)d, “%(session)s”, accepted by a "
        "trainer. Its parts: %(sections)s.",
        number=session.number,
        session=session.title,
        sections="; ".join(sections),
    )
    data = PracticeData(
        title=exercise.title,
        summary=summary if len(summary) <= LIMITS["summary"] else summary[:599] + "…",
        description=checklist_markdown(exercise)[: LIMITS["description"]],
        contact="portal",
        facets={
            "session": [str(session.number)],
            "objective": [str(objective.number) for objective in session.objectives],
        },
        source_exercise_id=exercise.id,
    )
    # The token makes a repeated click (or a second window) return the same practice.
    return save(author, None, data, token=f"exercise-{exercise.id}")


def _step(actor, practice: Practice, status: str, comment: str = "") -> None:
    practice.status = status
    practice.updated_at = utcnow()
    db.session.add(
        PracticeReview(practice_id=practice.id, actor_id=actor.id, status=status, comment=comment)
    )
    audit.record(f"practice.{status}", actor=actor, target=practice)


def submit(author, practice: Practice, confirm: str | None = None) -> None:
    """Send a draft (or a practice sent back for changes) to the trainers.

    Refused while fields are missing; asks for confirmation when a field looks like it
    holds a personal identifier."""
    target = "resubmitted" if practice.status == "changes_requested" else "submitted"
    if practice.status in ("submitted", "resubmitted") and permissions.is_author(
        viewer_for(author), practice
    ):
        return  # a resent form: it is already with the trainers
    if not permissions.can_submit(viewer_for(author), practice):
        raise PracticeError(_("This practice cannot be submitted now."))
    missing = missing_for_review(practice)
    if missing:
        raise Incomplete(missing)
    if identifier_findings(practice):
        expected = confirmation_for(author, text_for_check(practice))
        if not (confirm and hmac.compare_digest(confirm, expected)):
            raise NeedsConfirmation(identifier_findings(practice), expected)
    practice.submitted_at = utcnow()
    _step(author, practice, target)
    db.session.commit()


def _tell_author(practice: Practice, kind: str) -> None:
    """Mail the author that the practice needs changes, was published or was archived."""
    author = practice.author
    if author is None or author.is_deleted:
        return
    link = mail.absolute_url("practices.practice_detail", practice_id=practice.id)
    mail.send(author, "practice_status", kind=kind, link=link)


def request_changes(reviewer, practice: Practice, comment: str) -> None:
    """A trainer sends the practice back to its author with what to change."""
    comment = normalise_body(comment)
    if practice.status == "changes_requested":
        return  # a resent form
    if not permissions.can_review(viewer_for(reviewer), practice):
        raise PracticeError(_("This practice is not waiting for your review."))
    if not comment:
        raise PracticeError(_("Tell the author what to change."))
    _step(reviewer, practice, "changes_requested", comment[:MAX_BODY])
    _tell_author(practice, "changes")
    db.session.commit()


def publish(reviewer, practice: Practice, comment: str = "") -> None:
    """A trainer publishes the practice into the library and tells its author."""
    if practice.status == "published":
        return  # a resent form
    if not permissions.can_review(viewer_for(reviewer), practice):
        raise PracticeError(_("This practice is not waiting for your review."))
    practice.published_at = practice.published_at or utcnow()
    _step(reviewer, practice, "published", normalise_body(comment)[:MAX_BODY])
    _tell_author(practice, "published")
    db.session.commit()


def archive(actor, practice: Practice, comment: str = "") -> None:
    """Take a published practice out of the library (staff or its author)."""
    if practice.status == "archived":
        return
    viewer = viewer_for(actor)
    if not permissions.can_archive(viewer, practice):
        raise PracticeError(_("Only published practices can be archived."))
    _step(actor, practice, "archived", normalise_body(comment)[:MAX_BODY])
    if not permissions.is_author(viewer, practice):
        _tell_author(practice, "archived")
    db.session.commit()


def set_useful(user, practice: Practice, useful: bool) -> tuple[bool, int]:
    """Mark (or unmark) a practice as useful; one mark per person. Returns the state and
    the new count. Setting the same state twice changes nothing."""
    if not permissions.can_endorse(viewer_for(user), practice):
        raise PracticeError(_("You cannot mark this practice as useful."))
    if useful:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(Endorsement).values(practice_id=practice.id, user_id=user.id)
                )
            changed = 1
        except IntegrityError:
            changed = 0
    else:
        changed = -db.session.execute(
            delete(Endorsement).where(
                Endorsement.practice_id == practice.id, Endorsement.user_id == user.id
            )
        ).rowcount
    if changed:
        db.session.execute(
            update(Practice)
            .where(Practice.id == practice.id)
            .values(useful_count=Practice.useful_count + changed)
        )
        audit.record(
            "practice.endorsed" if useful else "practice.endorsement_removed",
            actor=user,
            target=practice,
        )
    db.session.commit()
    db.session.refresh(practice)
    return useful, practice.useful_count


def add_comment(
    author, practice: Practice, body: str, token: str | None, confirm: str | None
) -> PracticeComment:
    """Comment on a published practice: sanitised Markdown, the identifier check, a pace
    limit; a resent form stores one comment."""
    from portal.discussion.services import NeedsConfirmation as PostNeedsConfirmation
    from portal.discussion.services import check_identifiers

    body = normalise_body(body)
    if not body:
        raise PracticeError(_("Write something first."))
    if len(body) > MAX_BODY:
        raise PracticeError(_("A comment can have at most 20,000 characters."))
    earlier = queries.posted_with_token(PracticeComment, author.id, token)
    if earlier is not None:
        return earlier
    if not permissions.can_take_part(viewer_for(author), practice):
        raise PracticeError(_("Comments are open on published practices only."))
    if not author.is_staff and queries.recent_comments(
        author.id, utcnow() - timedelta(seconds=MIN_SECONDS_BETWEEN_COMMENTS)
    ):
        raise PracticeError(
            "Please wait a few seconds between comments. Your text is still in the box below."
        )
    try:
        check_identifiers(author, body, confirm)
    except PostNeedsConfirmation as exc:
        raise NeedsConfirmation({"body": exc.findings}, exc.confirm) from None
    comment = PracticeComment(
        practice_id=practice.id,
        author_id=author.id,
        body=body,
        body_html=str(render_markdown(body)),
        client_token=token or None,
    )
    db.session.add(comment)
    db.session.execute(
        update(Practice)
        .where(Practice.id == practice.id)
        .values(comment_count=Practice.comment_count + 1)
    )
    db.session.flush()
    audit.record("practice.comment_added", actor=author, target=comment, practice_id=practice.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = queries.posted_with_token(PracticeComment, author.id, token)
        if earlier is None:
            raise
        return earlier
    return comment


def set_comment_hidden(moderator, comment: PracticeComment, hidden: bool) -> None:
    """A trainer hides a comment from everyone but moderators, or restores it."""
    if not permissions.can_moderate(viewer_for(moderator)):
        raise PracticeError(_("Only trainers can hide comments."))
    if comment.is_hidden == hidden:
        return
    comment.is_hidden = hidden
    db.session.execute(
        update(Practice)
        .where(Practice.id == comment.practice_id)
        .values(comment_count=Practice.comment_count + (-1 if hidden else 1))
    )
    audit.record(
        "practice.comment_hidden" if hidden else "practice.comment_restored",
        actor=moderator,
        target=comment,
        practice_id=comment.practice_id,
    )
    db.session.commit()


def export_practices(user) -> tuple[str, object]:
    """The user's practices for the personal-data export."""
    return "practices", [
        {
            "title": p.title,
            "status": p.status,
            "summary": p.summary,
            "description": p.description,
            "results": p.results,
            "lessons": p.lessons,
            "created_at": p.created_at.isoformat(),
        }
        for p in queries.user_practices_export(user.id)
    ]
