"""Good practices: the record, its facet values, reviews, endorsements and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

STATUSES = ("draft", "submitted", "changes_requested", "resubmitted", "published", "archived")
IN_REVIEW = ("submitted", "resubmitted")
EDITABLE = ("draft", "changes_requested")
FACETS = ("country", "pillar", "org", "objective", "session", "target")
CONTACT_CHOICES = ("portal", "none")


class Practice(db.Model):
    """A good practice shared by a participant, alumnus or trainer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    lessons_html: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(10), default="portal")
    # The practice this one adapts ("adapted in my country"); kept when the source goes.
    adapts_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice.id", ondelete="SET NULL"), index=True
    )
    # The exercise (B5) this practice was published from; no foreign key so that the
    # exercise feature can be merged independently (the integrator may add one).
    source_exercise_id: Mapped[int | None] = mapped_column(index=True)
    useful_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    # A random token per rendered "new practice" form: a double-click stores one draft.
    client_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    author = relationship("User", lazy="joined")
    tags: Mapped[list[PracticeTag]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="PracticeTag.value"
    )

    __table_args__ = (
        UniqueConstraint("author_id", "client_token", name="uq_practice_author_token"),
        Index("ix_practice_status_published", "status", "published_at"),
    )

    def values(self, facet: str) -> list[str]:
        """The practice's values of one facet (countries, pillars …)."""
        return [tag.value for tag in self.tags if tag.facet == facet]

    @property
    def organisation_type(self) -> str:
        found = self.values("org")
        return found[0] if found else ""

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class PracticeTag(db.Model):
    """One facet value of a practice: ("country", "TH"), ("pillar", "protection") …"""

    __tablename__ = "practice_tag"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)

    # The practice in the index too: the library's facet counts read the index alone.
    __table_args__ = (
        Index("ix_practice_tag_facet_value_practice", "facet", "value", "practice_id"),
    )


class PracticeReview(db.Model):
    """A step of the review: who moved the practice to which state, and what they said."""

    __tablename__ = "practice_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", lazy="joined")


class Endorsement(db.Model):
    """Someone found a practice useful; one per person and practice."""

    __tablename__ = "practice_endorsement"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticeComment(db.Model):
    """A comment on a published practice (Markdown, sanitised like forum posts)."""

    __tablename__ = "practice_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    client_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")

    __table_args__ = (
        UniqueConstraint("author_id", "client_token", name="uq_practice_comment_token"),
        Index("ix_practice_comment_practice", "practice_id", "created_at"),
    )
