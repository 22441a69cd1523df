"""Public-site reads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective
from portal.public.models import Partner


def home_page(today: date) -> dict:
    """Objectives, sessions, partners, countries trained and upcoming cohorts."""
    objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    sessions = db.session.scalars(
        select(CurriculumSession)
        .where(CurriculumSession.is_retired.is_(False))
        .order_by(CurriculumSession.number)
    ).all()
    partners = db.session.scalars(select(Partner).order_by(Partner.position, Partner.code)).all()
    countries = db.session.scalars(
        select(User.country)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == "participant", User.country != "")
        .distinct()
    ).all()
    upcoming = db.session.scalars(
        select(Cohort).where(Cohort.workshop_end >= today).order_by(Cohort.workshop_start).limit(4)
    ).all()
    return {
        "objectives": objectives,
        "sessions": sessions,
        "partners": partners,
        "country_codes": sorted(countries),
        "upcoming": upcoming,
    }
