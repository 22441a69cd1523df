"""Public pages: the programme, pages for trust, and the admins' record of countries."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import permissions
from portal.accounts.forms import EmptyForm
from portal.countries import country_name
from portal.public import bp, queries, services
from portal.public.forms import CountryTrainedForm
from portal.public.models import CountryTrained
from portal.public.queries import MIN_PEOPLE_SHOWN
from portal.site_texts import site_text
from portal.web import get_or_404, render


@bp.get("/")
def home():
    """The programme: objectives, sessions, partners, countries trained, workshops."""
    context = queries.home_page(date.today())
    context["countries_trained"] = sorted(
        filter(None, map(country_name, context["countries_trained"]))
    )
    return render(
        "public/home.html",
        programme_text=site_text("programme"),
        min_people=MIN_PEOPLE_SHOWN,
        **context,
    )


@bp.get("/about")
def about():
    """Why the programme exists and who runs it (content/site/about.md)."""
    return render("public/about.html", text=site_text("about"))


@bp.get("/contact")
def contact():
    """Contact details (content/site/contact.md) and the ways to get involved."""
    return render("public/contact.html", text=site_text("contact"))


@bp.get("/privacy")
def privacy():
    """What the portal stores, why, and for how long."""
    return render("public/privacy.html", min_people=MIN_PEOPLE_SHOWN)


@bp.get("/protecting-participants")
def protection():
    """How the portal protects participants and survivors."""
    return render("public/protection.html", min_people=MIN_PEOPLE_SHOWN)


@bp.route("/programme/countries", methods=["GET", "POST"])
@permissions.requires(permissions.is_admin, status=404)
def countries_trained():
    """The programme's record of countries trained; admins add and remove countries."""
    form = CountryTrainedForm()
    status = 200
    if form.validate_on_submit():
        code = form.country.data
        if services.add_country_trained(current_user, code):
            flash(_("%(country)s is added.", country=country_name(code)))
        else:
            flash(_("%(country)s is already in the record.", country=country_name(code)))
        return redirect(url_for("public.countries_trained"), code=303)
    if form.is_submitted():
        status = 400
    rows = sorted(queries.country_rows(), key=lambda row: country_name(row.code))
    return render(
        "public/countries_trained.html",
        form=form,
        rows=rows,
        remove_form=EmptyForm(),
        status=status,
    )


@bp.post("/programme/countries/<int:country_id>/remove")
@permissions.requires(permissions.is_admin, status=404)
def country_trained_remove(country_id: int):
    """Take a country out of the record."""
    country = get_or_404(CountryTrained, country_id)
    if EmptyForm().validate_on_submit():
        services.remove_country_trained(current_user, country)
        flash(_("%(country)s is removed.", country=country_name(country.code)))
    return redirect(url_for("public.countries_trained"), code=303)
