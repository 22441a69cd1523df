"""The main navigation, adapted to who is signed in; features add their entries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from portal import permissions
from portal.memo import Memo
from portal.security import csrf_token
from portal.translations import current_translations, locale_code


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
    app = current_app._get_current_object()  # each read through the proxy costs
    if app.debug:
        return url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    urls = app.extensions.setdefault("portal_fixed_urls", {})
    key = (request._get_current_object().script_root, endpoint, filename)
    url = urls.get(key)
    if url is None:
        url = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
        urls[key] = url
    return url


_MARKER = 987_654_321_000_000_000  # a whole number no real id or page number reaches
# Text made only of these characters is written as it is in an address (url_for never
# quotes it), so it can fill a pattern too: a reading's slug, for instance.
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_.~-]+")


def _fits_pattern(value) -> bool:
    return type(value) is int or (type(value) is str and bool(_PLAIN_TEXT.fullmatch(value)))


def item_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) for an address whose values are whole numbers (ids,
    page numbers) or plain text (slugs), built from a pattern made once per app: a list of
    items builds one address per item, and url_for is slow. Values of None are left out,
    as url_for does; any other kind of value, and debug mode, use url_for itself.

    Where the route takes only some words for a value (`<any(hide, restore):action>`),
    the text values are written into the pattern, one pattern per word."""
    values = {key: value for key, value in values.items() if value is not None}
    app = current_app._get_current_object()  # each read through the proxy costs
    if app.debug or not all(_fits_pattern(value) for value in values.values()):
        return url_for(endpoint, **values)
    keys = tuple(sorted(values))
    patterns = app.extensions.setdefault("portal_item_urls", {})
    kinds = tuple(type(values[key]) is str for key in keys)
    cache_key = (request._get_current_object().script_root, endpoint, keys, kinds)
    pattern = patterns.get(cache_key)
    if pattern is None:
        pattern = _pattern(endpoint, keys, kinds, {})
        if pattern is None:  # refused a marker: a text value may be one of some words
            pattern = _WORDS if any(kinds) else ()
        patterns[cache_key] = pattern
    if pattern is _WORDS:
        words = {key: values[key] for key, is_text in zip(keys, kinds, strict=True) if is_text}
        word_key = (*cache_key, *words.values())
        pattern = patterns.get(word_key)
        if pattern is None:
            pattern = _pattern(endpoint, keys, kinds, words)
            if pattern is None:  # not one of the route's words: url_for says so
                return url_for(endpoint, **values)
            patterns[word_key] = pattern
    if not pattern:
        return url_for(endpoint, **values)
    return "".join(str(values[piece]) if n % 2 else piece for n, piece in enumerate(pattern))


def item_url_parts(endpoint: str, name: str, **words) -> tuple[str, str] | None:
    """item_url(endpoint, name=N, **words) as the text before and after the whole number N,
    found once: a list of items writes each address as before + str(N) + after. None when
    the address does not hold N once as written (use item_url for each item then)."""
    marker = str(_MARKER)
    built = item_url(endpoint, **words, **{name: _MARKER})
    if built.count(marker) != 1:
        return None
    before, _, after = built.partition(marker)
    return before, after


_WORDS = ("words",)  # the route refused a marker as text: it takes only some words


def _pattern(endpoint: str, keys: tuple, kinds: tuple, words: dict) -> tuple | None:
    """Literal text at even places, the name of a value at odd places; () when the address
    cannot be written that way (url_for each time), None when the route refused to build
    it. `words` are written as they are instead of a marker."""
    markers, filled = {}, {}
    for n, (key, is_text) in enumerate(zip(keys, kinds, strict=True)):
        if key in words:
            filled[key] = words[key]
            continue
        markers[str(_MARKER + n)] = key
        filled[key] = str(_MARKER + n) if is_text else _MARKER + n
    try:
        built = url_for(endpoint, **filled)
    except (BuildError, ValueError):  # werkzeug's any() converter raises ValueError
        return None
    pieces = re.split("(" + "|".join(markers) + ")", built) if markers else [built]
    # No pattern unless each value appears once, as written by str().
    if len(pieces) != 2 * len(markers) + 1:
        return ()
    return tuple(markers[piece] if n % 2 else piece for n, piece in enumerate(pieces))


class NavItem(NamedTuple):
    label: object
    url: str
    current: bool  # the page shown is this entry's or below it


def _translate(label, translations) -> object:
    """A lazy label translated with the request's catalogue (found once for the page);
    anything else as it is."""
    if isinstance(label, LazyString) and label._func is gettext and not label._kwargs:
        return translations.ugettext(*label._args)
    return label


def _localised_entries() -> tuple[tuple[NavEntry, object, str], ...]:
    """Every entry with its label in the request's language and its address: the same for
    everyone, so made once per app, language and script root (afresh in debug mode)."""
    app = current_app._get_current_object()
    key = (request._get_current_object().script_root, locale_code())
    made = app.extensions.setdefault("portal_nav_entries", {})
    entries = made.get(key) if not app.debug else None
    if entries is None or len(entries) != len(ENTRIES):
        translations = current_translations()
        entries = tuple(
            (e, _translate(e.label, translations), fixed_url(e.endpoint)) for e in _sorted_entries()
        )
        made[key] = entries
    return entries


# Where the reader's CSRF token goes in the kept navigation (see nav_html): no label or
# address holds it.
_TOKEN_MARKER = "\x00portal-csrf-token\x00"


def nav_html() -> Markup:
    """The navigation's entries as HTML (templates/layout/nav.html): the entries the
    current user may see, asked on every request, and the current one.
    The HTML for one language, script root, set of entries shown, current entry and
    signed-in state is the same for everyone, so it is rendered once per worker and kept,
    split where the sign-out form's CSRF token goes; the token is the request's own."""
    user = current_user._get_current_object()
    signed_in = user.is_authenticated
    this_request = request._get_current_object()  # each read through the proxy costs
    app = current_app._get_current_object()
    path = this_request.path
    entries = _localised_entries()
    # Who may see each entry is asked on every request, once per rule: several entries
    # share one (staff, admins).
    answers: dict = {}
    shown = []
    for n, (entry, _label, _url) in enumerate(entries):
        answer = answers.get(entry.visible)
        if answer is None:
            answer = answers[entry.visible] = bool(entry.visible(user))
        if answer:
            shown.append(n)
    shown = tuple(shown)
    current = tuple(n for n in shown if entries[n][2] != "/" and path.startswith(entries[n][2]))
    key = (this_request.script_root, locale_code(), shown, current, signed_in)
    kept = app.extensions.get("portal_nav_html")
    if kept is None:
        kept = app.extensions["portal_nav_html"] = Memo(max_entries=512)
    parts = kept.peek(key) if not app.debug else None
    if parts is None or parts[0] is not entries:
        items = [NavItem(entries[n][1], entries[n][2], n in current) for n in shown]
        html = render_template(
            "layout/nav.html", items=items, signed_in=signed_in, token=_TOKEN_MARKER
        )
        parts = (entries, *(Markup(part) for part in html.split(_TOKEN_MARKER)))
        kept.keep(key, parts)
    if len(parts) == 2:  # no sign-out form: nobody's token in it
        return parts[1]
    return parts[1] + escape(csrf_token()) + parts[2]
