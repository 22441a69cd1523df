"""The parts of the page layout that are the same for everyone reading in one language.

The head, the footer, the language switcher's buttons and the start of the header hold
translated labels and fixed addresses only: nothing personal, nothing that depends on who
may do what. Every signed-in page rendered them afresh (about a third of the layout's
time), so they are rendered once per app, language and script root, and kept; base.html
asks for all of them at once. What does depend on the request (the page title, the
navigation entries a person may see, the CSRF token, the current address) stays in
base.html and is computed on every request. Debug mode renders the parts every time, so
template edits show at once.

A template rendered here must not use `current_user`, `request`, `session`, `g` or the
CSRF token: whatever it shows is shown to every reader of that language.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, render_template, request
from markupsafe import Markup

from portal.translations import locale_code


class LayoutParts(NamedTuple):
    head_start: Markup  # up to the page title
    head_end: Markup  # after it, to the end of the head
    header_start: Markup  # the skip link, the header and the start of the navigation
    footer_start: Markup  # the footer, up to the reader's own token in the switcher
    footer_end: Markup  # the switcher's buttons and the end of the footer


TEMPLATES = LayoutParts(*(f"layout/{name}.html" for name in LayoutParts._fields))


def layout_parts() -> LayoutParts:
    """Every part, rendered once per (script root, language) and kept."""
    app = current_app._get_current_object()  # each read through the proxy costs
    if app.debug:
        return LayoutParts(*(Markup(render_template(name)) for name in TEMPLATES))
    kept = app.extensions.setdefault("portal_layout_parts", {})
    key = (request._get_current_object().script_root, locale_code())
    parts = kept.get(key)
    if parts is None:
        parts = kept[key] = LayoutParts(*(Markup(render_template(name)) for name in TEMPLATES))
    return parts
