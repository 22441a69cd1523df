"""Progress screens: the participant home, the cohort dashboard with its exports and
participant detail, reminders and the programme report."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_login import current_user, login_required

from portal import permissions
from portal.accounts.models import ORGANISATION_TYPES
from portal.cohorts.models import Cohort
from portal.cohorts.permissions import managed_cohort_columns, managed_statements
from portal.countries import countries
from portal.database import utcnow
from portal.learning import curriculum_version
from portal.learning.pdf import render_pdf
from portal.learning.queries import open_windows
from portal.progress import bp, exports, queries, services
from portal.progress.display import (
    attention_hint,
    attention_items,
    average_rows,
    dashboard_texts,
    dashboard_urls,
    filter_options,
    form_alert,
    gain_rows,
    matrix_rows,
    objective_labels,
    reminder_csrf_field,
    reminder_fields,
)
from portal.progress.forms import ReminderForm
from portal.translations import gettext as _
from portal.web import render

# What the dashboard, its exports, reminders and participant details read of the cohort,
# and the curriculum's version (for `queries.catalogue`: no statement of its own).
_DASHBOARD_COHORT = managed_statements(
    Cohort.id, Cohort.name, Cohort.mastery_threshold, curriculum_version.version_column()
)


def load_dashboard_cohort(cohort_id: int):
    """The cohort's id, name and mastery_threshold, with the curriculum_version, when the
    current user runs it (or is an admin); 404 otherwise."""
    cohort = managed_cohort_columns(current_user, cohort_id, _DASHBOARD_COHORT)
    if cohort is None:
        abort(404)
    return cohort


def _filters() -> queries.Filters:
    args = request.args  # once: each look-up through the request proxy costs a few calls
    country = (args.get("country") or "").strip().upper()[:2]
    organisation_type = (args.get("organisation_type") or "").strip()
    if organisation_type not in ORGANISATION_TYPES:
        organisation_type = ""
    page = args.get("page", type=int) or 1
    return queries.Filters(country=country, organisation_type=organisation_type, page=max(page, 1))


@bp.get("/progress")
@login_required
def home():
    """A participant's own progress; trainers and admins see the cohorts they run."""
    if permissions.is_staff(current_user):
        from portal.cohorts.queries import cohorts_for

        return render("progress/home.html", staff=True, cohorts=cohorts_for(current_user))
    context = queries.home(current_user, date.today())
    return render(
        "progress/home.html",
        staff=False,
        windows=open_windows(current_user, utcnow()),
        **_library_news(context["cohort"]),
        **context,
    )


def _library_news(cohort) -> dict:
    """The latest published practices, beside the alumni forum's threads for alumni.

    Everyone with a cohort reads the practice library (portal.practices.permissions
    .reads_library); the home found the participant's cohort already, so this costs one
    statement and no cohort lookup."""
    from portal.practices.queries import latest_published

    if cohort is None:
        return {"reads_library": False, "latest_practices": []}
    return {"reads_library": True, "latest_practices": latest_published(5)}


def _dashboard(cohort, form: ReminderForm | None = None, status: int = 200, message: str = ""):
    """The dashboard page; `form` is a refused post of the reminder form (shown with what
    was typed, its errors and `message`), None on a GET. A GET builds no form: its parts
    are the cohort's texts, no choice and no error, and the CSRF field written directly."""
    filters = _filters()
    data = queries.dashboard(cohort, filters, cohort.curriculum_version)
    template = data.pop("template")
    if form is None:
        subject, body = template or (services.DEFAULT_SUBJECT, services.DEFAULT_BODY)
        csrf_field, chosen, people_errors = reminder_csrf_field(), [], []
    else:
        subject, body = form.subject.data, form.body.data
        csrf_field, chosen, people_errors = form.hidden_tag(), form.people.data, form.people.errors
    # Each objective's labels and the matrix's heads, kept per language and catalogue.
    labels = objective_labels(data["catalogue"])
    locale = str(get_locale())
    return render(
        "progress/cohort_dashboard.html",
        block="results",
        status=status,
        cohort=cohort,
        filters=filters,
        urls=dashboard_urls(cohort.id),
        texts=dashboard_texts(),
        country_options=filter_options(
            "country", locale, lambda: countries(locale), filters.country
        ),
        organisation_options=filter_options(
            "organisation_type",
            locale,
            ORGANISATION_TYPES.items,
            filters.organisation_type,
        ),
        attention_hint=attention_hint(data["catalogue"].all_activities()),
        reminder_csrf_field=csrf_field,
        reminder_alert=form_alert(message),
        reminder_chosen=chosen or [],
        reminder_people_errors=people_errors,
        reminder_fields=lambda: reminder_fields(locale, subject, body, form),
        chart_rows=[
            (labels.long[a["objective"].number], a["coverage"], a["mastery"])
            for a in data["averages"]
        ],
        objective_label=labels.long,
        matrix_heads=labels.heads,
        average_rows=average_rows,
        gain_rows=gain_rows,
        matrix_rows=matrix_rows,
        attention_items=attention_items,
        **data,
    )


@bp.get("/cohorts/<int:cohort_id>/progress")
@login_required
def cohort_dashboard(cohort_id: int):
    """The cohort's progress: matrix, averages, who needs attention and pre/post gains."""
    cohort = load_dashboard_cohort(cohort_id)
    return _dashboard(cohort)


