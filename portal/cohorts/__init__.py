"""Cohorts: creation, dates, invitation codes, bulk invites and trainer enrolment."""

from flask import Blueprint

from portal.accounts import services as account_services

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from portal.cohorts import permissions, services, views  # noqa: E402, F401

# Cohorts own invitations: sign-up (in accounts) checks and redeems codes through these.
account_services.install_signup_codes(
    account_services.SignupCodes(
        find=services.find_invitation, claim=services.claim_use, redeem=services.redeem_invitation
    )
)
if services.export_memberships not in account_services.EXPORTERS:
    account_services.EXPORTERS.insert(0, services.export_memberships)
# The signed-in user's memberships come with the user, in the statement that loads them.
account_services.install_user_rows(
    account_services.UserRows(
        statement=permissions.USER_WITH_MEMBERSHIPS, keep=permissions.keep_membership_rows
    )
)
