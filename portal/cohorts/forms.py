"""Cohort forms."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.forms import PortalForm, select_choices


class CohortForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=120)])
    sponsor = StringField(_l("Sponsor"), validators=[Optional(), Length(max=120)])
    elearning_opens = DateField(_l("E-learning opens"), validators=[DataRequired()])
    workshop_start = DateField(_l("Workshop starts"), validators=[DataRequired()])
    workshop_end = DateField(_l("Workshop ends"), validators=[DataRequired()])
    alumni_from = DateField(_l("Alumni from"), validators=[DataRequired()])

    # Progress settings (issue 10).
    time_zone = StringField(
        _l("Time zone"),
        default="UTC",
        description=_l(
            "Dates and assessment windows are shown and entered in it, e.g. Asia/Bangkok."
        ),
        filters=[lambda value: (value or "").strip() or "UTC"],
        validators=[Length(max=64)],
    )
    mastery_threshold = IntegerField(
        _l("Mastery needed to meet an objective (%)"),
        default=70,
        filters=[lambda value: 70 if value is None else value],
        validators=[NumberRange(min=1, max=100)],
    )

    completion_rule = SelectField(
        _l("What earns the certificate"),
        choices=select_choices(
            [
                ("sessions_and_objectives", _l("Every session done and every objective met")),
                ("objectives", _l("Every objective met")),
            ]
        ),
        default="sessions_and_objectives",
        filters=[lambda value: value or "sessions_and_objectives"],
        validate_choice=False,
        validators=[AnyOf(["sessions_and_objectives", "objectives"])],
    )

    def validate_time_zone(self, field):
        try:
            ZoneInfo(field.data or "")
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_l("Enter a time zone name such as Asia/Bangkok.")) from None

    def validate_workshop_start(self, field):
        if self.elearning_opens.data and field.data and field.data < self.elearning_opens.data:
            raise ValidationError(_l("The workshop cannot start before the e-learning opens."))

    def validate_workshop_end(self, field):
        if self.workshop_start.data and field.data and field.data < self.workshop_start.data:
            raise ValidationError(_l("The workshop cannot end before it starts."))

    def validate_alumni_from(self, field):
        if self.workshop_end.data and field.data and field.data < self.workshop_end.data:
            raise ValidationError(_l("Alumni status cannot begin before the workshop ends."))


class InvitationForm(PortalForm):
    max_uses = IntegerField(
        _l("How many people may use it (empty for no limit)"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
    )
    valid_days = IntegerField(
        _l("Valid for how many days"),
        default=30,
        validators=[DataRequired(), NumberRange(min=1, max=365)],
    )


class BulkInviteForm(PortalForm):
    file = FileField(
        _l("CSV file with the columns email, name, country, organisation"),
        validators=[FileRequired()],
    )


class EnrolTrainerForm(PortalForm):
    email = EmailField(_l("Trainer's e-mail address"), validators=[DataRequired(), Email()])


class PublishForm(PortalForm):
    publish = HiddenField(validators=[AnyOf(["0", "1"])])
