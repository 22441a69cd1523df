"""The practice library's cards and facets, written in Python and kept per worker: a page
has dozens of them (every facet value, every card), and as Jinja loops each value of each
one was escaped and yielded on every request."""

from __future__ import annotations

from flask import current_app, request
from markupsafe import Markup, escape

from portal.memo import FragmentMemo
from portal.navigation import item_url
from portal.practices import queries
from portal.translations import current_translations


def library_cards(page: queries.LibraryPage, labels: dict, language: str) -> Markup:
    """The page's cards, in `language` (`labels` escaped for HTML)."""
    return _CARDS.get(_cards_key(page, language), _cards, page, labels)


def library_facets(
    page: queries.LibraryPage, query: queries.LibraryQuery, labels: dict, language: str
) -> Markup:
    """The fieldsets of the facets with values, the query's choices ticked."""
    return _FACETS.get(_facets_key(page, query, language), _facets, page, query, labels)


# The cards and the facets' checkboxes as HTML, kept per worker (bounded): the same page
# of the library is asked for again and again, by everyone who reads it, and changes only
# when its inputs do. Each key holds every input of its HTML, each read on this request
# (the permission rule has already chosen which practices the reader sees): the page's
# language (labels, translations, country names), for the cards the script root and each
# card's id, title, summary, useful count, countries, pillars and adaptations' countries;
# for the facets each value with its count, the chosen values and the curriculum's labels.
# Nothing in them is the reader's own.
_CARDS = FragmentMemo(max_entries=1_000, max_chars=40_000)
_FACETS = FragmentMemo(max_entries=1_000, max_chars=100_000)


def _cards_key(page: queries.LibraryPage, language: str) -> tuple:
    adaptations = page.adaptations
    return (language, request.script_root) + tuple(
        (
            p.id,
            p.title,
            p.summary,
            p.useful_count,
            tuple(p.countries),
            tuple(p.pillars),
            tuple(adaptations.get(p.id, ())),
        )
        for p in page.practices
    )


def _facets_key(page: queries.LibraryPage, query: queries.LibraryQuery, language: str) -> tuple:
    return (
        language,
        tuple((facet, tuple(values)) for facet, values in page.facets.items()),
        tuple((facet, tuple(values)) for facet, values in query.filters.items()),
        tuple(page.names.items()),
    )


# The library's repeated pieces, written here because a page has dozens of them (every
# facet value, every card) and Jinja escapes and yields each value of each one. The same
# markup the template wrote: values escaped, the translations as the templates' `_` gives
# them (trusted, not escaped).
_CHECK = (
    '        <li class="check"><input type="checkbox" id="{fid}" name="{facet}" '
    'value="{value}"{checked}> <label for="{fid}">{text} <span class="count">({count})'
    "</span></label></li>\n"
)
_FACET = (
    '    <fieldset class="facet">\n      <legend>{title}</legend>\n      <ul class="plain">\n'
    "{checks}      </ul>\n    </fieldset>\n"
)
_CARD = (
    '<li><article class="practice-card">\n  <h3><a href="{url}">{title}</a></h3>\n'
    '  <p class="practice-meta">{countries}{pillars}{useful}</p>\n'
    '  <p class="practice-summary">{summary}</p>\n{adapted}</article>\n</li>'
)


def _cards(page: queries.LibraryPage, labels: dict) -> Markup:
    """The cards of the page's practices, their labels in the reader's language (`labels`
    escaped for HTML)."""
    countries, pillars = labels["country"], labels["pillar"]
    translations = current_translations()
    env = current_app.jinja_env
    truncate = env.filters["truncate"]

    def names(codes):
        return ", ".join([countries[c] if c in countries else escape(c) for c in codes])

    out = []
    for p in page.practices:
        useful = adapted = ""
        if p.useful_count:
            text = translations.ungettext(
                "%(num)d found it useful", "%(num)d found it useful", p.useful_count
            )
            useful = f'<span class="hint">{text % {"num": p.useful_count}}</span>'
        if p.id in page.adaptations:
            text = translations.ugettext("Adapted in: %(countries)s")
            adapted = (
                f'<p class="hint travelled">{text % {"countries": names(page.adaptations[p.id])}}'
                "</p>"
            )
        out.append(
            _CARD.format(
                url=escape(item_url("practices.practice_detail", practice_id=p.id)),
                title=escape(p.title),
                countries=names(p.countries),
                pillars="".join(
                    f' <span class="tag">{pillars.get(value, "")}</span>' for value in p.pillars
                ),
                useful=useful,
                summary=escape(truncate(env, p.summary, 220)),
                adapted=adapted,
            )
        )
    return Markup("".join(out))


def _facets(page: queries.LibraryPage, query: queries.LibraryQuery, labels: dict) -> Markup:
    """The fieldsets of the facets with values, each with its values' checkboxes (`labels`
    escaped for HTML)."""
    out = []
    for facet, values in page.facets.items():
        if not values:
            continue
        if facet in ("objective", "session"):
            names = page.names
            text = {v: escape(names.get((facet, v), v)) for v, _count in values}
        else:
            text = labels[facet]
        selected = query.filters.get(facet, ())
        name = escape(facet)
        checks = []
        for value, count in values:
            safe = escape(value)
            checks.append(
                _CHECK.format(
                    fid=f"f-{name}-{safe}",
                    facet=name,
                    value=safe,
                    checked=" checked" if value in selected else "",
                    text=text[value] if value in text else escape(value),
                    count=count,
                )
            )
        out.append(_FACET.format(title=labels["title"][facet], checks="".join(checks)))
    return Markup("".join(out))
