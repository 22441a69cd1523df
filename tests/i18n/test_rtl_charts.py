"""Inline SVG charts are laid out mirrored on right-to-left pages; meters flip in CSS."""

from pathlib import Path

from flask import render_template_string
from flask_babel import force_locale

from portal.i18n.languages import chart_x

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css"
CHART = """{{ objective_chart([("Objective 1", 50, 25)], "c", "Chart", "Bars") }}"""


def test_chart_coordinates_mirror_in_urdu_only(app):
    with app.test_request_context():
        with force_locale("ur"):
            assert chart_x(0) == 320  # the label column moves to the right edge
            assert chart_x(110, 100) == 110  # a bar of 100 starting 110 from the right
            assert chart_x(170, 40, 480) == 270
        with force_locale("th"):
            assert chart_x(0) == 0
            assert chart_x(110, 100) == 110
            assert chart_x(110, 40) == 110


def test_the_objective_chart_draws_from_the_right_in_urdu(app):
    with app.test_request_context():
        with force_locale("en"):
            ltr = render_template_string(CHART)
        with force_locale("ur"):
            rtl = render_template_string(CHART)
    # Coverage 50 % is a bar 100 wide: at 110 left to right, ending 110 from the right in Urdu.
    assert '<rect class="chart-coverage" x="110" y="4" width="100"' in ltr
    assert '<rect class="chart-coverage" x="110" y="4" width="100"' in rtl
    assert '<rect class="meter-track" x="10" y="4" width="200"' in rtl  # the track, mirrored
    # Mastery 25 % is 50 wide: it starts at 110 in English and at 320 - 110 - 50 = 160 in Urdu.
    assert '<rect class="chart-mastery" x="110" y="19" width="50"' in ltr
    assert '<rect class="chart-mastery" x="160" y="19" width="50"' in rtl
    assert '<text x="0" y="14" class="chart-label">Objective 1</text>' in ltr
    assert '<text x="320" y="14" class="chart-label">Objective 1</text>' in rtl


def test_meters_flip_on_right_to_left_pages():
    assert '[dir="rtl"] svg.meter { transform: scaleX(-1); }' in CSS.read_text()
