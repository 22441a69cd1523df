"""Exercise pages: the builder works as plain forms and, with htmx, in place."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.exercises import bp, permissions, queries, services
from portal.extensions import db
from portal.permissions import guard, is_staff, requires
from portal.web import is_htmx, render

STATUS = {services.Stale: 409, services.WrongState: 409, services.NeedsConfirmation: 422}


# Visitors sign in; signed-in people who do not take part get 403.
guard(bp, permissions.can_use_exercises)


def _revision() -> int | None:
    return request.form.get("revision", type=int)


def _detail_context(exercise, **extra) -> dict:
    context = {
        "exercise": exercise,
        "can_edit": permissions.can_edit(current_user, exercise),
        "can_review": permissions.can_review(current_user, exercise),
        "can_publish": permissions.can_publish(current_user, exercise),
        "can_copy": permissions.can_copy(current_user, exercise),
        "can_share": permissions.can_share_as_practice(current_user, exercise),
        "practice": _shared_practice(exercise),
        "is_author": permissions.is_author(current_user, exercise),
        "source": _visible_source(exercise),
        "copies": queries.copies_of(exercise),
        "error": None,
        "kept": {},
        "findings": None,
        "confirm": None,
        "token": secrets.token_urlsafe(18),
    }
    context.update(extra)
    return context


def _shared_practice(exercise):
    """The practice shared from this exercise, if the viewer may see it (accepted and
    published exercises only: no other can have one)."""
    if exercise.state not in permissions.SHAREABLE_STATES:
        return None
    from portal.exercises import SHARING

    return SHARING[0].find(current_user.id, exercise.id) if SHARING else None


def _visible_source(exercise):
    if exercise.source_id is None:
        return None
    source = queries.source_of(exercise)
    return source if source is not None and permissions.can_see(current_user, source) else None


@bp.get("/sessions/<int:number>/exercise")
def session_exercise(number: int):
    """The exercise of session 3, 7 or 8: the user's checklists and the published ones."""
    session = queries.session_with_exercise(number)
    return render(
        "exercises/session_exercise.html",
        session=session,
        token=secrets.token_urlsafe(18),
        **queries.session_hub(session.id, current_user),
    )


@bp.post("/sessions/<int:number>/exercise")
def exercise_start(number: int):
    """Start a draft from the session's starter template."""
    session = queries.session_with_exercise(number)
    exercise = services.start(current_user, session, request.form.get("token"))
    return redirect(url_for("exercises.exercise_detail", exercise_id=exercise.id), code=303)


@bp.get("/exercises/<int:exercise_id>")
def exercise_detail(exercise_id: int):
    """An exercise: the builder for its author's draft, otherwise a read-only view with the
    review, publish and copy actions the viewer may take."""
    exercise = queries.exercise_for(current_user, exercise_id)
    return render("exercises/exercise_detail.html", **_detail_context(exercise))


@bp.get("/exercises/<int:exercise_id>/print")
def exercise_print(exercise_id: int):
    """A printable view of the exercise, for whoever may see it."""
    exercise = queries.exercise_for(current_user, exercise_id)
    return render("exercises/exercise_print.html", exercise=exercise)


def _editable(exercise_id: int):
    """The exercise, when the current user may edit it: 404 if hidden, 403 if not theirs,
    409 (with a message) if it is no longer a draft."""
    exercise = queries.exercise_for(current_user, exercise_id)
    if not permissions.is_author(current_user, exercise):
        abort(403)
    return exercise


def _after_edit(exercise, anchor: str, error=None, kept: dict | None = None):
    """The builder (htmx) or a redirect back to the page; on error the page with a message
    and the typed text kept."""
    if error is None and not is_htmx():
        return redirect(
            url_for("exercises.exercise_detail", exercise_id=exercise.id) + f"#{anchor}", code=303
        )
    status = 200 if error is None else STATUS.get(type(error), 400)
    return render(
        "exercises/exercise_detail.html",
        block="builder",
        status=status,
        **_detail_context(exercise, error=_(str(error)) if error else None, kept=kept or {}),
    )


