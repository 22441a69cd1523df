"""The language switcher: a form on every page, so it works without JavaScript."""

from __future__ import annotations

from flask import abort, redirect, request, session
from flask_login import current_user

from portal.i18n import bp
from portal.i18n.languages import SESSION_KEY, languages
from portal.i18n.services import set_profile_language
from portal.security import safe_next


@bp.post("/language")
def language_set():
    """Keep the chosen language (profile when signed in, else session); back to the page."""
    code = request.form.get("language", "")
    if code not in languages():
        abort(400)
    session[SESSION_KEY] = code
    if current_user.is_authenticated and current_user.language != code:
        set_profile_language(current_user, code)
    return redirect(safe_next(request.form.get("next"), "/"), 303)
