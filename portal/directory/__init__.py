"""Directory: an opt-in list of participants and alumni, and messages through the portal."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation
from portal.accounts import services as account_services
from portal.learning.permissions import can_take_part

bp = Blueprint("directory", __name__, url_prefix="/directory")

navigation.add(navigation.NavEntry(_l("Directory"), "directory.directory_list", can_take_part, 42))

from portal.directory import services, views  # noqa: E402, F401

if services.export_directory not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_directory)
if services.erase_directory not in account_services.ERASERS:
    account_services.ERASERS.append(services.erase_directory)
