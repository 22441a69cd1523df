"""Discussion pages: each works as a full page and, with htmx, as an in-place fragment."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal.accounts.forms import EmptyForm
from portal.discussion import bp, queries, services
from portal.discussion.forms import (
    BlankReply,
    BoardForm,
    CheckForm,
    EditForm,
    FlagForm,
    MoveForm,
    PostForm,
    RedactForm,
    ThreadForm,
)
from portal.discussion.notifications import queries as notification_queries
from portal.discussion.notifications import services as notification_services
from portal.discussion.permissions import viewer_for
from portal.discussion.pii import find_identifiers
from portal.extensions import limiter
from portal.permissions import is_admin, requires
from portal.web import is_htmx, render

KIND_LABELS = {
    "phone": _l("Phone number"),
    "email": _l("E-mail address"),
    "id_number": _l("Passport or ID number"),
    "address": _l("Street address"),
    "date_of_birth": _l("Date of birth"),
}
STATUS = {
    services.NeedsConfirmation: 422,
    services.RateLimited: 429,
}


def _status_for(error: services.DiscussionError) -> int:
    return STATUS.get(type(error), 400)


def _confirmation(form) -> str | None:
    """The signed confirmation, only when the author pressed "Post anyway"."""
    return form.confirm.data if request.form.get("anyway") == "1" else None


def _error_context(error: services.DiscussionError | None, form=None) -> dict:
    """Template variables that describe a refused post."""
    if isinstance(error, services.NeedsConfirmation):
        if form is not None:
            form.confirm.data = error.confirm
        return {"findings": error.findings, "confirm": error.confirm, "error": None}
    return {"findings": None, "confirm": None, "error": _(str(error)) if error else None}


def _viewer():
    return viewer_for(current_user)


@bp.get("/")
@login_required
def board_list():
    """Boards the signed-in user may see, with thread counts and latest activity."""
    viewer = _viewer()
    rows = queries.visible_boards(viewer)
    created = _missing_boards(viewer, rows)
    if viewer.sees_alumni_forum and not any(r.board.kind == "alumni" for r in rows):
        created = services.ensure_default_alumni_boards() or created
    if created:
        rows = queries.visible_boards(viewer)
    return render("discussion/board_list.html", rows=rows, viewer=viewer)


def _missing_boards(viewer, rows) -> bool:
    """Create the boards of the viewer's cohorts that do not exist yet."""
    sessions = queries.active_sessions()
    have: dict[int, int] = {}
    for row in rows:
        if row.board.cohort_id is not None:
            have[row.board.cohort_id] = have.get(row.board.cohort_id, 0) + 1
    missing = [cid for cid in viewer.roles if have.get(cid, 0) < len(sessions) + 1]
    created = 0
    for cohort_id in missing:
        created += services.ensure_cohort_boards(queries.cohort_by_id(cohort_id), sessions)
    return bool(created)


@bp.get("/boards/<int:board_id>")
@login_required
def board_detail(board_id: int):
    """A board's threads, pinned first, a page at a time."""
    board = queries.load_board_for(current_user, board_id)
    page = max(request.args.get("page", 1, type=int), 1)
    threads, has_next = queries.board_threads(board, page, current_user.id)
    return render(
        "discussion/board_detail.html",
        board=board,
        threads=threads,
        page=page,
        has_next=has_next,
        viewer=_viewer(),
        subscription=notification_queries.board_state(current_user, board),
        session=queries.board_session(board),
    )


@bp.route("/boards/<int:board_id>/new", methods=["GET", "POST"])
@login_required
def thread_new(board_id: int):
    """Start a thread on a board the user may see."""
    board = queries.load_board_for(current_user, board_id)
    if board.is_retired:
        abort(403)
    form = ThreadForm()
    error = None
    if form.validate_on_submit():
        try:
            thread = services.create_thread(
                current_user,
                board,
                form.title.data,
                form.kind.data,
                form.body.data,
                form.token.data,
                _confirmation(form),
            )
        except services.DiscussionError as exc:
            error = exc
        else:
            return redirect(url_for("discussion.thread_detail", thread_id=thread.id), code=303)
    status = _status_for(error) if error else (400 if request.method == "POST" else 200)
    return render(
        "discussion/thread_new.html",
        block="compose",
        status=status,
        board=board,
        form=form,
        **_error_context(error, form),
    )


def _quote(thread, post_id: int | None) -> str:
    """The Markdown quote of a post in this thread, with attribution, or ''."""
    if not post_id:
        return ""
    post = queries.load_post_for(current_user, post_id)
    if post.thread_id != thread.id or post.is_deleted or post.is_hidden:
        abort(404)
    name = post.author.public_name if post.author else _("Former participant")
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.split("\n"))
    return _("%(name)s wrote (post #%(number)d):", name=name, number=post.number) + (
        f"\n{quoted}\n\n"
    )


