"""Authoring screens; every route is for trainers and admins only (see the blueprint's guard)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms import EmptyForm
from portal.authoring import bp
from portal.authoring.forms import (
    ROW_FIELDS,
    TYPE_LABELS,
    GiftUploadForm,
    QuestionForm,
    QuizForm,
    ReadingForm,
    ResourceForm,
    SessionForm,
    fill_form,
    form_to_spec,
    objective_choices,
    padded_rows,
    read_rows,
    spec_to_rows,
)
from portal.learning import authoring_queries as queries
from portal.learning import authoring_services as services
from portal.learning.grading import QUESTION_TYPES
from portal.learning.models import CurriculumSession, Question, Quiz, Reading
from portal.markdown import render_markdown
from portal.web import get_or_404, render

PREVIEW_FIELDS = ("text", "body", "summary", "discussion_prompt", "feedback")
MAX_GIFT_BYTES = 1_000_000


def _direction() -> str:
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return direction


def _checked_post() -> None:
    """Bare buttons carry only the CSRF token; check it like any form."""
    if not EmptyForm().validate_on_submit():
        abort(400)


def _preview(form, name: str):
    """The preview of a Markdown field when the no-JS Preview button was pressed."""
    if request.form.get("action") != "preview":
        return None
    return render_markdown(getattr(form, name).data or "")


def _is_preview() -> bool:
    return request.form.get("action") == "preview"


# --------------------------------------------------------------------------- sessions


@bp.get("/")
def session_list():
    """Every session with its readings and questions, and what a trainer can do with it."""
    return render(
        "authoring/session_list.html",
        rows=queries.session_rows(),
        assessment=queries.assessment_quiz(),
        button_form=EmptyForm(),
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
def session_new():
    """Create a session after the last one."""
    form = SessionForm()
    form.objectives.choices = objective_choices(queries.objectives())
    if not _is_preview() and form.validate_on_submit():
        session = services.create_session(current_user, form.data)
        flash(_("Session created."))
        return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)
    return _session_form(form, None)


def _session_form(form, session):
    status = 400 if request.method == "POST" and not _is_preview() else 200
    return render(
        "authoring/session_form.html",
        status=status,
        form=form,
        session=session,
        preview=_preview(form, "summary"),
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def session_edit(session_id: int):
    """Edit a session's title, summary, discussion prompt and objectives."""
    session = get_or_404(CurriculumSession, session_id)
    form = SessionForm(obj=session)
    form.objectives.choices = objective_choices(queries.objectives())
    if request.method == "GET":
        form.objectives.data = [o.number for o in session.objectives]
    if not _is_preview() and form.validate_on_submit():
        services.update_session(current_user, session, form.data)
        flash(_("Session saved."))
        return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)
    return _session_form(form, session)


@bp.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    """A session's readings, resources and quiz, with their actions."""
    session = get_or_404(CurriculumSession, session_id)
    return render(
        "authoring/session_detail.html",
        session=session,
        readings=queries.session_readings(session.id),
        quiz=queries.session_quiz(session.id),
        resource_form=ResourceForm(),
        button_form=EmptyForm(),
    )


@bp.post("/sessions/<int:session_id>/move")
def session_move(session_id: int):
    """Move a session one place up or down (its number changes)."""
    session = get_or_404(CurriculumSession, session_id)
    _checked_post()
    services.move_session(current_user, session, _direction())
    return redirect(url_for("authoring.session_list"), code=303)


@bp.post("/sessions/<int:session_id>/retire")
def session_retire(session_id: int):
    """Retire a session: participants no longer see it; nothing is deleted."""
    session = get_or_404(CurriculumSession, session_id)
    _checked_post()
    services.set_session_retired(current_user, session, True)
    flash(_("Session retired."))
    return redirect(url_for("authoring.session_list"), code=303)


@bp.post("/sessions/<int:session_id>/restore")
def session_restore(session_id: int):
    """Bring a retired session back."""
    session = get_or_404(CurriculumSession, session_id)
    _checked_post()
    services.set_session_retired(current_user, session, False)
    flash(_("Session restored."))
    return redirect(url_for("authoring.session_list"), code=303)


@bp.route("/objectives", methods=["GET", "POST"])
def objective_map():
    """The session-to-objective map as checkboxes per session."""
    sessions = queries.sessions_in_order()
    objectives = queries.objectives()
    form = EmptyForm()
    if form.validate_on_submit():
        numbers = {o.number for o in objectives}
        mapping = {
            s.id: [
                int(n)
                for n in request.form.getlist(f"session-{s.id}")
                if n.isdigit() and int(n) in numbers
            ]
            for s in sessions
        }
        services.save_objective_map(current_user, mapping)
        flash(_("Objective map saved."))
        return redirect(url_for("authoring.objective_map"), code=303)
    return render(
        "authoring/objective_map.html", sessions=sessions, objectives=objectives, form=form
    )


