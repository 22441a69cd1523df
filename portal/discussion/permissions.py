"""Who may see and moderate which board: one Viewer per request, no SQL per check; the
board-visibility rule's SQL twins (for one viewer, and for every user at once) beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import g
from sqlalchemy import and_, exists, false, or_, true

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.cohorts.permissions import membership_rows
from portal.discussion.models import Board, Post, Thread


@dataclass
class Viewer:
    """The signed-in user with their cohort roles, loaded once per request."""

    user: object
    roles: dict[int, str] = field(default_factory=dict)  # cohort id -> role
    is_alumni: bool = False
    # The user's id, read once: the thread page asks can_edit of each post, and reading
    # it from the ORM user each time was most of the check's cost.
    user_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.user_id = self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def is_staff(self) -> bool:
        return self.user.is_staff

    @property
    def sees_alumni_forum(self) -> bool:
        return self.is_staff or self.is_alumni

    def can_see_board(self, board: Board) -> bool:
        """Admins see every board; members their cohorts' boards; staff and alumni (the
        participants of a cohort whose alumni phase began) the alumni forum. SQL twins:
        boards_seen_by and boards_seen_by_user, below."""
        if self.is_admin:
            return True
        if board.kind == "alumni":
            return self.sees_alumni_forum
        return board.cohort_id in self.roles

    def can_moderate_board(self, board: Board) -> bool:
        """Admins everywhere; trainers on the boards of cohorts they train."""
        if self.is_admin:
            return True
        if board.kind == "alumni" or not self.is_staff:
            return False
        return self.roles.get(board.cohort_id) == "trainer"

    def can_see_post(self, post: Post, board: Board) -> bool:
        return not post.is_hidden or self.can_moderate_board(board)

    def can_reply(self, thread: Thread) -> bool:
        return not thread.is_locked or self.can_moderate_board(thread.board)

    def can_edit(self, post: Post) -> bool:
        return post.author_id == self.user_id and not post.is_deleted and not post.is_hidden

    def can_accept(self, thread: Thread) -> bool:
        """The asker or a moderator picks the accepted answer of a question."""
        return thread.is_question and (
            thread.author_id == self.user_id or self.can_moderate_board(thread.board)
        )

    @property
    def moderated_cohort_ids(self) -> list[int]:
        return [cid for cid, role in self.roles.items() if role == "trainer"]


def boards_seen_by(viewer: Viewer):
    """SQL twin of Viewer.can_see_board: a condition on Board for this viewer."""
    if viewer.is_admin:
        return true()
    cohorts = Board.cohort_id.in_(list(viewer.roles)) if viewer.roles else false()
    if viewer.sees_alumni_forum:
        return or_(cohorts, Board.kind == "alumni")
    return cohorts


def boards_seen_by_user(today: date):
    """SQL twin of Viewer.can_see_board for many people at once: the joined User may see
    the joined Board now."""
    member = exists().where(Membership.user_id == User.id, Membership.cohort_id == Board.cohort_id)
    alumni = exists().where(
        Membership.user_id == User.id,
        Membership.role == "participant",
        Membership.cohort_id == Cohort.id,
        Cohort.alumni_from <= today,
    )
    return or_(
        User.is_admin,
        and_(Board.kind == "alumni", or_(User.is_staff, alumni)),
        and_(Board.kind != "alumni", member),
    )


def viewer_for(user, today: date | None = None) -> Viewer:
    """The request's Viewer for the user (one statement, cached on `g`)."""
    # The user itself, not the current_user proxy: a page asks the Viewer dozens of times.
    user = getattr(user, "_get_current_object", lambda: user)()
    cached = g.get("_discussion_viewer")
    if cached is not None and cached.user_id == user.id:
        return cached
    today = today or date.today()
    viewer = Viewer(user=user)
    for cohort_id, role, alumni_from, _opens in membership_rows(user.id):
        viewer.roles[cohort_id] = role
        if role == "participant" and alumni_from <= today:
            viewer.is_alumni = True
    g._discussion_viewer = viewer
    return viewer
