"""Notification use cases: read positions, subscriptions, e-mail per post and digests."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.database import utcnow
from portal.discussion.models import Board, Post, Thread
from portal.discussion.notifications import queries
from portal.discussion.notifications.models import (
    EMAIL_MODES,
    NotificationPreference,
    Subscription,
    ThreadRead,
)
from portal.discussion.notifications.tokens import UnsubscribeTarget, make_token
from portal.extensions import db

EXCERPT = 300
DIGEST_LOOKBACK = timedelta(days=1)


def _insert_for(model):
    """INSERT … ON CONFLICT for the session's database."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _greatest(a, b):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.greatest(a, b)
    return func.max(a, b)


# The read-position upsert, built once per database kind: every thread view runs it.
_ADVANCE_READ: dict[str, object] = {}


def _advance_read_statement():
    dialect = db.session.get_bind().dialect.name
    upsert = _ADVANCE_READ.get(dialect)
    if upsert is None:
        stmt = _insert_for(ThreadRead).values(
            user_id=bindparam("reader_id"),
            thread_id=bindparam("read_thread_id"),
            last_read_number=bindparam("read_number"),
            updated_at=bindparam("read_at"),
        )
        upsert = _ADVANCE_READ[dialect] = stmt.on_conflict_do_update(
            index_elements=["user_id", "thread_id"],
            set_={
                "last_read_number": _greatest(
                    ThreadRead.last_read_number, stmt.excluded.last_read_number
                ),
                "updated_at": stmt.excluded.updated_at,
            },
        )
    return upsert


def _advance_read(user_id: int, thread_id: int, number: int, connection=None) -> None:
    values = {
        "reader_id": user_id,
        "read_thread_id": thread_id,
        "read_number": number,
        "read_at": utcnow(),
    }
    (connection or db.session).execute(_advance_read_statement(), values)


def mark_read(user, thread: Thread, number: int) -> None:
    """Remember that the user has seen the thread up to post `number` (from a GET).

    The upsert runs on its own connection in its own short transaction whose first
    statement is the write, so SQLite takes the write lock under its busy timeout instead
    of upgrading the page's read lock (which fails at once when another writer won), and
    the page's session is neither committed nor expired."""
    with db.engine.begin() as connection:
        _advance_read(user.id, thread.id, number, connection)


def subscribe(user, thread: Thread | None = None, board: Board | None = None) -> None:
    """Follow a thread or a board; following twice changes nothing."""
    _add_subscription(user.id, thread.id if thread else None, board.id if board else None)
    try:
        db.session.commit()
    except IntegrityError:  # a double click stored it already
        db.session.rollback()


def _add_subscription(user_id: int, thread_id: int | None, board_id: int | None) -> None:
    stmt = _insert_for(Subscription).values(
        user_id=user_id, thread_id=thread_id, board_id=board_id, created_at=utcnow()
    )
    target = ["user_id", "thread_id"] if thread_id else ["user_id", "board_id"]
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=target))


def unsubscribe(user_id: int, thread_id: int | None = None, board_id: int | None = None) -> bool:
    """Stop following a thread or a board; True when there was something to stop."""
    target = Subscription.thread_id == thread_id if thread_id else Subscription.board_id == board_id
    result = db.session.execute(delete(Subscription).where(Subscription.user_id == user_id, target))
    db.session.commit()
    return bool(result.rowcount)


def set_email_mode(user_id: int, mode: str) -> None:
    """Choose e-mail for each post, a daily digest or no e-mail."""
    if mode not in EMAIL_MODES:
        raise ValueError(mode)
    stmt = _insert_for(NotificationPreference).values(
        user_id=user_id, email_mode=mode, updated_at=utcnow()
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"email_mode": mode, "updated_at": stmt.excluded.updated_at},
        )
    )
    db.session.commit()


def unsubscribe_by_token(target: UnsubscribeTarget) -> bool:
    """Act on a genuine unsubscribe link (no sign-in needed); True when something changed."""
    user = queries.user_by_id(target.user_id)
    if user is None:
        return False
    if target.kind == "all":
        pref = queries.preference(user.id)
        changed = pref is None or pref.email_mode != "none"
        audit.record("notifications.email_stopped", target=user, via="link")
        set_email_mode(user.id, "none")
        return changed
    thread_id = target.target_id if target.kind == "thread" else None
    board_id = target.target_id if target.kind == "board" else None
    if queries.subscription_for(user.id, thread_id, board_id) is None:
        return False
    audit.record(
        "notifications.unsubscribed", target=user, kind=target.kind, target_id=target.target_id
    )
    return unsubscribe(user.id, thread_id, board_id)


