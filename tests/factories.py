"""Factories for invented, clearly fictional test data."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.extensions import db

PASSWORD = "correct horse battery staple"
_HASH = None
_counter = itertools.count(1)


def _password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def make_user(role: str = "participant", **fields) -> User:
    n = next(_counter)
    values = {
        "email": f"person{n}@example.test",
        "display_name": f"Test Person {n}",
        "password_hash": _password_hash(),
        "role": role,
        "country": "PH",
        "organisation": "Fictional Agency",
        "organisation_type": "ngo",
    }
    values.update(fields)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_cohort(name: str | None = None, today: date | None = None, **fields) -> Cohort:
    today = today or date.today()
    values = {
        "name": name or f"Cohort {next(_counter)}",
        "location": "Fictional City",
        "sponsor": "",
        "elearning_opens": today - timedelta(days=10),
        "workshop_start": today + timedelta(days=20),
        "workshop_end": today + timedelta(days=24),
        "alumni_from": today + timedelta(days=25),
    }
    values.update(fields)
    cohort = Cohort(**values)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def enrol(user: User, cohort: Cohort, role: str = "participant") -> Membership:
    member = Membership(user_id=user.id, cohort_id=cohort.id, role=role)
    db.session.add(member)
    db.session.commit()
    return member


def make_invitation(cohort: Cohort, code: str | None = None, **fields) -> Invitation:
    invitation = Invitation(code=code or f"CODE{next(_counter):06d}", cohort_id=cohort.id, **fields)
    db.session.add(invitation)
    db.session.commit()
    return invitation


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def mailed_link(email: str, path_prefix: str) -> str:
    """The path of the newest link starting with `path_prefix` mailed (queued) to `email`."""
    from sqlalchemy import select

    from portal.mail import OutboxMessage

    bodies = db.session.scalars(
        select(OutboxMessage.body_text)
        .where(OutboxMessage.to_addr == email)
        .order_by(OutboxMessage.id.desc())
    )
    for body in bodies:
        match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path_prefix} link was mailed to {email}")


def finish_signup(web, email: str, **profile) -> object:
    """Follow the sign-up link mailed to `email` and create the account; the response."""
    link = mailed_link(email, "/signup/confirm/")
    data = {
        "display_name": "Nara",
        "password": "mango river lantern 42",
        "confirm": "mango river lantern 42",
        **profile,
    }
    return web.post(link, data)
