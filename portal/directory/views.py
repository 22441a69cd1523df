"""Directory pages: the opt-in list, one's own entry, conversations."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import permissions
from portal.accounts.forms import EmptyForm
from portal.accounts.models import ORGANISATION_TYPES
from portal.countries import country_name
from portal.directory import bp, queries, services
from portal.directory.forms import EntryForm, MessageForm
from portal.directory.models import PILLARS
from portal.directory.permissions import can_use_directory
from portal.extensions import db
from portal.web import render

STATUS = {services.NeedsConfirmation: 422, services.RateLimited: 429, services.Refused: 403}


# Visitors are sent to sign in; people who do not take part get 403.
permissions.guard(bp, can_use_directory)


@bp.get("/")
def directory_list():
    """Listed people, filtered by country, organisation type and pillar (in the URL)."""
    country = request.args.get("country", "")
    org_type = request.args.get("type", "")
    pillar = request.args.get("pillar", "")
    country = country if country_name(country) else ""
    org_type = org_type if org_type in ORGANISATION_TYPES else ""
    pillar = pillar if pillar in PILLARS else ""
    page = max(request.args.get("page", 1, type=int), 1)
    entries, has_next = queries.search(country, org_type, pillar, page)
    return render(
        "directory/directory_list.html",
        block="results",
        entries=entries,
        has_next=has_next,
        page=page,
        filters={"country": country, "type": org_type, "pillar": pillar},
        countries=queries.listed_countries(),
        org_types=ORGANISATION_TYPES,
        pillars=PILLARS,
        own_entry=queries.entry_of(current_user.id),
    )


@bp.route("/me", methods=["GET", "POST"])
def entry_edit():
    """List oneself in the directory, change the details, or leave it."""
    entry = queries.entry_of(current_user.id)
    form = EntryForm()
    if request.method == "GET":
        source = entry or current_user
        form.display_name.data = source.display_name
        form.country.data = source.country
        form.organisation.data = source.organisation
        form.organisation_type.data = source.organisation_type
        form.pillars.data = entry.pillar_list if entry else []
    if form.validate_on_submit():
        services.save_entry(
            current_user,
            form.display_name.data,
            form.country.data,
            form.organisation.data,
            form.organisation_type.data,
            form.pillars.data,
        )
        flash(_("You are listed in the directory."))
        return redirect(url_for("directory.directory_list"), code=303)
    status = 400 if request.method == "POST" else 200
    return render(
        "directory/entry_edit.html", status=status, form=form, entry=entry, remove=EmptyForm()
    )


@bp.post("/me/remove")
def entry_remove():
    """Leave the directory."""
    services.remove_entry(current_user)
    flash(_("You are no longer listed in the directory."))
    return redirect(url_for("directory.entry_edit"), code=303)


@bp.get("/messages")
def inbox():
    """The people the user exchanged messages with, newest first."""
    return render("directory/inbox.html", rows=queries.conversations(current_user.id))


def _counterpart(user_id: int):
    """The other person, when the user may write to them or already has a conversation."""
    other = queries.user_by_id(user_id)
    if other is None or other.id == current_user.id:
        abort(404)
    if not (
        services.may_write_to(current_user, other)
        or queries.has_conversation(current_user.id, other.id)
    ):
        abort(404)
    return other


@bp.route("/messages/<int:user_id>", methods=["GET", "POST"])
def conversation(user_id: int):
    """Messages with one person, and the form to write to them."""
    other = _counterpart(user_id)
    form = MessageForm()
    error = findings = confirm = None
    status = 200
    if form.validate_on_submit():
        try:
            if not services.may_write_to(current_user, other):
                raise services.Refused("This person can no longer receive messages from you.")
            services.send(
                current_user,
                other,
                form.body.data,
                form.token.data,
                form.confirm.data if request.form.get("anyway") == "1" else None,
                url_for("directory.conversation", user_id=current_user.id, _external=True),
            )
        except services.NeedsConfirmation as exc:
            db.session.rollback()
            form.confirm.data = exc.confirm
            findings, confirm, status = exc.findings, exc.confirm, 422
        except services.DirectoryError as exc:
            db.session.rollback()
            error, status = _(str(exc)), STATUS.get(type(exc), 400)
        else:
            flash(_("Message sent."))
            return redirect(url_for("directory.conversation", user_id=other.id), code=303)
    elif request.method == "POST":
        status = 400
    if request.method == "GET":
        services.mark_read(current_user, other.id)
    return render(
        "directory/conversation.html",
        status=status,
        other=other,
        entry=queries.listed_entry(other.id),
        messages=queries.conversation(current_user.id, other.id),
        form=form,
        error=error,
        findings=findings,
        confirm=confirm,
        blocked=queries.is_blocked(current_user.id, other.id),
        can_write=services.may_write_to(current_user, other),
        action_form=EmptyForm(),
    )


@bp.post("/messages/<int:user_id>/<any(block, unblock):action>")
def block(user_id: int, action: str):
    """Block (or unblock) messages from a person who wrote to the user."""
    other = _counterpart(user_id)
    if action == "block":
        services.block(current_user, other)
        flash(_("Blocked. You will receive no more messages from this person."))
    else:
        services.unblock(current_user, other)
        flash(_("Unblocked."))
    return redirect(url_for("directory.conversation", user_id=other.id), code=303)
