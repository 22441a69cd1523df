"""Accounts: users, login attempts and password-reset tokens."""

from __future__ import annotations

import time
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

ROLES = ("participant", "trainer", "admin")
STAFF_ROLES = ("trainer", "admin")
# The one list of organisation types: a person's profile, the directory, enquiries,
# practices and the reports all use it. Labels are translated where they are shown.
ORGANISATION_TYPES = {
    "national_government": _l("National government"),
    "local_government": _l("Provincial or local government"),
    "ngo": _l("NGO or civil society"),
    "international": _l("International organisation"),
    "survivor_led": _l("Survivor-led group"),
    "academia": _l("Academia"),
    "other": _l("Other"),
}
FORMER_PARTICIPANT = "Former participant"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default="participant")
    country: Mapped[str] = mapped_column(String(2), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    organisation_type: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    show_country: Mapped[bool] = mapped_column(default=True)
    show_organisation: Mapped[bool] = mapped_column(default=False)
    show_organisation_type: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # Bumped by sign-out, password change, deactivation and deletion: every session and
    # remember-me cookie made before then stops working.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    # Set when the user comes from a cookie: when that sign-in happened (epoch seconds).
    signed_in_at = None  # not stored: the session id carries it

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled and self.deleted_at is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    # The roles as questions; each also works in SQL (`where(User.is_staff)`).
    @hybrid_property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @hybrid_property
    def is_trainer(self) -> bool:
        return self.role == "trainer"

    @hybrid_property
    def is_staff(self) -> bool:
        """Trainers and admins run cohorts."""
        return self.role in STAFF_ROLES

    @is_staff.inplace.expression
    @classmethod
    def _is_staff_expression(cls):
        return cls.role.in_(STAFF_ROLES)

    @property
    def public_name(self) -> str:
        return FORMER_PARTICIPANT if self.is_deleted else self.display_name

    @property
    def visible_details(self) -> list[tuple[str, str]]:
        """What the person chose to show other participants: (kind, value) pairs.

        Kinds are "country" (a code), "organisation" and "organisation_type" (its label);
        nothing for a deleted account.
        """
        if self.is_deleted:
            return []
        details = []
        if self.show_country and self.country:
            details.append(("country", self.country))
        if self.show_organisation and self.organisation:
            details.append(("organisation", self.organisation))
        if self.show_organisation_type and self.organisation_type in ORGANISATION_TYPES:
            details.append(("organisation_type", ORGANISATION_TYPES[self.organisation_type]))
        return details

    def get_id(self) -> str:
        """The session id: user, session generation and the time of sign-in."""
        signed_in_at = self.signed_in_at or int(time.time())
        return f"{self.id}:{self.session_generation}:{signed_in_at}"

    def end_sessions(self) -> None:
        """Make every existing session and remember-me cookie of this user invalid."""
        self.session_generation = (self.session_generation or 0) + 1
        self.signed_in_at = None


class LoginAttempt(db.Model):
    """One row per failed login, for the per-account throttle (shared by all workers)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PasswordResetToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SignupRequest(db.Model):
    """A sign-up waiting for its address to be confirmed; the link in the mail finishes it.

    Only the address and the invitation are kept: the name and the password are chosen on
    the confirmation page, by whoever reads the mail (so nobody can prepare an account for
    an address that is not theirs).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    invitation = relationship("Invitation", lazy="joined")
