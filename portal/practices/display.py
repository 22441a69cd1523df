"""The practice library's markup, written in Python: the cards and facets, kept per worker
(a page has dozens of them, every facet value, every card, and as Jinja loops each value
of each one was escaped and yielded on every request), and the heading, form and block
around them, whose texts are translated once per language."""

from __future__ import annotations

from flask import current_app, request, url_for
from markupsafe import Markup, escape

from portal.memo import FragmentMemo, Memo
from portal.navigation import fixed_url, item_url, item_url_parts
from portal.practices import queries
from portal.practices.vocab import request_labels_html
from portal.translations import current_translations


def library_intro(language: str, is_staff: bool) -> Markup:
    """The page's heading, its links and the opening tag of its form, in `language` (staff
    also get the review queue's link)."""
    return _texts(language)["intro", is_staff]


def library_html(page: queries.LibraryPage, query: queries.LibraryQuery, language: str) -> Markup:
    """The part of the page htmx swaps (`library_block`), with its facets and cards, in
    `language`: kept per worker with a kept page (by its serial number, which stands for
    every input but the language, the script root and the query's text, and is only given
    to a query without words), when the query has no text at all."""
    if page.serial is None or query.text:
        return _library_html(page, query, language)
    return _BLOCKS.get(
        (page.serial, language, request.script_root), _library_html, page, query, language
    )


def _library_html(page: queries.LibraryPage, query: queries.LibraryQuery, language: str):
    labels = request_labels_html()
    facets = library_facets(page, query, labels, language)
    cards = library_cards(page, labels, language)
    return library_block(page, query, facets, cards, language)


def library_block(
    page: queries.LibraryPage,
    query: queries.LibraryQuery,
    facets: Markup,
    cards: Markup,
    language: str,
) -> Markup:
    """The part of the page htmx swaps: the search and sort fields, the facets, how many
    practices match, the cards (or why there are none) and the pager, in `language`."""
    texts = _texts(language)
    filtered = query.is_filtered
    total = page.total
    out = [
        texts["search"],
        escape(query.text),
        texts["sort", query.sort],
        facets,
        texts["buttons", filtered],
        current_translations().ungettext("%(num)d practice", "%(num)d practices", total)
        % {"num": total},
        "</h2>\n",
    ]
    if page.practices:
        out += ('    <ol class="practice-list plain">\n', cards, "    </ol>\n")
    else:
        out.append(texts["empty", filtered])
    number = query.page
    has_next = page.has_next(number)
    if number > 1 or has_next:
        out.append(texts["pager"])
        if number > 1:
            out += ('<a href="', escape(_page_url(query, number - 1)), texts["previous"])
        out += ("      <span>", texts["page"] % {"n": number}, "</span>\n")
        if has_next:
            out += ('<a href="', escape(_page_url(query, number + 1)), texts["next"])
        out.append("    </nav>\n")
    out.append("  </section>\n</div>\n")
    return Markup("".join(out))


def _page_url(query: queries.LibraryQuery, number: int) -> str:
    """The address of another page of the same query: the bare library's pages (no other
    argument) fill the address found once per script root."""
    args = query.args(page=number)
    if len(args) != 1:
        return url_for("practices.library", **args)
    parts = _PAGE_URL.get(request.script_root, _page_url_parts)
    return parts[0] + str(number) + parts[1] if parts else item_url("practices.library", **args)


_PAGE_URL = Memo(max_entries=100)


def _page_url_parts() -> tuple:
    """The bare library's address before and after its page number; () if it has none."""
    return item_url_parts("practices.library", "page") or ()


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
# The whole block of a kept page (`library_html`): the page's serial number holds every
# input the keys above hold, and the query's filters, sort and page number.
_BLOCKS = FragmentMemo(max_entries=1_000, max_chars=200_000, max_total=4_000_000)


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


# The page's fixed texts in each language, and the markup around them, made once per
# language and script root (the same for every reader): the template wrote them with a
# dozen `_()` and as many outputs on every request.
_TEXTS = Memo(max_entries=100)


def _texts(language: str) -> dict:
    return _TEXTS.get((language, request.script_root), _make_texts)


def _make_texts() -> dict:
    """The library's texts in the request's language, each as the templates' `_` gives it
    (trusted, not escaped), set in the markup the template wrote around it. (No `_()` in
    an f-string: the catalogue's extraction would not find it.)"""
    translations = current_translations()

    def _(text: str) -> str:
        return Markup(translations.ugettext(text)) % {}

    def link(endpoint: str, text: str) -> str:
        return f'<a href="{escape(fixed_url(endpoint))}">{text}</a>'

    library = escape(fixed_url("practices.library"))
    intro = "".join(
        [
            "<h1>",
            _("Practice library"),
            "</h1>\n<p>",
            _(
                "Good practices shared by officials, NGOs and survivor groups of every "
                "cohort, reviewed by the trainers."
            ),
            "\n  ",
            link("practices.practice_new", _("Share a practice")),
            " ·\n  ",
            link("practices.practice_mine", _("My practices")),
        ]
    )
    review = " ·\n  " + link("practices.review_queue", _("Review queue"))
    form = (
        f'</p>\n<form id="library-form" class="library" method="get" action="{library}" '
        f'role="search" hx-get="{library}" hx-target="#library" hx-swap="outerHTML" '
        'hx-push-url="true" hx-trigger="submit, change">\n'
    )
    sort_by, newest, useful = _("Sort by"), _("Newest"), _("Most useful")

    def sort_field(sort: str) -> str:
        chosen = {sort: " selected"}
        return (
            '" maxlength="200" autocomplete="off">\n    </div>\n    <div class="field">\n'
            f'      <label for="library-sort">{sort_by}</label>\n'
            '      <select id="library-sort" name="sort">\n'
            f'        <option value="newest"{chosen.get("newest", "")}>{newest}</option>\n'
            f'        <option value="useful"{chosen.get("useful", "")}>{useful}</option>\n'
            "      </select>\n    </div>\n"
        )

    show = _("Show practices")

    def buttons(clear: str) -> str:
        return (
            '    <p class="buttons"><button type="submit" class="primary">'
            f"{show}</button>\n{clear}</p>\n  </div>\n"
            '  <section class="results" aria-labelledby="library-h" aria-live="polite">\n'
            '    <h2 id="library-h">'
        )

    clear = _("Clear all filters")
    no_match = _("No practice matches these filters. Remove a filter or try other words.")
    none_yet = _("No practices have been published yet. Be the first to share one.")
    search = _("Search the practices")
    pages, previous, following = _("Pages"), _("Previous"), _("Next")
    return {
        ("intro", False): Markup(intro + form),
        ("intro", True): Markup(intro + review + form),
        "search": (
            '<div id="library" class="library-grid">\n  <div class="facets">\n'
            f'    <div class="field">\n      <label for="library-q">{search}</label>\n'
            '      <input id="library-q" type="search" name="q" value="'
        ),
        ("sort", "newest"): sort_field("newest"),
        ("sort", "useful"): sort_field("useful"),
        ("buttons", False): buttons(""),
        ("buttons", True): buttons(f'<a href="{library}">{clear}</a>'),
        ("empty", True): f"    <p>{no_match}</p>\n",
        ("empty", False): f"    <p>{none_yet}</p>\n",
        "pager": f'    <nav class="pager" aria-label="{pages}">\n',
        "previous": f'" rel="prev">{previous}</a>',
        "next": f'" rel="next">{following}</a>',
        "page": Markup(translations.ugettext("Page %(n)d")),
    }


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
