"""Discussion use cases; each validates, writes, audits and commits once."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.accounts.models import User
from portal.cohorts.models import Cohort
from portal.database import utcnow
from portal.discussion import queries, summaries
from portal.discussion.models import Board, Flag, Post, PostRevision, Thread
from portal.discussion.notifications import services as notifications
from portal.discussion.permissions import viewer_for
from portal.discussion.pii import Finding, find_identifiers
from portal.extensions import db
from portal.markdown import render_markdown

MAX_BODY = 20_000
REDACTED = "[removed by a moderator]"
NEW_ACCOUNT_PERIOD = timedelta(hours=24)
NEW_ACCOUNT_MAX_POSTS = 10
MIN_SECONDS_BETWEEN_POSTS = 30


class DiscussionError(Exception):
    """A user-facing reason a discussion use case was refused."""


class RateLimited(DiscussionError):
    """A new account posts faster than allowed."""


class NeedsConfirmation(DiscussionError):
    """The text contains what looks like personal identifiers; the author must confirm."""

    def __init__(self, findings: list[Finding], confirm: str):
        super().__init__("personal identifiers found")
        self.findings = findings
        self.confirm = confirm


def normalise_body(body: str) -> str:
    """Browsers send CRLF from textareas and drop a leading newline; store LF, trimmed.
    NUL characters are dropped: PostgreSQL text cannot hold them."""
    return (body or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def confirmation_for(user, body: str) -> str:
    """A signature of exactly this text by this user, carried by "Post anyway"."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hashlib.sha256(normalise_body(body).encode()).hexdigest()
    return hmac.new(key, f"pii-confirm:{user.id}:{digest}".encode(), hashlib.sha256).hexdigest()


def check_identifiers(user, body: str, confirm: str | None) -> None:
    """Raise NeedsConfirmation unless the text is clean or the confirmation matches it."""
    findings = find_identifiers(body)
    if not findings:
        return
    expected = confirmation_for(user, body)
    if confirm and hmac.compare_digest(confirm, expected):
        return
    raise NeedsConfirmation(findings, expected)


def check_rate(user) -> None:
    """New accounts: one post per 30 seconds and ten in their first day (counted in the
    database, so every worker agrees). Trainers and admins are exempt."""
    if user.is_staff:
        return
    # Lock the author's row until this post commits, so simultaneous posts are counted
    # one after the other (PostgreSQL; SQLite already serialises writers).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    now = utcnow()
    if queries.posts_since(user.id, now - timedelta(seconds=MIN_SECONDS_BETWEEN_POSTS)):
        raise RateLimited(
            "Please wait half a minute between posts. Your text is still in the box below."
        )
    if user.created_at > now - NEW_ACCOUNT_PERIOD:
        if queries.posts_since(user.id, user.created_at) >= NEW_ACCOUNT_MAX_POSTS:
            raise RateLimited(
                "New accounts can write ten posts on their first day. "
                "Please come back tomorrow; your text is still in the box below."
            )


def ensure_cohort_boards(cohort: Cohort, sessions=None) -> int:
    """Create the cohort's private board and one board per session if missing; returns how
    many were created. Safe to call from any page: concurrent creators do not duplicate."""
    sessions = queries.active_sessions() if sessions is None else sessions
    existing = queries.existing_slots([cohort.id])
    wanted = [(f"cohort:{cohort.id}", None, "cohort", "Cohort board", 0)]
    wanted += [
        (f"session:{cohort.id}:{s.id}", s.id, "session", f"{s.number}. {s.title}", s.number)
        for s in sessions
    ]
    created = 0
    for slot, session_id, kind, title, position in wanted:
        if slot in existing:
            continue
        db.session.add(
            Board(
                slot=slot,
                kind=kind,
                cohort_id=cohort.id,
                session_id=session_id,
                title=title,
                position=position,
            )
        )
        created += 1
    if created:
        try:
            db.session.commit()
        except IntegrityError:  # another request created them first
            db.session.rollback()
            return 0
    return created


