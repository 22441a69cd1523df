"""Forms for offline reading."""

from portal.forms import PortalForm


class RecordForm(PortalForm):
    """Carries the CSRF token; the ticked readings come as a list of ids."""
