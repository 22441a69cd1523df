"""The library's heading, form and swappable block, written in Python since they are the
same for every reader of a language: held to the markup of the Jinja template they
replaced, for each sort, filter, page and language, and with text to escape."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from portal.practices import display, queries

# The template's markup before it was written in Python (templates/practices/library.html).
JINJA_INTRO = """<h1>{{ _("Practice library") }}</h1>
<p>{{ _("Good practices shared by officials, NGOs and survivor groups of every cohort, reviewed by the trainers.") }}
  <a href="{{ fixed_url('practices.practice_new') }}">{{ _("Share a practice") }}</a> ·
  <a href="{{ fixed_url('practices.practice_mine') }}">{{ _("My practices") }}</a>{% if is_staff %} ·
  <a href="{{ fixed_url('practices.review_queue') }}">{{ _("Review queue") }}</a>{% endif %}</p>
{% set lib_url = fixed_url('practices.library') %}
<form id="library-form" class="library" method="get" action="{{ lib_url }}" role="search" hx-get="{{ lib_url }}" hx-target="#library" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change">
"""  # noqa: E501
JINJA_BLOCK = """<div id="library" class="library-grid">
  <div class="facets">
    <div class="field">
      <label for="library-q">{{ _("Search the practices") }}</label>
      <input id="library-q" type="search" name="q" value="{{ query.text }}" maxlength="200" autocomplete="off">
    </div>
    <div class="field">
      <label for="library-sort">{{ _("Sort by") }}</label>
      <select id="library-sort" name="sort">
        <option value="newest"{% if query.sort == "newest" %} selected{% endif %}>{{ _("Newest") }}</option>
        <option value="useful"{% if query.sort == "useful" %} selected{% endif %}>{{ _("Most useful") }}</option>
      </select>
    </div>
{{ facets }}    <p class="buttons"><button type="submit" class="primary">{{ _("Show practices") }}</button>
    {% if query.is_filtered %}<a href="{{ fixed_url('practices.library') }}">{{ _("Clear all filters") }}</a>{% endif %}</p>
  </div>
  <section class="results" aria-labelledby="library-h" aria-live="polite">
    <h2 id="library-h">{{ ngettext("%(num)d practice", "%(num)d practices", result.total) }}</h2>
    {% if result.practices %}
    <ol class="practice-list plain">
{{ cards }}    </ol>
    {% elif query.is_filtered %}
    <p>{{ _("No practice matches these filters. Remove a filter or try other words.") }}</p>
    {% else %}
    <p>{{ _("No practices have been published yet. Be the first to share one.") }}</p>
    {% endif %}
    {% if query.page > 1 or result.has_next(query.page) %}
    <nav class="pager" aria-label="{{ _('Pages') }}">
      {% if query.page > 1 %}<a href="{{ url_for('practices.library', **query.args(page=query.page - 1)) }}" rel="prev">{{ _("Previous") }}</a>{% endif %}
      <span>{{ _("Page %(n)d", n=query.page) }}</span>
      {% if result.has_next(query.page) %}<a href="{{ url_for('practices.library', **query.args(page=query.page + 1)) }}" rel="next">{{ _("Next") }}</a>{% endif %}
    </nav>
    {% endif %}
  </section>
</div>
"""  # noqa: E501

ARGS = [
    {},
    {"sort": ["useful"]},
    {"q": ['harbour <b>"&"</b>']},
    {"country": ["TH", "KH"], "sort": ["useful"], "page": ["2"]},
    {"pillar": ["protection"], "page": ["3"]},
    {"page": ["2"]},
    {"page": ["5"]},
    {"q": ["desk"], "page": ["4"]},
]


def _page(total: int, shown: int) -> queries.LibraryPage:
    return queries.LibraryPage(
        practices=[queries.LibraryItem(n, "t", "s", 0) for n in range(shown)],
        total=total,
        facets={},
        adaptations={},
        names={},
    )


@pytest.mark.parametrize("language", ["en", "th", "ur"])
def test_the_heading_form_and_block_are_the_templates_markup(app, language):
    facets, cards = Markup("<fieldset>F</fieldset>\n"), Markup("<li>card</li>\n")
    with app.test_request_context("/practices/"), force_locale(language):
        intro = app.jinja_env.from_string(JINJA_INTRO)
        block = app.jinja_env.from_string(JINJA_BLOCK)
        for is_staff in (False, True):
            # (A template's last newline is dropped; on the page a block followed it.)
            expected = intro.render(is_staff=is_staff) + "\n"
            assert display.library_intro(language, is_staff) == expected
        for args in ARGS:
            query = queries.LibraryQuery.from_args(MultiDict(args))
            for total, shown in ((0, 0), (1, 1), (10, 10), (11, 10), (45, 5), (45, 0)):
                result = _page(total, shown)
                context = {"query": query, "result": result, "facets": facets, "cards": cards}
                expected = block.render(context) + "\n"
                written = display.library_block(result, query, facets, cards, language)
                assert written == expected, (args, total, shown)
                assert isinstance(written, Markup)
