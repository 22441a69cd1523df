"""The dashboard's cells made in Python write what the template's macros wrote."""

from __future__ import annotations

import pytest
from flask import render_template_string
from markupsafe import Markup

from portal.progress.measure import ObjectiveResult, Progress, SessionResult
from portal.progress.views import matrix_cells, percent

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
