"""The four "Get involved" forms, their spam checks, and the inbox forms."""

from __future__ import annotations

import re
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.accounts.models import ORGANISATION_TYPES
from portal.countries import countries
from portal.enquiries.models import STATUSES
from portal.forms import PortalForm, select_choices

CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
STATUS_LABELS = {
    "new": _l("New"),
    "in_progress": _l("In progress"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
}
KIND_LABELS = {
    "workshop": _l("Take part in a workshop"),
    "curriculum": _l("Receive the curriculum"),
    "present": _l("Offer to present"),
    "secondment": _l("Second staff"),
}


def single_line(value):
    """Strip control characters and surrounding spaces from a one-line field."""
    return CONTROL.sub(" ", value).strip() if isinstance(value, str) else value


def _country_choices():
    return select_choices([("", _l("Choose a country")), *countries()])


def _org_type_choices():
    return select_choices([("", _l("Choose a type")), *ORGANISATION_TYPES.items()])


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="enquiry-form-started")


def started_token(now: float | None = None) -> str:
    """A signed note of when the form was shown, so a submission can be timed."""
    return _serializer().dumps(int(now if now is not None else time.time()))


def seconds_since(token: str, now: float | None = None) -> float | None:
    """Seconds since the form carrying `token` was shown; None when the token is not ours."""
    try:
        shown = _serializer().loads(token or "")
    except BadSignature:
        return None
    if not isinstance(shown, int):
        return None
    return (now if now is not None else time.time()) - shown


class EnquiryForm(PortalForm):
    """Fields every enquiry has, plus the honeypot and the form's start time."""

    name = StringField(
        _l("Your name"), filters=[single_line], validators=[DataRequired(), Length(max=80)]
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[single_line],
        validators=[DataRequired(), Email(), Length(max=320)],
        description=_l("We answer at this address and use it for nothing else."),
    )
    # A field people never see or fill; simple robots fill every field they find.
    website = StringField(_l("Leave this field empty"), filters=[single_line])
    started = HiddenField()

    def spam_problem(self) -> str | None:
        """Why this submission looks automatic, or None for a person's submission."""
        if self.website.data:
            return _l("Your enquiry was not sent: the last field must stay empty.")
        elapsed = seconds_since(self.started.data)
        if elapsed is None or elapsed < current_app.config["ENQUIRY_MIN_SECONDS"]:
            return _l(
                "That was faster than a person can fill in the form. "
                "Please check your answers and send the form again."
            )
        return None


class WorkshopEnquiryForm(EnquiryForm):
    organisation = StringField(
        _l("Organisation"), filters=[single_line], validators=[DataRequired(), Length(max=160)]
    )
    organisation_type = SelectField(
        _l("Type of organisation"), choices=_org_type_choices, validators=[DataRequired()]
    )
    country = SelectField(_l("Country"), choices=_country_choices, validators=[DataRequired()])
    role = StringField(
        _l("Your role"), filters=[single_line], validators=[DataRequired(), Length(max=120)]
    )
    message = TextAreaField(
        _l("Why would you like to take part?"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("A few sentences on your work and what you hope to learn."),
    )


class CurriculumEnquiryForm(EnquiryForm):
    organisation = StringField(
        _l("Organisation (optional)"),
        filters=[single_line],
        validators=[Optional(), Length(max=160)],
    )
    country = SelectField(
        _l("Country (optional)"), choices=_country_choices, validators=[Optional()]
    )


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PresentEnquiryForm(EnquiryForm):
    organisation = StringField(
        _l("Organisation"), filters=[single_line], validators=[DataRequired(), Length(max=160)]
    )
    expertise = TextAreaField(
        _l("Your expertise"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The subjects you know well and where you have presented before."),
    )
    sessions = CheckboxList(_l("Sessions you could present (optional)"), coerce=int, choices=[])


class SecondmentEnquiryForm(EnquiryForm):
    country = SelectField(_l("Member state"), choices=_country_choices, validators=[DataRequired()])
    agency = StringField(
        _l("Agency"), filters=[single_line], validators=[DataRequired(), Length(max=160)]
    )
    duration = StringField(
        _l("Duration of the secondment"),
        filters=[single_line],
        validators=[DataRequired(), Length(max=60)],
        description=_l("For example: six months from March."),
    )
    message = TextAreaField(
        _l("Anything else we should know (optional)"), validators=[Optional(), Length(max=2000)]
    )


FORMS = {
    "workshop": WorkshopEnquiryForm,
    "curriculum": CurriculumEnquiryForm,
    "present": PresentEnquiryForm,
    "secondment": SecondmentEnquiryForm,
}


class InboxFilterForm(PortalForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Type"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=select_choices(
            [("", _l("Any status")), *((s, STATUS_LABELS[s]) for s in STATUSES)]
        ),
        validators=[Optional()],
    )


class AssignForm(PortalForm):
    assignee = SelectField(_l("Assign to"), coerce=int, choices=[])


class StatusForm(PortalForm):
    status = SelectField(
        _l("Status"),
        choices=select_choices((s, STATUS_LABELS[s]) for s in STATUSES),
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class ReplyForm(PortalForm):
    subject = StringField(
        _l("Subject"), filters=[single_line], validators=[DataRequired(), Length(max=150)]
    )
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=5000)])