def _thread_page(thread, form, status=200, block=None, after=0, **extra):
    """Render the thread page (or one of its blocks) with its posts. The reply form alone
    (an htmx quote, a refused reply) shows no post, so it reads none."""
    form_only = block == "reply_form" and is_htmx()
    posts, has_more = ([], False) if form_only else queries.thread_posts(thread, after)
    context = {"findings": None, "confirm": None, "error": None, "new_post": None}
    context.update(extra)
    return render(
        "discussion/thread_detail.html",
        block=block,
        status=status,
        thread=thread,
        board=thread.board,
        posts=posts,
        has_more=has_more,
        after=after,
        accepted=queries.accepted_post(thread, posts) if after == 0 and not form_only else None,
        form=form,
        viewer=_viewer(),
        page_size=queries.POSTS_PER_PAGE,
        **context,
    )


@bp.get("/threads/<int:thread_id>")
@login_required
def thread_detail(thread_id: int):
    """A thread's posts after `after` (keyset), the accepted answer first; the reply form."""
    thread, state = queries.shown_thread_for(current_user, thread_id)
    after = max(request.args.get("after", 0, type=int), 0)
    quote_id = request.args.get("quote", type=int)
    if quote_id:
        form = PostForm()
        form.body.data = _quote(thread, quote_id)
        return _thread_page(thread, form, block="reply_form", after=after)
    response = _thread_page(
        thread,
        BlankReply(),
        block="more",
        after=after,
        read=None if is_htmx() else state,  # "load more" continues this visit
        subscription=state.subscription,
    )
    shown = min(after + queries.POSTS_PER_PAGE, thread.last_number)
    if shown > state.last_read_number:  # a revisit with nothing new writes nothing
        notification_services.mark_read(current_user, thread, shown)
    return response


@bp.post("/threads/<int:thread_id>/reply")
@login_required
def thread_reply(thread_id: int):
    """Add a reply: 303 to the thread, or with htmx the new post and a fresh form."""
    thread = queries.load_thread_for(current_user, thread_id)
    form = PostForm()
    error = None
    if form.validate_on_submit():
        try:
            post = services.reply(
                current_user, thread, form.body.data, form.token.data, _confirmation(form)
            )
        except services.DiscussionError as exc:
            error = exc
        else:
            if is_htmx():
                # With "load more" still on the page the new post belongs after the
                # replies not loaded yet: appending it now would show it twice later.
                return render(
                    "discussion/thread_detail.html",
                    block="reply_posted",
                    status=201,
                    thread=thread,
                    board=thread.board,
                    form=BlankReply(),
                    new_post=post,
                    new_post_url=_reply_url(post),
                    unseen=bool(request.form.get("shown_to")),
                    viewer=_viewer(),
                    findings=None,
                    confirm=None,
                    error=None,
                )
            return redirect(_reply_url(post), code=303)
    if isinstance(error, services.DiscussionError) and not isinstance(
        error, services.NeedsConfirmation | services.RateLimited
    ):
        status = 403 if not _viewer().can_reply(thread) else 400
    else:
        status = _status_for(error) if error else 400
    return _thread_page(
        thread, form, status=status, block="reply_form", **_error_context(error, form)
    )


def _reply_url(post) -> str:
    """The thread page that ends with this post, at the post."""
    after = max(post.number - queries.POSTS_PER_PAGE, 0)
    return url_for(
        "discussion.thread_detail",
        thread_id=post.thread_id,
        after=after or None,
        _anchor=f"post-{post.id}",
    )


@bp.get("/posts/<int:post_id>")
@login_required
def post_detail(post_id: int):
    """One post: with htmx its article (to cancel an edit); otherwise its place in the thread."""
    post = queries.load_post_for(current_user, post_id)
    if not is_htmx():
        after = max(post.number - 1, 0)
        return redirect(
            url_for(
                "discussion.thread_detail",
                thread_id=post.thread_id,
                after=after or None,
                _anchor=f"post-{post.id}",
            ),
            code=303,
        )
    return render(
        "discussion/post_detail.html",
        block="post",
        post=post,
        thread=post.thread,
        viewer=_viewer(),
    )


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def post_edit(post_id: int):
    """Edit one's own post; the earlier text is kept as a revision."""
    post = queries.load_post_for(current_user, post_id)
    if not _viewer().can_edit(post):
        abort(404 if post.author_id != current_user.id else 403)
    form = EditForm(obj=post)
    error = None
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data, _confirmation(form))
        except services.DiscussionError as exc:
            error = exc
        else:
            if is_htmx():
                return render(
                    "discussion/post_detail.html",
                    block="post",
                    post=post,
                    thread=post.thread,
                    viewer=_viewer(),
                )
            flash(_("Your changes are saved."))
            return redirect(
                url_for("discussion.post_detail", post_id=post.id),
                code=303,
            )
    status = _status_for(error) if error else (400 if request.method == "POST" else 200)
    return render(
        "discussion/post_edit.html",
        block="edit_form",
        status=status,
        post=post,
        thread=post.thread,
        form=form,
        **_error_context(error, form),
    )


