"""Progress screens: the participant home, the cohort dashboard with its exports and
participant detail, reminders and the programme report."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from portal import permissions
from portal.accounts.models import ORGANISATION_TYPES
from portal.cohorts.permissions import managed_cohort_columns
from portal.countries import countries
from portal.database import utcnow
from portal.i18n.languages import chart_x, text_direction
from portal.learning.pdf import render_pdf
from portal.learning.queries import open_windows
from portal.memo import FragmentMemo
from portal.navigation import item_url
from portal.progress import bp, exports, queries, services
from portal.progress.forms import ReminderForm
from portal.translations import gettext as _
from portal.web import render


def load_dashboard_cohort(cohort_id: int):
    """The cohort's id, name and mastery_threshold (all that the dashboard, its exports,
    reminders and participant details read) when the current user runs it (or is an
    admin); 404 otherwise."""
    cohort = managed_cohort_columns(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _filters() -> queries.Filters:
    country = (request.args.get("country") or "").strip().upper()[:2]
    organisation_type = (request.args.get("organisation_type") or "").strip()
    if organisation_type not in ORGANISATION_TYPES:
        organisation_type = ""
    page = request.args.get("page", type=int) or 1
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


# Per filter and language: the filter's options (value -> place, each option's markup
# unselected and selected, all of them joined unselected). Made once per language, not per
# request: the country list holds some 250 countries. Nothing in it depends on who asks.
_OPTIONS: dict[tuple[str, str], tuple[dict[str, int], list[str], list[str], str]] = {}


def _options(name: str, locale: str, pairs, chosen: str) -> Markup:
    """The <option>s of filter `name` in the page's language, `chosen` selected; `pairs`
    gives (value, label) in that language, called once per language. Labels are escaped
    unless they are markup (a lazy translation is), as Jinja writes them."""
    found = _OPTIONS.get((name, locale))
    if found is None:
        pairs = list(pairs())
        plain = [f'<option value="{escape(c)}">{escape(n)}</option>' for c, n in pairs]
        selected = [f'<option value="{escape(c)}" selected>{escape(n)}</option>' for c, n in pairs]
        place = {code: n for n, (code, _name) in enumerate(pairs)}
        found = _OPTIONS[(name, locale)] = (place, plain, selected, "".join(plain))
    place, plain, selected, joined = found
    n = place.get(chosen)
    if n is None:
        return Markup(joined)
    return Markup("".join(plain[:n]) + selected[n] + "".join(plain[n + 1 :]))


@bp.app_template_global("percent")
def percent(value: float | None) -> str:
    """A share as the progress pages write it: "—" when there is none, else "42 %". The
    `pct` macro of progress/_charts.html calls it; the dashboard's cells (hundreds a page,
    made in Python by `matrix_cells`) call it directly."""
    return "—" if value is None else f"{value:.0f} %"


def average_rows(averages) -> Markup:
    """The rows of the table of cohort averages, one per objective: its number and title,
    the average coverage and mastery (written by `percent`, as the `pct` macro does)."""
    return Markup(
        "".join(
            f'<tr><th scope="row">{a["objective"].number}. {escape(a["objective"].title)}</th>'
            f"<td>{percent(a['coverage'])}</td><td>{percent(a['mastery'])}</td></tr>"
            for a in averages
        )
    )


def gain_rows(gains, labels: dict) -> Markup:
    """The rows of the pre/post table, one per objective: its label (from `labels`), how
    many took both assessments, then the means and gains, or that no one has yet (that
    text looked up once a page)."""
    nobody = Markup(_("No one has taken both yet."))
    rows = []
    for g in gains:
        head = f'<tr><th scope="row">{labels[g["objective"]]}</th><td>{g["people"]}</td>\n'
        if not g["people"]:
            rows.append(f'{head}<td colspan="4">{nobody}</td></tr>\n')
            continue
        normalised = g["normalised_gain"]
        rows.append(
            f"{head}<td>{percent(g['pre'])}</td><td>{percent(g['post'])}</td>"
            f"<td>{g['raw_gain']:+.1f}</td>"
            f"<td>{'—' if normalised is None else f'{normalised:.2f}'}</td>\n</tr>\n"
        )
    return Markup("".join(rows))


def matrix_head_cells(cat, short_labels: dict) -> Markup:
    """The matrix's column heads after "Participant": each objective's short label, then
    each session's number."""
    return Markup(
        "".join(f'<th scope="col">{short_labels[o.number]}</th>' for o in cat.objectives)
        + "".join(f'<th scope="col">{s.number}</th>' for s in cat.sessions)
    )


