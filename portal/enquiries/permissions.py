"""Who may handle which enquiries: the rule in Python and its SQL twin, side by side."""

from __future__ import annotations

from portal import permissions
from portal.enquiries.models import KINDS, TRAINER_KINDS, Enquiry


def visible_kinds(user) -> tuple[str, ...]:
    """Admins handle every enquiry; trainers those about workshops and presenting."""
    if permissions.is_admin(user):
        return KINDS
    if permissions.is_staff(user):
        return TRAINER_KINDS
    return ()


def can_handle_enquiry(user, enquiry: Enquiry) -> bool:
    return enquiry.kind in visible_kinds(user)


def visible_enquiries(user, query):
    """The SQL twin of can_handle_enquiry: restrict a select of Enquiry to what user may see."""
    return query.where(Enquiry.kind.in_(visible_kinds(user) or ("",)))
