"""Admin use cases."""

from __future__ import annotations

from flask_babel import gettext as _

from portal import audit
from portal.accounts.models import ROLES, User
from portal.extensions import db


class AdminError(Exception):
    """A user-facing reason an admin action was refused."""


def update_user(actor: User, user: User, role: str, is_enabled: bool) -> None:
    """Change a user's role or deactivate them; every change is audited."""
    if role not in ROLES:
        raise AdminError(_("Unknown role."))
    if user.id == actor.id and (role != "admin" or not is_enabled):
        raise AdminError(_("You cannot remove your own admin role or deactivate yourself."))
    if role != user.role:
        audit.record("user.role_changed", actor=actor, target=user, old=user.role, new=role)
        user.role = role
    if is_enabled != user.is_enabled:
        action = "user.reactivated" if is_enabled else "user.deactivated"
        audit.record(action, actor=actor, target=user)
        user.is_enabled = is_enabled
        if not is_enabled:
            user.end_sessions()
    db.session.commit()
