"""Who may do what, the shared part: the role predicates on the signed-in user, the one way
views are guarded (`requires` on a view, `guard` on a whole blueprint) and `can()`, which
gives templates the named predicates. Each feature keeps its own rules in its permissions
module with their SQL twins beside them (cohorts/permissions.py, discussion/permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from portal.extensions import login_manager


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_admin(user) -> bool:
    return is_signed_in(user) and user.is_admin


def is_staff(user) -> bool:
    return is_signed_in(user) and user.is_staff


def refusal(predicate: Callable[[object], bool] = is_signed_in, status: int = 403):
    """None when the current user passes; otherwise the answer to give instead: visitors are
    sent to sign in, signed-in people who fail the predicate get `status` (403; 404 for
    pages whose existence is not confirmed to others)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not predicate(current_user):
        abort(status)
    return None


def requires(predicate: Callable[[object], bool] = is_signed_in, status: int = 403):
    """Decorator for a view that only people passing the predicate may use."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            return refusal(predicate, status) or view(*args, **kwargs)

        return guarded

    return decorate


def guard(blueprint, predicate: Callable[[object], bool] = is_signed_in) -> None:
    """Every route of the blueprint requires the predicate (checked before the view runs)."""
    blueprint.before_request(lambda: refusal(predicate))


# Named predicates for templates: {% if can('admin') %}.
PREDICATES: dict[str, Callable[..., bool]] = {"admin": is_admin, "staff": is_staff}


def can(name: str, obj=None, user=None) -> bool:
    """Template-friendly entry point: can('manage_cohort', cohort)."""
    user = user if user is not None else current_user
    predicate = PREDICATES[name]
    return predicate(user, obj) if obj is not None else predicate(user)