# --------------------------------------------------------------------------- readings


@bp.route("/sessions/<int:session_id>/readings/new", methods=["GET", "POST"])
def reading_new(session_id: int):
    """Write a new reading for the session."""
    session = get_or_404(CurriculumSession, session_id)
    return _reading_form(session, None, ReadingForm())


@bp.route("/readings/<int:reading_id>/edit", methods=["GET", "POST"])
def reading_edit(reading_id: int):
    """Edit a reading's title, address, summary and Markdown text."""
    reading = get_or_404(Reading, reading_id)
    session = get_or_404(CurriculumSession, reading.session_id)
    return _reading_form(session, reading, ReadingForm(obj=reading))


def _reading_form(session, reading, form):
    problems: list[str] = []
    if not _is_preview() and form.validate_on_submit():
        try:
            services.save_reading(current_user, session, reading, form.data)
        except services.AuthoringError as error:
            problems = error.problems
        else:
            flash(_("Reading saved."))
            return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)
    status = 400 if request.method == "POST" and not _is_preview() else 200
    return render(
        "authoring/reading_form.html",
        status=status,
        form=form,
        session=session,
        reading=reading,
        problems=problems,
        preview=_preview(form, "body"),
    )


def _reading_action(reading_id: int, action):
    reading = get_or_404(Reading, reading_id)
    _checked_post()
    action(reading)
    return redirect(url_for("authoring.session_detail", session_id=reading.session_id), code=303)


@bp.post("/readings/<int:reading_id>/move")
def reading_move(reading_id: int):
    """Move a reading one place up or down."""
    return _reading_action(
        reading_id, lambda r: services.move_reading(current_user, r, _direction())
    )


@bp.post("/readings/<int:reading_id>/retire")
def reading_retire(reading_id: int):
    """Retire a reading (hidden from participants, progress kept)."""
    return _reading_action(
        reading_id, lambda r: services.set_reading_retired(current_user, r, True)
    )


@bp.post("/readings/<int:reading_id>/restore")
def reading_restore(reading_id: int):
    """Bring a retired reading back."""
    return _reading_action(
        reading_id, lambda r: services.set_reading_retired(current_user, r, False)
    )


# --------------------------------------------------------------------------- resources


def _resource_index(session, index: int) -> int:
    if not 0 <= index < len(session.resources or []):
        abort(404)
    return index


@bp.post("/sessions/<int:session_id>/resources")
def resource_add(session_id: int):
    """Add a resource (title, address, note) to the session."""
    session = get_or_404(CurriculumSession, session_id)
    form = ResourceForm()
    if form.validate_on_submit():
        services.save_resource(current_user, session, None, form.data)
        flash(_("Resource added."))
        return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)
    return render(
        "authoring/resource_form.html", status=400, form=form, session=session, index=None
    )


@bp.route("/sessions/<int:session_id>/resources/<int:index>/edit", methods=["GET", "POST"])
def resource_edit(session_id: int, index: int):
    """Edit one of the session's resources."""
    session = get_or_404(CurriculumSession, session_id)
    index = _resource_index(session, index)
    form = (
        ResourceForm(data=session.resources[index]) if request.method == "GET" else ResourceForm()
    )
    if form.validate_on_submit():
        services.save_resource(current_user, session, index, form.data)
        flash(_("Resource saved."))
        return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)
    status = 400 if request.method == "POST" else 200
    return render(
        "authoring/resource_form.html", status=status, form=form, session=session, index=index
    )


@bp.post("/sessions/<int:session_id>/resources/<int:index>/move")
def resource_move(session_id: int, index: int):
    """Move a resource one place up or down."""
    session = get_or_404(CurriculumSession, session_id)
    index = _resource_index(session, index)
    _checked_post()
    services.move_resource(current_user, session, index, _direction())
    return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)


@bp.post("/sessions/<int:session_id>/resources/<int:index>/remove")
def resource_remove(session_id: int, index: int):
    """Take a resource off the session."""
    session = get_or_404(CurriculumSession, session_id)
    index = _resource_index(session, index)
    _checked_post()
    services.remove_resource(current_user, session, index)
    flash(_("Resource removed."))
    return redirect(url_for("authoring.session_detail", session_id=session.id), code=303)


# --------------------------------------------------------------------------- quiz


