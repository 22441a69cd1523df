"""Directory reads: only people with an entry are ever listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from portal.accounts.models import User
from portal.directory.models import DirectMessage, DirectoryEntry, MessageBlock
from portal.extensions import db

PAGE_SIZE = 50


def _listed():
    """Entries of accounts that still exist and are enabled."""
    return (
        select(DirectoryEntry)
        .join(User, User.id == DirectoryEntry.user_id)
        .where(User.deleted_at.is_(None), User.is_enabled.is_(True))
    )


def search(country: str, organisation_type: str, pillar: str, page: int) -> tuple[list, bool]:
    """Listed people matching the filters, by name, a page at a time (one statement)."""
    query = _listed()
    if country:
        query = query.where(DirectoryEntry.country == country)
    if organisation_type:
        query = query.where(DirectoryEntry.organisation_type == organisation_type)
    if pillar:
        query = query.where(DirectoryEntry.pillars.contains(f",{pillar},", autoescape=True))
    rows = db.session.scalars(
        query.order_by(func.lower(DirectoryEntry.display_name), DirectoryEntry.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def listed_countries() -> list[tuple[str, int]]:
    """(country code, number of listed people) for the country filter (one statement)."""
    query = _listed().subquery()
    return list(
        db.session.execute(
            select(query.c.country, func.count())
            .group_by(query.c.country)
            .order_by(query.c.country)
        ).all()
    )


def entry_of(user_id: int) -> DirectoryEntry | None:
    """The person's own entry, whether or not anyone else may see it."""
    return db.session.scalar(select(DirectoryEntry).where(DirectoryEntry.user_id == user_id))


def listed_entry(user_id: int) -> DirectoryEntry | None:
    """The entry when the person is listed and their account is active."""
    return db.session.scalar(_listed().where(DirectoryEntry.user_id == user_id))


def _between(a: int, b: int):
    return or_(
        and_(DirectMessage.sender_id == a, DirectMessage.recipient_id == b),
        and_(DirectMessage.sender_id == b, DirectMessage.recipient_id == a),
    )


def has_written_to(sender_id: int, recipient_id: int) -> bool:
    """True when sender ever sent a message to recipient."""
    return (
        db.session.scalar(
            select(DirectMessage.id)
            .where(DirectMessage.sender_id == sender_id, DirectMessage.recipient_id == recipient_id)
            .limit(1)
        )
        is not None
    )


def has_conversation(a: int, b: int) -> bool:
    return db.session.scalar(select(DirectMessage.id).where(_between(a, b)).limit(1)) is not None


def conversation(user_id: int, other_id: int, limit: int = 100) -> list[DirectMessage]:
    """The latest messages between the two, oldest first."""
    rows = db.session.scalars(
        select(DirectMessage)
        .where(_between(user_id, other_id))
        .order_by(DirectMessage.created_at.desc(), DirectMessage.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


@dataclass
class ConversationRow:
    other: User
    last_at: datetime
    unread: int


def conversations(user_id: int) -> list[ConversationRow]:
    """One row per counterpart, newest first, with unread counts (one statement)."""
    other_id = func.coalesce(
        func.nullif(DirectMessage.sender_id, user_id), DirectMessage.recipient_id
    ).label("other_id")
    mine = (
        select(
            other_id,
            func.max(DirectMessage.created_at).label("last_at"),
            func.sum(
                case(
                    (
                        and_(
                            DirectMessage.recipient_id == user_id,
                            DirectMessage.read_at.is_(None),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("unread"),
        )
        .where(or_(DirectMessage.sender_id == user_id, DirectMessage.recipient_id == user_id))
        .group_by(other_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, mine.c.last_at, mine.c.unread)
        .join(mine, mine.c.other_id == User.id)
        .order_by(mine.c.last_at.desc())
        .limit(200)
    ).all()
    return [ConversationRow(u, last, int(unread or 0)) for u, last, unread in rows]


def is_blocked(blocker_id: int, blocked_id: int) -> bool:
    return (
        db.session.scalar(
            select(MessageBlock.id).where(
                MessageBlock.blocker_id == blocker_id, MessageBlock.blocked_id == blocked_id
            )
        )
        is not None
    )


def messages_since(sender_id: int, since: datetime) -> int:
    return db.session.scalar(
        select(func.count(DirectMessage.id)).where(
            DirectMessage.sender_id == sender_id, DirectMessage.created_at >= since
        )
    )


def message_by_token(sender_id: int, token: str) -> DirectMessage | None:
    return db.session.scalar(
        select(DirectMessage).where(
            DirectMessage.sender_id == sender_id, DirectMessage.client_token == token
        )
    )


def user_by_id(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None
