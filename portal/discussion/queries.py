"""Discussion reads: each returns what a page needs in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import abort, url_for
from sqlalchemy import String, and_, bindparam, case, cast, false, func, select, true
from sqlalchemy.orm import joinedload, lazyload

from portal.accounts.models import User
from portal.cohorts.models import Cohort
from portal.database import driver_rows, read_rows
from portal.discussion.models import Board, Flag, Post, PostRevision, Thread
from portal.discussion.notifications.models import ThreadRead
from portal.discussion.notifications.queries import (
    ThreadState,
    read_join,
    thread_state_columns,
    thread_state_from,
    unread_posts,
)
from portal.discussion.permissions import Viewer, boards_seen_by, viewer_for
from portal.extensions import db
from portal.learning.models import CurriculumSession
from portal.navigation import item_url

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20
KIND_ORDER = case((Board.kind == "cohort", 0), (Board.kind == "session", 1), else_=2)


@dataclass
class BoardRow:
    board: Board
    cohort_name: str | None
    thread_count: int
    last_activity: datetime | None
    unread: int = 0


def visible_boards(viewer: Viewer) -> list[BoardRow]:
    """Boards the viewer may see with thread counts and latest activity (one statement)."""
    rows = db.session.execute(
        select(
            Board,
            Cohort.name,
            func.count(Thread.id),
            func.max(Thread.last_post_at),
            func.coalesce(func.sum(unread_posts(viewer.user.id)), 0),
        )
        .outerjoin(Cohort, Cohort.id == Board.cohort_id)
        .outerjoin(Thread, Thread.board_id == Board.id)
        .outerjoin(ThreadRead, read_join(viewer.user.id))
        .where(boards_seen_by(viewer), Board.is_retired.is_(False))
        .group_by(Board.id, Cohort.id)
        .order_by(
            (Board.kind == "alumni").desc(), Cohort.id.desc(), KIND_ORDER, Board.position, Board.id
        )
    ).all()
    return [BoardRow(*row) for row in rows]


def existing_slots(cohort_ids: list[int]) -> set[str]:
    """The slots of the session and cohort boards that exist for these cohorts."""
    if not cohort_ids:
        return set()
    return set(db.session.scalars(select(Board.slot).where(Board.cohort_id.in_(cohort_ids))))


def active_sessions() -> list[CurriculumSession]:
    """The curriculum sessions that get a board, in order."""
    return list(
        db.session.scalars(
            select(CurriculumSession)
            .where(CurriculumSession.is_retired.is_(False))
            .order_by(CurriculumSession.number)
        )
    )


def load_board_for(user, board_id: int) -> Board:
    """The board when the user may see it; 404 otherwise, so ids are not confirmed."""
    board = db.session.get(Board, board_id)
    if board is None or not viewer_for(user).can_see_board(board):
        abort(404)
    return board


def load_moderated_board(user, board_id: int) -> Board:
    """The board when the user moderates it; 404 otherwise."""
    board = load_board_for(user, board_id)
    if not viewer_for(user).can_moderate_board(board):
        abort(404)
    return board


# As db.session.get(Thread, id), which builds its statement afresh each time (about a
# quarter of the look-up's cost); the board is joined as the mapper says, the author only
# loaded if asked for (no page that loads a thread this way shows its author).
_THREAD_BY_ID = (
    select(Thread).where(Thread.id == bindparam("thread_id")).options(lazyload(Thread.author))
)


def load_thread_for(user, thread_id: int) -> Thread:
    """The thread (with its board) when the user may see it; 404 otherwise."""
    thread = db.session.execute(
        _THREAD_BY_ID, {"thread_id": thread_id}, execution_options={"autoflush": False}
    ).scalar_one_or_none()
    if thread is None or not viewer_for(user).can_see_board(thread.board):
        abort(404)
    return thread


class ShownBoard(NamedTuple):
    """A thread's board as the thread page shows it and the Viewer's rules read it."""

    id: int
    kind: str
    cohort_id: int | None
    title: str


class ShownThread(NamedTuple):
    """A thread as its page shows it, read as plain columns with its board: the page only
    reads them (an ORM entity and its board cost more than the rest of the look-up).
    A reply, which changes the thread, loads the entity (load_thread_for)."""

    id: int
    board_id: int
    author_id: int | None
    title: str
    kind: str
    is_pinned: bool
    is_locked: bool
    last_number: int
    accepted_post_id: int | None
    board: ShownBoard

    is_question = Thread.is_question


# Built once: the thread, its board and the reader's state in it (read position, follows),
# the page's first three look-ups in one statement.
_SHOWN_THREAD = (
    select(
        Thread.id,
        Thread.board_id,
        Thread.author_id,
        Thread.title,
        Thread.kind,
        Thread.is_pinned,
        Thread.is_locked,
        Thread.last_number,
        Thread.accepted_post_id,
        Board.id,
        Board.kind,
        Board.cohort_id,
        Board.title,
        *thread_state_columns(Thread.id, Thread.board_id),
    )
    .join(Board, Board.id == Thread.board_id)
    .where(Thread.id == bindparam("thread_id"))
)


def shown_thread_for(user, thread_id: int) -> tuple[ShownThread, ThreadState]:
    """The thread (with its board) as its page shows it, and the user's read position and
    follows in it, when the user may see it; 404 otherwise (as load_thread_for). One
    statement."""
    rows = driver_rows(_SHOWN_THREAD, {"thread_id": thread_id, "user_id": user.id})
    if not rows:
        abort(404)
    row = rows[0]
    thread = ShownThread(*row[:9], ShownBoard(*row[9:13]))
    if not viewer_for(user).can_see_board(thread.board):
        abort(404)
    return thread, thread_state_from(thread.id, *row[13:])


def load_moderated_thread(user, thread_id: int) -> Thread:
    """The thread when the user moderates its board; 404 otherwise."""
    thread = load_thread_for(user, thread_id)
    if not viewer_for(user).can_moderate_board(thread.board):
        abort(404)
    return thread


def load_post_for(user, post_id: int) -> Post:
    """The post (thread and board loaded) when the user may see it; 404 otherwise.

    Hidden posts exist only for moderators."""
    post = db.session.scalar(
        select(Post).where(Post.id == post_id).options(joinedload(Post.thread))
    )
    if post is None:
        abort(404)
    viewer = viewer_for(user)
    board = post.thread.board
    if not viewer.can_see_board(board) or not viewer.can_see_post(post, board):
        abort(404)
    return post


def load_moderated_post(user, post_id: int) -> Post:
    """The post when the user moderates its board; 404 otherwise."""
    post = load_post_for(user, post_id)
    if not viewer_for(user).can_moderate_board(post.thread.board):
        abort(404)
    return post


def board_threads(board: Board, page: int, user_id: int = 0) -> tuple[list[Thread], bool]:
    """A page of the board's threads, pinned first, then latest activity, each with
    `unread` posts for the user; and whether there is a next page."""
    rows = db.session.execute(
        select(Thread, unread_posts(user_id))
        .outerjoin(ThreadRead, read_join(user_id))
        .where(Thread.board_id == board.id)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .offset((page - 1) * THREADS_PER_PAGE)
        .limit(THREADS_PER_PAGE + 1)
    ).all()
    threads = []
    for thread, unread in rows:
        thread.unread = max(unread, 0)
        threads.append(thread)
    return threads[:THREADS_PER_PAGE], len(threads) > THREADS_PER_PAGE


class ListedAuthor(NamedTuple):
    """A listed post's author: the columns of their name and details as plain values (a
    User entity per author cost more than the posts' read), shown through User's own
    properties. A NamedTuple, as ListedPost."""

    id: int
    display_name: str
    deleted_at: datetime | None
    country: str
    organisation: str
    organisation_type: str
    show_country: bool
    show_organisation: bool
    show_organisation_type: bool

    is_deleted = User.is_deleted
    public_name = User.public_name
    visible_details = User.visible_details


class ListedPost(NamedTuple):
    """A post as the thread page lists it: what the page shows, read as plain columns (an
    ORM entity per post cost more than the rest of the read), and its author or None.
    A NamedTuple: a frozen dataclass sets each field through object.__setattr__, which
    cost the page a quarter of a million instructions for its twenty posts."""

    id: int
    thread_id: int
    number: int
    author_id: int | None
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    redacted_at: datetime | None
    is_deleted: bool
    is_hidden: bool
    author: ListedAuthor | None = None


# Built once: the thread page asks it on every view. Each post comes with its author's
# columns (NULL without one), so that the few authors need no statement of their own; not
# the ids the post already gives (its thread's, its author's), each value read costing.
_THREAD_POSTS = (
    select(
        Post.id,
        Post.number,
        Post.author_id,
        Post.body_html,
        Post.created_at,
        Post.edited_at,
        Post.redacted_at,
        Post.is_deleted,
        Post.is_hidden,
        User.display_name,
        User.deleted_at,
        User.country,
        User.organisation,
        User.organisation_type,
        User.show_country,
        User.show_organisation,
        User.show_organisation_type,
    )
    .outerjoin(User, User.id == Post.author_id)
    .where(Post.thread_id == bindparam("thread_id"), Post.number > bindparam("after"))
    .order_by(Post.number)
    .limit(POSTS_PER_PAGE + 1)
)


def thread_posts(thread: Thread | ShownThread, after: int = 0) -> tuple[list[ListedPost], bool]:
    """Posts numbered after `after` (keyset on the per-thread number), with their authors
    (one statement); and whether more follow."""
    rows = driver_rows(_THREAD_POSTS, {"thread_id": thread.id, "after": after})
    thread_id = thread.id
    authors = {None: None}
    posts = []
    for row in rows[:POSTS_PER_PAGE]:
        author_id = row[2]
        if author_id not in authors:
            authors[author_id] = ListedAuthor(author_id, *row[9:]) if row[9] is not None else None
        posts.append(ListedPost(row[0], thread_id, *row[1:9], authors[author_id]))
    return posts, len(rows) > POSTS_PER_PAGE


def accepted_post(thread: Thread, listed: list[ListedPost] = ()) -> ListedPost | Post | None:
    """The thread's accepted answer, if any: taken from the listed posts when it is one of
    them, else read."""
    if thread.accepted_post_id is None:
        return None
    for post in listed:
        if post.id == thread.accepted_post_id:
            return post
    return db.session.get(Post, thread.accepted_post_id)


def posts_by_id(ids: list[int]) -> list[Post]:
    """These posts with their thread (one statement, refreshing them after a commit), in
    thread order."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.id.in_(ids))
            .options(joinedload(Post.thread))
            .order_by(Post.number)
        )
    )