def _quiz_page(session, form=None, report=None, status: int = 200):
    quiz = queries.session_quiz(session.id)
    if form is None:
        form = (
            QuizForm(obj=quiz)
            if quiz
            else QuizForm(title=_("Session %(number)d quiz", number=session.number))
        )
    return render(
        "authoring/quiz.html",
        status=status,
        session=session,
        quiz=quiz,
        form=form,
        rows=queries.quiz_questions(quiz.id) if quiz else [],
        types=[(kind, TYPE_LABELS[kind]) for kind in QUESTION_TYPES],
        upload_form=GiftUploadForm(),
        button_form=EmptyForm(),
        report=report,
    )


@bp.route("/sessions/<int:session_id>/quiz", methods=["GET", "POST"])
def quiz_detail(session_id: int):
    """The session quiz: its settings, its questions in order, GIFT upload and download."""
    session = get_or_404(CurriculumSession, session_id)
    if request.method == "POST":
        form = QuizForm()
        if form.validate_on_submit():
            services.save_quiz(current_user, session, form.data)
            flash(_("Quiz settings saved."))
            return redirect(url_for("authoring.quiz_detail", session_id=session.id), code=303)
        return _quiz_page(session, form=form, status=400)
    return _quiz_page(session)


@bp.post("/sessions/<int:session_id>/quiz/gift")
def gift_upload(session_id: int):
    """Import the questions of an uploaded GIFT file; shows what was imported and each problem."""
    session = get_or_404(CurriculumSession, session_id)
    form = GiftUploadForm()
    if not form.validate_on_submit():
        return _quiz_page(
            session, status=400, report={"error": _("Choose a .gift file to upload.")}
        )
    raw = form.file.data.read(MAX_GIFT_BYTES + 1)
    if len(raw) > MAX_GIFT_BYTES:
        return _quiz_page(session, status=400, report={"error": _("The file is too large.")})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _quiz_page(session, status=400, report={"error": _("The file is not UTF-8 text.")})
    result = services.import_gift(current_user, session, text)
    return _quiz_page(session, status=200 if result.imported else 400, report={"result": result})


@bp.get("/sessions/<int:session_id>/quiz.gift")
def gift_download(session_id: int):
    """The quiz's current questions as a GIFT file."""
    session = get_or_404(CurriculumSession, session_id)
    response = make_response(queries.gift_text(session.id))
    response.mimetype = "text/plain"
    response.charset = "utf-8"
    filename = f"session-{session.number:02d}.gift"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _quiz_retired(session_id: int, retired: bool, message: str):
    session = get_or_404(CurriculumSession, session_id)
    quiz = queries.session_quiz(session.id)
    if quiz is None:
        abort(404)
    _checked_post()
    services.set_quiz_retired(current_user, quiz, retired)
    flash(message)
    return redirect(url_for("authoring.quiz_detail", session_id=session.id), code=303)


@bp.post("/sessions/<int:session_id>/quiz/retire")
def quiz_retire(session_id: int):
    """Retire the session quiz: participants no longer see or start it; attempts are kept."""
    return _quiz_retired(session_id, True, _("Quiz retired."))


@bp.post("/sessions/<int:session_id>/quiz/restore")
def quiz_restore(session_id: int):
    """Bring a retired session quiz back."""
    return _quiz_retired(session_id, False, _("Quiz restored."))


# --------------------------------------------------------------------------- assessment


def _assessment():
    quiz = queries.assessment_quiz()
    if quiz is None:
        abort(404)
    return quiz


@bp.get("/assessment")
def assessment_detail():
    """The pre/post assessment's questions in order, with their actions."""
    quiz = _assessment()
    return render(
        "authoring/assessment.html",
        quiz=quiz,
        rows=queries.quiz_questions(quiz.id),
        types=[(kind, TYPE_LABELS[kind]) for kind in QUESTION_TYPES],
    )


# --------------------------------------------------------------------------- questions


class _Place:
    """Where a question lives: its quiz page (link and name) and its new-question address."""

    def __init__(self, session=None):
        self.session = session
        if session is None:
            self.quiz_url = url_for("authoring.assessment_detail")
            self.quiz_label = _("Pre/post assessment")
        else:
            self.quiz_url = url_for("authoring.quiz_detail", session_id=session.id)
            self.quiz_label = _("Session %(number)d quiz", number=session.number)

    def new_url(self, kind: str) -> str:
        if self.session is None:
            return url_for("authoring.assessment_question_new", kind=kind)
        return url_for("authoring.question_new", session_id=self.session.id, kind=kind)


def _question_page(kind, form, rows, place, question, is_new, problems=(), status=200):
    return render(
        "authoring/question_form.html",
        status=status,
        kind=kind,
        kind_label=TYPE_LABELS[kind],
        form=form,
        rows=padded_rows(kind, rows, is_new),
        row_fields=ROW_FIELDS.get(kind, ()),
        place=place,
        action=place.new_url(kind) if is_new else None,
        question=question,
        problems=list(problems),
        preview=_preview(form, "text"),
    )


