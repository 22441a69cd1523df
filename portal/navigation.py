"""The main navigation, adapted to who is signed in; features add their entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import permissions


@dataclass(frozen=True)
class NavEntry:
    label: object
    endpoint: str
    visible: Callable[[object], bool]
    order: int = 50


ENTRIES: list[NavEntry] = [
    NavEntry(_l("Cohorts"), "cohorts.cohort_list", permissions.is_staff, order=80),
    NavEntry(_l("Users"), "admin.user_list", permissions.is_admin, order=90),
]


def add(entry: NavEntry) -> None:
    if entry not in ENTRIES:
        ENTRIES.append(entry)


def nav_items() -> list[dict]:
    """The entries the current user may see, in order."""
    return [
        {"label": e.label, "url": url_for(e.endpoint)}
        for e in sorted(ENTRIES, key=lambda e: e.order)
        if e.visible(current_user)
    ]
