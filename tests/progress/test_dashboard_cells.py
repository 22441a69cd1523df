"""The dashboard's cells and chart made in Python write what the template's macros wrote."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from portal.progress.display import (
    attention_items,
    average_rows,
    gain_rows,
    matrix_cells,
    matrix_head_cells,
    matrix_rows,
    objective_chart,
    objective_labels,
    percent,
)
from portal.progress.measure import ObjectiveResult, Progress, SessionResult
from portal.progress.queries import Person

PERCENTS = [
    (None, "—"),
    (0, "0 %"),
    (0.0, "0 %"),
    (0.4, "0 %"),
    (1.5, "2 %"),
    (49.999, "50 %"),
    (66.66666, "67 %"),
    (100, "100 %"),
    (100.0, "100 %"),
]


@pytest.mark.parametrize(("value", "text"), PERCENTS)
def test_a_share_is_written_the_same_by_the_pct_macro_and_the_cells(app, value, text):
    assert percent(value) == text
    with app.test_request_context():
        macro = render_template_string(
            '{% from "progress/_charts.html" import pct %}{{ pct(value) }}', value=value
        )
    assert macro == text


def test_matrix_cells_match_the_markup_of_the_cells(app):
    def session(done, total, best, has_quiz, posted):
        return SessionResult(1, "S", done, total, best, False, has_quiz, posted, "none", None)

    progress = Progress(
        objectives=[
            ObjectiveResult(1, "A", "", 1, 3, 2.0, 4.0, 70),
            ObjectiveResult(2, "B", "", 0, 2, 0.0, 0.0, 70),
        ],
        sessions=[
            session(2, 2, 60.0, True, True),
            session(0, 3, None, True, False),
            session(1, 1, None, False, True),
        ],
        activity=None,
    )
    template = (
        '{% from "progress/_charts.html" import pct %}'
        "{% for o in p.objectives %}<td>{{ pct(o.coverage) }} / {{ pct(o.mastery) }}</td>"
        "{% endfor %}{% for s in p.sessions %}<td>{{ s.readings_done }}/{{ s.readings_total }}"
        "{% if s.has_quiz %} · {{ pct(s.best_percent) }}{% endif %}{% if s.posted %} · "
        '<span aria-label="{{ label }}">✓</span>{% endif %}</td>{% endfor %}'
    )
    for label in ("posted", 'a "quoted" <label>', Markup("déjà &amp; posted")):
        with app.test_request_context():
            expected = render_template_string(template, p=progress, label=label)
        assert matrix_cells(figures(progress), label) == expected
    assert "<td>33 % / 50 %</td><td>0 % / —</td>" in expected


def figures(progress):
    """What measure.matrix_row gives for the person whose Progress this is."""
    return (
        [(o.coverage, o.mastery) for o in progress.objectives],
        [
            (s.readings_done, s.readings_total, s.best_percent, s.has_quiz, s.posted)
            for s in progress.sessions
        ],
    )


# The chart macro the dashboard used before display.objective_chart, as it was.
CHART_MACRO = """{% macro objective_chart(rows, id, title) %}
{# rows: [{"label": str, "coverage": float|None, "mastery": float|None}] #}
{% set height = rows|length * 34 + 24 %}
<figure class="chart">
<svg viewBox="0 0 320 {{ height }}" width="100%" role="img" aria-labelledby="{{ id }}-title" \
focusable="false">
<title id="{{ id }}-title">{{ title }}</title>
{% for r in rows %}
{% set y = loop.index0 * 34 + 4 %}
<text x="{{ chart_x(0) }}" y="{{ y + 10 }}" class="chart-label">{{ r.label }}</text>
<rect class="meter-track" x="{{ chart_x(110, 200) }}" y="{{ y }}" width="200" height="12"/>
{% set w = ((r.coverage or 0) * 2)|round(1) %}<rect class="chart-coverage" \
x="{{ chart_x(110, w) }}" y="{{ y }}" width="{{ w }}" height="12"/>
<rect class="meter-track" x="{{ chart_x(110, 200) }}" y="{{ y + 15 }}" width="200" height="12"/>
{% set w = ((r.mastery or 0) * 2)|round(1) %}<rect class="chart-mastery" \
x="{{ chart_x(110, w) }}" y="{{ y + 15 }}" width="{{ w }}" height="12"/>
{% endfor %}
<text x="{{ chart_x(110) }}" y="{{ height - 4 }}" class="chart-label">0 %</text>\
<text x="{{ chart_x(290) }}" y="{{ height - 4 }}" class="chart-label">100 %</text>
</svg>
<figcaption>{{ caption }}</figcaption>
</figure>
{% endmacro %}"""


@pytest.mark.parametrize("language", ["en", "ur"])
def test_objective_chart_matches_the_markup_of_the_macro(app, language):
    values = [None, 0, 0.0, 12.345, 33.33333, 49.96, 100, 100.0]
    rows = [(f"Objective {n}", values[n], values[-1 - n]) for n in range(len(values))]
    rows.append((Markup("<b>Marked</b> &amp; up"), 50, None))
    rows.append(('A "quoted" <label> & more', None, 75.5))
    with app.test_request_context(), force_locale(language):
        for chart_rows in ([], rows[:1], rows):
            expected = render_template_string(
                CHART_MACRO + "{{ objective_chart(rows, id, title) }}",
                rows=[{"label": r[0], "coverage": r[1], "mastery": r[2]} for r in chart_rows],
                id='c"1',
                title=Markup("Chart &amp; <i>title</i>"),
                caption="Bars & <bars>",
            )
            chart = objective_chart(
                chart_rows, 'c"1', Markup("Chart &amp; <i>title</i>"), "Bars & <bars>"
            )
            assert chart == expected
    # Mirrored in Urdu only: the label column at the right edge, the bars drawn from there.
    assert ('<text x="320" y="14"' in chart) == (language == "ur")


def test_a_kept_chart_is_drawn_again_for_figures_written_otherwise(app):
    """Charts are kept by what they draw: a label as text or as markup, a share as a whole
    number or not, and the text direction each give their own chart, as the macro wrote it."""
    pairs = [
        ([("a &amp; b", 50, 25)], [(Markup("a &amp; b"), 50, 25)]),
        ([("Objective 1", 50, 25)], [("Objective 1", 50.0, 25)]),
        ([("Objective 1", 0, None)], [("Objective 1", 0.0, 0.0)]),
    ]
    with app.test_request_context():
        for language in ("en", "ur"):
            with force_locale(language):
                for first, second in pairs:
                    for chart_rows in (first, second, first):
                        expected = render_template_string(
                            CHART_MACRO + "{{ objective_chart(rows, 'c', 'T') }}",
                            rows=[
                                {"label": r[0], "coverage": r[1], "mastery": r[2]}
                                for r in chart_rows
                            ],
                            caption="C",
                        )
                        assert objective_chart(chart_rows, "c", "T", "C") == expected
        with force_locale("en"):
            assert objective_chart([("x", 1, 1)], "c", "T", "C") != objective_chart(
                [("x", 1, 1)], "c", "T", Markup("C&lt;")
            )


@pytest.mark.parametrize("language", ["en", "th", "id", "ur"])
def test_objective_labels_are_those_of_the_catalogue_in_the_language(app, language):
    """The kept labels and heads are what the view's _() and matrix_head_cells wrote, for
    each catalogue's own numbers: another curriculum never gets a kept one."""
    from portal.progress.measure import Catalogue, SessionInfo
    from portal.progress.queries import ObjectiveInfo
    from portal.translations import gettext

    def catalogue(objective_numbers, session_numbers):
        return Catalogue(
            objectives=[ObjectiveInfo(n, "T", "") for n in objective_numbers],
            sessions=[
                SessionInfo(id=n, number=n, title="S", objectives=[], readings=[])
                for n in session_numbers
            ],
            possible={},
        )

    with app.test_request_context(), force_locale(language):
        long_text, short_text = Markup(gettext("Objective %(n)d")), Markup(gettext("Obj. %(n)d"))
        for cat in (
            catalogue([1, 2, 3], [1, 2]),
            catalogue([1, 2, 3], [1, 2, 4]),
            catalogue([1, 3], [1, 2]),
            catalogue([], []),
        ):
            labels = objective_labels(cat)
            short = {o.number: short_text % {"n": o.number} for o in cat.objectives}
            assert labels.long == {o.number: long_text % {"n": o.number} for o in cat.objectives}
            assert labels.short == short
            assert labels.heads == matrix_head_cells(cat, short)
            assert isinstance(labels.heads, Markup)
            assert all(isinstance(label, Markup) for label in labels.long.values())
        if language == "th":  # translated, not the English label kept for another language
            assert "Obj." not in objective_labels(catalogue([1], [])).heads


# The dashboard's loops before display.attention_items and display.matrix_rows, as they were.
ATTENTION_LOOP = """{% set not_started_label, details_label = _("not started"), _("details") %}
{% for item in attention %}
<li><input type="checkbox" name="people" value="{{ item.user.id }}" id="remind-{{ item.user.id }}"\
{% if item.user.id in chosen %} checked{% endif %}>
<label for="remind-{{ item.user.id }}">{{ item.user.public_name }}</label>
<span class="hint">{{ not_started_label if item.done == 0 else \
_("%(done)d of %(total)d done", done=item.done, total=item.total) }}</span>
· <a href="{{ item_url('progress.participant_detail', cohort_id=cohort_id, \
user_id=item.user.id) }}">\
{{ details_label }}<span class="sr-only"> {{ item.user.public_name }}</span></a></li>
{% endfor %}
"""
MATRIX_LOOP = """{% set posted = _('posted') %}
{% for r in rows %}
<tr>
<th scope="row"><a href="{{ item_url('progress.participant_detail', cohort_id=cohort_id, \
user_id=r.user.id) }}">{{ r.user.public_name }}</a></th>
{{ matrix_cells(r.progress, posted) }}{# the cells #}
</tr>
{% endfor %}
"""
PEOPLE = [
    Person(7, 'Zoë <b>"O\'Hara"</b> & co', None),
    Person(12, "สมชาย ใจดี", None),
    Person(13, "Left Already", datetime(2026, 1, 1)),
]


@pytest.mark.parametrize("language", ["en", "th", "ur"])
def test_attention_items_and_matrix_rows_match_the_markup_of_the_loops(app, language):
    attention = [
        {"user": person, "done": done, "total": 50}
        for person, done in zip(PEOPLE, (0, 3, 24), strict=True)
    ]
    progress = Progress(
        objectives=[ObjectiveResult(1, "A", "", 1, 3, 2.0, 4.0, 70)],
        sessions=[SessionResult(1, "S", 1, 2, 50.0, False, True, True, "none", None)],
        activity=None,
    )
    rows = [
        {"user": person, "progress": progress, "figures": figures(progress)} for person in PEOPLE
    ]
    with app.test_request_context(), force_locale(language):
        for chosen in ([], [12, 13]):
            expected = render_template_string(
                ATTENTION_LOOP, attention=attention, chosen=chosen, cohort_id=4
            )
            assert attention_items(attention, chosen, 4) == expected
        expected = render_template_string(
            MATRIX_LOOP,
            rows=rows,
            cohort_id=4,
            matrix_cells=lambda p, label: matrix_cells(figures(p), label),
        )
        assert matrix_rows(rows, 4) == expected
        items = attention_items(attention, [12], 4)
    if language == "en":
        assert "Former participant" in expected and "&lt;b&gt;&#34;O&#39;Hara" in expected
        assert '<span class="hint">not started</span>' in items
        assert '<span class="hint">3 of 50 done</span>' in items
        assert 'value="12" id="remind-12" checked>' in items and "checked" not in items[:80]


@pytest.mark.parametrize("language", ["en", "th", "id", "ur"])
def test_the_attention_hint_is_written_as_the_templates_underscore_wrote_it(app, language):
    """Kept per language and number of activities: each number gets its own hint."""
    from portal.progress.display import attention_hint

    template = (
        '{{ _("Not started: nothing done yet (no reading marked done, no quiz passed, no '
        'post). Behind: started, but fewer than half of all %(total)d activities done.", '
        "total=total) }}"
    )
    with app.test_request_context(), force_locale(language):
        for total in (0, 7, 50, 7):
            expected = render_template_string(template, total=total)
            assert attention_hint(total) == expected and f"{total}" in expected
            assert isinstance(attention_hint(total), Markup)
    if language != "en":
        assert "Not started" not in expected


def test_the_details_addresses_are_kept_per_cohort_and_script_root(app):
    """The address around a person's id is found once per cohort and script root: each
    cohort, and an app served under another path, links to its own."""
    attention = [{"user": PEOPLE[0], "done": 0, "total": 5}]
    rows = [{"user": PEOPLE[0], "figures": ((), ())}]
    for root in ("", "/portal", "", "/other"):
        for cohort_id in (4, 5, 4):
            with app.test_request_context(base_url=f"http://localhost{root}/"):
                address = f'href="{root}/cohorts/{cohort_id}/progress/7"'
                assert address in attention_items(attention, [], cohort_id)
                assert address in matrix_rows(rows, cohort_id)


def test_filter_options_are_kept_per_language_with_the_choice_selected(app):
    from flask_babel import get_locale

    from portal.accounts.models import ORGANISATION_TYPES
    from portal.progress.display import filter_options

    pages = {}
    for language in ("en", "th", "en"):
        with app.test_request_context(), force_locale(language):
            locale = str(get_locale())
            pages[language] = [
                filter_options("organisation_type", locale, ORGANISATION_TYPES.items, chosen)
                for chosen in ("ngo", "", "nope")
            ]
            labels = [str(label) for label in ORGANISATION_TYPES.values()]
        ngo, nothing, unknown = pages[language]
        assert ngo.count(" selected>") == 1 and f" selected>{labels[2]}</option>" in ngo
        assert nothing == unknown == str(ngo).replace(" selected>", ">")
        assert all(f">{label}</option>" in nothing for label in labels)
    assert pages["th"] != pages["en"]


# The dashboard's loops before display.average_rows, gain_rows and matrix_head_cells.
TABLE_LOOPS = """{% from "progress/_charts.html" import pct %}
{% for a in averages %}<tr><th scope="row">{{ a.objective.number }}. {{ a.objective.title }}\
</th><td>{{ pct(a.coverage) }}</td><td>{{ pct(a.mastery) }}</td></tr>{% endfor %}
|{% for g in gains %}
<tr><th scope="row">{{ objective_label[g.objective] }}</th><td>{{ g.people }}</td>
{% if g.people %}<td>{{ pct(g.pre) }}</td><td>{{ pct(g.post) }}</td>\
<td>{{ "%+.1f"|format(g.raw_gain) }}</td><td>{{ "%.2f"|format(g.normalised_gain) \
if g.normalised_gain is not none else "—" }}</td>
{% else %}<td colspan="4">{{ _("No one has taken both yet.") }}</td>{% endif %}
</tr>
{% endfor %}
|{% for o in catalogue.objectives %}<th scope="col">{{ objective_short_label[o.number] }}\
</th>{% endfor %}{% for s in catalogue.sessions %}<th scope="col">{{ s.number }}</th>\
{% endfor %}"""


@pytest.mark.parametrize("language", ["en", "th", "ur"])
def test_average_gain_rows_and_matrix_heads_match_the_markup_of_the_loops(app, language):
    from portal.progress.measure import Catalogue, SessionInfo
    from portal.progress.queries import ObjectiveInfo

    objectives = [ObjectiveInfo(1, 'Aim <one> & "two"', ""), ObjectiveInfo(3, "Third", "")]
    averages = [
        {"objective": objectives[0], "coverage": 33.333, "mastery": None},
        {"objective": objectives[1], "coverage": 0.0, "mastery": 100.0},
    ]
    gains = [
        {"objective": 1, "people": 0},
        {
            "objective": 3,
            "people": 4,
            "pre": 40.0,
            "post": 55.5,
            "raw_gain": 15.5,
            "normalised_gain": 0.2583,
        },
        {
            "objective": 1,
            "people": 2,
            "pre": 100.0,
            "post": 90.0,
            "raw_gain": -10.0,
            "normalised_gain": None,
        },
        {
            "objective": 3,
            "people": 1,
            "pre": 50.0,
            "post": 50.0,
            "raw_gain": -0.0,
            "normalised_gain": 0.0,
        },
    ]
    sessions = [
        SessionInfo(id=9, number=2, title="S", objectives=[1], readings=[]),
        SessionInfo(id=4, number=10, title="T", objectives=[3], readings=[]),
    ]
    cat = Catalogue(objectives=objectives, sessions=sessions, possible={}, exercises_counted=True)
    labels = {1: Markup("Objective 1"), 3: Markup("Objective &lt;3&gt;")}
    short = {1: Markup("Obj. 1"), 3: Markup("Obj. 3")}
    with app.test_request_context(), force_locale(language):
        expected = render_template_string(
            TABLE_LOOPS,
            averages=averages,
            gains=gains,
            objective_label=labels,
            catalogue=cat,
            objective_short_label=short,
        )
        made = f"{average_rows(averages)}|{gain_rows(gains, labels)}|"
        made += str(matrix_head_cells(cat, short))
    assert made == expected
    if language == "en":
        assert "Aim &lt;one&gt; &amp; &#34;two&#34;" in made and "<td>-0.0</td>" in made
        assert "<td>+15.5</td><td>0.26</td>" in made and "<td>-10.0</td><td>—</td>" in made


def test_the_dashboard_asks_only_for_its_fixed_texts_as_its_underscore_wrote_them(app):
    """Every texts["..."] of the template is among display.FIXED_TEXTS (Jinja would write
    a missing one as nothing), and each is written as _() writes it, in every language."""
    import re
    from pathlib import Path

    from portal.progress.display import FIXED_TEXTS, dashboard_texts

    source = (Path(app.root_path).parent / "templates/progress/cohort_dashboard.html").read_text()
    asked = {m[1] for m in re.findall(r"""texts\[(["'])(.*?)\1\]""", source)}
    fixed = [lazy._args[0] for lazy in FIXED_TEXTS]
    assert asked == set(fixed) and len(fixed) == len(set(fixed)) == 33
    for language in ("en", "th", "id", "ur"):
        with app.test_request_context(), force_locale(language):
            texts = dashboard_texts()
            assert dashboard_texts() is texts  # once per language a worker
            for text in fixed:
                assert texts[text] == render_template_string("{{ _(text) }}", text=text)
                assert isinstance(texts[text], Markup)
        if language == "th":
            assert texts["Country"] != "Country"
