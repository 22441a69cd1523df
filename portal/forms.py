"""Small helpers shared by every feature's forms."""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel import support
from flask import abort, current_app, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict
from wtforms import FileField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path

from portal.translations import locale_code


def select_choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """WTForms select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


# --- Input hygiene for every form (issue 7) -------------------------------------------
# Single-line fields (names, titles, organisations, cohort fields, e-mail addresses) lose
# every control character, so user text can never reach a mail header or a log line with
# a line break in it; multi-line fields (and passwords) keep tabs and line breaks but lose
# NUL and the other control characters, which PostgreSQL refuses to store.
_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def single_line(value):
    """A form filter: line breaks become one space, other control characters go."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", value))


def multi_line(value):
    """A form filter: keeps tabs and line breaks, drops NUL and other control characters."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value)


# WTForms' own messages (default labels, validator messages) per language, each catalogue
# read once per process: Flask-WTF reads it from disk again on every request that needs a
# message, and a field without a label needs one each time its form is built.
_WTFORMS_CATALOGUES: dict[str, support.NullTranslations] = {}


def _wtforms_catalogue() -> support.NullTranslations:
    language = locale_code()
    catalogue = _WTFORMS_CATALOGUES.get(language)
    if catalogue is None:
        catalogue = support.Translations.load(messages_path(), [language], domain="wtforms")
        _WTFORMS_CATALOGUES[language] = catalogue
    return catalogue


class _WTFormsMessages:
    """What WTForms asks for its messages, in the request's language."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue().ungettext(singular, plural, n)


_MESSAGES = _WTFormsMessages()


class PortalForm(FlaskForm):
    """The base of every form: CSRF, text hygiene, and only real file fields get files."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _MESSAGES

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField):
                hygiene = (
                    multi_line
                    if issubclass(field_class, TextAreaField | PasswordField)
                    else single_line
                )
                filters = tuple(unbound_field.kwargs.get("filters", ()))
                options = {**options, "filters": (hygiene, *filters)}
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            # Only form fields count: a JSON body is not a form, and a file part sent
            # under a text field's name must not reach that field.
            data = MultiDict(request.form)
            for field in form._fields.values():
                if isinstance(field, FileField):
                    data.setlist(field.name, request.files.getlist(field.name))
                elif field.name in request.files:
                    abort(400)  # a file is no answer to a text field
            return data if data else None
