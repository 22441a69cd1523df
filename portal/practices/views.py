"""Practice pages: the library, a practice, writing and reviewing one.

Every page works without JavaScript; htmx swaps named blocks of the same templates."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.discussion.permissions import viewer_for
from portal.practices import bp, permissions, queries, services
from portal.practices.display import library_html, library_intro
from portal.practices.forms import CommentForm, PracticeForm, ReviewForm
from portal.translations import locale_code
from portal.web import is_htmx, render

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "results": _l("Results and evidence"),
    "lessons": _l("Lessons learned"),
    "body": _l("Your comment"),
}


def _reader():
    """The request's viewer; 404 for signed-in people who may not read the library."""
    viewer = viewer_for(current_user)
    if not permissions.reads_library(viewer):
        abort(404)
    return viewer


@bp.get("/")
@login_required
def library():
    """Published practices with facets, free text and sort, all in the URL."""
    viewer = _reader()
    query = queries.LibraryQuery.from_args(request.args)
    page = queries.library(viewer, query)
    language = locale_code()
    return render(
        "practices/library.html",
        block="library",
        intro=library_intro(language, viewer.is_staff),
        library=library_html(page, query, language),
    )


@bp.get("/mine")
@login_required
def practice_mine():
    """The signed-in person's own practices in every state."""
    _reader()
    return render("practices/practice_mine.html", practices=queries.my_practices(current_user))


@bp.get("/review")
@login_required
def review_queue():
    """Practices waiting for a trainer (staff only)."""
    viewer = viewer_for(current_user)
    if not viewer.is_staff:
        abort(404)
    return render("practices/review_queue.html", practices=queries.review_queue())


def _form_page(form, practice=None, source=None, status=200, error=None, findings=None):
    return render(
        "practices/practice_form.html",
        status=status,
        form=form,
        practice=practice,
        source=source,
        error=error,
        findings=findings or {},
        field_labels=FIELD_LABELS,
    )


def _save_and_maybe_submit(form, practice, viewer, source=None):
    """Store what was typed; with the submit button, send it to review too."""
    action = request.form.get("action")
    wants_submit = action in ("submit", "submit_anyway")
    try:
        practice = services.save(current_user, practice, form.to_data(), form.token.data)
    except services.PracticeError as exc:
        return _form_page(form, practice, source, 400, error=_(str(exc)))
    if not wants_submit:
        flash(_("Your draft is saved. Only you can see it."), "success")
        return redirect(url_for("practices.practice_edit", practice_id=practice.id), code=303)
    anyway = action == "submit_anyway"
    try:
        services.submit(current_user, practice, form.confirm.data if anyway else None)
    except services.Incomplete as exc:
        form.mark_missing(exc.missing)
        return _form_page(form, practice, source, 400, error=_(str(exc)))
    except services.NeedsConfirmation as exc:
        form.confirm.data = exc.confirm
        return _form_page(form, practice, source, 422, findings=exc.findings)
    except services.PracticeError as exc:
        return _form_page(form, practice, source, 400, error=_(str(exc)))
    flash(_("Thank you. Your practice is with the trainers for review."), "success")
    return redirect(url_for("practices.practice_detail", practice_id=practice.id), code=303)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def practice_new():
    """Write a new practice (optionally adapting a published one, ?adapts=<id>)."""
    viewer = _reader()
    form = PracticeForm()
    form.set_curriculum(queries.curriculum_names())
    adapts = request.values.get("adapts", type=int)
    source = queries.adaptable(adapts, viewer)
    if adapts and source is None:
        abort(404)
    if request.method == "GET":
        form.fill_token()
        if source is not None:
            form.adapts.data = str(source.id)
            form.pillars.data = source.values("pillar")
            form.targets.data = source.values("target")
            form.title.data = _("Adapted: %(title)s", title=source.title)[:160]
    if form.validate_on_submit():
        return _save_and_maybe_submit(form, None, viewer, source)
    status = 400 if request.method == "POST" else 200
    return _form_page(form, None, source, status)


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def practice_edit(practice_id: int):
    """Change a draft, or a practice a trainer sent back; save or submit it."""
    viewer = viewer_for(current_user)
    practice = queries.load_practice_for(viewer, practice_id)
    if not permissions.can_edit(viewer, practice):
        abort(404)
    form = PracticeForm()
    form.set_curriculum(queries.curriculum_names())
    if request.method == "GET":
        form.fill_from(practice)
    if form.validate_on_submit():
        return _save_and_maybe_submit(form, practice, viewer)
    status = 400 if request.method == "POST" else 200
    return render(
        "practices/practice_form.html",
        status=status,
        form=form,
        practice=practice,
        source=None,
        error=None,
        findings={},
        field_labels=FIELD_LABELS,
        reviews=queries.reviews(practice),
    )


