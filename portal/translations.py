"""Translations looked up once per request, not once per string.

Flask-Babel finds the catalogue afresh for every `_()` in a template: the request's babel
context (three lookups through `g`), the domain, the locale and its name as a string. A
page has dozens of strings, so the templates' gettext callables here keep the catalogue on
the request's babel context next to the locale and domain it was found for, and look it up
again only when either changes (`force_locale` in a mail, another domain).
"""

from __future__ import annotations

import flask_babel
from flask import g
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


def current_translations():
    """The request's translations object (the same one Flask-Babel would return)."""
    try:
        context = g._flask_babel  # Flask-Babel's per-request namespace
        cached = context.portal_translations
        if cached[0] is context.babel_locale and cached[1] is context.babel_domain:
            return cached[2]
    except (AttributeError, RuntimeError):  # first string of the request, or no context
        pass
    translations = get_translations()  # fills babel_locale and babel_domain
    try:
        context = g._flask_babel
        context.portal_translations = (
            context.babel_locale,
            context.babel_domain,
            translations,
        )
    except (AttributeError, RuntimeError):
        pass
    return translations


def current_locale():
    """flask_babel.get_locale(), the same Locale, read from Flask-Babel's per-request
    namespace in one look-up through `g` instead of four; selected by Flask-Babel the
    first time."""
    try:
        locale = g._get_current_object().__dict__["_flask_babel"].babel_locale
    except (KeyError, AttributeError, RuntimeError):  # not selected yet, or no request
        return flask_babel.get_locale()
    return locale if locale is not None else flask_babel.get_locale()


def locale_code() -> str:
    """str(get_locale() or "en"): the request's language as text (the key of what is kept
    per language). Flask-Babel's get_locale looks its namespace up through `g` four times
    a call and str() rebuilds the text; this reads the namespace once and keeps the text
    there beside the locale it was made from (force_locale, in a mail, changes the locale
    and so the text)."""
    try:
        context = g._get_current_object().__dict__["_flask_babel"]
        locale = context.babel_locale
        kept = context.__dict__.get("portal_locale_code")
        if kept is not None and kept[0] is locale:
            return kept[1]
    except (KeyError, AttributeError, RuntimeError):  # not selected yet, or no request
        return str(flask_babel.get_locale() or "en")
    code = str(locale or "en")
    context.portal_locale_code = (locale, code)
    return code


def gettext(string: str, /, **variables) -> str:
    """Flask-Babel's gettext, the same text, through current_translations: for views that
    translate several labels a request (Flask-Babel finds the catalogue for each)."""
    translated = current_translations().ugettext(string)
    return translated % variables if variables else translated


# Most of a page's _() have no variables: their result depends only on the catalogue, the
# text and whether the template escapes. It is kept on the catalogue (Flask-Babel keeps one
# per language and domain for the process), so the page's fixed texts cost a dict look-up
# each. Bounded, in case a template translates a computed text.
FIXED_TEXTS_MAX = 5000


@pass_eval_context
def _template_gettext(eval_context, string: str, /, **variables):
    """Jinja's new-style gettext in one call instead of three (`_` calls `gettext`, which
    calls the translation function): the translation, as Markup where the template
    autoescapes, always formatted with the variables (escaped by Markup's %); without
    variables, kept per catalogue (see FIXED_TEXTS_MAX)."""
    translations = current_translations()
    if variables:
        translated = translations.ugettext(string)
        if eval_context.autoescape:
            translated = Markup(translated)
        return translated % variables
    kept = translations.__dict__.get("portal_fixed_texts")
    if kept is None:
        kept = translations.portal_fixed_texts = {}
    key = (string, eval_context.autoescape)
    found = kept.get(key)
    if found is None:
        found = translations.ugettext(string)
        if eval_context.autoescape:
            found = Markup(found)
        found = found % variables  # "%%" is written "%", as with variables
        if len(kept) < FIXED_TEXTS_MAX:
            kept[key] = found
    return found


def install_template_gettext(jinja_env) -> None:
    """Make the templates' `_`, `gettext` and `ngettext` use current_translations."""
    jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
    jinja_env.globals["_"] = jinja_env.globals["gettext"] = _template_gettext
