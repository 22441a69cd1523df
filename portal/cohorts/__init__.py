"""Cohorts: creation, dates, invitation codes, bulk invites and trainer enrolment."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from portal.cohorts import views  # noqa: E402, F401
