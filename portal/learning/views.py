"""The participant's learning path: curriculum, sessions, readings, quizzes, assessments."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.cohorts.models import Cohort
from portal.cohorts.permissions import can_manage_cohort
from portal.database import utcnow
from portal.extensions import db
from portal.i18n.content import session_texts
from portal.learning import bp, queries, services
from portal.learning.display import (
    attempt_form,
    inline_html,
    points_text,
    question_fragments,
    read_responses,
    reading_article,
    reading_controls,
    review_rows,
    session_end,
    session_outline,
    session_title,
    text_html,
)
from portal.learning.forms import DoneForm, EssayGradeForm, WindowForm
from portal.learning.models import Quiz
from portal.learning.pdf import render_pdf
from portal.learning.permissions import can_take_part
from portal.markdown import render_markdown
from portal.permissions import requires
from portal.pii import find_identifiers
from portal.site_texts import site_text
from portal.web import get_or_404, is_htmx, render


def load_session(number: int):
    session = queries.session_by_number(number)
    if session is None:
        abort(404)
    return session


def load_attempt(attempt_id: int):
    """The attempt, its quiz and session number, only for its owner (404 for anyone else)."""
    found = queries.attempt_for(attempt_id, current_user)
    if found is None:
        abort(404)
    return found


@bp.get("/curriculum")
def curriculum():
    """The eleven sessions with objectives; the participant's status per session."""
    taking_part = can_take_part(current_user)
    context = queries.curriculum_page(current_user, taking_part, utcnow())
    return render("learning/curriculum.html", taking_part=taking_part, **context)


@bp.get("/curriculum.pdf")
def curriculum_pdf():
    """The curriculum outline as a PDF, for anyone."""
    base = current_app.config["BASE_URL"].rstrip("/")
    html = render_template(
        "learning/curriculum_pdf.html",
        background=site_text("programme"),
        get_involved_url=base + url_for("enquiries.get_involved"),
        contact_url=base + url_for("public.contact"),
        **queries.outline(),
    )
    response = make_response(render_pdf(html, PDF_CSS, cache_key="curriculum"))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="vca-curriculum.pdf"'
    return response


@bp.get("/sessions/<int:number>")
def session_detail(number: int):
    """A session: summary, objectives, readings, resources, quiz, prompt, exercise."""
    user = current_user._get_current_object()
    taking_part = can_take_part(user)
    reader = user if taking_part else None
    session = queries.session_page(number, reader, user)
    if session is None:
        abort(404)
    texts = session_texts(number)
    login_url = None
    if not user.is_authenticated:
        login_url = url_for("accounts.login", next=request.path)
    return render(
        "learning/session.html",
        session=session,
        title=session_title(session, texts),
        outline=session_outline(session, texts, taking_part, login_url),
        end=session_end(session, texts),
        taking_part=taking_part,
    )


def _reading_context(number: int, slug: str) -> dict:
    context = queries.reading_page(number, slug, current_user._get_current_object())
    if context is None:
        abort(404)
    context["print_view"] = request.args.get("print") == "1"
    context["controls"] = reading_controls(context)
    return context


@bp.get("/sessions/<int:number>/readings/<slug>")
@requires(can_take_part)
def reading_detail(number: int, slug: str):
    """A reading page with reading time, previous/next, print view and mark as done."""
    context = _reading_context(number, slug)
    texts = session_texts(number)
    article = reading_article(context, texts)
    return render("learning/reading.html", article=article, tx=texts, **context)


@bp.post("/sessions/<int:number>/readings/<slug>/done")
@requires(can_take_part)
def reading_done(number: int, slug: str):
    """Mark a reading as done or not done; the toggle for HTMX, else 303 back to the reading."""
    reading = queries.reading_by_slug(number, slug)
    if reading is None:
        abort(404)
    form = DoneForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_reading_done(current_user, reading, form.done.data == "1")
    if is_htmx():
        return render(
            "learning/reading.html", block="done_toggle", **_reading_context(number, slug)
        )
    return redirect(url_for("learning.reading_detail", number=number, slug=slug), code=303)


@bp.get("/sessions/<int:number>/quiz")
@requires(can_take_part)
def quiz_detail(number: int):
    """The session quiz: what it is, pass mark, attempts so far and start/resume."""
    session = load_session(number)
    overview = queries.quiz_overview(session.id, current_user)
    if overview is None:
        abort(404)
    attempts = queries.user_attempts(overview["quiz"].id, current_user)
    return render("learning/quiz.html", session=session, attempts=attempts, **overview)


