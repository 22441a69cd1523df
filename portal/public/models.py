"""Public-site facts: the countries the programme has trained people from (the partner
organisations come with the curriculum, in learning)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# The countries the programme's brochure lists as trained so far (ISO 3166 codes).
BROCHURE_COUNTRIES = ("BD", "KH", "CN", "IN", "ID", "KR", "MY", "MV", "MN", "NP", "PK", "PH", "TH")


class CountryTrained(db.Model):
    """The programme's own record of the countries it has trained people from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