def post_revisions(post: Post) -> list[PostRevision]:
    """Earlier texts of a post, newest first."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.id.desc())
        )
    )


def posted_with_token(author_id: int, token: str) -> Post | None:
    """The post this author already stored from the same rendered form, if any."""
    if not token:
        return None
    return db.session.scalar(
        select(Post).where(Post.author_id == author_id, Post.client_token == token)
    )


def posts_since(author_id: int, since: datetime) -> int:
    """How many posts the author wrote since the moment."""
    return db.session.scalar(
        select(func.count(Post.id)).where(Post.author_id == author_id, Post.created_at >= since)
    )


def moderated_boards(viewer: Viewer) -> list[Board]:
    """Boards the viewer moderates, for the move-thread form."""
    if viewer.is_admin:
        condition = true()
    else:
        ids = viewer.moderated_cohort_ids
        condition = Board.cohort_id.in_(ids) if ids else false()
    return list(
        db.session.scalars(
            select(Board)
            .where(condition)
            .order_by((Board.kind == "alumni").desc(), Board.cohort_id, KIND_ORDER, Board.position)
        )
    )


@dataclass
class QueueItem:
    post: Post
    thread: Thread
    flags: list[Flag]


def moderation_queue(viewer: Viewer, cohort_id: int | None = None) -> list[QueueItem]:
    """Posts with open flags on the boards the viewer moderates, oldest flag first."""
    if viewer.is_admin:
        condition = true()
    else:
        condition = Board.cohort_id.in_(viewer.moderated_cohort_ids or [-1])
    if cohort_id is not None:
        condition = and_(condition, Board.cohort_id == cohort_id)
    flags = db.session.scalars(
        select(Flag)
        .join(Post, Post.id == Flag.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .where(Flag.resolved_at.is_(None), condition)
        .options(joinedload(Flag.post).joinedload(Post.thread))
        .order_by(Flag.created_at, Flag.id)
        .limit(200)
    ).unique()
    items: dict[int, QueueItem] = {}
    for flag in flags:
        item = items.setdefault(flag.post_id, QueueItem(flag.post, flag.post.thread, []))
        item.flags.append(flag)
    return list(items.values())


def alumni_boards() -> list[Board]:
    """The alumni forum's categories in their order."""
    return list(
        db.session.scalars(
            select(Board).where(Board.kind == "alumni").order_by(Board.position, Board.id)
        )
    )