@bp.post("/sessions/<int:number>/quiz/start")
@requires(can_take_part)
def quiz_start(number: int):
    """Start a new attempt, or return to the open one (never two open attempts)."""
    session = load_session(number)
    overview = queries.quiz_overview(session.id, current_user)
    if overview is None:
        abort(404)
    try:
        attempt = services.start_attempt(current_user, overview["quiz"])
    except services.LearningError as error:
        flash(str(error), "error")
        return redirect(url_for("learning.quiz_detail", number=number), code=303)
    return redirect(url_for("learning.attempt_detail", attempt_id=attempt.id), code=303)


@bp.post("/assessments/<int:window_id>/start")
@login_required
def assessment_start(window_id: int):
    """Start (or resume) the pre- or post-assessment while the cohort's window is open."""
    window = queries.window_for(window_id, current_user)
    if window is None:
        abort(404)
    if not window.is_open(utcnow()):
        flash(_("This assessment is not open now."), "error")
        return redirect(url_for("learning.curriculum"), code=303)
    quiz = get_or_404(Quiz, window.quiz_id)
    try:
        attempt = services.start_attempt(current_user, quiz, phase=window.phase)
    except services.LearningError as error:
        flash(str(error), "error")
        return redirect(url_for("learning.curriculum"), code=303)
    return redirect(url_for("learning.attempt_detail", attempt_id=attempt.id), code=303)


@bp.get("/quiz/attempts/<int:attempt_id>")
@login_required
def attempt_detail(attempt_id: int):
    """The attempt form with saved answers restored; a submitted attempt shows its review."""
    found = queries.attempt_page(attempt_id, current_user._get_current_object())
    if found is None:
        abort(404)
    attempt, number = found["attempt"], found["session_number"]
    if attempt.is_submitted:
        return redirect(url_for("learning.attempt_review", attempt_id=attempt_id), code=303)
    questions = queries.question_specs(attempt.question_ids, versions=found["versions"])
    texts = session_texts(number) if number else None
    quiz = found["quiz"]
    # quiz_text's title, found once for the three places that show it.
    title = texts.quiz("title", quiz.title or "") if texts is not None else quiz.title or ""
    fragments = question_fragments(questions, attempt.seed, found["shuffle"], attempt.draft, texts)
    top, end = attempt_form(attempt, quiz, title, number)
    return render(
        "learning/attempt.html",
        quiz_title=title,
        form_top=top,
        form_end=end,
        # Each fragment is HTML already (Markup): joined as text, not escaped one by one.
        questions=Markup("".join(fragments)),
        saved=False,
    )


def _essay_findings(questions, responses: dict) -> list[dict]:
    """Personal identifiers found in essay answers, per question number."""
    found = []
    number = 0
    for question in questions:
        if question.spec.get("type") == "description":
            continue
        number += 1
        response = responses.get(str(question.id))
        if question.spec.get("type") == "essay" and isinstance(response, str):
            for finding in find_identifiers(response):
                found.append({"number": number, "finding": finding})
    return found


@bp.post("/quiz/attempts/<int:attempt_id>")
@login_required
def attempt_post(attempt_id: int):
    """Save the answers for later (action=save), finish (action=finish: blank questions or
    identifiers in an essay first lead to the confirmation page), or submit as they are."""
    attempt, quiz, number = load_attempt(attempt_id)
    action = request.form.get("action")
    if action == "save":
        if services.save_draft(current_user, attempt, request.form):
            flash(_("Your answers are saved. You can come back and finish later."))
            return redirect(url_for("learning.attempt_detail", attempt_id=attempt_id), code=303)
    elif action == "finish" and not attempt.is_submitted:
        questions = queries.attempt_questions(attempt)
        responses = read_responses(questions, attempt.seed, request.form)
        if services.unanswered_numbers(questions, responses) or _essay_findings(
            questions, responses
        ):
            services.save_draft(current_user, attempt, request.form)
            return redirect(url_for("learning.attempt_confirm", attempt_id=attempt_id), code=303)
        services.submit_attempt(current_user, attempt, quiz, responses=responses)
    else:
        services.submit_attempt(current_user, attempt, quiz, request.form)
    return redirect(url_for("learning.attempt_review", attempt_id=attempt_id), code=303)


