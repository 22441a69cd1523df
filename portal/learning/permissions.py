"""Who takes part in the e-learning."""

from __future__ import annotations

from datetime import date

from portal import permissions
from portal.cohorts.permissions import membership_rows


def can_take_part(user, today: date | None = None) -> bool:
    """Trainers, admins and members of a cohort whose e-learning has opened (from the
    membership rows the request reads once, shared with the discussion Viewer)."""
    # The user itself, not the current_user proxy a guard passes: each attribute read
    # through the proxy looks the user up again.
    user = getattr(user, "_get_current_object", lambda: user)()
    if not permissions.is_signed_in(user):
        return False
    if user.is_staff:
        return True
    opened_by = today or date.today()
    return any(opens <= opened_by for *_rest, opens in membership_rows(user.id))