def _edit(exercise_id: int, anchor: str, kept_key: str | None, action):
    exercise = _editable(exercise_id)
    kept = {kept_key: request.form.get("text", "")} if kept_key else {}
    try:
        if not exercise.is_draft:
            raise services.WrongState(
                _("This checklist is no longer a draft, so it cannot be changed.")
            )
        action(exercise)
    except services.ExerciseError as error:
        db.session.rollback()
        db.session.refresh(exercise)
        return _after_edit(exercise, anchor, error, kept)
    return _after_edit(exercise, anchor)


@bp.post("/exercises/<int:exercise_id>/title")
def exercise_rename(exercise_id: int):
    """Rename the draft."""
    return _edit(
        exercise_id,
        "builder",
        "title",
        lambda e: services.rename(current_user, e, request.form.get("text"), _revision()),
    )


@bp.post("/exercises/<int:exercise_id>/sections")
def section_add(exercise_id: int):
    """Add a section at the end of the draft."""
    return _edit(
        exercise_id,
        "new-section",
        "section-new",
        lambda e: services.add_section(current_user, e, request.form.get("text"), _revision()),
    )


@bp.post("/exercises/<int:exercise_id>/sections/<int:section_id>")
def section_rename(exercise_id: int, section_id: int):
    """Rename a section of the draft."""
    return _edit(
        exercise_id,
        f"section-{section_id}",
        f"section-{section_id}",
        lambda e: services.rename_section(
            current_user, queries.section_for(e, section_id), request.form.get("text"), _revision()
        ),
    )


@bp.post("/exercises/<int:exercise_id>/sections/<int:section_id>/remove")
def section_remove(exercise_id: int, section_id: int):
    """Remove a section and its items."""
    return _edit(
        exercise_id,
        "builder",
        None,
        lambda e: services.remove_section(
            current_user, queries.section_for(e, section_id), _revision()
        ),
    )


@bp.post("/exercises/<int:exercise_id>/sections/<int:section_id>/<any(up, down):direction>")
def section_move(exercise_id: int, section_id: int, direction: str):
    """Move a section up or down."""
    return _edit(
        exercise_id,
        f"section-{section_id}",
        None,
        lambda e: services.move_section(
            current_user,
            queries.section_for(e, section_id),
            -1 if direction == "up" else 1,
            _revision(),
        ),
    )


@bp.post("/exercises/<int:exercise_id>/sections/<int:section_id>/items")
def item_add(exercise_id: int, section_id: int):
    """Add an item at the end of a section."""
    return _edit(
        exercise_id,
        f"new-item-{section_id}",
        f"item-new-{section_id}",
        lambda e: services.add_item(
            current_user, queries.section_for(e, section_id), request.form.get("text"), _revision()
        ),
    )


@bp.post("/exercises/<int:exercise_id>/items/<int:item_id>")
def item_edit(exercise_id: int, item_id: int):
    """Change an item's text."""
    return _edit(
        exercise_id,
        f"item-{item_id}",
        f"item-{item_id}",
        lambda e: services.edit_item(
            current_user, queries.item_for(e, item_id), request.form.get("text"), _revision()
        ),
    )


@bp.post("/exercises/<int:exercise_id>/items/<int:item_id>/remove")
def item_remove(exercise_id: int, item_id: int):
    """Remove an item."""
    return _edit(
        exercise_id,
        "builder",
        None,
        lambda e: services.remove_item(current_user, queries.item_for(e, item_id), _revision()),
    )


@bp.post("/exercises/<int:exercise_id>/items/<int:item_id>/<any(up, down):direction>")
def item_move(exercise_id: int, item_id: int, direction: str):
    """Move an item up or down within its section."""
    return _edit(
        exercise_id,
        f"item-{item_id}",
        None,
        lambda e: services.move_item(
            current_user, queries.item_for(e, item_id), -1 if direction == "up" else 1, _revision()
        ),
    )


