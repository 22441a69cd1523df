"""Progress use cases: rebuilding the summaries, reminders, certificates."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit, mail
from portal.accounts.models import User
from portal.cohorts.models import Membership
from portal.database import utcnow
from portal.discussion import summaries as post_summaries
from portal.extensions import db
from portal.learning.summaries import rebuild_quiz_summaries
from portal.progress.measure import meets_completion_rule
from portal.progress.models import Certificate, Reminder, ReminderTemplate


class ProgressError(Exception):
    """A user-facing reason a use case was refused."""


def rebuild_all() -> dict[str, int]:
    """Recompute every summary progress reads from the raw records; one commit.

    Reading progress rows are themselves the record of a reading marked done, so there is
    nothing to recompute for them. Then every participant's progress summary (what the
    cohort dashboard sums) is recomputed from those.
    """
    from portal.progress.queries import rebuild_progress

    counts = {
        "quiz summaries": rebuild_quiz_summaries(None),
        "session post summaries": post_summaries.rebuild(None),
    }
    db.session.commit()
    counts["participant progress summaries"] = rebuild_progress()
    audit.record("progress.rebuilt", **{k.replace(" ", "_"): v for k, v in counts.items()})
    db.session.commit()
    return counts


DEFAULT_SUBJECT = "A reminder about your VCA training"
DEFAULT_BODY = (
    "Dear {name},\n\n"
    "This is a friendly reminder from the trainers of {cohort}. The online sessions are "
    "waiting for you: signing in shows the next thing to do.\n\n"
    "With best wishes,\nThe training team"
)
RESEND_AFTER = timedelta(minutes=10)


def send_reminders(actor, cohort, user_ids: list[int], subject: str, body: str) -> int:
    """Queue a reminder for each chosen participant of the cohort and keep the template.

    People outside the cohort are ignored; a person reminded with the same subject in the
    last ten minutes is not reminded again (a double-click sends once). Returns how many
    reminders were queued.
    """
    subject = " ".join(subject.split())[:200]
    if not subject or not body.strip():
        raise ProgressError(_("Write a subject and a message."))
    people = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role == "participant",
            User.id.in_(user_ids or [0]),
            User.deleted_at.is_(None),
        )
    ).all()
    if not people:
        raise ProgressError(_("Choose at least one participant of this cohort."))
    recent = set(
        db.session.scalars(
            select(Reminder.user_id).where(
                Reminder.cohort_id == cohort.id,
                Reminder.subject == subject,
                Reminder.sent_at > utcnow() - RESEND_AFTER,
            )
        )
    )
    template = db.session.scalar(
        select(ReminderTemplate).where(ReminderTemplate.cohort_id == cohort.id)
    )
    if template is None:
        template = ReminderTemplate(cohort_id=cohort.id, subject=subject, body=body)
        db.session.add(template)
    template.subject, template.body = subject, body
    sent = 0
    for person in people:
        if person.id in recent:
            continue
        text = body.replace("{name}", person.display_name).replace("{cohort}", cohort.name)
        mail.send(person, "written", subject=subject, text=text.strip())
        db.session.add(
            Reminder(cohort_id=cohort.id, user_id=person.id, sent_by_id=actor.id, subject=subject)
        )
        sent += 1
    audit.record("progress.reminders_sent", actor=actor, target=cohort, count=sent)
    db.session.commit()
    return sent


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    import secrets

    groups = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "VCA-" + "-".join(groups)


def issue_certificate(user, cohort, progress) -> Certificate:
    """The participant's certificate for the cohort, issued once when the rule is met."""
    from portal.progress.queries import certificate_of

    existing = certificate_of(user.id, cohort.id)
    if existing is not None:
        return existing
    if not meets_completion_rule(cohort.completion_rule, progress):
        raise ProgressError(_("The completion rule of your cohort is not met yet."))
    certificate = Certificate(
        code=_new_code(),
        user_id=user.id,
        cohort_id=cohort.id,
        objectives=[o.number for o in progress.objectives if o.is_met],
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record("certificate.issued", actor=user, target=certificate, cohort_id=cohort.id)
    db.session.commit()
    return certificate


def revoke_certificate(admin, certificate: Certificate) -> None:
    """An admin withdraws a certificate; its code then verifies like one that never existed."""
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        audit.record("certificate.revoked", actor=admin, target=certificate)
        db.session.commit()
