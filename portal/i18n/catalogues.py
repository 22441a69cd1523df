"""Checks on the message catalogues: missing, fuzzy, or placeholders unlike the source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = ROOT / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHOD_MAP = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[sdifr]|%[sdif%]")


@dataclass
class Report:
    locale: str
    missing: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    stray_percent: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return (
            self.missing + self.untranslated + self.fuzzy + self.placeholders + self.stray_percent
        )


def source_messages(method_map=METHOD_MAP) -> dict[str, tuple[str, ...]]:
    """Every message id in the code and templates now: key -> the id (singular, plural)."""
    found: dict[str, tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, OPTIONS, keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        ids = tuple(i for i in ids if i)
        if ids:
            found[ids[0]] = ids
    return found


def locales() -> list[str]:
    """The languages that have a catalogue."""
    return sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def load(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def template_messages() -> dict[str, tuple[str, ...]]:
    """The message ids of the templates alone: a template's `_()` always formats its text
    (Jinja's new-style gettext), so a percent sign there is written %%."""
    return source_messages([entry for entry in METHOD_MAP if entry[0].startswith("templates/")])


def has_stray_percent(text: str) -> bool:
    """A % that is neither a placeholder nor %%: formatting the text fails ("100 % و"),
    or worse reads the next letter as a conversion ("100 % and" shows "100 {}nd")."""
    return "%" in PLACEHOLDER.sub("", text)


def placeholders(text: str) -> list[str]:
    """The format placeholders of a message, sorted (order may change between languages)."""
    return sorted(match.group(0).replace(" ", "") for match in PLACEHOLDER.finditer(text))


def check(
    locale: str, sources: dict[str, tuple[str, ...]] | None = None, catalog: Catalog | None = None
) -> Report:
    """Everything wrong with one catalogue against the strings of the code."""
    sources = source_messages() if sources is None else sources
    catalog = load(locale) if catalog is None else catalog
    report = Report(locale)
    for key, ids in sources.items():
        message = catalog.get(key)
        if message is None:
            report.missing.append(key)
            continue
        if message.fuzzy:
            report.fuzzy.append(key)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            report.untranslated.append(key)
            continue
        expected = placeholders(ids[-1])
        for text in strings:
            # A language with one plural form may drop a count the singular does not show.
            if placeholders(text) != expected and placeholders(text) != placeholders(ids[0]):
                report.placeholders.append(f"{key} -> {text}")
            if has_stray_percent(text) and not has_stray_percent(ids[0]):
                report.stray_percent.append(f"{key} -> {text}")
    return report