@bp.get("/quiz/attempts/<int:attempt_id>/confirm")
@login_required
def attempt_confirm(attempt_id: int):
    """Before submitting: the questions left blank and identifiers found in essays."""
    attempt, quiz, number = load_attempt(attempt_id)
    if attempt.is_submitted:
        return redirect(url_for("learning.attempt_review", attempt_id=attempt_id), code=303)
    questions = queries.attempt_questions(attempt)
    draft = attempt.draft or {}
    return render(
        "learning/confirm.html",
        attempt=attempt,
        quiz=quiz,
        session_number=number,
        unanswered=services.unanswered_numbers(questions, draft),
        findings=_essay_findings(questions, draft),
    )


@bp.post("/quiz/attempts/<int:attempt_id>/submit")
@login_required
def attempt_submit_saved(attempt_id: int):
    """Submit the answers saved with the attempt ("Submit anyway" on the confirmation)."""
    attempt, quiz, number = load_attempt(attempt_id)
    services.submit_attempt(current_user, attempt, quiz, responses=dict(attempt.draft or {}))
    return redirect(url_for("learning.attempt_review", attempt_id=attempt_id), code=303)


@bp.post("/quiz/attempts/<int:attempt_id>/save")
@login_required
def attempt_save(attempt_id: int):
    """Autosave from the attempt form (HTMX); answers with the save-status fragment."""
    found = queries.attempt_page(attempt_id, current_user._get_current_object())
    if found is None:
        abort(404)
    attempt = found["attempt"]
    if not services.save_draft(current_user, attempt, request.form):
        return redirect(url_for("learning.attempt_review", attempt_id=attempt_id), code=303)
    if not is_htmx():
        return redirect(url_for("learning.attempt_detail", attempt_id=attempt_id), code=303)
    return render("learning/attempt.html", block="save_status", saved=True, attempt=attempt)


@bp.get("/quiz/attempts/<int:attempt_id>/review")
@login_required
def attempt_review(attempt_id: int):
    """Score, pass or fail, the answers given and (per the quiz's reveal policy) the right
    answers and feedback; essays awaiting a trainer say so; the next step."""
    attempt, quiz, number = load_attempt(attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for("learning.attempt_detail", attempt_id=attempt_id), code=303)
    if attempt.phase:
        # The pre-assessment never shows answers or explanations (the post one would otherwise
        # measure memory of this review); the post review shows them once its window closed.
        post_closes = queries.post_window(current_user) if attempt.phase == "post" else None
        reveal = bool(post_closes and post_closes[0] <= utcnow())
    else:
        post_closes = None
        reveal = queries.reveals_answers(quiz, attempt)
    return render(
        "learning/review.html",
        attempt=attempt,
        post_closes=post_closes,
        quiz=quiz,
        session_number=number,
        reveal=reveal,
        next_number=queries.next_session_number(number) if number else None,
        rows=(
            review_rows(
                queries.attempt_answers(attempt.id),
                reveal=reveal,
                texts=session_texts(number) if number else None,
            )
            if reveal or not attempt.phase
            else []
        ),
        objectives={o.number: o for o in queries.outline()["objectives"]} if attempt.phase else {},
        change=queries.assessment_change(current_user.id) if attempt.phase == "post" else [],
    )


