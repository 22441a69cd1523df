"""The review workflow: every transition, who may make it, the outbox and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.mail import OutboxMessage
from portal.practices import services
from portal.practices.models import PracticeReview
from practices.conftest import COMPLETE, data_from, draft, published


def actions(practice) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target_type == "practice", AuditEvent.target_id == practice.id)
            .order_by(AuditEvent.id)
        )
    )


def outbox_to(user) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_addr == user.email)
            .order_by(OutboxMessage.id)
        )
    )


def test_full_journey_draft_to_archived(people):
    practice = draft(people.author)
    assert practice.status == "draft"
    services.submit(people.author, practice)
    assert practice.status == "submitted" and practice.submitted_at is not None
    services.request_changes(people.trainer, practice, "Please say who funded the desk.")
    assert practice.status == "changes_requested"
    services.save(people.author, practice, data_from({**COMPLETE, "lessons": "Funding: shared."}))
    services.submit(people.author, practice)
    assert practice.status == "resubmitted"
    services.publish(people.trainer_b, practice, "Thank you.")
    assert practice.status == "published" and practice.published_at is not None
    services.archive(people.admin, practice)
    assert practice.status == "archived"
    assert actions(practice) == [
        "practice.created",
        "practice.submitted",
        "practice.changes_requested",
        "practice.updated",
        "practice.resubmitted",
        "practice.published",
        "practice.archived",
    ]
    steps = db.session.scalars(
        select(PracticeReview)
        .where(PracticeReview.practice_id == practice.id)
        .order_by(PracticeReview.id)
    ).all()
    assert [s.status for s in steps] == [
        "submitted",
        "changes_requested",
        "resubmitted",
        "published",
        "archived",
    ]
    assert steps[1].comment == "Please say who funded the desk."
    subjects = [m.subject for m in outbox_to(people.author)]
    assert subjects == [
        "Your practice needs a few changes",
        "Your practice is in the library",
        "Your practice was archived",
    ]
    assert f"/practices/{practice.id}" in outbox_to(people.author)[0].body_text


def test_author_archiving_own_practice_sends_no_mail(people):
    practice = published(people.author, people.trainer)
    services.archive(people.author, practice)
    assert practice.status == "archived"
    assert [m.subject for m in outbox_to(people.author)] == ["Your practice is in the library"]


@pytest.mark.parametrize("who", ["peer", "trainer", "admin", "member_b", "alumnus"])
def test_only_the_author_submits(people, who):
    practice = draft(people.author)
    with pytest.raises(services.PracticeError):
        services.submit(getattr(people, who), practice)
    assert practice.status == "draft"


@pytest.mark.parametrize("who", ["author", "peer", "member_b", "alumnus"])
@pytest.mark.parametrize("action", ["publish", "request_changes"])
def test_only_staff_review(people, who, action):
    practice = draft(people.author)
    services.submit(people.author, practice)
    with pytest.raises(services.PracticeError):
        getattr(services, action)(getattr(people, who), practice, "A comment.")
    assert practice.status == "submitted"


@pytest.mark.parametrize("who", ["trainer", "trainer_b", "admin"])
def test_any_trainer_or_admin_may_review(people, who):
    practice = draft(people.author)
    services.submit(people.author, practice)
    services.publish(getattr(people, who), practice)
    assert practice.status == "published"


def test_trainer_cannot_review_own_practice(people):
    practice = draft(people.trainer)
    services.submit(people.trainer, practice)
    with pytest.raises(services.PracticeError):
        services.publish(people.trainer, practice)
    services.publish(people.trainer_b, practice)
    assert practice.status == "published"


@pytest.mark.parametrize("state", ["draft", "changes_requested", "archived"])
def test_publish_only_from_review(people, state):
    practice = draft(people.author)
    if state != "draft":
        services.submit(people.author, practice)
        services.request_changes(people.trainer, practice, "More detail please.")
    if state == "archived":
        services.submit(people.author, practice)
        services.publish(people.trainer, practice)
        services.archive(people.trainer, practice)
        assert practice.status == "archived"
        # A resent publish on an archived practice changes nothing.
        with pytest.raises(services.PracticeError):
            services.publish(people.trainer, practice)
        return
    with pytest.raises(services.PracticeError):
        services.publish(people.trainer, practice)
    assert practice.status == state


def test_request_changes_needs_a_comment(people):
    practice = draft(people.author)
    services.submit(people.author, practice)
    with pytest.raises(services.PracticeError, match="what to change"):
        services.request_changes(people.trainer, practice, "   ")
    assert practice.status == "submitted"


@pytest.mark.parametrize("who", ["peer", "member_b", "alumnus"])
def test_only_staff_or_author_archive(people, who):
    practice = published(people.author, people.trainer)
    with pytest.raises(services.PracticeError):
        services.archive(getattr(people, who), practice)
    assert practice.status == "published"


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested"])
def test_archive_only_published(people, state):
    practice = draft(people.author)
    if state != "draft":
        services.submit(people.author, practice)
    if state == "changes_requested":
        services.request_changes(people.trainer, practice, "Please add results.")
    with pytest.raises(services.PracticeError):
        services.archive(people.trainer, practice)
    assert practice.status == state


@pytest.mark.parametrize("state", ["submitted", "published", "archived"])
def test_author_cannot_change_outside_draft_or_changes(people, state):
    practice = draft(people.author)
    services.submit(people.author, practice)
    if state in ("published", "archived"):
        services.publish(people.trainer, practice)
    if state == "archived":
        services.archive(people.author, practice)
    with pytest.raises(services.PracticeError):
        services.save(people.author, practice, data_from({**COMPLETE, "title": "Changed"}))
    assert practice.title == COMPLETE["title"]


def test_resent_transitions_change_nothing(people):
    practice = draft(people.author)
    services.submit(people.author, practice)
    services.submit(people.author, practice)
    services.publish(people.trainer, practice)
    services.publish(people.trainer, practice)
    assert [a for a in actions(practice) if a != "practice.created"] == [
        "practice.submitted",
        "practice.published",
    ]
    assert len(outbox_to(people.author)) == 1


def test_incomplete_practice_cannot_be_submitted(people):
    practice = draft(people.author, summary="", countries=[], pillars=[], organisation_type="")
    with pytest.raises(services.Incomplete) as caught:
        services.submit(people.author, practice)
    assert caught.value.missing == ["summary", "country", "pillar", "org"]
    assert practice.status == "draft"


def test_identifier_check_field_by_field(people):
    practice = draft(
        people.author,
        description="Call the caseworker on +66 81 234 5678 for details.",
        lessons="Write to somchai.k@example.org before visiting.",
    )
    with pytest.raises(services.NeedsConfirmation) as caught:
        services.submit(people.author, practice)
    assert set(caught.value.findings) == {"description", "lessons"}
    assert caught.value.findings["lessons"][0].kind == "email"
    assert practice.status == "draft"
    # Confirming with the signature of exactly this text goes through.
    services.submit(people.author, practice, caught.value.confirm)
    assert practice.status == "submitted"


def test_confirmation_does_not_carry_over_to_changed_text(people):
    practice = draft(people.author, description="Call +66 81 234 5678.")
    with pytest.raises(services.NeedsConfirmation) as caught:
        services.submit(people.author, practice)
    services.save(
        people.author, practice, data_from({**COMPLETE, "description": "Call +66 81 999 0000."})
    )
    with pytest.raises(services.NeedsConfirmation):
        services.submit(people.author, practice, caught.value.confirm)


def test_person_without_cohort_cannot_share(people):
    with pytest.raises(services.PracticeError):
        draft(people.outsider)
