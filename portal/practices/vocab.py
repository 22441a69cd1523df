"""The fixed vocabularies of a practice's facets, with translatable labels."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from markupsafe import escape

# A practice's organisation types are a person's (one list, kept in accounts).
from portal.accounts.models import ORGANISATION_TYPES
from portal.countries import countries, country_name

PILLARS = {
    "prevention": _l("Prevention"),
    "protection": _l("Protection"),
    "prosecution": _l("Prosecution"),
    "partnership": _l("Partnership"),
}
TARGET_GROUPS = {
    "women": _l("Women"),
    "children": _l("Children"),
    "men": _l("Men"),
    "migrant_workers": _l("Migrant workers"),
    "refugees": _l("Refugees and asylum seekers"),
    "fishers": _l("Fishers and seafarers"),
    "domestic_workers": _l("Domestic workers"),
    "survivors": _l("Survivors"),
    "officials": _l("Officials and front-line staff"),
    "communities": _l("Local communities"),
}
CONTACT = {
    "portal": _l("Peers may contact me through the portal"),
    "none": _l("Please do not contact me about this practice"),
}
SORTS = {"newest": _l("Newest"), "useful": _l("Most useful")}
FACET_TITLES = {
    "country": _l("Country"),
    "pillar": _l("Pillar"),
    "org": _l("Organisation type"),
    "objective": _l("Training objective"),
    "session": _l("Session"),
    "target": _l("Target group"),
}


@cache
def country_codes() -> frozenset[str]:
    """Every country code (CLDR's list, fixed for the process): made once."""
    return frozenset(code for code, _name in countries())


def valid_values(facet: str) -> frozenset[str] | None:
    """The allowed values of a facet; None where they come from the curriculum (digits)."""
    if facet == "country":
        return country_codes()
    return {
        "pillar": frozenset(PILLARS),
        "org": frozenset(ORGANISATION_TYPES),
        "target": frozenset(TARGET_GROUPS),
    }.get(facet)


def clean_values(facet: str, values) -> list[str]:
    """Known values only, each once, in a stable order (unknown ones are dropped)."""
    if not values:
        return []
    allowed = valid_values(facet)
    out = []
    for value in values:
        value = (value or "").strip()
        if facet == "country":
            value = value.upper()
        if allowed is None:
            ok = value.isdigit() and 0 < int(value) < 1000
            value = str(int(value)) if ok else ""
        else:
            ok = value in allowed
        if ok and value not in out:
            out.append(value)
    return out[:50]


def label(facet: str, value: str, names: dict | None = None) -> str:
    """The human label of a facet value; curriculum titles come from `names`."""
    if facet == "country":
        return country_name(value) or value
    table = {"pillar": PILLARS, "org": ORGANISATION_TYPES, "target": TARGET_GROUPS}.get(facet)
    if table is not None:
        return str(table.get(value, value))
    names = names or {}
    return names.get((facet, value), value)


_LABELS: dict[str, tuple[dict, dict]] = {}


def request_labels() -> dict[str, dict[str, str]]:
    """Every facet label translated once per request (templates call this many times)."""
    return _request_tables()[0]


def request_labels_html() -> dict[str, dict[str, str]]:
    """The same labels escaped for HTML, and under "title" the facets' titles (trusted
    translations, as the templates' `_` writes them): the library writes dozens a page."""
    return _request_tables()[1]


def _request_tables() -> tuple[dict, dict]:
    from flask import g

    from portal.translations import locale_code

    cached = g.get("_practice_labels")
    if cached is None:
        locale = locale_code()
        # The same for everyone reading in this language: made once per process.
        cached = _LABELS.get(locale)
    if cached is None:
        try:
            names = dict(countries(locale))
        except ValueError:  # a locale without CLDR territory names
            names = dict(countries())
        labels = {
            "country": names,
            "pillar": {k: str(v) for k, v in PILLARS.items()},
            "org": {k: str(v) for k, v in ORGANISATION_TYPES.items()},
            "target": {k: str(v) for k, v in TARGET_GROUPS.items()},
        }
        html = {
            facet: {k: str(escape(v)) for k, v in table.items()} for facet, table in labels.items()
        }
        html["title"] = {k: str(v) for k, v in FACET_TITLES.items()}
        cached = _LABELS[locale] = (labels, html)
    g._practice_labels = cached
    return cached