def _load_cohort_for_trainer(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


@bp.get("/cohorts/<int:cohort_id>/grading")
@login_required
def grading_queue(cohort_id: int):
    """The cohort's essay answers awaiting a grade, for its trainers (404 for others)."""
    cohort = _load_cohort_for_trainer(cohort_id)
    return render(
        "learning/grading_queue.html", cohort=cohort, rows=queries.grading_queue(cohort.id)
    )


def _rubric_points(rubric: list[dict]) -> tuple[list[float] | None, list[str]]:
    """Read the rubric's points from the form; problems in plain words."""
    if not rubric:
        return None, []
    values, problems = [], []
    for index, criterion in enumerate(rubric):
        raw = (request.form.get(f"rubric-{index}") or "").strip().replace(",", ".")
        try:
            value = float(raw) if raw else 0.0
        except ValueError:
            problems.append(_("Type a number for “%(c)s”.", c=criterion.get("criterion", "")))
            continue
        top = float(criterion.get("points") or 0)
        if not 0 <= value <= top:
            problems.append(
                _(
                    "Points for “%(c)s” must be from 0 to %(top)s.",
                    c=criterion.get("criterion", ""),
                    top=points_text(top),
                )
            )
        values.append(value)
    return values, problems


@bp.route("/cohorts/<int:cohort_id>/grading/<int:answer_id>", methods=["GET", "POST"])
@login_required
def grade_answer(cohort_id: int, answer_id: int):
    """Grade one essay answer of the cohort: points and a comment, or the rubric's points."""
    cohort = _load_cohort_for_trainer(cohort_id)
    found = queries.answer_for_grading(cohort.id, answer_id)
    if found is None:
        abort(404)
    answer, attempt, quiz, author = found
    spec = answer.question
    rubric = [c for c in spec.get("rubric") or [] if isinstance(c, dict)]
    possible = float(spec.get("points", 1))
    form = EssayGradeForm()
    problems: list[str] = []
    if request.method == "POST" and answer.grading_state == "awaiting":
        rubric_values, problems = _rubric_points(rubric)
        if form.validate_on_submit() and not problems:
            if rubric_values is not None:
                points = sum(rubric_values)
            elif form.points.data is None:
                problems.append(_("Give the points for this answer."))
                points = 0.0
            else:
                points = float(form.points.data)
            if not problems and not 0 <= points <= possible:
                problems.append(
                    _("The points must be from 0 to %(top)s.", top=points_text(possible))
                )
            if not problems:
                comment = (form.comment.data or "").replace("\r\n", "\n").strip()
                if services.grade_essay(
                    current_user, answer, attempt, quiz, points, comment, rubric_values
                ):
                    flash(_("Grade saved. The participant's score is updated."))
                return redirect(url_for("learning.grading_queue", cohort_id=cohort.id), code=303)
    elif request.method == "POST":
        flash(_("This answer has already been graded."))
        return redirect(url_for("learning.grading_queue", cohort_id=cohort.id), code=303)
    return render(
        "learning/grade_answer.html",
        status=400 if request.method == "POST" else 200,
        cohort=cohort,
        answer=answer,
        quiz=quiz,
        author=author,
        rubric=rubric,
        possible=possible,
        form=form,
        problems=problems,
        essay=render_markdown(answer.response if isinstance(answer.response, str) else ""),
        findings=find_identifiers(answer.response if isinstance(answer.response, str) else ""),
    )


@bp.route("/cohorts/<int:cohort_id>/assessments", methods=["GET", "POST"])
@login_required
def cohort_assessments(cohort_id: int):
    """Trainers set the cohort's pre/post assessment windows and see knowledge gains."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage_cohort(current_user, cohort):
        abort(404)
    quiz = queries.assessment_quiz()
    if quiz is None:
        abort(404)
    windows = queries.cohort_windows(cohort.id)
    form = WindowForm()
    error = None
    if form.validate_on_submit():
        try:
            services.set_window(
                current_user, cohort, quiz, form.phase.data, form.opens_at.data, form.closes_at.data
            )
        except services.LearningError as refused:
            error = str(refused)
        else:
            flash(_("Assessment window saved."))
            return redirect(url_for("learning.cohort_assessments", cohort_id=cohort.id), code=303)
    return render(
        "learning/cohort_assessments.html",
        status=400 if request.method == "POST" else 200,
        cohort=cohort,
        form=form,
        windows=windows,
        error=error,
        gains=queries.assessment_gains(cohort.id),
        today=date.today(),
    )


PDF_CSS = """
@page { size: A4; margin: 2cm 1.8cm; @bottom-center { content: counter(page); font-size: 9pt; } }
body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111; }
h1 { font-size: 20pt; } h2 { font-size: 14pt; margin-top: 1.2em; } h3 { font-size: 11pt; }
section.session { break-inside: avoid-page; }
.objectives { color: #444; font-style: italic; }
section.cover { break-after: page; }
section.cover .title { font-size: 24pt; margin-top: 3cm; }
"""


@bp.app_template_filter("curriculum_md")
def curriculum_md(text: str):
    """Curriculum Markdown as sanitised HTML."""
    return render_markdown(text or "")


@bp.app_template_filter("question_html")
def question_html(text: str, text_format: str = "markdown"):
    return text_html(text or "", text_format)


@bp.app_template_filter("question_inline")
def question_inline(text: str, text_format: str = "markdown"):
    return inline_html(text or "", text_format)


@bp.app_template_filter("in_zone")
def in_zone(value, zone: str) -> str:
    """A stored UTC time shown in a time zone (the cohort's), written the page's language's way."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from portal.i18n.languages import when

    local = value.replace(tzinfo=UTC).astimezone(ZoneInfo(zone or "UTC")).replace(tzinfo=None)
    return when(local)


@bp.app_template_filter("points")
def points_filter(value) -> str:
    """A score with up to two decimals ("2.25", "9")."""
    return points_text(value)