def matrix_cells(progress, posted_label) -> Markup:
    """One participant's cells of the dashboard's matrix, per objective then per session:
    the markup the template would write for each cell, made here because a page has hundreds
    of cells (Jinja escapes every value of every cell). Numbers only, and the label escaped."""
    posted = f' · <span aria-label="{escape(posted_label)}">✓</span>'
    cells = [f"<td>{percent(o.coverage)} / {percent(o.mastery)}</td>" for o in progress.objectives]
    for s in progress.sessions:
        quiz = f" · {percent(s.best_percent)}" if s.has_quiz else ""
        done = f"{s.readings_done}/{s.readings_total}"
        cells.append(f"<td>{done}{quiz}{posted if s.posted else ''}</td>")
    return Markup("".join(cells))


def matrix_rows(rows, cohort_id: int) -> Markup:
    """The matrix's row of each participant of the page: their name, linked to their
    details, then their cells (`matrix_cells`); the "posted" label looked up once a page."""
    posted = Markup(_("posted"))
    return Markup(
        "".join(
            f'<tr>\n<th scope="row"><a href="{escape(_detail_url(cohort_id, r["user"].id))}">'
            f"{escape(r['user'].public_name)}</a></th>\n"
            f"{matrix_cells(r['progress'], posted)}</tr>\n"
            for r in rows
        )
    )


def attention_items(attention, chosen, cohort_id: int) -> Markup:
    """The <li> of each person who may need a reminder (up to LIST_LIMIT), `chosen` (their
    ids) ticked: made here with the labels and the "n of m done" text looked up once a
    page, not once a person. Translations are markup, as in the templates' _()."""
    not_started, details = Markup(_("not started")), Markup(_("details"))
    done_text = Markup(_("%(done)d of %(total)d done"))  # no values: the text unformatted
    items = []
    for item in attention:
        user_id, name = item["user"].id, escape(item["user"].public_name)
        done = item["done"]
        status = not_started if done == 0 else done_text % {"done": done, "total": item["total"]}
        items.append(
            f'<li><input type="checkbox" name="people" value="{user_id}" id="remind-{user_id}"'
            f"{' checked' if user_id in chosen else ''}>\n"
            f'<label for="remind-{user_id}">{name}</label>\n'
            f'<span class="hint">{status}</span>\n'
            f'· <a href="{escape(_detail_url(cohort_id, user_id))}">{details}'
            f'<span class="sr-only"> {name}</span></a></li>\n'
        )
    return Markup("".join(items))


def _detail_url(cohort_id: int, user_id: int) -> str:
    return item_url("progress.participant_detail", cohort_id=cohort_id, user_id=user_id)


