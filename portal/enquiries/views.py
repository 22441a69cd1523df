"""The "Get involved" forms for visitors and the enquiries inbox for staff."""

from __future__ import annotations

import csv
import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required

from portal.enquiries import bp, queries, services
from portal.enquiries.forms import (
    FORMS,
    KIND_LABELS,
    STATUS_LABELS,
    AssignForm,
    InboxFilterForm,
    ReplyForm,
    StatusForm,
    started_token,
)
from portal.enquiries.models import Enquiry
from portal.enquiries.permissions import visible_kinds
from portal.extensions import csrf, limiter
from portal.forms import select_choices
from portal.web import render


def _enquiry_limit() -> str:
    return current_app.config["ENQUIRY_LIMIT_PER_ADDRESS"]


@bp.errorhandler(RateLimitExceeded)
def too_many(_error):
    """A friendly page when one address sends too many enquiries."""
    return render("enquiries/too_many.html", status=429)


@bp.get("/get-involved")
def get_involved():
    """The four ways to get involved, for anyone."""
    return render("enquiries/get_involved.html", kinds=KIND_LABELS)


@bp.route("/get-involved/<kind>", methods=["GET", "POST"])
# The form checks its own CSRF token (nothing is written unless it validates), so that an
# expired token shows the form again with what was typed instead of a bare error page.
@csrf.exempt
@limiter.limit(_enquiry_limit, methods=["POST"])
def enquiry_form(kind: str):
    """One enquiry form; a person's valid submission is stored, acknowledged and announced."""
    if kind not in FORMS:
        abort(404)
    form = FORMS[kind]()
    if kind == "present":
        form.sessions.choices = queries.session_choices()
    problem = None
    if form.validate_on_submit():
        problem = form.spam_problem()
        if problem is None:
            services.submit(kind, form.data, str(get_locale() or "en"))
            return redirect(url_for("enquiries.enquiry_thanks", kind=kind), code=303)
    elif request.method == "POST" and form.csrf_token.errors:
        problem = _("The form had expired. Please send it again.")
    form.started.data = started_token()
    form.website.data = ""
    return render(
        "enquiries/enquiry_form.html",
        form=form,
        kind=kind,
        title=KIND_LABELS[kind],
        problem=problem,
        status=400 if request.method == "POST" else 200,
    )


@bp.get("/get-involved/<kind>/thanks")
def enquiry_thanks(kind: str):
    """Confirmation after an enquiry was sent."""
    if kind not in FORMS:
        abort(404)
    return render("enquiries/thanks.html", kind=kind, title=KIND_LABELS[kind])


# The inbox ---------------------------------------------------------------------------


def require_inbox() -> tuple[str, ...]:
    """The kinds the signed-in user handles; 404 for anyone who handles none."""
    kinds = visible_kinds(current_user)
    if not kinds:
        abort(404)
    return kinds


def load_enquiry(enquiry_id: int) -> Enquiry:
    """The enquiry when the current user may handle it; 404 otherwise."""
    require_inbox()
    enquiry = queries.enquiry_for(current_user, enquiry_id)
    if enquiry is None:
        abort(404)
    return enquiry


def _filters(kinds: tuple[str, ...]) -> InboxFilterForm:
    form = InboxFilterForm(request.args)
    form.kind.choices = select_choices([("", _("Any type")), *((k, KIND_LABELS[k]) for k in kinds)])
    if not form.validate():
        form.kind.data = form.status.data = ""
    return form


@bp.get("/enquiries")
@login_required
def inbox():
    """Enquiries the user handles, filtered by type and status; the rows alone for HTMX."""
    kinds = require_inbox()
    filters = _filters(kinds)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    context = queries.inbox(current_user, filters.kind.data or "", filters.status.data or "", page)
    return render(
        "enquiries/inbox.html",
        block="rows",
        filters=filters,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        **context,
    )