def user_posts(user_id: int) -> list[tuple[Post, Thread]]:
    """Every post the user wrote, with its thread, for the personal-data export."""
    return db.session.execute(
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user_id)
        .order_by(Post.id)
    ).all()


def session_board_url(user, session_number: int) -> str | None:
    """Link to the session's board in the user's most recent cohort, or None when the user
    has no cohort or the session does not exist. Creates the cohort's boards if needed."""
    from portal.discussion import services

    viewer = viewer_for(user)
    if not viewer.roles:
        return None
    cohort_id = max(viewer.roles)
    session = db.session.scalar(
        select(CurriculumSession).where(CurriculumSession.number == session_number)
    )
    if session is None:
        return None
    slot = f"session:{cohort_id}:{session.id}"
    board_id = db.session.scalar(select(Board.id).where(Board.slot == slot))
    if board_id is None:
        services.ensure_cohort_boards(db.session.get(Cohort, cohort_id))
        board_id = db.session.scalar(select(Board.id).where(Board.slot == slot))
    return url_for("discussion.board_detail", board_id=board_id) if board_id else None


def cohort_by_id(cohort_id: int) -> Cohort:
    """A cohort by id (the caller has checked access)."""
    return db.session.get(Cohort, cohort_id)


def load_alumni_board(board_id: int) -> Board:
    """An alumni-forum category; 404 for any other board."""
    board = db.session.get(Board, board_id)
    if board is None or board.kind != "alumni":
        abort(404)
    return board