def _detail(practice_id: int, status=200, block=None, comment_form=None, **extra):
    viewer = viewer_for(current_user)
    practice, endorsed, source_exercise = queries.load_practice_page(viewer, practice_id)
    shows_reviews = permissions.is_author(viewer, practice) or viewer.is_staff
    context = {"findings": {}, "error": None}
    context.update(extra)
    return render(
        "practices/practice_detail.html",
        block=block,
        status=status,
        practice=practice,
        endorsed=endorsed,
        viewer=viewer,
        perm=permissions,
        related=queries.related(viewer, practice),
        comments=queries.comments(viewer, practice) if practice.is_published else [],
        reviews=queries.reviews(practice) if shows_reviews else [],
        names=queries.curriculum_names(),
        exercise_link=_exercise_link(source_exercise),
        comment_form=comment_form or _fresh_comment_form(),
        review_form=ReviewForm(formdata=None),
        field_labels=FIELD_LABELS,
        **context,
    )


def _exercise_link(source_exercise):
    """The exercise the practice was shared from, when the viewer may see it."""
    if source_exercise is None:
        return None
    from portal.exercises.queries import visible_link

    return visible_link(current_user, source_exercise)


def _fresh_comment_form():
    form = CommentForm(formdata=None)
    form.fill_token()
    return form


@bp.get("/<int:practice_id>")
@login_required
def practice_detail(practice_id: int):
    """One practice: its record, where it travelled, endorsements and comments; the
    review history and actions for its author and trainers."""
    return _detail(practice_id)


@bp.post("/<int:practice_id>/review")
@login_required
def practice_review(practice_id: int):
    """A trainer publishes the practice or asks for changes (with a comment)."""
    viewer = viewer_for(current_user)
    practice = queries.load_practice_for(viewer, practice_id)
    if not viewer.is_staff:
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _detail(practice_id, status=400, error=_("The comment is too long."))
    action = request.form.get("action")
    try:
        if action == "publish":
            services.publish(current_user, practice, form.comment.data or "")
            flash(_("The practice is published in the library."), "success")
        elif action == "request_changes":
            services.request_changes(current_user, practice, form.comment.data or "")
            flash(_("The author has been asked for changes."), "success")
        else:
            abort(400)
    except services.PracticeError as exc:
        return _detail(practice_id, status=400, error=_(str(exc)))
    return redirect(url_for("practices.practice_detail", practice_id=practice.id), code=303)


@bp.post("/<int:practice_id>/archive")
@login_required
def practice_archive(practice_id: int):
    """Take a published practice out of the library (staff or its author)."""
    viewer = viewer_for(current_user)
    practice = queries.load_practice_for(viewer, practice_id)
    if not permissions.can_archive(viewer, practice) and practice.status != "archived":
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    services.archive(current_user, practice, form.comment.data or "")
    flash(_("The practice is archived. It is no longer in the library."), "success")
    return redirect(url_for("practices.practice_detail", practice_id=practice.id), code=303)


@bp.post("/<int:practice_id>/useful")
@login_required
def practice_useful(practice_id: int):
    """Mark or unmark a practice as useful; htmx swaps the button in place."""
    viewer = viewer_for(current_user)
    practice = queries.load_practice_for(viewer, practice_id)
    if not permissions.can_endorse(viewer, practice):
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_useful(current_user, practice, request.form.get("useful") == "1")
    if is_htmx():
        return _detail(practice_id, block="useful")
    return redirect(url_for("practices.practice_detail", practice_id=practice.id), code=303)


@bp.post("/<int:practice_id>/comments")
@login_required
def comment_new(practice_id: int):
    """Comment on a published practice; asks to confirm when it looks like it names
    someone."""
    viewer = viewer_for(current_user)
    practice = queries.load_practice_for(viewer, practice_id)
    if not permissions.can_take_part(viewer, practice):
        abort(404)
    form = CommentForm()
    if not form.validate_on_submit():
        return _detail(practice_id, status=400, block="comments", comment_form=form)
    anyway = request.form.get("anyway") == "1"
    try:
        services.add_comment(
            current_user,
            practice,
            form.body.data,
            form.token.data,
            form.confirm.data if anyway else None,
        )
    except services.NeedsConfirmation as exc:
        form.confirm.data = exc.confirm
        return _detail(
            practice_id, status=422, block="comments", comment_form=form, findings=exc.findings
        )
    except services.PracticeError as exc:
        return _detail(
            practice_id, status=400, block="comments", comment_form=form, error=_(str(exc))
        )
    if is_htmx():
        return _detail(practice_id, block="comments")
    return redirect(
        url_for("practices.practice_detail", practice_id=practice.id, _anchor="comments"),
        code=303,
    )


@bp.post("/comments/<int:comment_id>/<any(hide, restore):action>")
@login_required
def comment_moderate(comment_id: int, action: str):
    """A trainer hides a comment or restores it."""
    viewer = viewer_for(current_user)
    comment = queries.load_comment_for_moderation(viewer, comment_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_comment_hidden(current_user, comment, action == "hide")
    return redirect(
        url_for("practices.practice_detail", practice_id=comment.practice_id, _anchor="comments"),
        code=303,
    )
