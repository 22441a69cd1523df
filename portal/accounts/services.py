"""Account use cases; each validates, writes, audits and commits once."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.accounts.models import (
    FORMER_PARTICIPANT,
    LoginAttempt,
    PasswordResetToken,
    SignupRequest,
    User,
)
from portal.accounts.passwords import hash_password, verify_password
from portal.database import utcnow
from portal.extensions import db

# Features add their own parts of the personal-data export here: fn(user) -> (key, data).
EXPORTERS: list[Callable[[User], tuple[str, object]]] = []
# Features add what they must erase or anonymise on deletion here: fn(user) -> None.
ERASERS: list[Callable[[User], None]] = []


@dataclass
class SignupCodes:
    """How sign-up checks an invitation code and enrols the new account. The cohorts
    feature owns invitations and installs its own, so accounts never imports cohorts."""

    find: Callable[[str], Any]  # code -> a usable invitation, or None
    claim: Callable[[Any], bool]  # count one use atomically; False if none was left
    redeem: Callable[[User, Any], Any]  # enrol the new account; returns the audit target


_signup_codes: list[SignupCodes] = []


@dataclass
class UserRows:
    """Rows of a feature's own about the signed-in user, read in the statement that loads
    the user on every request instead of in one more statement after it (each statement
    costs the request about as much as the page's navigation). The cohorts feature
    installs the memberships the navigation and the discussion rules read on every page.

    `statement` selects User first, then the feature's columns, outer-joined so that a
    user without rows still comes back once (with the columns None); it takes the user's
    id as the bound parameter `user_id`. `keep` receives the user and the rows."""

    statement: Any
    keep: Callable[[User, list], None]


_user_rows: list[UserRows] = []
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))  # built once per process


def install_user_rows(rows: UserRows) -> None:
    _user_rows[:] = [rows]


def load_user_row(user_id: int) -> User | None:
    """The user with that id, and a feature's rows about them handed to it (see
    UserRows); a plain look-up by id when no feature installed any."""
    if not _user_rows:
        return db.session.execute(_USER_BY_ID, {"user_id": user_id}).scalar_one_or_none()
    installed = _user_rows[0]
    rows = db.session.execute(installed.statement, {"user_id": user_id}).all()
    if not rows:
        return None
    user = rows[0][0]
    installed.keep(user, rows)
    return user


def install_signup_codes(codes: SignupCodes) -> None:
    _signup_codes[:] = [codes]


# A hash of a random password, so unknown accounts cost as much time as real ones
# (made with the same parameters as real hashes, once per parameter set).
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    key = repr(current_app.config.get("PASSWORD_HASH_PARAMS"))
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[key]


class AccountError(Exception):
    """A user-facing reason a use case was refused."""


class Throttled(AccountError):
    """Too many failed logins for this account."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_invitation(code: str):
    """A usable invitation for the code, or None (the cohorts feature decides)."""
    return _signup_codes[0].find(code)


def request_signup(code: str, email: str) -> None:
    """Start a sign-up: mail the address a link that finishes it.

    The answer and the work are the same whether or not the address has an account (one
    mail either way; its owner is told someone tried), so sign-up reveals no accounts.
    Raises AccountError for a code that cannot be used or belongs to another address.
    """
    invitation = find_invitation(code)
    if invitation is None:
        raise AccountError(_("This invitation code is not valid. Check it, or ask your trainer."))
    email = normalise_email(email)
    if invitation.email and invitation.email != email:
        raise AccountError(_("This invitation is for a different e-mail address."))
    existing = find_user_by_email(email)
    if existing is not None:
        _tell_owner_about_signup(existing)
    else:
        _mail_signup_link(invitation, email)
    db.session.commit()


