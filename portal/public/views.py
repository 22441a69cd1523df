"""Public pages."""

from __future__ import annotations

from datetime import date

from portal.public import bp, queries
from portal.web import render


@bp.get("/")
def home():
    """The programme: objectives, sessions, partners, countries trained, upcoming cohorts."""
    return render("public/home.html", **queries.home_page(date.today()))
