"""Public-site reads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cohorts.models import Cohort
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective, Partner
from portal.public.models import CountryTrained

# Figures about fewer people than this could point at someone, so they are not shown.
MIN_PEOPLE_SHOWN = 5
WORKSHOPS_SHOWN = 4


def member_countries() -> list[tuple[str, int]]:
    """(country code, people) for countries with at least MIN_PEOPLE_SHOWN active profiles
    showing their country, most people first."""
    people = func.count(User.id)
    return [
        (code, count)
        for code, count in db.session.execute(
            select(User.country, people)
            .where(
                User.country != "",
                User.show_country.is_(True),
                User.is_enabled.is_(True),
                User.deleted_at.is_(None),
            )
            .group_by(User.country)
            .having(people >= MIN_PEOPLE_SHOWN)
            .order_by(people.desc(), User.country)
        )
    ]


def published_workshops(today: date) -> tuple[list[Cohort], list[Cohort]]:
    """(upcoming, past) published cohorts: the next few, soonest first, and the latest few."""
    published = select(Cohort).where(Cohort.is_published.is_(True))
    upcoming = db.session.scalars(
        published.where(Cohort.workshop_end >= today)
        .order_by(Cohort.workshop_start)
        .limit(WORKSHOPS_SHOWN)
    ).all()
    past = db.session.scalars(
        published.where(Cohort.workshop_end < today)
        .order_by(Cohort.workshop_end.desc())
        .limit(WORKSHOPS_SHOWN)
    ).all()
    return list(upcoming), list(past)


def countries_trained() -> list[str]:
    """The programme's own record of countries trained, as codes."""
    return list(db.session.scalars(select(CountryTrained.code)))


def home_page(today: date) -> dict:
    """Objectives, sessions, partners, countries trained and members, published workshops."""
    objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    sessions = db.session.scalars(
        select(CurriculumSession)
        .where(CurriculumSession.is_retired.is_(False))
        .order_by(CurriculumSession.number)
    ).all()
    partners = db.session.scalars(select(Partner).order_by(Partner.position, Partner.code)).all()
    upcoming, past = published_workshops(today)
    return {
        "objectives": objectives,
        "sessions": sessions,
        "partners": partners,
        "countries_trained": countries_trained(),
        "member_countries": member_countries(),
        "upcoming": upcoming,
        "past": past,
    }


def country_rows() -> list[CountryTrained]:
    """Every row of the record of countries trained, for the admins' page."""
    return list(db.session.scalars(select(CountryTrained)))
