"""Tests for the GIFT import and export of quiz questions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from portal.learning.gift import GiftProblem, GiftResult, export_gift, parse_gift

FILES = Path(__file__).parent / "gift_files"
ALL_FILES = sorted(FILES.glob("*.gift"))


def load(name: str) -> GiftResult:
    """Parse one of the test files."""
    return parse_gift((FILES / name).read_text(encoding="utf-8"))


def question(**fields: object) -> dict:
    """A canonical question: the common defaults plus the given fields."""
    base: dict = {
        "key": "",
        "type": "single",
        "name": "",
        "objectives": [],
        "points": 1,
        "text": "",
        "format": "moodle",
        "feedback": "",
    }
    base.update(fields)
    return base


def option(id_: str, text: str, fraction: int | float = 0, feedback: str = "") -> dict:
    """A canonical choice option."""
    return {"id": id_, "text": text, "fraction": fraction, "feedback": feedback}


def answer(text: str, fraction: int | float = 100, feedback: str = "") -> dict:
    """A canonical short answer."""
    return {"text": text, "fraction": fraction, "feedback": feedback}


def problems(result: GiftResult) -> list[tuple[int, str]]:
    """The problems as (line, message) pairs."""
    return [(p.line, p.message) for p in result.problems]


# --------------------------------------------------------------------------- choice


def test_choice_file_parses_without_problems() -> None:
    result = load("choice.gift")
    assert result.problems == []
    assert [q["type"] for q in result.questions] == [
        "single",
        "multiple",
        "single",
        "single",
        "multiple",
    ]


def test_single_choice_with_metadata_name_feedback_and_general_feedback() -> None:
    assert load("choice.gift").questions[0] == question(
        key="s01-q01",
        name="Consent",
        objectives=[1, 2],
        points=2,
        text="Can a victim's consent to exploitation make trafficking lawful?",
        feedback="See article 3(b) of the Protocol.",
        options=[
            option(
                "a",
                "Yes, if the victim was an adult",
                0,
                "Consent is irrelevant once a means is used.",
            ),
            option("b", "No, consent is irrelevant", 100, "Right: the Protocol says so."),
            option("c", "Only in some countries"),
        ],
    )


def test_multiple_answer_with_decimal_and_negative_weights() -> None:
    assert load("choice.gift").questions[1] == question(
        key="s01-q02",
        type="multiple",
        objectives=[3],
        text="Which of these are elements of the definition of trafficking?",
        options=[
            option("a", "The act", 33.33333),
            option("b", "The means", 33.33333),
            option("c", "The purpose of exploitation", 33.33334),
            option("d", "Crossing a border", -50, "Trafficking can happen inside one country."),
            option("e", "Payment to the victim", -50),
        ],
    )


def test_missing_word_question_gets_a_blank_where_the_answers_were() -> None:
    assert load("choice.gift").questions[2] == question(
        text="A victim-centred approach puts _____ first.",
        options=[
            option("a", "the prosecution"),
            option("b", "the victim", 100),
            option("c", "the media"),
        ],
    )


def test_single_choice_may_give_partial_credit_with_tilde_weights() -> None:
    options = load("choice.gift").questions[3]["options"]
    assert [(o["fraction"], o["feedback"]) for o in options] == [
        (100, ""),
        (50, "Half marks."),
        (0, ""),
    ]


def test_moodle_rule_no_equals_sign_means_multiple_answer() -> None:
    q = load("choice.gift").questions[4]
    assert q["type"] == "multiple"
    assert [o["fraction"] for o in q["options"]] == [100, 0, 0]


def test_equals_sign_makes_single_even_with_two_positive_weights() -> None:
    result = parse_gift("Q {=a ~%50%b ~c}\n\nR {~%50%a ~%50%b ~c}")
    assert [q["type"] for q in result.questions] == ["single", "multiple"]


def test_option_ids_run_past_z() -> None:
    block = " ".join(f"~o{i}" for i in range(27))
    q = parse_gift("Many {=right " + block + "}").questions[0]
    ids = [o["id"] for o in q["options"]]
    assert ids[:3] == ["a", "b", "c"] and ids[25:] == ["z", "aa", "ab"]


# --------------------------------------------------------------------------- true/false


def test_truefalse_file_covers_all_four_spellings_and_feedback() -> None:
    result = load("truefalse.gift")
    assert result.problems == []
    assert [q["answer"] for q in result.questions] == [False, True, True, False]
    assert result.questions[2] == question(
        key="tf-3",
        type="truefalse",
        name="Non-punishment",
        points=0.5,
        text="Victims should not be punished for crimes they were compelled to commit.",
        feedback="Principle 7 of the OHCHR guidelines.",
        answer=True,
        feedback_right="Yes, that is the principle.",
        feedback_wrong="Think of the non-punishment principle.",
    )
    assert result.questions[3] == question(
        key="tf-4",
        type="truefalse",
        text="Smuggling and trafficking are the same crime.",
        answer=False,
        feedback_right="Correct, they are distinct.",
        feedback_wrong="",
    )


def test_lowercase_true_is_a_short_answer_as_in_moodle() -> None:
    q = parse_gift("Q {true}").questions[0]
    assert q["type"] == "short"
    assert q["answers"] == [answer("true")]


# --------------------------------------------------------------------------- short answer


def test_short_answer_with_partial_credit_feedback_and_general_feedback() -> None:
    result = load("short.gift")
    assert result.problems == []
    assert result.questions[0] == question(
        key="sa-1",
        type="short",
        objectives=[4],
        text="Which UN protocol defines trafficking in persons?",
        feedback="Adopted in 2000.",
        answers=[
            answer("Palermo Protocol", 100, "Also called the Trafficking Protocol."),
            answer("Trafficking Protocol"),
            answer("UN protocol", 50, "Be more specific."),
        ],
    )
    assert result.questions[1] == question(
        type="short",
        text="Two plus two equals _____.",
        answers=[answer("four"), answer("4")],
    )


def test_escaped_star_in_a_short_answer_stays_escaped_as_in_moodle() -> None:
    # The canonical key keeps Moodle's spelling: "\\*" is a literal star, "*" a wildcard.
    assert load("short.gift").questions[2]["answers"] == [answer("\\*")]


def test_wildcard_short_answer_is_imported_and_graded_as_moodle_does() -> None:
    from portal.learning.grading import grade

    imported = parse_gift("Spell it {=colo*r}").questions[0]
    assert imported["answers"] == [answer("colo*r")]
    assert grade(imported, "Colour").fraction == 1.0
    assert grade(imported, "color").fraction == 1.0
    assert grade(imported, "colours").fraction == 0.0


# --------------------------------------------------------------------------- numerical


def test_numerical_forms() -> None:
    result = load("numerical.gift")
    assert result.problems == []
    answers = [q["answers"] for q in result.questions]
    assert answers[0] == [{"value": 2000, "tolerance": 0, "fraction": 100, "feedback": ""}]
    assert answers[1] == [{"value": 3, "tolerance": 0, "fraction": 100, "feedback": ""}]
    assert answers[2] == [{"min": 1, "max": 5, "fraction": 100, "feedback": ""}]
    assert result.questions[2]["feedback"] == "Any value in the range is accepted."
    assert answers[4] == [
        {"value": -8, "tolerance": 0.5, "fraction": 100, "feedback": ""},
        {"min": -10, "max": -6, "fraction": 25, "feedback": ""},
    ]


def test_numerical_with_several_weighted_answers() -> None:
    assert load("numerical.gift").questions[3] == question(
        key="num-4",
        type="numerical",
        name="Pi",
        text="What is the value of pi (to 2 decimal places)?",
        answers=[
            {"value": 3.14, "tolerance": 0.005, "fraction": 100, "feedback": "Exactly."},
            {
                "value": 3.1,
                "tolerance": 0.05,
                "fraction": 50,
                "feedback": "Close, but be more precise.",
            },
            {"value": 3, "tolerance": 0.5, "fraction": 33.33333, "feedback": "Only roughly."},
        ],
    )


def test_numbers_are_int_when_whole() -> None:
    q = parse_gift("Q {#2.0:1.50 =%50.0%1e3:0}").questions[0]
    values = [(a["value"], a["tolerance"], a["fraction"]) for a in q["answers"]]
    assert values == [(2, 1.5, 100), (1000, 0, 50)]
    assert all(type(v) is int for v in (values[0][0], values[1][0], values[1][2]))


# --------------------------------------------------------------------------- matching


def test_matching_with_general_feedback() -> None:
    result = load("matching.gift")
    assert result.problems == []
    assert result.questions[0] == question(
        key="match-1",
        type="matching",
        objectives=[2],
        text="Match each instrument with what it does.",
        feedback="These three are covered in session 2.",
        pairs=[
            {"left": "Palermo Protocol", "right": "Defines trafficking in persons"},
            {"left": "Non-punishment principle", "right": "Protects victims from prosecution"},
            {"left": "Referral mechanism", "right": "Connects victims with services"},
        ],
    )


def test_matching_right_side_may_contain_an_arrow() -> None:
    assert load("matching.gift").questions[1]["pairs"] == [
        {"left": "Right", "right": "the -> sign"},
        {"left": "Left", "right": "the <- sign"},
    ]


# --------------------------------------------------------------------------- formats, escapes


def test_format_markers_map_to_format() -> None:
    result = load("formats.gift")
    assert result.problems == []
    formats = {q["key"]: q["format"] for q in result.questions}
    assert formats["fmt-1"] == "markdown"
    assert formats["fmt-2"] == "html"
    assert formats["fmt-3"] == "plain"
    assert formats["fmt-4"] == "moodle"  # [moodle]: Moodle's auto-format
    assert formats["esc-1"] == "moodle"  # unmarked: auto-format too, as in Moodle


def test_html_question_with_markers_on_option_and_feedback() -> None:
    q = load("formats.gift").questions[1]
    assert q == question(
        key="fmt-2",
        name="HTML",
        format="html",
        text="Which tag makes <b>bold</b> text?",
        options=[option("a", "<b>", 100, "The <b> element."), option("b", "<i>")],
    )


def test_escapes_in_name_text_options_and_feedback() -> None:
    q = next(q for q in load("formats.gift").questions if q["key"] == "esc-1")
    assert q["name"] == "Escapes: all of them"
    assert q["text"] == "Escaped characters: ~ = # { } : and a backslash \\ stay literal."
    assert q["options"] == [
        option("a", "a=b", 100, "c#d"),
        option("b", "x~y", 0, "it is {not} this"),
        option("c", "ratio 1:2"),
    ]


def test_multi_line_text_skips_comment_lines() -> None:
    q = next(q for q in load("formats.gift").questions if q["key"] == "multi-1")
    assert q["text"] == "This question text runs\nover three lines\nand continues after a comment."


def test_text_after_a_multi_line_answer_block() -> None:
    q = next(q for q in load("formats.gift").questions if q["key"] == "multi-2")
    assert q["text"] == "The capital of _____ is Rome."
    assert q["options"] == [option("a", "Italy", 100), option("b", "Spain")]


def test_escaped_newline_gives_a_paragraph_break() -> None:
    q = next(q for q in load("formats.gift").questions if q["key"] == "newline-1")
    assert q["text"] == "First paragraph.\n\nSecond paragraph after an escaped blank line."


def test_unknown_bracket_at_start_is_text_not_a_format() -> None:
    q = parse_gift("[Link](https://example.org) is where? {=here ~there}").questions[0]
    assert q["format"] == "moodle"
    assert q["text"] == "[Link](https://example.org) is where?"


def test_crlf_and_byte_order_mark_are_accepted() -> None:
    result = parse_gift("\ufeff// [id:x]\r\nLine one\r\nline two {T}\r\n\r\nQ {F}\r\n")
    assert [q["text"] for q in result.questions] == ["Line one\nline two", "Q"]
    assert result.questions[0]["key"] == "x"


# --------------------------------------------------------------------------- Moodle's export


def test_file_in_moodles_own_export_style() -> None:
    result = load("moodle_export.gift")
    assert result.problems == []
    assert [q["type"] for q in result.questions] == [
        "single",
        "short",
        "numerical",
        "matching",
        "truefalse",
    ]
    assert all(q["format"] == "moodle" for q in result.questions)
    assert result.questions[0] == question(
        key="cap",
        name="Capital",
        objectives=[1],  # [tag:other-tag] is ignored
        format="moodle",
        text="What is the capital of France?",
        options=[
            option("a", "Paris", 100, "Correct."),
            option("b", "London", 0, "No, that is the UK."),
            option("c", "Berlin", -25),
        ],
    )
    assert result.questions[1]["answers"] == [answer("four"), answer("4")]


# --------------------------------------------------------------------------- unsupported


def test_unsupported_types_are_reported_with_their_lines() -> None:
    result = load("unsupported.gift")
    # Numerical "any other answer", matching distractors and an option in another format
    # are read as Moodle reads them (see test_moodle_constructs.py); only embedded
    # answers (Cloze, a type the portal does not have) are still refused, by line.
    assert [(q["key"], q["type"]) for q in result.questions] == [
        ("ok-1", "single"),
        ("", "essay"),
        ("ok-2", "truefalse"),
        ("", "description"),
        ("", "numerical"),
        ("", "short"),
        ("", "matching"),
        ("", "single"),
        ("ok-3", "numerical"),
    ]
    assert problems(result) == [
        (13, "more than one answer block (embedded answers) is not supported"),
    ]


def test_problem_reads_with_its_line_number() -> None:
    problem = load("unsupported.gift").problems[0]
    message = "more than one answer block (embedded answers) is not supported"
    assert problem == GiftProblem(13, message)
    assert str(problem) == f"line 13: {message}"


def test_essay_with_only_general_feedback_is_still_an_essay() -> None:
    result = parse_gift("// [id:e]\nDiscuss. {####Model answer.}")
    assert result.problems == []
    assert result.questions == [
        question(key="e", type="essay", text="Discuss.", feedback="Model answer.")
    ]


def test_essay_and_description_round_trip() -> None:
    items = [
        question(key="e1", type="essay", text="Reflect on consent.", objectives=[2], points=4),
        question(key="d1", type="description", text="Read the *fictional* case.", points=0),
    ]
    text = export_gift(items)
    assert "Reflect on consent. {}" in text and "[points:" not in text.split("// [id:d1]")[1]
    assert parse_gift(text).questions == items


# --------------------------------------------------------------------------- malformed


def test_malformed_questions_are_reported_and_parsing_carries_on() -> None:
    result = load("malformed.gift")
    assert [q["key"] for q in result.questions] == ["good-1", "good-2"]
    assert problems(result) == [
        (4, "unclosed '{': the answer block has no closing '}'"),
        (6, "'}' without an opening '{' (write \\} for a literal brace)"),
        (9, "matching questions need at least 2 pairs, found 1"),
        (11, "numerical answer 'abc' is not a number"),
        (13, "weight %150% is outside -100..100"),
        (16, "[points:lots] is not a number greater than 0"),
        (18, "the question name is not closed with '::'"),
        (20, "multiple choice questions need at least 2 options"),
        (22, "numerical range '5..1' has its minimum above its maximum"),
        (27, "a multiple choice option has no text"),
    ]


def test_unclosed_brace_at_end_of_file() -> None:
    result = parse_gift("Fine {T}\n\n\n// comment\nBroken {=a ~b\n~c")
    assert len(result.questions) == 1
    assert problems(result) == [(5, "unclosed '{': the answer block has no closing '}'")]


def test_blank_line_inside_an_answer_block_splits_the_question() -> None:
    result = parse_gift("Q {\n=a\n\n~b\n}\n\nNext {T}")
    assert [q["text"] for q in result.questions] == ["Next"]
    assert [p.line for p in result.problems] == [1, 4]


def test_question_without_text_is_reported() -> None:
    assert problems(parse_gift("::Name:: {=a ~b}")) == [(1, "the question has no text")]


def test_metadata_separated_from_its_question_is_reported() -> None:
    result = parse_gift("// [id:lost]\n\nQ {T}\n\n// note\n// [tag:objective-1]\n\nR {F}")
    assert [(q["key"], q["objectives"]) for q in result.questions] == [("", []), ("", [])]
    message = "metadata comment is separated from its question by a blank line; it was ignored"
    assert problems(result) == [(1, message), (6, message)]


def test_category_and_comment_only_blocks_are_not_problems() -> None:
    result = parse_gift("$CATEGORY: top/quiz\n\n// just a note\n\n$CATEGORY: other\nQ {T}")
    assert result.problems == []
    assert [q["text"] for q in result.questions] == ["Q"]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("path", ALL_FILES, ids=[p.name for p in ALL_FILES])
def test_file_round_trip(path: Path) -> None:
    first = parse_gift(path.read_text(encoding="utf-8"))
    exported = export_gift(first.questions)
    second = parse_gift(exported)
    assert second.problems == []
    assert second.questions == first.questions
    assert export_gift(second.questions) == exported


def test_every_construct_is_used_by_the_files() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in ALL_FILES)
    for construct in [
        "~%33.33333%",
        "~%-50%",
        "=%50%",
        "####",
        "::",
        "// [id:",
        "// [tag:objective-",
        "// [points:",
        "{T}",
        "{TRUE}",
        "{F}",
        "{FALSE}",
        " -> ",
        "{#2000:0}",
        "{#1..5",
        "=%100%3.14:0.005",
        "\\~",
        "\\=",
        "\\#",
        "\\{",
        "\\}",
        "\\:",
        "\\\\",
        "\\n",
        "[markdown]",
        "[html]",
        "[plain]",
        "[moodle]",
        "$CATEGORY:",
        "{}",
        "} is Rome.",
    ]:
        assert construct in text, construct


EXPORT_CASES = [
    question(
        key="s01-q01",
        name="Tricky: name",
        objectives=[1, 4],
        points=2.5,
        text="Special ~ = # { } : \\ characters\nand a second line",
        feedback="General ~ feedback with #hash",
        options=[
            option("a", "Right = correct", 100, "Yes: {indeed}"),
            option("b", "%50% of people", 0, "A leading percent sign is text"),
            option("c", "Half", 50, ""),
            option("d", "Negative", -100, "Penalty"),
        ],
    ),
    question(
        type="multiple",
        text="Paragraph one.\n\nParagraph two.\n// not a comment\n  \nEnd.",
        options=[
            option("a", "One\n\nwith a blank line", 33.33333),
            option("b", "Two", 66.66667, "multi\nline\nfeedback"),
            option("c", "%bad", -50),
            option("d", "All right", 100),
        ],
    ),
    question(
        type="single",
        format="html",
        text="<p>Both are right</p>",
        options=[option("a", "[html] marker-like text", 100), option("b", "%x", 100)],
    ),
    question(
        type="truefalse",
        text="// starts like a comment",
        answer=True,
        feedback_right="",
        feedback_wrong="Only wrong feedback",
    ),
    question(
        type="truefalse",
        format="plain",
        text="Plain true/false",
        feedback="General",
        answer=False,
        feedback_right="Right only",
        feedback_wrong="",
    ),
    question(
        type="truefalse",
        text="[markdown] looks like a marker",
        feedback="g",
        answer=True,
        feedback_right="r",
        feedback_wrong="w",
    ),
    question(
        type="short",
        text="Type it",
        feedback="Spelling counts",
        answers=[
            answer("2*3 = 6", 100, "star and equals"),
            answer("%full", 100),
            answer("a\\*b", 50, "a backslash before a star"),
            answer("T", 10),
        ],
    ),
    question(
        type="short",
        text="One answer with an arrow",
        answers=[answer("%a -> b", 50, "c -> d")],
    ),
    question(type="short", text="Arrow in feedback", answers=[answer("T", 100, "-> x")]),
    question(type="short", text="Comment-like", answers=[answer("// [id:x]\n->")]),
    question(
        type="numerical",
        text="How much?",
        answers=[
            {"value": -1.5, "tolerance": 0.25, "fraction": 100, "feedback": "Good: exact"},
            {"min": -3, "max": 1e-07, "fraction": 33.33333, "feedback": ""},
            {"value": 12345678, "tolerance": 0, "fraction": -10, "feedback": "no"},
        ],
    ),
    question(
        type="matching",
        text="Match",
        feedback="Done",
        pairs=[
            {"left": "a: with colon", "right": "1 -> arrow"},
            {"left": "b - dash", "right": "> starts with a chevron"},
            {"left": "c", "right": "#hash = sign"},
        ],
    ),
    question(
        key="weird]key",
        type="single",
        name="Ünïcode",
        text="Çava? 日本語",
        options=[option("a", "Oui", 100), option("b", "Non")],
    ),
]


@pytest.mark.parametrize("q", EXPORT_CASES, ids=[str(i) for i in range(len(EXPORT_CASES))])
def test_dict_round_trip(q: dict) -> None:
    result = parse_gift(export_gift([q]))
    assert result.problems == []
    assert result.questions == [q]


def test_dicts_round_trip_together() -> None:
    assert parse_gift(export_gift(EXPORT_CASES)).questions == EXPORT_CASES


def test_export_writes_metadata_comments_name_and_marker() -> None:
    text = export_gift(
        [
            question(
                key="s02-q03",
                name="Who",
                objectives=[2, 3],
                points=2,
                format="html",
                text="<i>Who</i>?",
                options=[option("a", "Me", 100), option("b", "You", 0, "No")],
            )
        ]
    )
    assert text == (
        "// [id:s02-q03]\n"
        "// [tag:objective-2]\n"
        "// [tag:objective-3]\n"
        "// [points:2]\n"
        "::Who::[html]<i>Who</i>? {\n"
        "\t=Me\n"
        "\t~You#No\n"
        "}\n"
    )


def test_export_of_each_type_is_as_expected() -> None:
    text = export_gift(EXPORT_CASES[3:5] + EXPORT_CASES[10:12])
    assert text.split("\n\n") == [
        "// [points:1]\n[moodle]// starts like a comment {TRUE#Only wrong feedback}",
        "// [points:1]\n[plain]Plain true/false {FALSE##Right only####General}",
        "// [points:1]\nHow much? {#\n\t=-1.5:0.25#Good\\: exact\n\t=%33.33333%-3..1e-07\n"
        "\t=%-10%12345678:0#no\n}",
        "// [points:1]\nMatch {\n\t=a\\: with colon -> 1 -> arrow\n"
        "\t=b - dash -> > starts with a chevron\n\t=c -> \\#hash \\= sign\n\t####Done\n}\n",
    ]


def test_export_keeps_blank_lines_and_comment_like_lines_inside_the_question() -> None:
    text = export_gift([EXPORT_CASES[1]])
    assert "\n\n" not in text.strip()
    body = [line for line in text.splitlines() if not line.startswith("// [")]
    assert not any(line.lstrip().startswith("//") for line in body)
    assert "Paragraph one.\\n\nParagraph two.\\n// not a comment\\n  \nEnd." in text


def test_export_is_deterministic_and_empty_for_no_questions() -> None:
    assert export_gift(EXPORT_CASES) == export_gift(EXPORT_CASES)
    assert export_gift([]) == ""


def test_export_fills_in_defaults_for_loose_dicts() -> None:
    loose = {
        "key": "k",
        "type": "single",
        "text": "  Loose  ",
        "options": [{"id": "x", "text": "A", "fraction": 100}, {"id": "y", "text": "B"}],
    }
    assert parse_gift(export_gift([loose])).questions == [
        question(
            key="k",
            text="Loose",
            format="markdown",
            options=[option("a", "A", 100), option("b", "B")],
        )
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (question(type="cloze", text="Q"), "unknown question type 'cloze'"),
        (question(text="", options=[option("a", "x", 100), option("b", "y")]), "no text"),
        (question(text="Q", options=[option("a", "x", 50), option("b", "y")]), "fraction 100"),
        (question(text="Q", options=[option("a", "x", 100)]), "at least 2 options"),
        (question(text="Q", format="rtf", options=[]), "unknown format 'rtf'"),
        (question(type="short", text="Q", answers=[answer("a -> b"), answer("c")]), "'->'"),
        (
            question(type="matching", text="Q", pairs=[{"left": "a -> b", "right": "c"}] * 2),
            "'->'",
        ),
        (question(type="matching", text="Q", pairs=[{"left": "a", "right": "b"}]), "2 pairs"),
        (question(type="truefalse", text="Q", answer="yes"), "answer: true or false"),
        (question(text="Q", points=0, options=[]), "greater than 0"),
    ],
)
def test_export_refuses_what_gift_cannot_hold(bad: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        export_gift([question(key="fine", type="truefalse", text="ok", answer=True), bad])
    assert str(error.value).startswith("question #2: ")


TOKENS = [
    "a",
    " ",
    "\n",
    "\n\n",
    "// [id:x]\n",
    "// [points:2]\n",
    "\\",
    "~",
    "=",
    "#",
    "{",
    "}",
    ":",
    "::",
    "%50%",
    "%-25%",
    "[html]",
    "[moodle]",
    "->",
    "*",
    "\\*",
    "T",
    "FALSE",
    "$CATEGORY: c\n",
    "####",
    "..",
    "3",
    "-1.5",
    "\\n",
    "\\{",
    "\\=",
    "\\~",
]


def test_random_gift_never_crashes_and_what_parses_round_trips() -> None:
    rng = random.Random(20240601)
    parsed = 0
    for _ in range(3000):
        source = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 30)))
        result = parse_gift(source)
        assert all(p.line >= 1 and p.message for p in result.problems)
        for q in result.questions:
            again = parse_gift(export_gift([q]))
            assert again.problems == [] and again.questions == [q], source
            parsed += 1
    assert parsed > 20
