"""Progress's own records: reminders sent by trainers, their editable template, certificates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db


class ReminderTemplate(db.Model):
    """The reminder text a cohort's trainers edit; one per cohort."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reminder(db.Model):
    """One reminder queued in the outbox for one participant."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    """A completion certificate; its code is what the public verification page looks up."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class ProgressSummary(db.Model):
    """A participant's progress totals, so a cohort's figures are sums over a few small rows.

    Objective 0 holds the person's totals: `done` (activities done, of all) and the
    freshness fields: `version` is raised by database triggers whenever one of the person's
    underlying summary rows changes (readings done, quiz summaries, posts per session,
    exercise summaries), `refreshed` is the version the row was computed from and
    `catalogue_key` the catalogue it was computed against; the row is current when both
    match. Objective n (1 … 4) holds activities done and mastery points earned on it, and the
    person's pre- and post-assessment percent on it (None when not taken).

    The background refresh (`flask --app portal progress refresh --loop`,
    `queries.refresh_stale`) recomputes stale rows in small batches; pages still bring the
    stale rows of the people they show up to date (`queries.refresh_progress`, a constant
    number of statements) and `flask --app portal progress rebuild` recomputes them all.
    """

    __tablename__ = "progress_summary"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    objective: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    refreshed: Mapped[int] = mapped_column(default=-1, server_default="-1")
    catalogue_key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    done: Mapped[int] = mapped_column(default=0, server_default="0")
    earned: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    pre: Mapped[float | None] = mapped_column(Float)
    post: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_progress_summary_objective_done", "objective", "done"),)


# The tables whose changes make a person's ProgressSummary stale.
WATCHED = ("reading_progress", "quiz_summary", "session_post_summary", "exercise_summary")


def _sqlite_triggers() -> list[str]:
    statements = []
    for table in WATCHED:
        for action, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"trg_{table}_{action.lower()}_progress"
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {action} ON {table} FOR EACH ROW "
                f"BEGIN UPDATE progress_summary SET version = version + 1 "
                f"WHERE user_id = {row}.user_id AND objective = 0; END"
            )
    return statements


def _postgresql_triggers() -> list[str]:
    bump = "UPDATE progress_summary SET version = version + 1 WHERE objective = 0 AND user_id = "
    statements = [
        "CREATE OR REPLACE FUNCTION progress_summary_stale() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN {bump}OLD.user_id; RETURN OLD; END IF; "
        f"{bump}NEW.user_id; "
        f"IF TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id THEN {bump}OLD.user_id; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql"
    ]
    for table in WATCHED:
        statements.append(f"DROP TRIGGER IF EXISTS trg_{table}_progress ON {table}")
        statements.append(
            f"CREATE TRIGGER trg_{table}_progress AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION progress_summary_stale()"
        )
    return statements


def trigger_statements(dialect: str) -> list[str]:
    """The DDL of the triggers that mark a person's summary stale (used by the migration)."""
    return _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers()


def _create_triggers(target, connection, **_kw) -> None:
    from sqlalchemy import text

    for statement in trigger_statements(connection.dialect.name):
        connection.execute(text(statement))


event.listen(db.metadata, "after_create", _create_triggers)