@bp.get("/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    """Earlier versions of a post, for moderators of its board."""
    post = queries.load_moderated_post(current_user, post_id)
    return render(
        "discussion/post_history.html",
        post=post,
        thread=post.thread,
        revisions=queries.post_revisions(post),
    )


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def post_delete(post_id: int):
    """Ask, then remove one's own post; its place shows "removed"."""
    post = queries.load_post_for(current_user, post_id)
    if post.author_id != current_user.id or post.is_deleted:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        services.delete_post(current_user, post)
        flash(_("Your post was removed."))
        return redirect(url_for("discussion.post_detail", post_id=post.id), code=303)
    return render("discussion/post_delete.html", post=post, thread=post.thread, form=form)


@bp.post("/posts/<int:post_id>/accept")
@login_required
def post_accept(post_id: int):
    """Mark a reply as the accepted answer of its question."""
    post = queries.load_post_for(current_user, post_id)
    return _set_accepted(post.thread, post)


@bp.post("/threads/<int:thread_id>/unaccept")
@login_required
def thread_unaccept(thread_id: int):
    """Clear the accepted answer of a question."""
    return _set_accepted(queries.load_thread_for(current_user, thread_id), None)


def _set_accepted(thread, post):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not _viewer().can_accept(thread):
        abort(403)
    changed = {thread.accepted_post_id, post.id if post else None} - {None}
    try:
        services.set_accepted(current_user, thread, post)
    except services.DiscussionError:
        abort(400)
    if is_htmx():
        # The accepted-answer area, and out of band the posts whose state changed
        # (the new answer, the previous one) so no stale "accepted" or button remains.
        return render(
            "discussion/thread_detail.html",
            block="accept_swap",
            thread=thread,
            accepted=post,
            changed_posts=queries.posts_by_id(sorted(changed)),
            viewer=_viewer(),
        )
    return redirect(url_for("discussion.thread_detail", thread_id=thread.id), code=303)


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def post_flag(post_id: int):
    """Report a post to the moderators, with a reason."""
    post = queries.load_post_for(current_user, post_id)
    form = FlagForm()
    if form.validate_on_submit():
        services.flag_post(current_user, post, form.reason.data)
        flash(_("Thank you. A moderator will look at this post."))
        return redirect(url_for("discussion.post_detail", post_id=post.id), code=303)
    status = 400 if request.method == "POST" else 200
    return render(
        "discussion/post_flag.html", status=status, post=post, thread=post.thread, form=form
    )


@bp.post("/check")
@login_required
@limiter.limit("60 per minute")
def identifier_check():
    """A preview, as the author types, of personal identifiers found in the text."""
    form = CheckForm()
    if not form.validate_on_submit():
        abort(400)
    findings = find_identifiers(services.normalise_body(form.body.data))
    return render("discussion/identifier_check.html", block="findings", findings=findings)


@bp.get("/moderation")
@login_required
def moderation_queue():
    """Flagged posts on the boards the trainer or admin moderates."""
    viewer = _viewer()
    if not viewer.is_staff:
        abort(404)
    cohort_id = request.args.get("cohort", type=int)
    if cohort_id is not None and not viewer.is_admin and cohort_id not in viewer.roles:
        abort(404)
    return render(
        "discussion/moderation_queue.html",
        items=queries.moderation_queue(viewer, cohort_id),
        viewer=viewer,
        form=EmptyForm(),
    )


def _back_to(post_or_thread_url: str):
    target = request.form.get("back")
    if target == "queue":
        return redirect(url_for("discussion.moderation_queue"), code=303)
    return redirect(post_or_thread_url, code=303)


@bp.post("/posts/<int:post_id>/<any(hide, restore, dismiss):action>")
@login_required
def post_moderate(post_id: int, action: str):
    """Hide or restore a post, or dismiss its flags (moderators of its board)."""
    post = queries.load_moderated_post(current_user, post_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "dismiss":
        services.dismiss_flags(current_user, post)
    else:
        services.set_hidden(current_user, post, action == "hide")
    done = {
        "hide": _("Post #%(n)d is hidden: participants no longer see its text.", n=post.number),
        "restore": _("Post #%(n)d is visible again.", n=post.number),
        "dismiss": _("The reports on post #%(n)d are dismissed; it stays as it is.", n=post.number),
    }
    flash(done[action])
    return _back_to(url_for("discussion.post_detail", post_id=post.id))


@bp.route("/posts/<int:post_id>/redact", methods=["GET", "POST"])
@login_required
def post_redact(post_id: int):
    """Replace a span of a post with "[removed by a moderator]"; the author is told."""
    post = queries.load_moderated_post(current_user, post_id)
    form = RedactForm()
    error = None
    if form.validate_on_submit():
        try:
            services.redact(current_user, post, form.span.data)
        except services.DiscussionError as exc:
            error = _(str(exc))
        else:
            flash(_("The words were removed and the author was told."))
            return redirect(url_for("discussion.post_detail", post_id=post.id), code=303)
    status = 400 if request.method == "POST" else 200
    return render(
        "discussion/post_redact.html",
        status=status,
        post=post,
        thread=post.thread,
        form=form,
        error=error,
    )


@bp.post("/threads/<int:thread_id>/<any(lock, unlock, pin, unpin):action>")
@login_required
def thread_moderate(thread_id: int, action: str):
    """Lock, unlock, pin or unpin a thread (moderators of its board)."""
    thread = queries.load_moderated_thread(current_user, thread_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.moderate_thread(current_user, thread, action)
    done = {
        "lock": _("The thread is locked: nobody can reply until it is unlocked."),
        "unlock": _("The thread is unlocked: replies are open again."),
        "pin": _("The thread is pinned to the top of its board."),
        "unpin": _("The thread is no longer pinned."),
    }
    flash(done[action])
    return redirect(url_for("discussion.thread_detail", thread_id=thread.id), code=303)


@bp.route("/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def thread_move(thread_id: int):
    """Move a thread to another board the moderator moderates."""
    thread = queries.load_moderated_thread(current_user, thread_id)
    form = MoveForm()
    boards = queries.moderated_boards(_viewer())
    form.board.choices = [SelectChoice(b.id, b.title) for b in boards if b.id != thread.board_id]
    if form.validate_on_submit():
        target = queries.load_moderated_board(current_user, form.board.data)
        services.move_thread(current_user, thread, target)
        flash(_("The thread was moved."))
        return redirect(url_for("discussion.thread_detail", thread_id=thread.id), code=303)
    status = 400 if request.method == "POST" else 200
    return render(
        "discussion/thread_move.html", status=status, thread=thread, form=form, boards=boards
    )


@bp.route("/alumni-boards", methods=["GET", "POST"])
@requires(is_admin, status=404)
def alumni_boards():
    """The alumni forum's categories: admins add, rename and reorder them."""
    form = BoardForm()
    if form.validate_on_submit():
        services.create_alumni_board(current_user, form.title.data, form.description.data)
        flash(_("Category added."))
        return redirect(url_for("discussion.alumni_boards"), code=303)
    status = 400 if request.method == "POST" else 200
    return render(
        "discussion/alumni_boards.html",
        status=status,
        form=form,
        boards=queries.alumni_boards(),
        empty=EmptyForm(),
    )


@bp.route("/alumni-boards/<int:board_id>", methods=["GET", "POST"])
@requires(is_admin, status=404)
def alumni_board_edit(board_id: int):
    """Rename an alumni-forum category."""
    board = queries.load_alumni_board(board_id)
    form = BoardForm(obj=board)
    if form.validate_on_submit():
        services.update_alumni_board(current_user, board, form.title.data, form.description.data)
        flash(_("Category saved."))
        return redirect(url_for("discussion.alumni_boards"), code=303)
    status = 400 if request.method == "POST" else 200
    return render("discussion/alumni_board_edit.html", status=status, form=form, board=board)


@bp.post("/alumni-boards/<int:board_id>/<any(up, down):direction>")
@requires(is_admin, status=404)
def alumni_board_move(board_id: int, direction: str):
    """Move an alumni-forum category up or down."""
    board = queries.load_alumni_board(board_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.move_alumni_board(current_user, board, -1 if direction == "up" else 1)
    return redirect(url_for("discussion.alumni_boards"), code=303)


@bp.post("/alumni-boards/<int:board_id>/<any(retire, restore):action>")
@requires(is_admin, status=404)
def alumni_board_retire(board_id: int, action: str):
    """Retire an alumni-forum category (threads kept) or restore it."""
    board = queries.load_alumni_board(board_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_alumni_board_retired(current_user, board, action == "retire")
    flash(_("Category retired.") if action == "retire" else _("Category restored."))
    return redirect(url_for("discussion.alumni_boards"), code=303)


__all__ = ["bp", "KIND_LABELS", "BoardForm"]