@bp.post("/cohorts/<int:cohort_id>/reminders")
@login_required
def reminders_send(cohort_id: int):
    """Queue reminders to the chosen participants from the (edited) template."""
    cohort = load_dashboard_cohort(cohort_id)
    form = ReminderForm()
    if not form.validate():
        return _dashboard(cohort, form, status=400)
    try:
        sent = services.send_reminders(
            current_user, cohort, form.people.data, form.subject.data, form.body.data
        )
    except services.ProgressError as error:
        return _dashboard(cohort, form, status=400, message=str(error))
    flash(ngettext("%(num)d reminder queued.", "%(num)d reminders queued.", sent))
    return redirect(url_for("progress.cohort_dashboard", cohort_id=cohort.id), code=303)


def _download_name(cohort, extension: str) -> str:
    return f"cohort-{cohort.id}-progress.{extension}"


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
@login_required
def cohort_export_csv(cohort_id: int):
    """The cohort's progress as CSV, streamed (same filters as the dashboard)."""
    cohort = load_dashboard_cohort(cohort_id)
    records = queries.export_rows(cohort, _filters())
    body = stream_with_context(exports.csv_stream(records, [_("Name")]))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_download_name(cohort, "csv")}"'
    )
    return response


@bp.get("/cohorts/<int:cohort_id>/progress.xlsx")
@login_required
def cohort_export_xlsx(cohort_id: int):
    """The cohort's progress as an XLSX workbook, streamed (same filters as the dashboard)."""
    cohort = load_dashboard_cohort(cohort_id)
    records = queries.export_rows(cohort, _filters())
    body = stream_with_context(exports.xlsx_stream(records, [_("Name")], _("Progress")))
    response = Response(
        body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_download_name(cohort, "xlsx")}"'
    )
    return response


@bp.get("/cohorts/<int:cohort_id>/progress/<int:user_id>")
@login_required
def participant_detail(cohort_id: int, user_id: int):
    """One participant's progress, attempts, readings, posts and reminders, for trainers."""
    cohort = load_dashboard_cohort(cohort_id)
    person = queries.cohort_participant(cohort, user_id)
    if person is None:
        abort(404)
    return render(
        "progress/participant_detail.html",
        cohort=cohort,
        person=person,
        **queries.participant_detail(cohort, person),
    )


@bp.get("/programme/report")
@permissions.requires(permissions.is_admin, status=404)
def programme_report():
    """People trained, completion and gains across cohorts, for admins; small groups hidden."""
    return render(
        "progress/programme_report.html",
        organisation_types=ORGANISATION_TYPES,
        **queries.programme_report(),
    )


@bp.get("/programme/report.csv")
@permissions.requires(permissions.is_admin, status=404)
def programme_report_csv():
    """The programme report as CSV, with the same suppression as the page."""
    report = queries.programme_report()
    body = exports.report_csv(report)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="programme-report.csv"'
    return response


@bp.post("/cohorts/<int:cohort_id>/certificate")
@login_required
def certificate_issue(cohort_id: int):
    """Issue the participant's certificate when the cohort's completion rule is met."""
    cohort = queries.participant_cohort(current_user, cohort_id)
    if cohort is None:
        abort(404)
    progress, _cat = queries.progress_for(current_user, cohort.mastery_threshold)
    try:
        services.issue_certificate(current_user, cohort, progress)
    except services.ProgressError as error:
        flash(str(error), "error")
        return redirect(url_for("progress.home"), code=303)
    return redirect(url_for("progress.certificate_pdf", cohort_id=cohort.id), code=303)


CERTIFICATE_CSS = """
@page { size: A4 landscape; margin: 2cm; }
body { font-family: "Noto Sans", "Noto Sans Bengali", "Noto Sans Khmer", "Noto Sans CJK SC",
  "Noto Sans Devanagari", "Noto Sans CJK KR", "Noto Sans Thai", "Noto Sans Thaana",
  "Noto Nastaliq Urdu", "Noto Naskh Arabic", "DejaVu Sans", sans-serif; color: #111;
  text-align: center; }
h1 { font-size: 26pt; margin-top: 1.5cm; } .name { font-size: 30pt; margin: .6cm 0; }
ul { list-style: none; padding: 0; } .code { margin-top: 1cm; font-size: 10pt; color: #444; }
"""


@bp.get("/cohorts/<int:cohort_id>/certificate.pdf")
@login_required
def certificate_pdf(cohort_id: int):
    """The participant's own certificate as a PDF (WeasyPrint, Noto fonts for every script)."""
    cohort = queries.participant_cohort(current_user, cohort_id)
    certificate = queries.certificate_of(current_user.id, cohort_id) if cohort else None
    if certificate is None:
        abort(404)
    cat = queries.catalogue()
    html = render_template(
        "progress/certificate_pdf.html",
        certificate=certificate,
        cohort=cohort,
        name=current_user.display_name,
        objectives=[o for o in cat.objectives if o.number in (certificate.objectives or [])],
        programme=queries.programme_title(),
        verify_url=url_for("progress.certificate_verify", code=certificate.code, _external=True),
    )
    pdf = render_pdf(html, CERTIFICATE_CSS)  # not cached: it carries the person's name
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="vca-certificate.pdf"'
    return response


@bp.get("/certificates/verify")
def certificate_verify():
    """Public: whether a code belongs to a valid certificate (name, cohort and date only)."""
    code = " ".join((request.args.get("code") or "").split()).upper()[:40]
    found = queries.verified_certificate(code) if code else None
    status = 200 if found or not code else 404
    return render("progress/certificate_verify.html", status=status, code=code, found=found)


@bp.post("/certificates/<code>/revoke")
@permissions.requires(permissions.is_admin, status=404)
def certificate_revoke(code: str):
    """Admins revoke a certificate by its code."""
    certificate = queries.certificate_by_code(code)
    if certificate is None:
        abort(404)
    services.revoke_certificate(current_user, certificate)
    flash(_("The certificate was revoked."))
    return redirect(url_for("progress.certificate_verify", code=code), code=303)