@bp.post("/exercises/<int:exercise_id>/submit")
def exercise_submit(exercise_id: int):
    """Submit the draft to the trainers (confirming possible identifiers if needed)."""
    exercise = _editable(exercise_id)
    confirm = request.form.get("confirm") if request.form.get("anyway") == "1" else None
    try:
        services.submit(current_user, exercise, _revision(), confirm)
    except services.NeedsConfirmation as error:
        db.session.rollback()
        return render(
            "exercises/exercise_detail.html",
            status=422,
            **_detail_context(exercise, findings=error.findings, confirm=error.confirm),
        )
    except services.ExerciseError as error:
        db.session.rollback()
        return render(
            "exercises/exercise_detail.html",
            status=STATUS.get(type(error), 409),
            **_detail_context(exercise, error=_(str(error))),
        )
    flash(_("Submitted. Your trainers will give feedback."))
    return redirect(url_for("exercises.exercise_detail", exercise_id=exercise.id), code=303)


@bp.post("/exercises/<int:exercise_id>/review")
def exercise_review(exercise_id: int):
    """A trainer of the author's cohort accepts the exercise or sends it back."""
    exercise = queries.exercise_for(current_user, exercise_id)
    if not permissions.can_review_author(current_user, exercise.author_id):
        abort(403)
    decision = request.form.get("decision")
    if decision not in ("accept", "return"):
        abort(400)
    feedback = request.form.get("feedback", "")
    try:
        services.review(
            current_user,
            exercise,
            decision,
            feedback,
            url_for("exercises.exercise_detail", exercise_id=exercise.id, _external=True),
        )
    except services.ExerciseError as error:
        db.session.rollback()
        return render(
            "exercises/exercise_detail.html",
            status=STATUS.get(type(error), 400),
            **_detail_context(exercise, error=_(str(error)), kept={"feedback": feedback}),
        )
    flash(_("Accepted.") if decision == "accept" else _("Sent back to the author."))
    return redirect(url_for("exercises.exercise_detail", exercise_id=exercise.id), code=303)


@bp.post("/exercises/<int:exercise_id>/publish")
def exercise_publish(exercise_id: int):
    """The author publishes an accepted exercise for everyone taking part."""
    exercise = _editable(exercise_id)
    try:
        services.publish(current_user, exercise)
    except services.ExerciseError as error:
        db.session.rollback()
        return render(
            "exercises/exercise_detail.html",
            status=409,
            **_detail_context(exercise, error=_(str(error))),
        )
    flash(_("Published. Colleagues can now read and copy your checklist."))
    return redirect(url_for("exercises.exercise_detail", exercise_id=exercise.id), code=303)


@bp.post("/exercises/<int:exercise_id>/practice")
def exercise_share(exercise_id: int):
    """The author shares an accepted checklist in the practice library: a draft practice
    made from it, which the author completes and submits to the practice review."""
    exercise = queries.exercise_for(current_user, exercise_id)
    if not permissions.is_author(current_user, exercise):
        abort(404)
    if not permissions.can_share_as_practice(current_user, exercise):
        return render(
            "exercises/exercise_detail.html",
            status=409,
            **_detail_context(
                exercise,
                error=_("Only a checklist accepted by a trainer can be shared in the library."),
            ),
        )
    from portal.exercises import SHARING, ShareError

    if not SHARING:
        abort(404)
    try:
        practice = SHARING[0].create(current_user, exercise)
    except ShareError as error:
        db.session.rollback()
        return render(
            "exercises/exercise_detail.html",
            status=409,
            **_detail_context(exercise, error=_(str(error))),
        )
    if practice.status in ("draft", "changes_requested"):
        flash(
            _(
                "A draft practice was made from your checklist. Add the countries, pillars "
                "and your organisation type, then submit it for review."
            ),
            "success",
        )
        return redirect(url_for("practices.practice_edit", practice_id=practice.id), code=303)
    return redirect(url_for("practices.practice_detail", practice_id=practice.id), code=303)


@bp.post("/exercises/<int:exercise_id>/copy")
def exercise_copy(exercise_id: int):
    """Copy a published exercise into the user's own drafts."""
    source = queries.exercise_for(current_user, exercise_id)
    if not permissions.can_copy(current_user, source):
        abort(403)
    copy = services.copy(current_user, source, request.form.get("token"))
    flash(_("Copied into your drafts. Adapt it to your own situation."))
    return redirect(url_for("exercises.exercise_detail", exercise_id=copy.id), code=303)


@bp.get("/exercises/review")
@requires(is_staff)
def review_queue():
    """Submitted exercises waiting for the trainer's review."""
    return render("exercises/review_queue.html", exercises=queries.review_queue(current_user))
