"""Public-site writes: the record of countries trained (admins only)."""

from __future__ import annotations

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.public.models import CountryTrained


def add_country_trained(actor, code: str) -> bool:
    """Add a country to the record; False when it is already there."""
    if db.session.scalar(select(CountryTrained.id).where(CountryTrained.code == code)):
        return False
    db.session.add(CountryTrained(code=code))
    audit.record("country_trained.added", actor=actor, country=code)
    db.session.commit()
    return True


def remove_country_trained(actor, country: CountryTrained) -> None:
    audit.record("country_trained.removed", actor=actor, country=country.code)
    db.session.delete(country)
    db.session.commit()
