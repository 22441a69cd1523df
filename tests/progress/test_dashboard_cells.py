"""The dashboard's cells and chart made in Python write what the template's macros wrote."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from portal.progress.measure import ObjectiveResult, Progress, SessionResult
from portal.progress.views import matrix_cells, objective_chart, percent

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
        assert matrix_cells(progress, label) == expected
    assert "<td>33 % / 50 %</td><td>0 % / —</td>" in expected


# The chart macro the dashboard used before views.objective_chart, as it was.
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
