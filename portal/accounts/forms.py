"""Account forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal.accounts.models import ORGANISATION_TYPES
from portal.accounts.passwords import password_problem
from portal.countries import countries
from portal.forms import PortalForm, select_choices


def _country_choices():
    return select_choices([("", _l("Choose a country")), *countries(str(get_locale() or "en"))])


def _org_type_choices():
    return select_choices([("", _l("Choose a type")), *ORGANISATION_TYPES.items()])


class NewPassword:
    """Validator: the password policy (length, not common, not the e-mail)."""

    def __call__(self, form, field):
        email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
        problem = password_problem(field.data or "", email or "")
        if problem:
            raise ValidationError(problem)


class ProfileFields:
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Shown to others. A pseudonym is fine."),
    )
    country = SelectField(_l("Country"), choices=_country_choices, validators=[Optional()])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=160)])
    organisation_type = SelectField(
        _l("Type of organisation"), choices=_org_type_choices, validators=[Optional()]
    )


class SignupForm(PortalForm):
    code = StringField(_l("Invitation code"), validators=[DataRequired(), Length(max=40)])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=320)],
        description=_l("We send a link to this address to finish creating your account."),
    )


class SignupConfirmForm(ProfileFields, PortalForm):
    """The second step of sign-up, reached from the mailed link."""

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email  # the password may not contain it

    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), NewPassword()],
        description=_l("At least 12 characters. A few unrelated words work well."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LoginForm(PortalForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device for 14 days"))


class ForgotForm(PortalForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=320)])


class ResetForm(PortalForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(PortalForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ProfileForm(ProfileFields, PortalForm):
    language = SelectField(
        _l("Language"), choices=lambda: select_choices(current_app.config["LANGUAGES"].items())
    )
    show_country = BooleanField(_l("Show my country to other participants"))
    show_organisation = BooleanField(_l("Show my organisation to other participants"))
    show_organisation_type = BooleanField(_l("Show my type of organisation to other participants"))


class DeleteAccountForm(PortalForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    confirm = BooleanField(
        _l("I understand that my personal data will be erased and this cannot be undone"),
        validators=[DataRequired()],
    )


class EmptyForm(PortalForm):
    """Carries only the CSRF token, for bare buttons."""
