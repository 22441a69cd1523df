"""Good practices: the record, its facet values, reviews, endorsements and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, event, text
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


class LibraryVersion(db.Model):
    """One row (id 1) whose `version` changes whenever the rows the library's facet counts
    and curriculum labels read change: database triggers (`trigger_statements`) give it a
    new value on every insert, delete and update of the WATCHED columns, whichever process
    writes. A worker keeps each page of the library it read (cards, counts and labels)
    under the version it read with it (`queries.library`) and uses it while the version is
    unchanged.

    Each new value is one never given before (a sequence on PostgreSQL, a random 64-bit
    number on SQLite), not the old value plus one: a transaction that changed a practice,
    read the counts and was rolled back leaves a version that no later state can have.
    The triggers insert the row when it is missing (tables emptied by tests); while it is
    missing, nothing is kept."""

    __tablename__ = "library_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


# The columns the library's pages read, their cards, counts and labels (tests check the
# statement against it). The practice's columns beyond id and status since migration 0022.
WATCHED = {
    "practice": ("id", "status", "title", "summary", "useful_count", "published_at", "adapts_id"),
    "practice_tag": ("practice_id", "facet", "value"),
    "objective": ("number", "title"),
    "curriculum_session": ("number", "title", "is_retired"),
}


def _new_version(dialect: str) -> str:
    """SQL: give the library's version a value never given before (inserting its row)."""
    if dialect == "postgresql":
        return (
            "INSERT INTO library_version (id, version) VALUES (1, nextval('library_version_seq')) "
            "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version"
        )
    # An upsert, not INSERT OR REPLACE: a trigger that runs inside a foreign key's action
    # (deleting a practice sets its adaptations' adapts_id to NULL) takes that action's
    # conflict handling, and REPLACE then fails on the row's id.
    return (
        "INSERT INTO library_version (id, version) VALUES (1, random()) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version"
    )


def trigger_statements(dialect: str, watched: dict = WATCHED) -> list[str]:
    """The DDL that gives the library's version a new value on each change of a WATCHED
    column, and its first value (used by the migration and by create_all): row triggers on
    SQLite, statement triggers calling one function on PostgreSQL."""
    statements = []
    if dialect == "postgresql":
        statements += [
            "CREATE SEQUENCE IF NOT EXISTS library_version_seq",
            "CREATE OR REPLACE FUNCTION library_version_bump() RETURNS trigger AS $$ BEGIN "
            f"{_new_version(dialect)}; RETURN NULL; END $$ LANGUAGE plpgsql",
        ]
    for table, columns in watched.items():
        for action in ("INSERT", "UPDATE", "DELETE"):
            when = f"UPDATE OF {', '.join(columns)}" if action == "UPDATE" else action
            name = f"trg_{table}_{action.lower()}_library"
            if dialect == "postgresql":
                statements += [
                    f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"CREATE TRIGGER {name} AFTER {when} ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION library_version_bump()",
                ]
            else:
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {when} ON {table} "
                    f"FOR EACH ROW BEGIN {_new_version(dialect)}; END"
                )
    return statements + [_new_version(dialect)]


def drop_statements(dialect: str) -> list[str]:
    """The DDL that removes what trigger_statements made (the migration's downgrade)."""
    statements = []
    for table in WATCHED:
        for action in ("insert", "update", "delete"):
            name = f"trg_{table}_{action}_library"
            on = f" ON {table}" if dialect == "postgresql" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {name}{on}")
    if dialect == "postgresql":
        statements += [
            "DROP FUNCTION IF EXISTS library_version_bump()",
            "DROP SEQUENCE IF EXISTS library_version_seq",
        ]
    return statements


def _create_triggers(target, connection, **_kw) -> None:
    for statement in trigger_statements(connection.dialect.name):
        connection.execute(text(statement))


event.listen(db.metadata, "after_create", _create_triggers)