def _detail_forms(enquiry: Enquiry) -> dict:
    assign = AssignForm(prefix="assign")
    assign.assignee.choices = [(0, _("Nobody"))] + [
        (u.id, u.display_name) for u in queries.assignees(enquiry)
    ]
    if request.method == "GET":
        assign.assignee.data = enquiry.assigned_to_id or 0
    status = StatusForm(prefix="status")
    if request.method == "GET":
        status.status.data = enquiry.status
    reply = ReplyForm(prefix="reply")
    if not reply.subject.data:
        reply.subject.data = _("Your enquiry E-%(id)d", id=enquiry.id)
    return {"assign_form": assign, "status_form": status, "reply_form": reply}


def _detail(enquiry: Enquiry, forms: dict, status: int = 200):
    return render(
        "enquiries/enquiry_detail.html",
        enquiry=enquiry,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        status=status,
        **forms,
    )


@bp.get("/enquiries/<int:enquiry_id>")
@login_required
def enquiry_detail(enquiry_id: int):
    """One enquiry with its history and the forms to assign, change status and reply."""
    enquiry = load_enquiry(enquiry_id)
    return _detail(enquiry, _detail_forms(enquiry))


def _back(enquiry: Enquiry):
    return redirect(url_for("enquiries.enquiry_detail", enquiry_id=enquiry.id), code=303)


@bp.post("/enquiries/<int:enquiry_id>/assign")
@login_required
def enquiry_assign(enquiry_id: int):
    """Assign the enquiry to a staff member who may handle it."""
    enquiry = load_enquiry(enquiry_id)
    forms = _detail_forms(enquiry)
    form = forms["assign_form"]
    if not form.validate_on_submit():
        return _detail(enquiry, forms, status=400)
    assignee = None
    if form.assignee.data:
        assignee = next(u for u in queries.assignees(enquiry) if u.id == form.assignee.data)
    services.assign(current_user, enquiry, assignee)
    flash(_("The enquiry is assigned."))
    return _back(enquiry)


@bp.post("/enquiries/<int:enquiry_id>/status")
@login_required
def enquiry_status(enquiry_id: int):
    """Change the enquiry's status, with an optional note."""
    enquiry = load_enquiry(enquiry_id)
    forms = _detail_forms(enquiry)
    form = forms["status_form"]
    if not form.validate_on_submit():
        return _detail(enquiry, forms, status=400)
    services.change_status(current_user, enquiry, form.status.data, form.note.data)
    flash(_("Status changed to %(status)s.", status=STATUS_LABELS[form.status.data]))
    return _back(enquiry)


@bp.post("/enquiries/<int:enquiry_id>/reply")
@login_required
def enquiry_reply(enquiry_id: int):
    """Answer the enquirer by e-mail (through the outbox)."""
    enquiry = load_enquiry(enquiry_id)
    forms = _detail_forms(enquiry)
    form = forms["reply_form"]
    if not form.validate_on_submit():
        return _detail(enquiry, forms, status=400)
    services.reply(current_user, enquiry, form.subject.data, form.body.data)
    flash(_("Your reply is on its way to %(email)s.", email=enquiry.email))
    return _back(enquiry)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "id",
    "created_at",
    "kind",
    "status",
    "name",
    "email",
    "organisation",
    "organisation_type",
    "country",
    "role",
    "message",
    "expertise",
    "sessions",
    "agency",
    "duration",
)


def formula_safe(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@bp.get("/enquiries/export.csv")
@login_required
def enquiry_export():
    """The filtered enquiries as CSV, streamed, with formula-like cells neutralised."""
    kinds = require_inbox()
    filters = _filters(kinds)
    rows = queries.export_rows(current_user, filters.kind.data or "", filters.status.data or "")

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        try:
            for enquiry in rows:
                writer.writerow([formula_safe(getattr(enquiry, c)) for c in CSV_COLUMNS])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue()
        finally:
            rows.close()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="enquiries.csv"'
    return response
