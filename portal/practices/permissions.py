"""Who may see and change which practice: predicates on the discussion Viewer (its
cohort roles are loaded once per request), each with its SQL twin where lists need one."""

from __future__ import annotations

from sqlalchemy import false

from portal import permissions
from portal.discussion.permissions import Viewer, viewer_for
from portal.practices.models import EDITABLE, IN_REVIEW, Practice


def reads_library(viewer: Viewer) -> bool:
    """Participants and alumni of any cohort, and staff; not visitors or people without a
    cohort."""
    return viewer.is_staff or bool(viewer.roles)


def user_reads_library(user) -> bool:
    """reads_library for a user object (navigation, search); staff need no cohort lookup."""
    if not permissions.is_signed_in(user):
        return False
    return permissions.is_staff(user) or reads_library(viewer_for(user))


def is_author(viewer: Viewer, practice: Practice) -> bool:
    return practice.author_id is not None and practice.author_id == viewer.user.id


def can_see(viewer: Viewer, practice: Practice) -> bool:
    """Authors see their own in every state; readers see published practices; staff also
    see the ones in review, sent back or archived (never someone else's draft)."""
    if is_author(viewer, practice):
        return True
    if practice.status == "published":
        return reads_library(viewer)
    return practice.status != "draft" and viewer.is_staff


# The two answers of visible_in_library, made once: the library reuses the statements
# built around each (the rule itself is asked on every request).
_PUBLISHED = Practice.status == "published"
_NOTHING = false()


def visible_in_library(viewer: Viewer):
    """SQL twin of can_see for the library: published practices, for readers only."""
    if not reads_library(viewer):
        return _NOTHING
    return _PUBLISHED


def can_edit(viewer: Viewer, practice: Practice) -> bool:
    """The author, while the practice is a draft or was sent back for changes."""
    return is_author(viewer, practice) and practice.status in EDITABLE


can_submit = can_edit


def can_review(viewer: Viewer, practice: Practice) -> bool:
    """Trainers and admins, on someone else's practice waiting for review."""
    return viewer.is_staff and not is_author(viewer, practice) and practice.status in IN_REVIEW


def can_archive(viewer: Viewer, practice: Practice) -> bool:
    """Staff or the author take a published practice out of the library."""
    return practice.status == "published" and (viewer.is_staff or is_author(viewer, practice))


def can_take_part(viewer: Viewer, practice: Practice) -> bool:
    """Comment on a published practice: every reader of the library."""
    return practice.status == "published" and reads_library(viewer)


def can_endorse(viewer: Viewer, practice: Practice) -> bool:
    """Mark a published practice useful: every reader but its author."""
    return can_take_part(viewer, practice) and not is_author(viewer, practice)


def can_moderate(viewer: Viewer) -> bool:
    """Trainers and admins hide and restore comments on practices."""
    return viewer.is_staff
