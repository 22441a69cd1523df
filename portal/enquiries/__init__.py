"""Get involved: the public enquiry forms and the staff inbox that answers them."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation, permissions

bp = Blueprint("enquiries", __name__)
navigation.add(
    navigation.NavEntry(_l("Enquiries"), "enquiries.inbox", permissions.is_staff, order=85)
)

from portal.enquiries import views  # noqa: E402, F401