def _next_number(thread_id: int) -> int:
    """Take the thread's next post number; the row lock serialises concurrent repliers."""
    now = utcnow()
    return db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(
            last_number=Thread.last_number + 1,
            post_count=Thread.post_count + 1,
            last_post_at=now,
        )
        .returning(Thread.last_number)
    ).scalar_one()


def _new_post(thread_id: int, author, body: str, token: str | None, board: Board) -> Post:
    post = Post(
        thread_id=thread_id,
        number=_next_number(thread_id),
        author_id=author.id,
        body=body,
        body_html=str(render_markdown(body)),
        client_token=token or None,
    )
    db.session.add(post)
    summaries.count_post(author.id, board, +1)
    return post


def _validated_body(body: str) -> str:
    body = normalise_body(body)
    if not body:
        raise DiscussionError(_("Write something first."))
    if len(body) > MAX_BODY:
        raise DiscussionError(_("A post can have at most 20,000 characters."))
    return body


def create_thread(
    author, board: Board, title: str, kind: str, body: str, token: str, confirm: str | None
) -> Thread:
    """Start a thread with its opening post; a resent form returns the thread stored first."""
    body = _validated_body(body)
    earlier = queries.posted_with_token(author.id, token)
    if earlier is not None:
        return db.session.get(Thread, earlier.thread_id)
    check_rate(author)
    check_identifiers(author, body, confirm)
    thread = Thread(
        board_id=board.id,
        author_id=author.id,
        title=normalise_body(title),
        kind=kind if kind in ("discussion", "question") else "discussion",
    )
    db.session.add(thread)
    db.session.flush()
    post = _new_post(thread.id, author, body, token, board)
    audit.record("discussion.thread_created", actor=author, target=thread, board_id=board.id)
    return _commit_once(author, token, post, result=thread)


def reply(author, thread: Thread, body: str, token: str, confirm: str | None) -> Post:
    """Add a reply; refused on a locked thread unless the author moderates the board."""
    body = _validated_body(body)
    earlier = queries.posted_with_token(author.id, token)
    if earlier is not None:
        return earlier
    if not viewer_for(author).can_reply(thread):
        raise DiscussionError(_("This thread is locked. New replies are not possible."))
    check_rate(author)
    check_identifiers(author, body, confirm)
    post = _new_post(thread.id, author, body, token, thread.board)
    return _commit_once(author, token, post, result=post)


def _commit_once(author, token, post: Post, result):
    notifications.post_created(post)
    try:
        db.session.commit()
    except IntegrityError:
        # The same form was submitted twice at once; the other request stored it.
        db.session.rollback()
        earlier = queries.posted_with_token(author.id, token)
        if earlier is None:
            raise
        return earlier if isinstance(result, Post) else db.session.get(Thread, earlier.thread_id)
    return result


def edit_post(editor, post: Post, body: str, confirm: str | None) -> Post:
    """Change the author's own post, keeping the old text as a revision."""
    if not viewer_for(editor).can_edit(post):
        raise DiscussionError(_("You can only edit your own posts."))
    body = _validated_body(body)
    if body == post.body:
        return post
    check_identifiers(editor, body, confirm)
    db.session.add(PostRevision(post_id=post.id, editor_id=editor.id, body=post.body))
    post.body = body
    post.body_html = str(render_markdown(body))
    post.edited_at = utcnow()
    db.session.commit()
    return post


def delete_post(user, post: Post) -> None:
    """The author removes their post: the text and its history are erased, the place stays."""
    if post.author_id != user.id:
        raise DiscussionError(_("You can only delete your own posts."))
    if post.is_deleted:
        return
    db.session.execute(PostRevision.__table__.delete().where(PostRevision.post_id == post.id))
    post.is_deleted = True
    summaries.count_post(post.author_id, post.thread.board, -1)
    post.body = ""
    post.body_html = ""
    post.edited_at = utcnow()
    audit.record("discussion.post_deleted", actor=user, target=post)
    db.session.commit()


