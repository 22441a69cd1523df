"""Cohort management screens for trainers and admins."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions
from portal.accounts.forms import EmptyForm
from portal.cohorts import bp, queries, services
from portal.cohorts.forms import (
    BulkInviteForm,
    CohortForm,
    EnrolTrainerForm,
    InvitationForm,
    PublishForm,
)
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.cohorts.permissions import can_manage_cohort, membership
from portal.web import get_or_404, render


def load_managed_cohort(cohort_id: int) -> Cohort:
    """The cohort when the current user manages it; 404 otherwise, so ids are not confirmed."""
    cohort = get_or_404(Cohort, cohort_id)
    if not can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


@bp.get("/")
@permissions.requires(permissions.is_staff)
def cohort_list():
    """Cohorts the trainer runs (all of them for an admin)."""
    return render("cohorts/cohort_list.html", rows=queries.cohorts_for(current_user))


@bp.route("/new", methods=["GET", "POST"])
@permissions.requires(permissions.is_staff)
def cohort_new():
    """Create a cohort."""
    form = CohortForm()
    if form.validate_on_submit():
        cohort = services.create_cohort(current_user, form.data)
        flash(_("Cohort created."))
        return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)
    status = 400 if request.method == "POST" else 200
    return render("cohorts/cohort_form.html", form=form, cohort=None, status=status)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def cohort_edit(cohort_id: int):
    """Edit a cohort's name, place, sponsor and dates."""
    cohort = load_managed_cohort(cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        services.update_cohort(current_user, cohort, form.data)
        flash(_("Cohort saved."))
        return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)
    status = 400 if request.method == "POST" else 200
    return render("cohorts/cohort_form.html", form=form, cohort=cohort, status=status)


@bp.get("/<int:cohort_id>")
@login_required
def cohort_detail(cohort_id: int):
    """Members and invitation codes of a cohort, and its assessment windows."""
    cohort = load_managed_cohort(cohort_id)
    return render(
        "cohorts/cohort_detail.html",
        cohort=cohort,
        invitation_form=InvitationForm(),
        trainer_form=EnrolTrainerForm(),
        **queries.cohort_detail(cohort),
    )


@bp.post("/<int:cohort_id>/invitations")
@login_required
def invitation_create(cohort_id: int):
    """Generate an invitation code for the cohort."""
    cohort = load_managed_cohort(cohort_id)
    form = InvitationForm()
    if form.validate_on_submit():
        invitation = services.create_invitation(
            current_user, cohort, form.max_uses.data, form.valid_days.data
        )
        flash(_("New invitation code: %(code)s", code=invitation.code))
    else:
        flash(_("The invitation was not created: check the numbers."), "error")
    return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)


@bp.post("/<int:cohort_id>/invitations/<int:invitation_id>/revoke")
@login_required
def invitation_revoke(cohort_id: int, invitation_id: int):
    """Revoke an invitation code so nobody else can join with it."""
    cohort = load_managed_cohort(cohort_id)
    invitation = get_or_404(Invitation, invitation_id)
    if invitation.cohort_id != cohort.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.revoke_invitation(current_user, invitation)
        if invitation.email:
            flash(_("The invitation for %(email)s is revoked.", email=invitation.email))
        else:
            flash(_("The code %(code)s is revoked.", code=invitation.code))
    return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)


@bp.post("/<int:cohort_id>/invitations/<int:invitation_id>/resend")
@login_required
def invitation_resend(cohort_id: int, invitation_id: int):
    """Queue a personal invitation's mail again."""
    cohort = load_managed_cohort(cohort_id)
    invitation = get_or_404(Invitation, invitation_id)
    if invitation.cohort_id != cohort.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            services.resend_invitation(current_user, invitation)
        except services.CohortError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The invitation is queued again; it is sent when the mail worker runs."))
    return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)


@bp.route("/<int:cohort_id>/invite-csv", methods=["GET", "POST"])
@login_required
def invite_csv(cohort_id: int):
    """Invite many people at once from a CSV file."""
    cohort = load_managed_cohort(cohort_id)
    form = BulkInviteForm()
    result = None
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        # One byte over the limit is enough to know the file is too large.
        raw = form.file.data.read(services.MAX_CSV_BYTES + 1)
        result = services.bulk_invite(current_user, cohort, raw)
        status = 400 if result.refused else 200
    return render("cohorts/invite_csv.html", cohort=cohort, form=form, result=result, status=status)


@bp.post("/<int:cohort_id>/trainers")
@login_required
def trainer_enrol(cohort_id: int):
    """Add a trainer: admins enrol the account at once; trainers send it an invitation.

    A trainer gets the same answer whatever the address is, so the form does not tell
    which addresses belong to staff accounts (admins see every account anyway).
    """
    cohort = load_managed_cohort(cohort_id)
    form = EnrolTrainerForm()
    if not form.validate_on_submit():
        flash(_("Enter the trainer's e-mail address."), "error")
    elif permissions.is_admin(current_user):
        try:
            services.enrol_trainer(current_user, cohort, form.email.data)
        except services.CohortError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Trainer enrolled."))
    else:
        services.invite_trainer(current_user, cohort, form.email.data)
        flash(
            _(
                "If %(email)s belongs to a trainer account, it has been sent an invitation "
                "to this cohort. The trainer appears here once they accept it.",
                email=form.email.data.strip(),
            )
        )
    return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)


@bp.route("/<int:cohort_id>/trainers/join/<token>", methods=["GET", "POST"])
@login_required
def trainer_join(cohort_id: int, token: str):
    """Accept an invitation to run a cohort as a trainer (only the invited account)."""
    cohort = get_or_404(Cohort, cohort_id)
    invitation = services.trainer_invitation(token, cohort)
    if invitation is None or invitation[0] != current_user.id:
        abort(404)
    if invitation[1]:  # used up: a second click after joining lands where the first did
        joined = membership(current_user, cohort.id)
        if joined is not None and joined.role == "trainer":
            return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)
        abort(404)
    if not permissions.is_staff(current_user):
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        services.enrol(current_user, cohort, current_user, "trainer")
        flash(_("You are now a trainer of %(cohort)s.", cohort=cohort.name))
        return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)
    return render("cohorts/trainer_join.html", cohort=cohort, form=form)


@bp.post("/<int:cohort_id>/members/<int:member_id>/remove")
@login_required
def member_remove(cohort_id: int, member_id: int):
    """Remove someone from the cohort (their account stays)."""
    cohort = load_managed_cohort(cohort_id)
    member = get_or_404(Membership, member_id)
    if member.cohort_id != cohort.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.remove_member(current_user, member)
        flash(_("Removed from the cohort."))
    return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)


@bp.post("/<int:cohort_id>/publish")
@login_required
def cohort_publish(cohort_id: int):
    """Publish the cohort on the public site, or make it a draft again (admins only)."""
    cohort = load_managed_cohort(cohort_id)
    if not permissions.is_admin(current_user):
        abort(403)
    form = PublishForm()
    if form.validate_on_submit():
        publish = form.publish.data == "1"
        services.set_published(current_user, cohort, publish)
        flash(_("The cohort is published.") if publish else _("The cohort is a draft again."))
    return redirect(url_for("cohorts.cohort_detail", cohort_id=cohort.id), code=303)
