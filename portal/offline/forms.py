"""Forms for offline reading."""

from flask_wtf import FlaskForm


class RecordForm(FlaskForm):
    """Carries the CSRF token; the ticked readings come as a list of ids."""
