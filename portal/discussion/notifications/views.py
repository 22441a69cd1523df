"""Subscribe buttons, e-mail settings and unsubscribe links."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.forms import EmptyForm
from portal.discussion import queries as discussion_queries
from portal.discussion.notifications import bp, queries, services
from portal.discussion.notifications.forms import EmailSettingsForm
from portal.discussion.notifications.models import DEFAULT_EMAIL_MODE
from portal.discussion.notifications.tokens import read_token
from portal.extensions import csrf
from portal.web import is_htmx, render


@bp.post("/threads/<int:thread_id>/<any(subscribe, unsubscribe):action>")
@login_required
def thread_subscription(thread_id: int, action: str):
    """Follow or stop following a thread the user may see; with htmx the button swaps."""
    thread = discussion_queries.load_thread_for(current_user, thread_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "subscribe":
        services.subscribe(current_user, thread=thread)
    else:
        services.unsubscribe(current_user.id, thread_id=thread.id)
    if is_htmx():
        state = queries.thread_state(current_user, thread).subscription
        return render("discussion/subscription.html", block="widget", subscription=state)
    return redirect(url_for("discussion.thread_detail", thread_id=thread.id), code=303)


@bp.post("/boards/<int:board_id>/<any(subscribe, unsubscribe):action>")
@login_required
def board_subscription(board_id: int, action: str):
    """Follow or stop following every thread of a board; with htmx the button swaps."""
    board = discussion_queries.load_board_for(current_user, board_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "subscribe":
        services.subscribe(current_user, board=board)
    else:
        services.unsubscribe(current_user.id, board_id=board.id)
    if is_htmx():
        state = queries.board_state(current_user, board)
        return render("discussion/subscription.html", block="widget", subscription=state)
    return redirect(url_for("discussion.board_detail", board_id=board.id), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The user's e-mail choice and the threads and boards they follow."""
    pref = queries.preference(current_user.id)
    form = EmailSettingsForm(email_mode=pref.email_mode if pref else DEFAULT_EMAIL_MODE)
    if form.validate_on_submit():
        services.set_email_mode(current_user.id, form.email_mode.data)
        flash(_("Your e-mail settings are saved."))
        return redirect(url_for("notifications.settings"), code=303)
    return render(
        "discussion/notification_settings.html",
        status=400 if request.method == "POST" else 200,
        form=form,
        rows=queries.user_subscriptions(current_user.id),
        empty=EmptyForm(),
    )


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """The page behind an e-mail's unsubscribe link: says what it stops, asks to confirm."""
    target = read_token(token)
    if target is None or queries.user_by_id(target.user_id) is None:
        return render("discussion/unsubscribe.html", status=400, target=None, token=token)
    return render("discussion/unsubscribe.html", target=target, token=token, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # the signed token is the proof; mail clients' one-click POST has no session
def unsubscribe_confirm(token: str):
    """Stop the e-mail named by a genuine token, without signing in (also RFC 8058)."""
    target = read_token(token)
    if target is None:
        return render("discussion/unsubscribe.html", status=400, target=None, token=token)
    services.unsubscribe_by_token(target)
    return render("discussion/unsubscribe.html", target=target, token=token, done=True)
