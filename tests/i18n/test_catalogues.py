"""Every interface string is translated, nothing is fuzzy, and placeholders match the source."""

import pytest
from babel.messages.catalog import Catalog

from portal.config import Config
from portal.i18n.catalogues import (
    check,
    has_stray_percent,
    load,
    locales,
    placeholders,
    source_messages,
    template_messages,
)

LANGUAGES = sorted(set(Config.LANGUAGES) - {"en"})


@pytest.fixture(scope="module")
def sources():
    return source_messages()


def test_every_offered_language_has_a_catalogue():
    assert locales() == LANGUAGES == ["id", "th", "ur"]


@pytest.mark.parametrize("locale", LANGUAGES)
def test_catalogue_is_complete_and_not_fuzzy(locale, sources):
    report = check(locale, sources)
    assert report.missing == []
    assert report.untranslated == []
    assert report.fuzzy == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_placeholders_match_the_source(locale, sources):
    assert check(locale, sources).placeholders == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_translation_has_a_percent_sign_its_source_lacks(locale, sources):
    assert check(locale, sources).stray_percent == []


def test_every_percent_sign_in_a_template_text_is_written_double():
    """A template's _() formats its text, so "100 % and" showed "100 {}nd" in English and
    answered 500 in Thai and Urdu, whose next letter is no conversion at all."""
    assert [key for key in template_messages() if has_stray_percent(key)] == []


def test_a_stray_percent_sign_is_told_from_placeholders():
    assert has_stray_percent("coverage 100 % and mastery")
    assert has_stray_percent("Mastery needed (%)")
    assert not has_stray_percent("coverage 100 %% and %(p)s%% of %(n)d")


def test_the_source_strings_include_templates_and_python(sources):
    assert "Skip to content" in sources  # templates/base.html
    assert "The passwords differ." in sources  # portal/accounts/forms.py (lazy)
    assert sources["%(num)d result"] == ("%(num)d result", "%(num)d results")


def test_the_check_reports_what_a_translator_can_get_wrong(sources):
    catalog = Catalog(locale="id")
    catalog.add("Hello %(name)s,", "Halo %(nama)s,")
    catalog.add("Your post", "", flags=("fuzzy",))
    catalog.add("Skip to content", "Langsung ke isi", flags=("fuzzy",))
    catalog.add("Password", "")
    catalog.add("Your best score: %(p)s%%", "Nilai terbaik Anda: %(p)s%% (dari 100 %)")
    report = check("id", sources, catalog)
    assert report.placeholders == ["Hello %(name)s, -> Halo %(nama)s,"]
    assert "Skip to content" in report.fuzzy
    assert "Password" in report.untranslated
    assert "Search" in report.missing
    assert report.stray_percent == [
        "Your best score: %(p)s%% -> Nilai terbaik Anda: %(p)s%% (dari 100 %)"
    ]


def test_placeholders_are_compared_as_a_set_of_names_and_types():
    assert placeholders("%(score)s of %(max)s (%(p)s%%)") == ["%%", "%(max)s", "%(p)s", "%(score)s"]
    assert placeholders("%(max)s میں سے %(score)s (%(p)s%%)") == placeholders(
        "%(score)s of %(max)s (%(p)s%%)"
    )
    assert placeholders("%(n)d") != placeholders("%(n)s")


@pytest.mark.parametrize("locale", ["ur"])
def test_urdu_has_two_plural_forms_and_both_are_filled(locale):
    catalog = load(locale)
    assert catalog.num_plurals == 2
    message = catalog.get("%(num)d result")
    assert all(message.string) and len(message.string) == 2


def test_the_labels_python_writers_translate_are_found_by_extraction(sources):
    """A label translated at run time but written outside `_()` (a dict of texts) is
    never extracted: the next `make translations` would drop it and the page would show
    English in every language."""
    from portal.discussion.articles import _translate_labels
    from portal.discussion.display import _translate_thread_labels

    for translate in (_translate_labels, _translate_thread_labels):
        texts = [text for text in translate(lambda text: text).values() if type(text) is str]
        assert texts
        assert [text for text in texts if text not in sources] == []