def thread_author_ids(thread_id: int) -> list[int]:
    """The distinct authors of a thread's posts."""
    return list(
        db.session.scalars(
            select(Post.author_id)
            .where(Post.thread_id == thread_id, Post.author_id.is_not(None))
            .distinct()
        )
    )


def existing_alumni_slots() -> set[str]:
    """The slots of the default alumni categories that exist (retired or not)."""
    return set(
        db.session.scalars(
            select(Board.slot).where(Board.kind == "alumni", Board.slot.is_not(None))
        )
    )


# --------------------------------------------------------------------------- sessions <-> boards


@dataclass(frozen=True)
class SessionBoardLink:
    """Where a session is discussed by the viewer's cohort, and how many threads it has."""

    url: str
    thread_count: int


_SESSION_BOARD = (
    select(Board.id, func.count(Thread.id))
    .outerjoin(Thread, Thread.board_id == Board.id)
    .where(Board.slot == bindparam("slot"))
    .group_by(Board.id)
)


def _session_board_cohort(user) -> int | None:
    """The cohort whose session boards the user is shown, their most recent; None for
    visitors and people in no cohort."""
    if not getattr(user, "is_authenticated", False):
        return None
    viewer = viewer_for(user)
    if not viewer.roles:
        return None
    return max(viewer.roles)


def session_board_link(user, session: CurriculumSession) -> SessionBoardLink | None:
    """The session's board in the user's most recent cohort with its thread count; None for
    visitors and people in no cohort. Creates the cohort's boards if needed."""
    from portal.discussion import services

    cohort_id = _session_board_cohort(user)
    if cohort_id is None:
        return None
    slot = {"slot": f"session:{cohort_id}:{session.id}"}
    row = read_rows(_SESSION_BOARD, slot).first()
    if row is None and not session.is_retired:
        services.ensure_cohort_boards(db.session.get(Cohort, cohort_id))
        row = read_rows(_SESSION_BOARD, slot).first()
    if row is None:
        return None
    return SessionBoardLink(item_url("discussion.board_detail", board_id=row[0]), row[1])


# The same board and thread count read by the session page's own statement (a
# SessionPagePart of learning): subqueries on the session being read, whose slot is the
# bound prefix followed by the session's id (no board for a prefix of None).
_PAGE_SLOT = bindparam("board_slot_prefix", type_=String) + cast(CurriculumSession.id, String)
SESSION_BOARD_COLUMNS = (
    select(Board.id).where(Board.slot == _PAGE_SLOT).scalar_subquery(),
    select(func.count(Thread.id))
    .join(Board, Board.id == Thread.board_id)
    .where(Board.slot == _PAGE_SLOT)
    .scalar_subquery(),
)


def session_board_values(user) -> dict:
    """The bound values of SESSION_BOARD_COLUMNS for whoever opens the session page."""
    cohort_id = _session_board_cohort(user)
    return {"board_slot_prefix": None if cohort_id is None else f"session:{cohort_id}:"}


def session_board_found(user, session, found: tuple) -> SessionBoardLink | None:
    """session_board_link from the values SESSION_BOARD_COLUMNS read; when the board does
    not exist yet (a cohort's first visit), session_board_link creates the cohort's boards."""
    board_id, thread_count = found
    if board_id is None:
        return session_board_link(user, session)
    return SessionBoardLink(item_url("discussion.board_detail", board_id=board_id), thread_count)


def board_session(board: Board) -> CurriculumSession | None:
    """The curriculum session a session board belongs to (None for other boards)."""
    if board.kind != "session" or board.session_id is None:
        return None
    return db.session.get(CurriculumSession, board.session_id)


def max_alumni_position() -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(Board.position), 0)).where(Board.kind == "alumni")
    )
