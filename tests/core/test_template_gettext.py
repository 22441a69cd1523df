"""The templates' _(): texts without variables are kept per catalogue, and still come out
as Flask-Babel's gettext writes them, in each page's language."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from markupsafe import Markup

from portal import translations


def test_fixed_texts_are_kept_per_language_and_written_as_before(app):
    page = '{{ _("All countries") }}|{{ _("100%% <sure>") }}|{{ _("Hello %(n)s", n="<b>") }}'
    seen = {}
    for language in ("en", "th", "en", "ur", "th"):
        with app.test_request_context(), force_locale(language):
            text = render_template_string(page)
            assert text.split("|")[0] == babel_gettext("All countries")
            assert text.split("|")[1] == "100% <sure>"  # a translation is markup
            assert text.split("|")[2] == "Hello &lt;b&gt;"
            kept = translations.current_translations().portal_fixed_texts
            assert ("All countries", True) in kept
            assert not any(key[0] == "Hello %(n)s" for key in kept)
            # Not autoescaped: the same text, kept apart (a str, not Markup).
            plain = render_template_string(
                '{% autoescape false %}{{ _("100%% <sure>") }}{% endautoescape %}'
            )
            assert plain == "100% <sure>"
            assert type(kept["100%% <sure>", False]) is str
            assert type(kept["100%% <sure>", True]) is Markup
        seen.setdefault(language, text)
        assert seen[language] == text
    assert seen["th"].startswith("ทุกประเทศ|") and seen["en"].startswith("All countries|")


def test_kept_texts_are_bounded(app, monkeypatch):
    monkeypatch.setattr(translations, "FIXED_TEXTS_MAX", 0)
    with app.test_request_context(), force_locale("id"):
        catalogue = translations.current_translations()
        catalogue.__dict__.pop("portal_fixed_texts", None)
        assert render_template_string('{{ _("Country") }}') == babel_gettext("Country")
        assert catalogue.portal_fixed_texts == {}


def test_views_gettext_gives_flask_babels_text(app):
    for language in ("en", "th", "ur", "id"):
        with app.test_request_context(), force_locale(language):
            for text, variables in (("Objective %(n)d", {"n": 3}), ("posted", {})):
                assert translations.gettext(text, **variables) == babel_gettext(text, **variables)
            if language == "th":
                assert translations.gettext("All countries") == "ทุกประเทศ"
