"""locale_code and current_locale give what Flask-Babel's get_locale gives, in a request,
inside force_locale (mails) and outside any request."""

from flask_babel import force_locale, get_locale

from portal.translations import current_locale, locale_code


def test_they_follow_the_request_and_force_locale(app):
    with app.test_request_context("/", headers={"Accept-Language": "th"}):
        assert locale_code() == "th"  # selected by Flask-Babel on the first look-up
        assert current_locale() is get_locale()
        assert locale_code() == "th"  # now the kept text
        with force_locale("ur"):
            assert locale_code() == "ur" == str(get_locale())
            assert current_locale() is get_locale()
        assert locale_code() == "th"
        assert current_locale() is get_locale()


def test_outside_a_request_they_answer_as_flask_babel_does(app):
    with app.app_context():
        assert locale_code() == str(get_locale() or "en")
        assert current_locale() == get_locale()
    assert locale_code() == str(get_locale() or "en")
    assert current_locale() == get_locale()


def test_a_page_in_each_language_is_written_in_it(client):
    for language, word in (("th", 'lang="th"'), ("ur", 'dir="rtl"'), ("en", 'lang="en"')):
        html = client.get("/about", headers={"Accept-Language": language}).get_data(as_text=True)
        assert word in html
