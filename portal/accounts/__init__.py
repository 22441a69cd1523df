"""Accounts: sign-up, login, password reset, profile, export and deletion."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import views  # noqa: E402, F401
