"""Cohorts: creation, dates, invitation codes, bulk invites and trainer enrolment."""

from flask import Blueprint

from portal.accounts import services as account_services

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from portal.cohorts import services, views  # noqa: E402, F401

# Cohorts own invitations: sign-up (in accounts) checks and redeems codes through these.
account_services.install_signup_codes(
    account_services.SignupCodes(
        find=services.find_invitation, claim=services.claim_use, redeem=services.redeem_invitation
    )
)
if services.export_memberships not in account_services.EXPORTERS:
    account_services.EXPORTERS.insert(0, services.export_memberships)