def _question_form() -> QuestionForm:
    form = QuestionForm()
    form.objectives.choices = objective_choices(queries.objectives())
    return form


def _new_question(kind: str, place: _Place, create, default_objectives=()):
    """The new-question form of one type; `create(spec)` stores a valid question."""
    if kind not in QUESTION_TYPES:
        abort(404)
    form = _question_form()
    if request.method == "GET":
        form.objectives.data = list(default_objectives)
        return _question_page(kind, form, [], place, None, True)
    rows = read_rows(kind, request.form)
    if _is_preview() or not form.validate_on_submit():
        status = 200 if _is_preview() else 400
        return _question_page(kind, form, rows, place, None, True, status=status)
    try:
        create(form_to_spec(kind, form, rows))
    except services.AuthoringError as error:
        return _question_page(kind, form, rows, place, None, True, error.problems, 400)
    flash(_("Question added."))
    return redirect(place.quiz_url, code=303)


@bp.route("/sessions/<int:session_id>/quiz/questions/new/<kind>", methods=["GET", "POST"])
def question_new(session_id: int, kind: str):
    """Write a new question of one type for the session's quiz."""
    session = get_or_404(CurriculumSession, session_id)
    return _new_question(
        kind,
        _Place(session),
        lambda spec: services.create_question(current_user, session, spec),
        [o.number for o in session.objectives],
    )


@bp.route("/assessment/questions/new/<kind>", methods=["GET", "POST"])
def assessment_question_new(kind: str):
    """Write a new question of one type for the pre/post assessment."""
    quiz = _assessment()
    return _new_question(
        kind,
        _Place(None),
        lambda spec: services.create_assessment_question(current_user, quiz, spec),
    )


def _load_question(question_id: int):
    """The question and the place of its quiz (a session quiz or the assessment)."""
    question = get_or_404(Question, question_id)
    quiz = get_or_404(Quiz, question.quiz_id)
    if quiz.is_assessment:
        return question, _Place(None)
    if quiz.session_id is None:
        abort(404)
    return question, _Place(get_or_404(CurriculumSession, quiz.session_id))


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def question_edit(question_id: int):
    """Edit a question; attempts already graded keep the version they were graded against."""
    question, place = _load_question(question_id)
    kind = question.type
    form = _question_form()
    if request.method == "GET":
        fill_form(form, question.spec)
        return _question_page(kind, form, spec_to_rows(question.spec), place, question, False)
    rows = read_rows(kind, request.form)
    if _is_preview() or not form.validate_on_submit():
        status = 200 if _is_preview() else 400
        return _question_page(kind, form, rows, place, question, False, status=status)
    try:
        services.update_question(current_user, question, form_to_spec(kind, form, rows))
    except services.AuthoringError as error:
        return _question_page(kind, form, rows, place, question, False, error.problems, 400)
    flash(_("Question saved."))
    return redirect(place.quiz_url, code=303)


def _question_action(question_id: int, action):
    question, place = _load_question(question_id)
    _checked_post()
    try:
        action(question)
    except services.AuthoringError as error:
        flash(" ".join(error.problems), "error")
    return redirect(place.quiz_url, code=303)


@bp.post("/questions/<int:question_id>/move")
def question_move(question_id: int):
    """Move a question one place up or down in its quiz."""
    return _question_action(
        question_id, lambda q: services.move_question(current_user, q, _direction())
    )


@bp.post("/questions/<int:question_id>/retire")
def question_retire(question_id: int):
    """Retire a question: kept for old attempts and their reviews, left out of new attempts."""
    return _question_action(
        question_id, lambda q: services.set_question_retired(current_user, q, True)
    )


@bp.post("/questions/<int:question_id>/restore")
def question_restore(question_id: int):
    """Bring a retired question back into new attempts."""
    return _question_action(
        question_id, lambda q: services.set_question_retired(current_user, q, False)
    )


@bp.post("/questions/<int:question_id>/delete")
def question_delete(question_id: int):
    """Delete a question no attempt has used (a used one can only be retired)."""
    return _question_action(question_id, lambda q: services.delete_question(current_user, q))


# --------------------------------------------------------------------------- preview


@bp.post("/preview")
def preview():
    """A Markdown field rendered by the published pipeline: a fragment for HTMX, else a page."""
    name = request.args.get("field", "text")
    if name not in PREVIEW_FIELDS:
        abort(400)
    html = render_markdown(request.form.get(name, ""))
    return render("authoring/preview.html", block="preview", html=html)


@bp.get("/translations")
def translation_overview():
    """Which curriculum texts are translated, missing or older than their original; staff
    (the blueprint's guard)."""
    from portal.authoring.translation_queries import curriculum_translation_status

    return render("i18n/translation_overview.html", report=curriculum_translation_status())
