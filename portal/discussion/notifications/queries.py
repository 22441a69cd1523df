"""Notification reads: read positions, subscriptions, mail recipients and digests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, exists, func, literal, or_, select

from portal.accounts.models import User
from portal.database import read_rows
from portal.discussion.models import Board, Post, Thread
from portal.discussion.notifications.models import (
    DEFAULT_EMAIL_MODE,
    NotificationPreference,
    Subscription,
    ThreadRead,
)
from portal.discussion.permissions import boards_seen_by_user
from portal.extensions import db


@dataclass
class SubscriptionState:
    """What the subscribe button of a thread or board shows."""

    kind: str  # "thread" or "board"
    target_id: int
    is_subscribed: bool
    via_board: bool = False


@dataclass
class ThreadState:
    """The viewer's read position in a thread and their subscriptions around it."""

    last_read_number: int
    subscription: SubscriptionState

    def first_unread(self) -> int | None:
        """The number of the first post after the last visit; None on a first visit."""
        return self.last_read_number + 1 if self.last_read_number > 0 else None

    def is_first_unread(self, number: int) -> bool:
        """True for the first post after the last visit (never on a first visit)."""
        return number == self.first_unread()


def unread_posts(user_id: int):
    """SQL: a thread's posts the user has not seen, for an outer join on ThreadRead."""
    return Thread.last_number - func.coalesce(ThreadRead.last_read_number, 0)


def read_join(user_id: int):
    """The ON clause joining the user's ThreadRead row to Thread."""
    return and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user_id)


def thread_state_columns(thread_id, board_id) -> tuple:
    """SQL: the read position (or NULL) and whether the user (bindparam "user_id") follows
    the thread and its board, as three columns: the thread page reads them in its thread's
    own statement (thread_id and board_id its columns), thread_state alone (bindparams)."""
    return (
        select(ThreadRead.last_read_number)
        .where(ThreadRead.user_id == bindparam("user_id"), ThreadRead.thread_id == thread_id)
        .scalar_subquery(),
        exists().where(
            Subscription.user_id == bindparam("user_id"), Subscription.thread_id == thread_id
        ),
        exists().where(
            Subscription.user_id == bindparam("user_id"), Subscription.board_id == board_id
        ),
    )


def thread_state_from(thread_id: int, last_read, on_thread, on_board) -> ThreadState:
    """The ThreadState of the three values thread_state_columns reads."""
    return ThreadState(
        last_read_number=last_read or 0,
        subscription=SubscriptionState("thread", thread_id, bool(on_thread), bool(on_board)),
    )


# Built once: the follow button asks it after each change.
_THREAD_STATE = select(*thread_state_columns(bindparam("thread_id"), bindparam("board_id")))


def thread_state(user, thread: Thread) -> ThreadState:
    """Read position and subscription state of the thread (one statement of plain columns,
    through read_rows)."""
    row = read_rows(
        _THREAD_STATE,
        {"user_id": user.id, "thread_id": thread.id, "board_id": thread.board_id},
    ).one()
    return thread_state_from(thread.id, *row)


def board_state(user, board: Board) -> SubscriptionState:
    """Whether the user follows the board (one statement)."""
    found = db.session.scalar(
        select(exists().where(Subscription.user_id == user.id, Subscription.board_id == board.id))
    )
    return SubscriptionState("board", board.id, bool(found))


def subscription_for(user_id: int, thread_id=None, board_id=None) -> Subscription | None:
    """The user's subscription to the thread or board, if any."""
    return db.session.scalar(
        select(Subscription).where(
            Subscription.user_id == user_id,
            Subscription.thread_id == thread_id if thread_id else Subscription.board_id == board_id,
        )
    )


def preference(user_id: int) -> NotificationPreference | None:
    """The user's stored e-mail choice, if they made one."""
    return db.session.get(NotificationPreference, user_id)


@dataclass
class SubscriptionRow:
    subscription: Subscription
    title: str


def user_subscriptions(user_id: int, today: date | None = None) -> list[SubscriptionRow]:
    """Everything the user follows and may still see, boards first, with titles (one
    statement). A member removed from a cohort no longer sees its boards' or threads' titles."""
    today = today or date.today()
    rows = db.session.execute(
        select(Subscription, func.coalesce(Thread.title, Board.title))
        .outerjoin(Thread, Thread.id == Subscription.thread_id)
        .join(Board, Board.id == func.coalesce(Subscription.board_id, Thread.board_id))
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.user_id == user_id, boards_seen_by_user(today))
        .order_by(Subscription.board_id.is_(None), Subscription.created_at.desc())
    ).all()
    return [SubscriptionRow(*row) for row in rows]


def _email_mode():
    return func.coalesce(NotificationPreference.email_mode, literal(DEFAULT_EMAIL_MODE))


def _reachable():
    return and_(User.deleted_at.is_(None), User.is_enabled.is_(True))


@dataclass
class Recipient:
    user: User
    thread_id: int | None  # the followed thread, or None when following the board
    board_id: int | None


def post_recipients(post: Post, thread: Thread, today: date) -> list[Recipient]:
    """People who want a mail for each post here and may still see the thread; never the
    author (one statement)."""
    rows = db.session.execute(
        select(User, Subscription.thread_id, Subscription.board_id)
        .join(Subscription, Subscription.user_id == User.id)
        .join(Board, Board.id == thread.board_id)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(
            or_(Subscription.thread_id == thread.id, Subscription.board_id == thread.board_id),
            User.id != (post.author_id or -1),
            _reachable(),
            _email_mode() == "post",
            boards_seen_by_user(today),
        )
        .order_by(User.id, Subscription.thread_id.is_(None))
    ).all()
    recipients: dict[int, Recipient] = {}
    for user, thread_id, board_id in rows:
        recipients.setdefault(user.id, Recipient(user, thread_id, board_id))
    return list(recipients.values())


@dataclass
class DigestItem:
    user: User
    post: Post
    thread: Thread
    board_title: str


def digest_items(now: datetime, default_since: datetime, today: date) -> Iterator[DigestItem]:
    """New visible posts in what digest readers follow since their last digest, ordered by
    reader, thread and number (one streamed statement)."""
    followed = or_(
        exists().where(Subscription.user_id == User.id, Subscription.thread_id == Thread.id),
        exists().where(Subscription.user_id == User.id, Subscription.board_id == Thread.board_id),
    )
    since = func.coalesce(NotificationPreference.last_digest_at, default_since)
    query = (
        select(User, Post, Thread, Board.title)
        .select_from(User)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .join(Thread, followed)
        .join(Board, Board.id == Thread.board_id)
        .join(Post, Post.thread_id == Thread.id)
        .where(
            _reachable(),
            _email_mode() == "digest",
            Post.created_at > since,
            Post.created_at <= now,
            Post.is_hidden.is_(False),
            Post.is_deleted.is_(False),
            or_(Post.author_id.is_(None), Post.author_id != User.id),
            boards_seen_by_user(today),
        )
        .order_by(User.id, Thread.last_post_at.desc(), Thread.id, Post.number)
        .execution_options(yield_per=500)
    )
    for user, post, thread, board_title in db.session.execute(query):
        yield DigestItem(user, post, thread, board_title)


def digest_reader_ids() -> list[int]:
    """Everyone who follows something and gets the daily digest."""
    return list(
        db.session.scalars(
            select(User.id)
            .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(
                _reachable(),
                _email_mode() == "digest",
                exists().where(Subscription.user_id == User.id),
            )
        )
    )


def user_by_id(user_id: int) -> User | None:
    """A user by id (for unsubscribe links)."""
    return db.session.get(User, user_id)
