"""The language switcher: a form on every page, so it works without JavaScript."""

from __future__ import annotations

from flask import abort, redirect, request, session
from flask_login import current_user

from portal.extensions import login_manager
from portal.i18n import bp
from portal.i18n.languages import SESSION_KEY, languages
from portal.i18n.queries import curriculum_translation_status
from portal.i18n.services import set_profile_language
from portal.permissions import is_staff
from portal.security import safe_next
from portal.web import render


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


@bp.get("/authoring/translations")
def translation_overview():
    """Which curriculum texts are translated, missing or older than their original; staff."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not is_staff(current_user):
        abort(403)
    return render("i18n/translation_overview.html", report=curriculum_translation_status())
