"""Every GIFT construct Moodle's importer reads, in our own file about this programme.

The reference is Moodle's documentation of the format (Moodle Docs, "GIFT format",
https://docs.moodle.org/en/GIFT_format) and the behaviour of its importer
(question/format/gift/format.php). Moodle's own files are not copied here: the file
gift_files/moodle_constructs.gift was written for these tests. Each question's parsed
meaning is asserted in full, so nothing is misread silently, and whatever is refused is
refused with its line.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from portal.learning.display import text_html
from portal.learning.gift import GiftProblem, export_gift, parse_gift
from portal.learning.grading import grade, parse_response, public_view, validate_question

FILE = Path(__file__).parent / "gift_files" / "moodle_constructs.gift"


def _parsed():
    return parse_gift(FILE.read_text(encoding="utf-8"))


def _q(**fields) -> dict:
    base = {"key": "", "name": "", "objectives": [], "points": 1, "format": "moodle"}
    base.update(feedback="")
    base.update(fields)
    return base


EXPECTED = [
    _q(
        type="description",
        name="Before you start",
        points=0,
        text="These questions review <b>session 6</b>.\n"
        "Take your time: there is no time limit.<script>alert(1)</script>",
    ),
    _q(
        key="mc-essay",
        type="essay",
        name="Reflection",
        objectives=[3],
        format="markdown",
        text="Describe one way your office could ask survivors for feedback **safely**.",
    ),
    # An option's feedback in [markdown] under an auto-format question: every text becomes
    # the HTML it is shown as, and the question's format becomes html.
    _q(
        key="mc-housing",
        type="single",
        name="Article 6(3)",
        objectives=[2],
        format="html",
        text="Which of these is a recovery measure in Article 6(3) of the <i>Protocol</i>?",
        options=[
            {
                "id": "a",
                "text": "Appropriate housing",
                "fraction": 100,
                "feedback": "<p>Yes: <strong>housing</strong> is listed.</p>",
            },
            {
                "id": "b",
                "text": "Detention in a closed shelter",
                "fraction": 0,
                "feedback": "No. Detention is not assistance.",
            },
        ],
    ),
    _q(
        key="mc-weights",
        type="single",
        name="Presumed victims",
        objectives=[2],
        text="A frontline officer sees several indicators but has no proof yet. "
        "What should happen first?",
        options=[
            {
                "id": "a",
                "text": "Refer the person to support as a presumed victim",
                "fraction": 100,
                "feedback": "Right.",
            },
            {
                "id": "b",
                "text": "Write down the indicators and wait",
                "fraction": 5,  # %5.%
                "feedback": "Writing them down helps, but the person needs support now.",
            },
            {
                "id": "c",
                "text": "Arrest the person for immigration offences",
                "fraction": 0,
                "feedback": "No.",
            },
        ],
    ),
    _q(
        key="mc-multiple",
        type="multiple",
        name="Three elements",
        objectives=[1],
        text="Which are elements of the Protocol's definition for an adult?",
        options=[
            {"id": "a", "text": "An act", "fraction": 50, "feedback": ""},
            {"id": "b", "text": "A means", "fraction": 50, "feedback": ""},
            {
                "id": "c",
                "text": "A border crossing",
                "fraction": -50,
                "feedback": "No: trafficking can happen within one country.",
            },
        ],
    ),
    _q(
        key="mc-short",
        type="short",
        name="Irrelevant",
        objectives=[1],
        text="Under Article 3(b), what becomes irrelevant once a means such as deception is used?",
        answers=[
            {"text": "*consent*", "fraction": 100, "feedback": ""},
            {
                "text": "agree*",
                "fraction": 50,
                "feedback": "Close: the Protocol's word is consent.",
            },
        ],
    ),
    _q(
        key="mc-who",
        type="numerical",
        name="WHO principles",
        objectives=[3],
        text="How many principles do the WHO ethical and safety recommendations for "
        "interviewing trafficked women (2003) set out?",
        answers=[
            {"value": 10, "tolerance": 0, "fraction": 100, "feedback": "Right: ten principles."}
        ],
        other_feedback="Count them again in the session 7 reading.",
    ),
    _q(
        key="mc-match",
        type="matching",
        name="Protocol articles",
        objectives=[2],
        text="Match each article of the Trafficking in Persons Protocol with its subject.",
        pairs=[
            {"left": "Article 3", "right": "The definition of trafficking in persons"},
            {"left": "Article 6", "right": "Assistance to and protection of victims"},
            {"left": "Article 9", "right": "Prevention of trafficking"},
        ],
        distractors=["Extradition of offenders"],
    ),
    # [plain] question, [html] feedback: the plain texts are escaped into HTML.
    _q(
        key="mc-tf",
        type="truefalse",
        name="Consent",
        objectives=[1],
        format="html",
        text="An adult who agreed to a job cannot be a victim if the recruiter lied about "
        "the work. True or false?",
        answer=False,
        feedback_right="Right: false.",
        feedback_wrong="<b>No.</b> Consent is irrelevant once a means was used.",
    ),
    _q(
        key="mc-nbsp-1",
        type="truefalse",
        objectives=[4],
        text="Is a memorandum of understanding between agencies enough on its own to make "
        "referral work?",
        answer=False,
        feedback_right="",
        feedback_wrong="",
    ),
    _q(
        key="mc-nbsp-2",
        type="truefalse",
        objectives=[4],
        text="Should NGOs help design, deliver and review referral services?",
        answer=True,
        feedback_right="",
        feedback_wrong="",
    ),
]

REFUSED = [
    GiftProblem(83, "more than one answer block (embedded answers) is not supported"),
    GiftProblem(86, "unclosed '{': the answer block has no closing '}'"),
    GiftProblem(89, "matching questions need at least 2 pairs, found 1"),
    GiftProblem(92, "numerical answer 'two thousand and two' is not a number"),
]


def test_counts_and_no_silent_misparse():
    result = _parsed()
    counts = Counter(q["type"] for q in result.questions)
    print(
        f"\nGIFT constructs file: {len(result.questions)} imported {dict(counts)}, "
        f"{len(result.problems)} refused (lines {[p.line for p in result.problems]})"
    )
    assert dict(counts) == {
        "description": 1,
        "essay": 1,
        "single": 2,
        "multiple": 1,
        "short": 1,
        "numerical": 1,
        "matching": 1,
        "truefalse": 3,
    }
    # Every question is asserted with its whole meaning, in order: none misread.
    assert len(result.questions) == len(EXPECTED)
    for parsed, expected in zip(result.questions, EXPECTED, strict=True):
        assert parsed == expected, expected.get("key") or expected["name"]
    assert result.problems == REFUSED


def test_every_imported_question_is_valid_for_the_portal():
    for question in _parsed().questions:
        if question["type"] != "description":
            question = {**question, "objectives": question["objectives"] or [1]}
        assert validate_question(question) == [], question["key"]


def test_a_no_break_space_line_separates_questions():
    text = FILE.read_text(encoding="utf-8")
    assert "\n\u00a0\n" in text
    keys = [q["key"] for q in _parsed().questions]
    assert keys.count("mc-nbsp-1") == keys.count("mc-nbsp-2") == 1


def test_auto_format_keeps_line_breaks_and_sanitises_html():
    description = _parsed().questions[0]
    shown = str(text_html(description["text"], description["format"]))
    assert "<b>session 6</b>.<br>" in shown  # HTML allowed, the line break kept
    assert "<script" not in shown and "alert(1)" not in shown


def test_markdown_is_rendered_only_when_marked():
    assert "<strong>safely</strong>" in str(text_html("feedback **safely**.", "markdown"))
    assert "**safely**" in str(text_html("feedback **safely**.", "moodle"))


def test_weight_with_a_trailing_point_gives_partial_credit():
    question = EXPECTED[3]
    assert grade(question, "b").fraction == pytest.approx(0.05)
    assert grade(question, "a").is_correct


def test_any_other_answer_scores_nothing_with_its_feedback():
    question = EXPECTED[6]
    assert grade(question, "10").is_correct
    wrong = grade(question, "7")
    assert wrong.fraction == 0 and wrong.feedback == ["Count them again in the session 7 reading."]


def test_a_distractor_is_offered_but_matches_nothing():
    question = EXPECTED[7]
    view = public_view(question, seed=1, shuffle=False)
    assert "Extradition of offenders" in view["rights"]
    assert len(view["lefts"]) == 3
    form = {
        "q-0": "The definition of trafficking in persons",
        "q-1": "Extradition of offenders",
        "q-2": "Prevention of trafficking",
    }

    class Form(dict):
        def getlist(self, key):
            return [self[key]] if key in self else []

    response = parse_response(question, Form(form), "q")
    assert response == {"0": form["q-0"], "1": form["q-1"], "2": form["q-2"]}
    assert grade(question, response).fraction == pytest.approx(2 / 3)


def test_wildcard_keys_grade_as_in_moodle():
    question = EXPECTED[5]
    assert grade(question, "informed consent").is_correct
    assert grade(question, "agreement").fraction == pytest.approx(0.5)


def test_export_then_import_keeps_the_meaning():
    questions = _parsed().questions
    assert parse_gift(export_gift(questions)).questions == questions
