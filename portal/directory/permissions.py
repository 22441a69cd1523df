"""Who may use the directory and message whom."""

from __future__ import annotations

from portal.learning.permissions import can_take_part


def can_use_directory(user) -> bool:
    """Participants whose e-learning opened, alumni and staff."""
    return can_take_part(user)