@bp.app_template_global("objective_chart")
def objective_chart(rows, chart_id: str, title: str, caption: str) -> Markup:
    """The bar chart of coverage and mastery per objective, an inline SVG mirrored on
    right-to-left pages; `rows` are (label, coverage, mastery). Made here, not in a macro:
    the macro asked the text direction for each of its coordinates (some 30 a chart).
    Labels, title and caption are escaped unless they are markup, as Jinja writes them."""
    direction = text_direction()
    height = len(rows) * 34 + 24
    chart_id = escape(chart_id)
    track = chart_x(110, 200, direction=direction)
    parts = [
        '<figure class="chart">\n'
        f'<svg viewBox="0 0 320 {height}" width="100%" role="img"'
        f' aria-labelledby="{chart_id}-title" focusable="false">\n'
        f'<title id="{chart_id}-title">{escape(title)}</title>\n'
    ]
    for n, (label, coverage, mastery) in enumerate(rows):
        y = n * 34 + 4
        covered, mastered = round((coverage or 0) * 2, 1), round((mastery or 0) * 2, 1)
        parts.append(
            f'<text x="{chart_x(0, direction=direction)}" y="{y + 10}" class="chart-label">'
            f"{escape(label)}</text>\n"
            f'<rect class="meter-track" x="{track}" y="{y}" width="200" height="12"/>\n'
            f'<rect class="chart-coverage" x="{chart_x(110, covered, direction=direction)}"'
            f' y="{y}" width="{covered}" height="12"/>\n'
            f'<rect class="meter-track" x="{track}" y="{y + 15}" width="200" height="12"/>\n'
            f'<rect class="chart-mastery" x="{chart_x(110, mastered, direction=direction)}"'
            f' y="{y + 15}" width="{mastered}" height="12"/>\n'
        )
    parts.append(
        f'<text x="{chart_x(110, direction=direction)}" y="{height - 4}" class="chart-label">'
        f'0 %</text><text x="{chart_x(290, direction=direction)}" y="{height - 4}"'
        ' class="chart-label">100 %</text>\n'
        f"</svg>\n<figcaption>{escape(caption)}</figcaption>\n</figure>\n"
    )
    return Markup("".join(parts))


# The reminder form's subject and message fields as the `field` macro writes them, kept by
# language and the two texts they hold (this request's: the cohort's template or what was
# posted): WTForms writes each attribute through str.format, and the two fields cost more
# than the rest of the page's markup. Fields with errors are written afresh. Nothing in
# them is the viewer's own (the CSRF token is apart); bounded, cleared when full.
_REMINDER_FIELDS = FragmentMemo(max_entries=1000, max_chars=40_000)


def _reminder_fields(form: ReminderForm, locale: str) -> Markup:
    """The subject and message fields of the reminder form, one after the other."""
    if form.subject.errors or form.body.errors:
        return _write_reminder_fields(form)
    key = (locale, form.subject.data, form.body.data)
    return _REMINDER_FIELDS.get(key, _write_reminder_fields, form)


def _write_reminder_fields(form: ReminderForm) -> Markup:
    field = get_template_attribute("_macros/forms.html", "field")
    return Markup(f"{field(form.subject)}\n{field(form.body)}")


def _dashboard(cohort, form: ReminderForm | None = None, status: int = 200, message: str = ""):
    filters = _filters()
    data = queries.dashboard(cohort, filters)
    template = data.pop("template")
    if form is None:
        form = ReminderForm()
        form.subject.data = template[0] if template else services.DEFAULT_SUBJECT
        form.body.data = template[1] if template else services.DEFAULT_BODY
    # Each objective's labels, from two texts looked up once a page.
    long_label, short_label = Markup(_("Objective %(n)d")), Markup(_("Obj. %(n)d"))
    numbers = [o.number for o in data["catalogue"].objectives]
    labels, averages = {n: long_label % {"n": n} for n in numbers}, data["averages"]
    locale = str(get_locale())
    return render(
        "progress/cohort_dashboard.html",
        block="results",
        status=status,
        cohort=cohort,
        filters=filters,
        country_options=_options("country", locale, lambda: countries(locale), filters.country),
        organisation_options=_options(
            "organisation_type",
            locale,
            ORGANISATION_TYPES.items,
            filters.organisation_type,
        ),
        reminder_form=form,
        reminder_fields=lambda: _reminder_fields(form, locale),
        reminder_error=message,
        chart_rows=[(labels[a["objective"].number], a["coverage"], a["mastery"]) for a in averages],
        objective_label=labels,
        objective_short_label={n: short_label % {"n": n} for n in numbers},
        average_rows=average_rows,
        gain_rows=gain_rows,
        matrix_head_cells=matrix_head_cells,
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
