"""Learning forms (quiz answers are read with grading.parse_response, not WTForms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, DecimalField, HiddenField, SelectField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.forms import PortalForm, select_choices


class WindowForm(PortalForm):
    """When a cohort takes the pre- or post-assessment (times in the cohort's time zone)."""

    phase = SelectField(
        _l("Assessment"),
        choices=select_choices([("pre", _l("Pre-assessment")), ("post", _l("Post-assessment"))]),
        validators=[DataRequired()],
    )
    opens_at = DateTimeLocalField(
        _l("Opens (cohort's time zone)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes (cohort's time zone)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The window must close after it opens."))


class DoneForm(PortalForm):
    """Mark a reading as done (1) or not done (0)."""

    done = HiddenField(validators=[AnyOf(["0", "1"])])


class EssayGradeForm(PortalForm):
    """A trainer's grade for one essay answer; rubric points are read beside it."""

    points = DecimalField(
        _l("Points"), places=None, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    comment = TextAreaField(
        _l("Comment for the participant (Markdown)"), validators=[Length(max=5000)]
    )
