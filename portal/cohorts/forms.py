"""Cohort forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, HiddenField, IntegerField, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=120)])
    sponsor = StringField(_l("Sponsor"), validators=[Optional(), Length(max=120)])
    elearning_opens = DateField(_l("E-learning opens"), validators=[DataRequired()])
    workshop_start = DateField(_l("Workshop starts"), validators=[DataRequired()])
    workshop_end = DateField(_l("Workshop ends"), validators=[DataRequired()])
    alumni_from = DateField(_l("Alumni from"), validators=[DataRequired()])

    def validate_workshop_start(self, field):
        if self.elearning_opens.data and field.data and field.data < self.elearning_opens.data:
            raise ValidationError(_l("The workshop cannot start before the e-learning opens."))

    def validate_workshop_end(self, field):
        if self.workshop_start.data and field.data and field.data < self.workshop_start.data:
            raise ValidationError(_l("The workshop cannot end before it starts."))

    def validate_alumni_from(self, field):
        if self.workshop_end.data and field.data and field.data < self.workshop_end.data:
            raise ValidationError(_l("Alumni status cannot begin before the workshop ends."))


class InvitationForm(FlaskForm):
    max_uses = IntegerField(
        _l("How many people may use it (empty for no limit)"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
    )
    valid_days = IntegerField(
        _l("Valid for how many days"),
        default=30,
        validators=[DataRequired(), NumberRange(min=1, max=365)],
    )


class BulkInviteForm(FlaskForm):
    file = FileField(
        _l("CSV file with the columns email, name, country, organisation"),
        validators=[FileRequired()],
    )


class EnrolTrainerForm(FlaskForm):
    email = EmailField(_l("Trainer's e-mail address"), validators=[DataRequired(), Email()])


class PublishForm(FlaskForm):
    publish = HiddenField(validators=[AnyOf(["0", "1"])])
