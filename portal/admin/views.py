"""Admin screens: the user list and the user editor."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import permissions
from portal.accounts.models import User
from portal.admin import bp, queries, services
from portal.admin.forms import UserEditForm
from portal.web import get_or_404, render

permissions.guard(bp, permissions.is_admin)


@bp.get("/users")
def user_list():
    """All accounts, searchable by name or e-mail, 50 to a page."""
    search = request.args.get("q", "")[:100]
    page = max(request.args.get("page", 1, type=int), 1)
    users, total = queries.user_page(search, page)
    pages = max((total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1)
    return render(
        "admin/user_list.html",
        block="results",
        users=users,
        total=total,
        page=page,
        pages=pages,
        search=search,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change a user's role or deactivate the account."""
    user = get_or_404(User, user_id)
    if user.is_deleted:
        abort(404)
    form = UserEditForm(obj=user)
    error = None
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, form.role.data, form.is_enabled.data)
        except services.AdminError as exc:
            error = str(exc)
        else:
            flash(_("Account saved."))
            return redirect(url_for("admin.user_list"), code=303)
    return render("admin/user_edit.html", form=form, user=user, error=error)


@bp.get("/mail")
def mail_failed():
    """Mail the delivery worker gave up on, so an admin can follow up by other means."""
    return render("admin/mail_failed.html", messages=queries.failed_mail())
