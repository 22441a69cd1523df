"""Admin reads."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.extensions import db

PAGE_SIZE = 50


def user_page(search: str, page: int) -> tuple[list[User], int]:
    """One page of users matching the search, and the total count."""
    query = select(User).where(User.deleted_at.is_(None))
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(like), func.lower(User.display_name).like(like))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    users = db.session.scalars(
        query.order_by(User.display_name, User.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return list(users), total


FAILED_MAIL_SHOWN = 200


def failed_mail() -> list:
    """Outbox messages delivery gave up on, newest first (no bodies: they may hold links)."""
    from portal.mail import OutboxMessage

    return db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            OutboxMessage.to_addr,
            OutboxMessage.subject,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
        )
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id.desc())
        .limit(FAILED_MAIL_SHOWN)
    ).all()