# --- mail ---------------------------------------------------------------------------


_ONE_CLICK = "List-Unsubscribe=One-Click"


def _url(endpoint: str, anchor: str = "", **values) -> str:
    return mail.absolute_url(endpoint, anchor, **values)


def _unsubscribe_url(user_id: int, kind: str, target_id: int | None = None) -> str:
    return _url("notifications.unsubscribe", token=make_token(user_id, kind, target_id))


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _author_name(post: Post) -> str:
    return post.author.public_name if post.author else _("Former participant")


def post_created(post: Post) -> None:
    """Part of the posting use case (the caller commits): the author follows a thread they
    start and has read their own post; per-post subscribers who may still see the thread
    get an e-mail in the outbox."""
    db.session.flush()
    thread = db.session.get(Thread, post.thread_id)
    if post.author_id is not None:
        if post.number == 1:
            _add_subscription(post.author_id, thread.id, None)
        _advance_read(post.author_id, thread.id, post.number)
    for recipient in queries.post_recipients(post, thread, date.today()):
        _enqueue_post_mail(recipient, post, thread)


def _enqueue_post_mail(recipient: queries.Recipient, post: Post, thread: Thread) -> None:
    user = recipient.user
    if recipient.thread_id:
        stop = _unsubscribe_url(user.id, "thread", recipient.thread_id)
    else:
        stop = _unsubscribe_url(user.id, "board", recipient.board_id)
    stop_all = _unsubscribe_url(user.id, "all")
    link = _url(
        "discussion.thread_detail",
        anchor=f"post-{post.id}",
        thread_id=thread.id,
        after=max(post.number - 1, 0) or None,
    )
    mail.send(
        user,
        "discussion_post",
        post=post,
        thread=thread,
        author=_author_name(post),
        excerpt=_excerpt(post.body),
        link=link,
        stop=stop,
        stop_all=stop_all,
        headers={"List_Unsubscribe": f"<{stop}>", "List_Unsubscribe_Post": _ONE_CLICK},
    )


def send_digests(now=None) -> int:
    """Queue one digest per reader with the new posts they may see in what they follow
    since their last digest; remember when. Returns how many digests were queued."""
    now = now or utcnow()
    items = queries.digest_items(now, now - DIGEST_LOOKBACK, date.today())
    queued = 0
    for _user_id, group in groupby(items, key=lambda item: item.user.id):
        group = list(group)
        _enqueue_digest(group)
        queued += 1
    for user_id in queries.digest_reader_ids():
        stmt = _insert_for(NotificationPreference).values(
            user_id=user_id, email_mode="digest", last_digest_at=now, updated_at=now
        )
        db.session.execute(
            stmt.on_conflict_do_update(index_elements=["user_id"], set_={"last_digest_at": now})
        )
    db.session.commit()
    return queued


def _enqueue_digest(items: list[queries.DigestItem]) -> None:
    user = items[0].user
    stop_all = _unsubscribe_url(user.id, "all")
    threads = []
    for _thread_id, posts in groupby(items, key=lambda item: item.thread.id):
        posts = list(posts)
        first = posts[0].post
        threads.append(
            {
                "title": posts[0].thread.title,
                "board_title": posts[0].board_title,
                "posts": [
                    {
                        "number": item.post.number,
                        "author": _author_name(item.post),
                        "excerpt": _excerpt(item.post.body),
                    }
                    for item in posts
                ],
                "link": _url(
                    "discussion.thread_detail",
                    anchor=f"post-{first.id}",
                    thread_id=first.thread_id,
                    after=max(first.number - 1, 0) or None,
                ),
            }
        )
    mail.send(
        user,
        "discussion_digest",
        count=len(items),
        threads=threads,
        stop_all=stop_all,
        headers={"List_Unsubscribe": f"<{stop_all}>", "List_Unsubscribe_Post": _ONE_CLICK},
    )