def _mail_signup_link(invitation, email: str) -> None:
    token = secrets.token_urlsafe(32)
    hours = current_app.config["SIGNUP_CONFIRM_HOURS"]
    db.session.add(
        SignupRequest(
            token_hash=_token_hash(token),
            email=email,
            invitation_id=invitation.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    # No account yet: the mail goes out in the language of the page the person used.
    mail.send(
        None,
        "signup_link",
        to_addr=email,
        language=str(get_locale() or ""),
        cohort_name=invitation.cohort.name,
        hours=hours,
        link=mail.absolute_url("accounts.signup_confirm", token=token),
    )
    audit.record("account.signup_requested", target=invitation.cohort)


def _tell_owner_about_signup(user: User) -> None:
    """Mail the owner of an address that someone tried to sign up with."""
    mail.send(user, "signup_existing")
    audit.record("account.signup_existing", actor=user)


def valid_signup_request(token: str) -> SignupRequest | None:
    """The waiting sign-up for a link's token, unless it expired or was finished."""
    row = db.session.scalar(
        select(SignupRequest).where(SignupRequest.token_hash == _token_hash(token))
    )
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def complete_signup(pending: SignupRequest, form_data: dict) -> User:
    """Finish a sign-up from the mailed link (a valid_signup_request): create the account
    and enrol it."""
    email = pending.email
    invitation = pending.invitation
    codes = _signup_codes[0]
    if not codes.claim(invitation):
        db.session.rollback()
        raise AccountError("This invitation code is no longer valid. Ask your trainer.")
    user = User(
        email=email,
        password_hash=hash_password(form_data["password"]),
        display_name=form_data["display_name"].strip(),
        country=form_data.get("country") or "",
        organisation=(form_data.get("organisation") or "").strip(),
        organisation_type=form_data.get("organisation_type") or "",
        language=form_data.get("language") or "en",
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the address has an account now (only its owner reads this)
        db.session.rollback()
        raise AccountError("This address has an account now. Sign in instead.") from None
    target = codes.redeem(user, invitation)
    db.session.execute(delete(SignupRequest).where(SignupRequest.email == email))
    audit.record("account.signup", actor=user, target=target)
    db.session.commit()
    return user


def _recent_failures(email: str) -> int:
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email, LoginAttempt.created_at > since
        )
    )


def authenticate(email: str, password: str) -> User | None:
    """The user when the credentials match; None otherwise. Raises Throttled when locked.

    The attempt is stored before it is counted, so simultaneous tries cannot all slip
    under the limit: each one sees at least every attempt committed before its own.
    """
    email = normalise_email(email)
    attempt = LoginAttempt(email=email)
    db.session.add(attempt)
    db.session.commit()
    if _recent_failures(email) > current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]:
        db.session.delete(attempt)  # a refused try does not extend the lock
        audit.record("login.throttled")
        db.session.commit()
        raise Throttled(_("Too many failed attempts. Wait 15 minutes or reset your password."))
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not ok or not user.is_active:
        audit.record("login.failure", actor=user)
        db.session.commit()
        return None
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    audit.record("login.success", actor=user)
    db.session.commit()
    return user


def sign_out(user: User, everywhere: bool = False) -> None:
    """End the user's sessions on the server: copied cookies stop working too."""
    user.end_sessions()
    audit.record("logout.everywhere" if everywhere else "logout", actor=user)
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link when the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_token_hash(token),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    link = mail.absolute_url("accounts.password_reset", token=token)
    mail.send(user, "password_reset", link=link, hours=hours)
    audit.record("password.reset_requested", actor=user)
    db.session.commit()


def valid_reset_token(token: str) -> PasswordResetToken | None:
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset token, which is then used up."""
    row = valid_reset_token(token)
    if row is None:
        raise AccountError(_("This link has expired or was used already. Ask for a new one."))
    user = db.session.get(User, row.user_id)
    _set_password(user, new_password)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    audit.record("password.reset", actor=user)
    db.session.commit()
    return user


def change_password(user: User, current: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError(_("Your current password is not correct."))
    _set_password(user, new_password)
    audit.record("password.changed", actor=user)
    db.session.commit()


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.end_sessions()
    # Every outstanding reset link of the account stops working, the one used included.
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    # A whole second later, so the new session id differs from every old cookie.
    user.password_changed_at = max(utcnow(), user.password_changed_at + timedelta(seconds=1))


PROFILE_FIELDS = (
    "display_name",
    "country",
    "organisation",
    "organisation_type",
    "language",
    "show_country",
    "show_organisation",
    "show_organisation_type",
)


def update_profile(user: User, data: dict) -> None:
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            setattr(user, field, value.strip() if isinstance(value, str) else value)
    audit.record("profile.updated", actor=user)
    db.session.commit()


@dataclass
class Export:
    filename: str
    data: dict


def export_data(user: User) -> Export:
    """Everything the portal holds about the user, as one JSON-ready dict."""
    data: dict = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "country": user.country,
            "organisation": user.organisation,
            "organisation_type": user.organisation_type,
            "language": user.language,
            "show_country": user.show_country,
            "show_organisation": user.show_organisation,
            "show_organisation_type": user.show_organisation_type,
            "created_at": user.created_at.isoformat(),
        },
    }
    for exporter in EXPORTERS:
        key, value = exporter(user)
        data[key] = value
    audit.record("account.exported", actor=user)
    db.session.commit()
    return Export(filename=f"vca-portal-export-{user.id}.json", data=data)


def delete_account(user: User, password: str) -> None:
    """Erase personal data; authored content stays and shows 'former participant'."""
    if not verify_password(user.password_hash, password):
        raise AccountError(_("Your password is not correct."))
    for eraser in ERASERS:
        eraser(user)
    audit.record("account.deleted", actor=user)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.display_name = FORMER_PARTICIPANT
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.country = user.organisation = user.organisation_type = ""
    user.show_country = user.show_organisation = user.show_organisation_type = False
    user.deleted_at = utcnow()
    user.end_sessions()
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    db.session.commit()
