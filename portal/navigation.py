"""The main navigation, adapted to who is signed in; features add their entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
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


_SORTED: list[tuple[NavEntry, ...]] = [()]


def add(entry: NavEntry) -> None:
    if entry not in ENTRIES:
        ENTRIES.append(entry)
        _SORTED[0] = ()


def _sorted_entries() -> tuple[NavEntry, ...]:
    if len(_SORTED[0]) != len(ENTRIES):
        _SORTED[0] = tuple(sorted(ENTRIES, key=lambda e: e.order))
    return _SORTED[0]


def fixed_url(endpoint: str, filename: str | None = None) -> str:
    """url_for(endpoint) for an address without parameters (or a static file), built once
    per app and script root: it is the same for everyone. Debug mode builds it afresh
    (static files change while developing)."""
    if current_app.debug:
        return url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    urls = current_app.extensions.setdefault("portal_fixed_urls", {})
    key = (request.script_root, endpoint, filename)
    url = urls.get(key)
    if url is None:
        url = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
        urls[key] = url
    return url


def nav_items() -> list[dict]:
    """The entries the current user may see, in order (who may see each is checked on
    every request; only the order and the addresses are kept)."""
    user = current_user._get_current_object()
    entries = _sorted_entries()
    return [{"label": e.label, "url": fixed_url(e.endpoint)} for e in entries if e.visible(user)]
