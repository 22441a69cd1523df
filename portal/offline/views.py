"""Offline copies of a session and the page that records readings read offline."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from portal.database import utcnow
from portal.extensions import login_manager
from portal.learning import services as learning_services
from portal.learning.pdf import render_pdf
from portal.learning.permissions import can_take_part
from portal.offline import bp, queries
from portal.offline.documents import PDF_CSS, inline_images
from portal.offline.forms import RecordForm
from portal.web import render


def _bundle_for_participant(number: int):
    if not current_user.is_authenticated:
        return None, login_manager.unauthorized()
    if not can_take_part(current_user):
        abort(403)
    bundle = queries.session_bundle(number, current_user)
    if bundle is None:
        abort(404)
    return bundle, None


def _file_name(number: int, suffix: str) -> str:
    return f"vca-session-{number:02d}-{get_locale()}.{suffix}"


def _attachment(body, mimetype: str, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/sessions/<int:number>/offline.html")
def session_file(number: int):
    """The session as one self-contained HTML file to keep and read offline; participants."""
    bundle, refused = _bundle_for_participant(number)
    if refused is not None:
        return refused
    html = render_template(
        "offline/session_file.html", bundle=bundle, inline=inline_images, saved_on=utcnow()
    )
    return _attachment(html, "text/html; charset=utf-8", _file_name(number, "html"))


@bp.get("/sessions/<int:number>/session.pdf")
def session_pdf(number: int):
    """The session's readings, resources and discussion question as a PDF; participants."""
    bundle, refused = _bundle_for_participant(number)
    if refused is not None:
        return refused
    html = render_template(
        "offline/session_file.html",
        bundle=bundle,
        inline=inline_images,
        saved_on=utcnow(),
        for_pdf=True,
    )
    return _attachment(
        render_pdf(html, PDF_CSS, cache_key="session"), "application/pdf", _file_name(number, "pdf")
    )


@bp.route("/sessions/<int:number>/readings/record", methods=["GET", "POST"])
def readings_record(number: int):
    """Tick the readings read offline and record them at once; participants."""
    bundle, refused = _bundle_for_participant(number)
    if refused is not None:
        return refused
    form = RecordForm()
    readings = [item["reading"] for item in bundle.readings]
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = {int(v) for v in request.form.getlist("reading") if v.isdigit()}
        added = learning_services.record_readings_done(current_user, readings, chosen)
        flash(
            ngettext(
                "%(num)d reading recorded as done.", "%(num)d readings recorded as done.", added
            )
            if added
            else _("Your list of readings is saved."),
            "success",
        )
        return redirect(url_for("offline.readings_record", number=number), code=303)
    return render("offline/readings_record.html", bundle=bundle, form=form)