def set_accepted(user, thread: Thread, post: Post | None) -> None:
    """Mark a reply of a question as its accepted answer, or clear it (post None)."""
    if not viewer_for(user).can_accept(thread):
        raise DiscussionError(_("Only the person who asked, or a trainer, can choose the answer."))
    if post is not None and (post.thread_id != thread.id or post.number == 1 or post.is_deleted):
        raise DiscussionError(_("Choose a reply in this thread."))
    thread.accepted_post_id = post.id if post is not None else None
    audit.record(
        "discussion.answer_accepted" if post else "discussion.answer_cleared",
        actor=user,
        target=thread,
        post_id=post.id if post else None,
    )
    db.session.commit()


def flag_post(user, post: Post, reason: str) -> Flag:
    """Ask the moderators to look at a post; one open flag per person and post."""
    reason = normalise_body(reason)
    if not reason:
        raise DiscussionError(_("Tell the moderators briefly what is wrong."))
    existing = db.session.scalar(
        select(Flag).where(
            Flag.post_id == post.id, Flag.reporter_id == user.id, Flag.resolved_at.is_(None)
        )
    )
    if existing is not None:
        return existing
    flag = Flag(post_id=post.id, reporter_id=user.id, reason=reason[:500])
    db.session.add(flag)
    db.session.flush()
    audit.record("discussion.post_flagged", actor=user, target=post, flag_id=flag.id)
    db.session.commit()
    return flag


def _resolve_flags(moderator, post: Post) -> None:
    now = utcnow()
    db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=moderator.id)
    )


def set_hidden(moderator, post: Post, hidden: bool) -> None:
    """Hide a post from everyone but moderators, or restore it; hiding closes its flags."""
    post.is_hidden = hidden
    if hidden:
        _resolve_flags(moderator, post)
    audit.record(
        "discussion.post_hidden" if hidden else "discussion.post_restored",
        actor=moderator,
        target=post,
        thread_id=post.thread_id,
    )
    db.session.commit()


def dismiss_flags(moderator, post: Post) -> None:
    """Close the post's open flags without changing it."""
    _resolve_flags(moderator, post)
    audit.record("discussion.flags_dismissed", actor=moderator, target=post)
    db.session.commit()


THREAD_ACTIONS = {
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
}


def moderate_thread(moderator, thread: Thread, action: str) -> None:
    """Lock, unlock, pin or unpin a thread."""
    attribute, value = THREAD_ACTIONS[action]
    setattr(thread, attribute, value)
    audit.record(f"discussion.thread_{action}", actor=moderator, target=thread)
    db.session.commit()


def move_thread(moderator, thread: Thread, board: Board) -> None:
    """Move a thread to another board; the moderator must moderate both."""
    viewer = viewer_for(moderator)
    if not (viewer.can_moderate_board(thread.board) and viewer.can_moderate_board(board)):
        raise DiscussionError(_("You can only move threads between boards you moderate."))
    source = thread.board_id
    thread.board_id = board.id
    thread.board = board
    db.session.flush()
    # The posts now belong to another session (or none): recount their authors.
    summaries.rebuild(queries.thread_author_ids(thread.id))
    audit.record(
        "discussion.thread_moved", actor=moderator, target=thread, source=source, to=board.id
    )
    db.session.commit()


def redact(moderator, post: Post, span: str) -> int:
    """Replace every occurrence of the span in the post (and in its history) with a
    marker, tell the author by e-mail; returns how many places were changed."""
    span = normalise_body(span)
    if not span or span not in post.body:
        raise DiscussionError(_("Copy the exact words to remove from the post."))
    count = post.body.count(span)
    for revision in queries.post_revisions(post):
        revision.body = revision.body.replace(span, REDACTED)
    db.session.add(
        PostRevision(
            post_id=post.id,
            editor_id=moderator.id,
            body=post.body.replace(span, REDACTED),
            reason="redaction",
        )
    )
    post.body = post.body.replace(span, REDACTED)
    post.body_html = str(render_markdown(post.body))
    post.redacted_at = utcnow()
    _resolve_flags(moderator, post)
    author = post.author
    if author is not None and not author.is_deleted:
        link = mail.absolute_url(
            "discussion.thread_detail", f"post-{post.id}", thread_id=post.thread_id
        )
        mail.send(author, "post_redacted", link=link)
    audit.record("discussion.post_redacted", actor=moderator, target=post, places=count)
    db.session.commit()
    return count


