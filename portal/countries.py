"""The full list of countries and territories, with names from Babel's CLDR data."""

from __future__ import annotations

from functools import cache

from babel import Locale

# CLDR codes that are regions or placeholders rather than countries.
NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


@cache
def countries(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """(code, name) pairs for every country, sorted by name."""
    names = Locale.parse(locale).territories
    pairs = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return tuple(sorted(pairs, key=lambda pair: pair[1]))


@cache
def _names(locale: str) -> dict[str, str]:
    return dict(countries(locale))


def country_name(code: str, locale: str = "en") -> str:
    """The country's name, or the empty string for an unknown code."""
    return _names(locale).get(code, "")
