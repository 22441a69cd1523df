"""Account pages."""

from __future__ import annotations

import json
import time

from flask import Response, current_app, flash, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import bp, services
from portal.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmptyForm,
    ForgotForm,
    LoginForm,
    ProfileForm,
    ResetForm,
    SignupConfirmForm,
    SignupForm,
)
from portal.accounts.models import User
from portal.extensions import db, limiter, login_manager
from portal.security import safe_next
from portal.web import render


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user, unless the session was ended or its lifetime is over.

    The id is "user:generation:signed-in-at"; sign-out, password change, deactivation
    and deletion bump the generation, so copied cookies stop working on the server.
    """
    parts = session_id.split(":")
    if len(parts) != 3 or not all(part.isdigit() and len(part) <= 18 for part in parts):
        return None
    user_id, generation, signed_in_at = (int(part) for part in parts)
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION"]
    if time.time() - signed_in_at > lifetime.total_seconds():
        return None
    user = db.session.identity_map.get(db.session.identity_key(User, user_id))
    if user is None:  # as Session.get, with the rows features read about the user
        user = services.load_user_row(user_id)
    if user is None or not user.is_active or user.session_generation != generation:
        return None
    user.signed_in_at = signed_in_at
    return user


def _after_login_default() -> str:
    return url_for("progress.home")


def _form_status() -> int:
    """400 when a submitted form is shown again with its problems, 200 for a first view."""
    return 400 if request.method == "POST" else 200


def _address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _signup_limit() -> str:
    return current_app.config["SIGNUP_FAILURES_PER_ADDRESS"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(
    _signup_limit, methods=["POST"], deduct_when=lambda response: g.get("signup_refused", False)
)
def signup():
    """Sign up with a cohort invitation code: a link to finish is mailed to the address."""
    if current_user.is_authenticated:
        return redirect(_after_login_default())
    form = SignupForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
        invitation = services.find_invitation(form.code.data)
        if invitation is not None and invitation.email:
            form.email.data = invitation.email
    error = None
    if form.validate_on_submit():
        try:
            services.request_signup(form.code.data, form.email.data)
        except services.AccountError as exc:
            g.signup_refused = True  # counts towards the per-address limit
            error = str(exc)
        else:
            # The same answer whether or not the address has an account.
            return redirect(url_for("accounts.signup_sent"), code=303)
    return render("accounts/signup.html", form=form, error=error, status=_form_status())


@bp.get("/signup/sent")
def signup_sent():
    """Where every accepted sign-up lands: look in your inbox."""
    return render("accounts/signup_sent.html")


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def signup_confirm(token: str):
    """Finish a sign-up from the mailed link: choose a name and a password."""
    pending = services.valid_signup_request(token)
    if pending is None:
        return render("accounts/signup_confirm.html", form=None, expired=True, status=400)
    form = SignupConfirmForm(account_email=pending.email)
    invitation = pending.invitation
    if request.method == "GET" and invitation.email == pending.email:
        form.display_name.data = invitation.name
        form.country.data = invitation.country
        form.organisation.data = invitation.organisation
    error = None
    if form.validate_on_submit():
        try:
            # The page's language (browser or switcher) becomes the profile's first language.
            user = services.complete_signup(pending, {**form.data, "language": str(get_locale())})
        except services.AccountError as exc:
            error = str(exc)
        else:
            _end_browser_session()  # whoever was signed in on this browser
            login_user(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name))
            return redirect(_after_login_default(), code=303)
    return render(
        "accounts/signup_confirm.html",
        form=form,
        expired=False,
        email=pending.email,
        cohort=invitation.cohort,
        error=error,
        status=_form_status(),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def login():
    """Sign in; the same message for an unknown account and a wrong password."""
    target = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next(target, _after_login_default()))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.Throttled as exc:
            error, status = str(exc), 429
        else:
            if user is not None:
                session.clear()
                login_user(user, remember=form.remember.data)
                return redirect(safe_next(target, _after_login_default()), code=303)
            error, status = _("The e-mail address or password is not correct."), 400
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render("accounts/login.html", form=form, error=error, next=target, status=status)


def _end_browser_session() -> None:
    # Clear first: logout_user() then marks the remember-me cookie for deletion.
    session.clear()
    logout_user()


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this session, its remember-me cookie and every copy of them end."""
    form = EmptyForm()
    if form.validate_on_submit():
        services.sign_out(current_user)
        _end_browser_session()
        flash(_("You are signed out."))
    return redirect(url_for("public.home"), code=303)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this account, on this device and all others."""
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.profile"), code=303)
    services.sign_out(current_user, everywhere=True)
    _end_browser_session()
    flash(_("You are signed out on every device."))
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def password_forgot():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses that address, a link to reset the password is on its way."))
        return redirect(url_for("accounts.login"), code=303)
    return render("accounts/password_forgot.html", form=form, status=_form_status())


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    """Choose a new password with a single-use, expiring token."""
    if services.valid_reset_token(token) is None:
        return render("accounts/password_reset.html", form=None, expired=True, status=400)
    form = ResetForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        flash(_("Your password is changed. Sign in with the new one."))
        return redirect(url_for("accounts.login"), code=303)
    return render("accounts/password_reset.html", form=form, expired=False, status=_form_status())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    """Change the password; other signed-in devices are signed out."""
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as exc:
            error = str(exc)
        else:
            login_user(current_user._get_current_object())
            flash(_("Your password is changed."))
            return redirect(url_for("accounts.profile"), code=303)
    return render("accounts/password_change.html", form=form, error=error, status=_form_status())


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The user's own profile and what others may see of it."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.data)
        flash(_("Your profile is saved."))
        return redirect(url_for("accounts.profile"), code=303)
    return render("accounts/profile.html", form=form, status=_form_status())


@bp.post("/account/export")
@login_required
def export():
    """Download everything the portal holds about you, as JSON."""
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.profile"), code=303)
    result = services.export_data(current_user)
    return Response(
        json.dumps(result.data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Erase the account's personal data after the password is confirmed."""
    form = DeleteAccountForm()
    error = None
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except services.AccountError as exc:
            error = str(exc)
        else:
            _end_browser_session()
            flash(_("Your account is deleted and your personal data erased."))
            return redirect(url_for("public.home"), code=303)
    return render("accounts/delete.html", form=form, error=error, status=_form_status())