def create_alumni_board(admin, title: str, description: str) -> Board:
    """Add a category to the alumni forum, at the end."""
    position = len(queries.alumni_boards()) + 1
    board = Board(
        kind="alumni", title=title.strip(), description=description.strip(), position=position
    )
    db.session.add(board)
    db.session.flush()
    audit.record("discussion.board_created", actor=admin, target=board)
    db.session.commit()
    return board


def update_alumni_board(admin, board: Board, title: str, description: str) -> None:
    """Rename an alumni-forum category or change its description."""
    board.title = title.strip()
    board.description = description.strip()
    audit.record("discussion.board_renamed", actor=admin, target=board)
    db.session.commit()


def move_alumni_board(admin, board: Board, offset: int) -> None:
    """Move an alumni-forum category up (-1) or down (+1) in the list."""
    boards = queries.alumni_boards()
    index = next(i for i, b in enumerate(boards) if b.id == board.id)
    target = index + offset
    if 0 <= target < len(boards):
        boards[index], boards[target] = boards[target], boards[index]
    for position, item in enumerate(boards, start=1):
        item.position = position
    audit.record("discussion.board_reordered", actor=admin, target=board)
    db.session.commit()


def export_posts(user) -> tuple[str, object]:
    """The user's posts for the personal-data export."""
    return "discussion_posts", [
        {
            "thread": thread.title,
            "number": post.number,
            "created_at": post.created_at.isoformat(),
            "edited_at": post.edited_at.isoformat() if post.edited_at else None,
            "removed": post.is_deleted,
            "body": post.body,
        }
        for post, thread in queries.user_posts(user.id)
    ]


# The alumni forum's first categories (one per pillar, and one for finding a counterpart),
# created by `flask seed` or the first visit; the slot keeps them from being created twice,
# and admins may rename, reorder or retire them like any other category.
DEFAULT_ALUMNI_CATEGORIES = (
    (
        "alumni:prevention",
        "Prevention",
        "Awareness raising, safe migration and reducing vulnerability and demand: what has "
        "worked where you work, and what has not.",
    ),
    (
        "alumni:protection",
        "Protection",
        "Identifying victims, referral, shelter, assistance and reintegration that respect "
        "survivors' rights and choices.",
    ),
    (
        "alumni:prosecution",
        "Prosecution",
        "Investigating and prosecuting traffickers while protecting victims and witnesses: "
        "laws, evidence and cooperation between agencies.",
    ),
    (
        "alumni:partnership",
        "Partnership",
        "Working together: national and local government, NGOs, survivor groups, "
        "international organisations and neighbouring countries.",
    ),
    (
        "alumni:counterpart",
        "Ask a counterpart in another country",
        "Looking for a colleague who works on the same issue elsewhere in the region? Ask "
        "here. Describe cases in general terms only.",
    ),
)


def ensure_default_alumni_boards() -> int:
    """Create the default alumni categories that were never created; returns how many.
    Safe to call on every visit: concurrent callers do not duplicate them."""
    existing = queries.existing_alumni_slots()
    missing = [c for c in DEFAULT_ALUMNI_CATEGORIES if c[0] not in existing]
    if not missing:
        return 0
    start = queries.max_alumni_position()
    for offset, (slot, title, description) in enumerate(missing, start=1):
        db.session.add(
            Board(
                slot=slot,
                kind="alumni",
                title=title,
                description=description,
                position=start + offset,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:  # another request created them first
        db.session.rollback()
        return 0
    return len(missing)


def set_alumni_board_retired(admin, board: Board, retired: bool) -> None:
    """Retire an alumni category (hidden from the forum, threads kept) or bring it back."""
    if board.is_retired != retired:
        board.is_retired = retired
        audit.record(
            "discussion.board_retired" if retired else "discussion.board_restored",
            actor=admin,
            target=board,
        )
    db.session.commit()
