"""The parts of the page layout that are the same for everyone reading in one language.

The footer, the language switcher's buttons and the start of the header hold translated
labels and fixed addresses only: nothing personal, nothing that depends on who may do
what. Every signed-in page rendered them afresh (about a third of the layout's time), so
they are rendered once per app, language and script root, and kept. What does depend on
the request (the navigation entries a person may see, the CSRF token, the current
address) stays in base.html and is computed on every request. Debug mode renders the
parts every time, so template edits show at once.

A template rendered here must not use `current_user`, `request`, `session`, `g` or the
CSRF token: whatever it shows is shown to every reader of that language.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup


def layout_part(template: str) -> Markup:
    """The rendered template, made once per (script root, language) and kept."""
    if current_app.debug:
        return Markup(render_template(template))
    parts = current_app.extensions.setdefault("portal_layout_parts", {})
    key = (request.script_root, str(get_locale() or "en"), template)
    part = parts.get(key)
    if part is None:
        part = parts[key] = Markup(render_template(template))
    return part
