"""Programme facts, the demo cohort and the demo accounts for `flask seed`."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.extensions import db

DEMO_COHORT = "Demo cohort (fictional)"
DEMO_CODE = "DEMO-JOIN-2026"
DEMO_ACCOUNTS = (
    # email, display name, role, country, organisation, organisation type
    (
        "participant@demo.test",
        "Demo Participant",
        "participant",
        "TH",
        "Fictional Provincial Social Welfare Office",
        "local_government",
    ),
    (
        "trainer@demo.test",
        "Demo Trainer",
        "trainer",
        "",
        "Fictional Training Centre",
        "international",
    ),
    ("admin@demo.test", "Demo Admin", "admin", "", "Fictional Training Centre", "international"),
)


def demo_password(instance_path: str, from_env: str | None) -> tuple[str, bool]:
    """The demo password: the environment's, else one generated once and kept in instance/."""
    if from_env:
        return from_env, False
    path = Path(instance_path) / "demo_password"
    if path.exists():
        return path.read_text().strip(), False
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    path.write_text(password)
    path.chmod(0o600)
    return password, True


def ensure_demo_cohort(today: date) -> Cohort:
    """The demo cohort: e-learning open now, workshop in four weeks."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        cohort = Cohort(
            name=DEMO_COHORT,
            location="Bangkok (demo)",
            sponsor="",
            elearning_opens=today - timedelta(days=7),
            workshop_start=today + timedelta(days=28),
            workshop_end=today + timedelta(days=32),
            alumni_from=today + timedelta(days=33),
            is_published=True,
        )
        db.session.add(cohort)
        db.session.flush()
    if db.session.scalar(select(Invitation).where(Invitation.code == DEMO_CODE)) is None:
        db.session.add(Invitation(code=DEMO_CODE, cohort_id=cohort.id))
    return cohort


def ensure_demo_accounts(cohort: Cohort, password: str, reset_password: bool) -> list[str]:
    """Create the three demo accounts; keep existing ones (their password only on request)."""
    report = []
    for email, name, role, country, organisation, org_type in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                display_name=name,
                role=role,
                country=country,
                organisation=organisation,
                organisation_type=org_type,
                password_hash=hash_password(password),
            )
            db.session.add(user)
            db.session.flush()
            report.append(f"created {email} ({role})")
        else:
            if reset_password:
                user.password_hash = hash_password(password)
            report.append(f"kept {email} ({role})")
        if role in ("participant", "trainer"):
            member = db.session.scalar(
                select(Membership).where(
                    Membership.user_id == user.id, Membership.cohort_id == cohort.id
                )
            )
            if member is None:
                db.session.add(Membership(user_id=user.id, cohort_id=cohort.id, role=role))
    return report


def ensure_countries_trained() -> int:
    """Start the record of countries trained with the brochure's 13, if it is empty."""
    from portal.public.models import BROCHURE_COUNTRIES, CountryTrained

    if db.session.scalar(select(CountryTrained.id).limit(1)) is not None:
        return 0
    db.session.add_all(CountryTrained(code=code) for code in BROCHURE_COUNTRIES)
    return len(BROCHURE_COUNTRIES)


def ensure_alumni_forum() -> int:
    """The alumni forum's default categories (created once; admins may change them)."""
    from portal.discussion.services import ensure_default_alumni_boards

    return ensure_default_alumni_boards()


# ---- Good-practice exchange: the demo library --------------------------------------


def ensure_demo_practices() -> list[str]:
    """Add the dozen invented example practices that are missing."""
    from portal.practices.demo import ensure_demo_practices as add_practices

    def account(email):
        return db.session.scalar(select(User).where(User.email == email))

    readers = [u for u in (account(e) for e, *_rest in DEMO_ACCOUNTS) if u is not None]
    return add_practices(account("trainer@demo.test"), readers)
