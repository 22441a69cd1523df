"""Tests for portal.learning.grading: hand-worked scores for every question type."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from portal.learning.grading import (
    NOT_A_NUMBER,
    Grade,
    grade,
    max_score,
    parse_response,
    public_view,
    validate_question,
)

# --------------------------------------------------------------------------- fixtures


def single_q() -> dict:
    return {
        "key": "t-single",
        "type": "single",
        "objectives": [1],
        "points": 1,
        "text": "Which one?",
        "feedback": "General feedback.",
        "options": [
            {"id": "a", "text": "Right", "fraction": 100, "feedback": "Yes."},
            {"id": "b", "text": "Half", "fraction": 50, "feedback": "Partly."},
            {"id": "c", "text": "Wrong", "fraction": 0, "feedback": "No."},
            {"id": "d", "text": "Very wrong", "fraction": -50, "feedback": "Certainly not."},
        ],
    }


def multiple_q() -> dict:
    return {
        "key": "t-multiple",
        "type": "multiple",
        "objectives": [1, 2],
        "points": 2,
        "text": "Choose the right ones.",
        "options": [
            {"id": "a", "text": "Right 1", "fraction": 50, "feedback": "A is right."},
            {"id": "b", "text": "Right 2", "fraction": 50, "feedback": "B is right."},
            {"id": "c", "text": "Wrong 1", "fraction": -50, "feedback": "C is wrong."},
            {"id": "d", "text": "Wrong 2", "fraction": -50, "feedback": ""},
        ],
    }


def truefalse_q() -> dict:
    return {
        "key": "t-tf",
        "type": "truefalse",
        "objectives": [2],
        "points": 1,
        "text": "Consent is irrelevant once exploitation is shown.",
        "answer": True,
        "feedback_right": "Correct.",
        "feedback_wrong": "Look again at Article 3(b).",
    }


def short_q() -> dict:
    return {
        "key": "t-short",
        "type": "short",
        "objectives": [3],
        "points": 1,
        "text": "Name the protocol.",
        "answers": [
            {"text": "Palermo Protocol", "fraction": 100, "feedback": "Exactly."},
            {"text": "Palermo", "fraction": 50, "feedback": "Nearly."},
            {"text": "UN Protocol", "fraction": 0, "feedback": "Which one?"},
        ],
    }


def matching_q() -> dict:
    return {
        "key": "t-match",
        "type": "matching",
        "objectives": [4],
        "points": 3,
        "text": "Match the elements.",
        "pairs": [
            {"left": "Recruitment", "right": "Act"},
            {"left": "Deception", "right": "Means"},
            {"left": "Forced labour", "right": "Purpose"},
            {"left": "Transport", "right": "Act"},
        ],
    }


def numerical_q() -> dict:
    return {
        "key": "t-num",
        "type": "numerical",
        "objectives": [1],
        "points": 1,
        "text": "How many elements?",
        "answers": [
            {"value": 3, "tolerance": 0.5, "fraction": 100, "feedback": "Act, means, purpose."},
            {"min": 2, "max": 5, "fraction": 50, "feedback": "Close."},
            {"value": 10, "fraction": 0, "feedback": "Far too many."},
        ],
    }


ALL_QUESTIONS = [single_q, multiple_q, truefalse_q, short_q, matching_q, numerical_q]


def assert_grade(g: Grade, fraction: float, *, answered: bool = True) -> None:
    assert g.fraction == pytest.approx(fraction)
    assert g.is_correct is (fraction == 1.0)
    assert g.is_answered is answered


# --------------------------------------------------------------------------- single


def test_single_right_option_scores_full_with_its_feedback():
    g = grade(single_q(), "a")  # fraction 100 / 100 = 1.0
    assert_grade(g, 1.0)
    assert g.feedback == ["Yes."]


def test_single_partial_option():
    g = grade(single_q(), "b")  # 50 / 100 = 0.5
    assert_grade(g, 0.5)
    assert g.feedback == ["Partly."]


def test_single_wrong_option():
    g = grade(single_q(), "c")  # 0 / 100 = 0.0
    assert_grade(g, 0.0)
    assert g.feedback == ["No."]


def test_single_negative_option_is_floored_at_zero():
    g = grade(single_q(), "d")  # -50 / 100 = -0.5 -> floored to 0.0
    assert_grade(g, 0.0)
    assert g.feedback == ["Certainly not."]


@pytest.mark.parametrize("response", [None, "", "   ", "zzz"])
def test_single_blank_or_unknown_is_unanswered(response):
    g = grade(single_q(), response)
    assert_grade(g, 0.0, answered=False)
    assert g.feedback == []


def test_single_integer_option_ids_compare_as_text():
    q = single_q()
    for n, option in enumerate(q["options"], start=1):
        option["id"] = n
    assert_grade(grade(q, "1"), 1.0)  # option 1 has fraction 100
    assert parse_response(q, MultiDict({"q": "2"}), "q") == "2"


# --------------------------------------------------------------------------- multiple


@pytest.mark.parametrize(
    ("chosen", "expected", "feedback"),
    [
        # one right: 50 -> 0.5
        (["a"], 0.5, ["A is right."]),
        # both right: 50 + 50 = 100 -> 1.0
        (["a", "b"], 1.0, ["A is right.", "B is right."]),
        # one right + one wrong: 50 - 50 = 0 -> 0.0
        (["a", "c"], 0.0, ["A is right.", "C is wrong."]),
        # both right + one wrong: 50 + 50 - 50 = 50 -> 0.5
        (["a", "b", "c"], 0.5, ["A is right.", "B is right.", "C is wrong."]),
        # everything: 50 + 50 - 50 - 50 = 0 -> 0.0
        (["a", "b", "c", "d"], 0.0, ["A is right.", "B is right.", "C is wrong."]),
        # only wrong: -50 - 50 = -100 -> floored to 0.0
        (["c", "d"], 0.0, ["C is wrong."]),
        # one wrong: -50 -> floored to 0.0
        (["d"], 0.0, []),
    ],
)
def test_multiple_partial_credit_and_negative_weights(chosen, expected, feedback):
    g = grade(multiple_q(), chosen)
    assert_grade(g, expected)
    assert g.feedback == feedback


def test_multiple_feedback_follows_authored_order_not_choice_order():
    g = grade(multiple_q(), ["b", "a"])  # 50 + 50 = 100 -> 1.0
    assert_grade(g, 1.0)
    assert g.feedback == ["A is right.", "B is right."]


def test_multiple_duplicates_and_unknown_ids_are_ignored():
    # "a" counted once: 50 -> 0.5; "zzz" is not an option
    assert_grade(grade(multiple_q(), ["a", "a", "zzz"]), 0.5)


def test_multiple_capped_at_one():
    q = multiple_q()
    q["options"][2]["fraction"] = 60  # a malformed question: positives 50 + 50 + 60 = 160
    g = grade(q, ["a", "b", "c"])  # 160 / 100 = 1.6 -> capped to 1.0
    assert_grade(g, 1.0)


def test_multiple_thirds_count_as_full_marks():
    q = multiple_q()
    q["options"] = [
        {"id": "a", "text": "A", "fraction": 33.33},
        {"id": "b", "text": "B", "fraction": 33.33},
        {"id": "c", "text": "C", "fraction": 33.34},
        {"id": "d", "text": "D", "fraction": -100},
    ]
    assert validate_question(q) == []
    assert_grade(grade(q, ["a", "b", "c"]), 1.0)  # 33.33 + 33.33 + 33.34 = 100
    assert_grade(grade(q, ["a", "b"]), 0.6666)  # 33.33 + 33.33 = 66.66 -> 0.6666
    q["options"][2]["fraction"] = 33.33
    assert validate_question(q) == []  # 99.99 is within the 0.01 allowed
    assert_grade(grade(q, ["a", "b", "c"]), 1.0)  # 99.99 counts as 100


@pytest.mark.parametrize("response", [None, []])
def test_multiple_nothing_chosen_is_unanswered(response):
    assert_grade(grade(multiple_q(), response), 0.0, answered=False)


# --------------------------------------------------------------------------- truefalse


def test_truefalse_right_and_wrong():
    right = grade(truefalse_q(), True)  # True == True -> 1.0
    assert_grade(right, 1.0)
    assert right.feedback == ["Correct."]
    wrong = grade(truefalse_q(), False)  # False != True -> 0.0
    assert_grade(wrong, 0.0)
    assert wrong.feedback == ["Look again at Article 3(b)."]


def test_truefalse_false_answer():
    q = truefalse_q()
    q["answer"] = False
    assert_grade(grade(q, False), 1.0)  # False == False -> 1.0
    assert_grade(grade(q, True), 0.0)  # True != False -> 0.0


def test_truefalse_unanswered():
    g = grade(truefalse_q(), None)
    assert_grade(g, 0.0, answered=False)
    assert g.feedback == []


# --------------------------------------------------------------------------- short


@pytest.mark.parametrize(
    ("typed", "expected", "feedback"),
    [
        ("Palermo Protocol", 1.0, ["Exactly."]),  # exact: 100 -> 1.0
        ("  palermo    PROTOCOL ", 1.0, ["Exactly."]),  # case and spaces ignored -> 1.0
        ("palermo\tprotocol\n", 1.0, ["Exactly."]),  # tabs and newlines are spaces -> 1.0
        ("PALERMO", 0.5, ["Nearly."]),  # 50 -> 0.5
        ("un protocol", 0.0, ["Which one?"]),  # matched a 0% answer: its feedback shows
        ("Palermo Protocols", 0.0, []),  # no answer matches -> 0.0
        ("PalermoProtocol", 0.0, []),  # spaces are collapsed, not removed
    ],
)
def test_short_answers(typed, expected, feedback):
    g = grade(short_q(), typed)
    assert_grade(g, expected)
    assert g.feedback == feedback


def test_short_takes_the_highest_of_several_matches():
    q = short_q()
    q["answers"].insert(0, {"text": "palermo protocol", "fraction": 20, "feedback": "Low."})
    g = grade(q, "Palermo Protocol")  # matches 20 and 100 -> max = 100 -> 1.0
    assert_grade(g, 1.0)
    assert g.feedback == ["Exactly."]


def test_short_casefold_handles_german_sharp_s():
    q = short_q()
    q["answers"] = [{"text": "Straße", "fraction": 100}]
    assert_grade(grade(q, "STRASSE"), 1.0)  # casefold("Straße") == "strasse"


@pytest.mark.parametrize("typed", [None, "", "   \t"])
def test_short_blank_is_unanswered(typed):
    assert_grade(grade(short_q(), typed), 0.0, answered=False)


# --------------------------------------------------------------------------- matching


def test_matching_all_right():
    response = {"0": "Act", "1": "Means", "2": "Purpose", "3": "Act"}
    g = grade(matching_q(), response)  # 4 correct / 4 pairs = 1.0
    assert_grade(g, 1.0)
    assert g.feedback == []


def test_matching_partial():
    response = {"0": "Act", "1": "Purpose", "2": "Means", "3": "Act"}
    # pairs 0 and 3 right, 1 and 2 swapped: 2 / 4 = 0.5
    assert_grade(grade(matching_q(), response), 0.5)


def test_matching_partial_with_gaps():
    # only pair 1 answered, and right: 1 / 4 = 0.25 (unanswered pairs count as wrong)
    assert_grade(grade(matching_q(), {"1": "Means", "2": ""}), 0.25)


def test_matching_shared_right_text_counts_for_either_pair():
    q = matching_q()
    # pairs 0 and 3 both have right "Act"; "Act" on either is correct: 2 / 4 = 0.5
    assert_grade(grade(q, {"0": "Act", "3": "Act"}), 0.5)


def test_matching_integer_keys_are_accepted():
    assert_grade(grade(matching_q(), {0: "Act", 1: "Means"}), 0.5)  # 2 / 4 = 0.5


def test_matching_three_pairs_gives_thirds():
    q = matching_q()
    del q["pairs"][3]
    assert_grade(grade(q, {"0": "Act"}), 1 / 3)  # 1 / 3
    assert_grade(grade(q, {"0": "Act", "1": "Means"}), 2 / 3)  # 2 / 3


@pytest.mark.parametrize("response", [None, {}, {"0": "", "1": "  "}])
def test_matching_blank_is_unanswered(response):
    assert_grade(grade(matching_q(), response), 0.0, answered=False)


# --------------------------------------------------------------------------- numerical


@pytest.mark.parametrize(
    ("typed", "expected", "feedback"),
    [
        ("3", 1.0, ["Act, means, purpose."]),  # 3 in 3±0.5 -> 100
        ("2.5", 1.0, ["Act, means, purpose."]),  # lower edge 3-0.5 inclusive -> 100
        ("3.5", 1.0, ["Act, means, purpose."]),  # upper edge 3+0.5 inclusive -> 100
        ("2.49", 0.5, ["Close."]),  # outside 2.5..3.5, inside 2..5 -> 50
        ("3.51", 0.5, ["Close."]),  # outside 2.5..3.5, inside 2..5 -> 50
        ("2", 0.5, ["Close."]),  # range min 2 inclusive -> 50
        ("5", 0.5, ["Close."]),  # range max 5 inclusive -> 50
        ("5.01", 0.0, []),  # in no range -> 0
        ("1.99", 0.0, []),  # in no range -> 0
        ("10", 0.0, ["Far too many."]),  # matched the 0% answer (tolerance defaults to 0)
        (" 3,5 ", 1.0, ["Act, means, purpose."]),  # comma decimal 3,5 = 3.5 -> 100
        ("4,2", 0.5, ["Close."]),  # 4.2 -> range 2..5 -> 50
        ("3e0", 1.0, ["Act, means, purpose."]),  # 3e0 = 3 -> 100
        ("+3", 1.0, ["Act, means, purpose."]),  # explicit plus sign
        (".5e1", 0.5, ["Close."]),  # 0.5e1 = 5 -> range max -> 50
    ],
)
def test_numerical_tolerance_ranges_and_best_fraction(typed, expected, feedback):
    g = grade(numerical_q(), typed)
    assert_grade(g, expected)
    assert g.feedback == feedback


def test_numerical_negative_and_exponent():
    q = numerical_q()
    q["answers"] = [
        {"value": -2, "fraction": 100},
        {"value": 1000, "tolerance": 0, "fraction": 100},
    ]
    assert_grade(grade(q, "-2"), 1.0)  # -2 == -2
    assert_grade(grade(q, "1e3"), 1.0)  # 1e3 = 1000
    assert_grade(grade(q, "1E3"), 1.0)
    assert_grade(grade(q, "\u22122"), 1.0)  # typographic minus sign
    assert_grade(grade(q, "-2.0001"), 0.0)  # tolerance 0: only -2 itself


def test_numerical_float_noise_does_not_fail_an_exact_answer():
    q = numerical_q()
    q["answers"] = [{"value": 0.1 + 0.2, "tolerance": 0, "fraction": 100}]
    assert_grade(grade(q, "0.3"), 1.0)  # 0.30000000000000004 vs 0.3: within 1e-9 relative
    q["answers"] = [{"value": 0.3, "tolerance": 0.1, "fraction": 100}]
    assert_grade(grade(q, "0.2"), 1.0)  # 0.3 - 0.1 = 0.19999999999999998; 0.2 still inside
    assert_grade(grade(q, "0.4"), 1.0)  # 0.3 + 0.1 = 0.4 edge
    assert_grade(grade(q, "0.1999"), 0.0)  # clearly outside


def test_numerical_epsilon_is_relative_not_absolute():
    q = numerical_q()
    q["answers"] = [{"min": 0, "max": 1, "fraction": 100}]
    assert_grade(grade(q, "1e20"), 0.0)  # a huge number is not "close" to 0..1
    assert_grade(grade(q, "1.000001"), 0.0)  # 1e-6 past the edge is outside


def test_numerical_negative_fraction_is_floored():
    q = numerical_q()
    q["answers"].append({"value": 100, "fraction": -50, "feedback": "Penalty."})
    g = grade(q, "100")  # only the -50 answer matches -> -0.5 -> floored to 0.0
    assert_grade(g, 0.0)
    assert g.feedback == ["Penalty."]


@pytest.mark.parametrize("typed", ["abc", "3.5.1", "1,000.5", "3 5", "nan", "inf", "1_000", "--2"])
def test_numerical_invalid_number_is_answered_but_scores_zero(typed):
    g = grade(numerical_q(), typed)
    assert_grade(g, 0.0, answered=True)
    assert g.feedback == [NOT_A_NUMBER]
    assert "not a number" in NOT_A_NUMBER


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_numerical_blank_is_unanswered(typed):
    g = grade(numerical_q(), typed)
    assert_grade(g, 0.0, answered=False)
    assert g.feedback == []


def test_grade_unknown_type_raises():
    with pytest.raises(ValueError):
        grade({"type": "cloze"}, "text")


def test_grade_is_frozen():
    g = grade(single_q(), "a")
    with pytest.raises(AttributeError):
        g.fraction = 0.0  # type: ignore[misc]


# --------------------------------------------------------------------------- parse_response


def test_parse_single():
    q = single_q()
    assert parse_response(q, MultiDict([("q1", "b")]), "q1") == "b"
    assert parse_response(q, MultiDict([("q1", "zzz")]), "q1") is None
    assert parse_response(q, MultiDict([("q1", "")]), "q1") is None
    assert parse_response(q, MultiDict(), "q1") is None


def test_parse_multiple_ignores_duplicates_and_unknown_ids():
    form = MultiDict([("q2", "b"), ("q2", "a"), ("q2", "b"), ("q2", "zzz"), ("other", "c")])
    assert parse_response(multiple_q(), form, "q2") == ["b", "a"]
    assert parse_response(multiple_q(), MultiDict(), "q2") == []


def test_parse_truefalse():
    q = truefalse_q()
    assert parse_response(q, MultiDict([("q", "true")]), "q") is True
    assert parse_response(q, MultiDict([("q", "false")]), "q") is False
    assert parse_response(q, MultiDict([("q", "maybe")]), "q") is None
    assert parse_response(q, MultiDict(), "q") is None


def test_parse_short_and_numerical_return_raw_text():
    assert parse_response(short_q(), MultiDict([("q", " Palermo ")]), "q") == " Palermo "
    assert parse_response(short_q(), MultiDict(), "q") == ""
    assert parse_response(numerical_q(), MultiDict([("q", " 3,5 ")]), "q") == " 3,5 "
    assert parse_response(numerical_q(), MultiDict(), "q") == ""


def test_parse_matching():
    form = MultiDict(
        [("m-0", "Act"), ("m-1", "Purpose"), ("m-2", ""), ("m-3", "Forged"), ("m-9", "Act")]
    )
    # blank and unknown right texts are left out; index 9 is not a pair
    assert parse_response(matching_q(), form, "m") == {"0": "Act", "1": "Purpose"}


def test_parse_then_grade_round_trip():
    form = MultiDict(
        [
            ("s", "b"),
            ("m", "a"),
            ("m", "b"),
            ("m", "c"),
            ("tf", "true"),
            ("sh", "palermo  protocol"),
            ("mt-0", "Act"),
            ("mt-1", "Means"),
            ("mt-2", "Act"),
            ("mt-3", "Act"),
            ("n", "2,75"),
        ]
    )
    cases = [
        (single_q(), "s", 0.5),  # option b: 50 -> 0.5
        (multiple_q(), "m", 0.5),  # 50 + 50 - 50 = 50 -> 0.5
        (truefalse_q(), "tf", 1.0),  # True == True
        (short_q(), "sh", 1.0),  # normalised match with "Palermo Protocol"
        (matching_q(), "mt", 0.75),  # pairs 0, 1, 3 right, 2 wrong: 3 / 4
        (numerical_q(), "n", 1.0),  # 2.75 in 2.5..3.5
    ]
    for question, name, expected in cases:
        assert_grade(grade(question, parse_response(question, form, name)), expected)


def test_parse_with_nothing_submitted_grades_as_unanswered():
    for make in ALL_QUESTIONS:
        question = make()
        g = grade(question, parse_response(question, MultiDict(), "q"))
        assert_grade(g, 0.0, answered=False)


# --------------------------------------------------------------------------- public_view

FORBIDDEN_KEYS = {
    "fraction",
    "feedback",
    "feedback_right",
    "feedback_wrong",
    "answer",
    "answers",
    "pairs",
    "right",
    "objectives",
}


def walk_keys(value: Any) -> set[str]:
    keys: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            keys.add(key)
            keys |= walk_keys(item)
    elif isinstance(value, list | tuple):
        for item in value:
            keys |= walk_keys(item)
    return keys


def walk_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in walk_strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in walk_strings(item)]
    return []


@pytest.mark.parametrize("make", ALL_QUESTIONS)
@pytest.mark.parametrize("shuffle", [True, False])
def test_public_view_leaks_no_answers(make, shuffle):
    question = make()
    view = public_view(question, seed=7, shuffle=shuffle)
    assert not walk_keys(view) & FORBIDDEN_KEYS
    assert {"key", "type", "text", "format", "points"} <= set(view)
    strings = walk_strings(view)
    for secret in ("Yes.", "Partly.", "A is right.", "Correct.", "Exactly.", "Close."):
        assert secret not in strings
    if question["type"] in ("short", "numerical"):
        assert "Palermo Protocol" not in strings


def test_public_view_does_not_change_the_question():
    question = multiple_q()
    before = copy.deepcopy(question)
    public_view(question, seed=3, shuffle=True)
    assert question == before


def test_public_view_fields_per_type():
    single = public_view(single_q(), seed=0, shuffle=False)
    assert single == {
        "key": "t-single",
        "type": "single",
        "text": "Which one?",
        "format": "markdown",
        "points": 1,
        "options": [
            {"id": "a", "text": "Right"},
            {"id": "b", "text": "Half"},
            {"id": "c", "text": "Wrong"},
            {"id": "d", "text": "Very wrong"},
        ],
    }
    assert set(public_view(truefalse_q(), 0, False)) == {"key", "type", "text", "format", "points"}
    assert set(public_view(short_q(), 0, False)) == {"key", "type", "text", "format", "points"}
    assert set(public_view(numerical_q(), 0, False)) == {"key", "type", "text", "format", "points"}
    html = single_q() | {"format": "html"}
    assert public_view(html, 0, False)["format"] == "html"


def test_public_view_matching_unshuffled_sorts_distinct_rights():
    view = public_view(matching_q(), seed=0, shuffle=False)
    assert view["lefts"] == [
        {"index": 0, "text": "Recruitment"},
        {"index": 1, "text": "Deception"},
        {"index": 2, "text": "Forced labour"},
        {"index": 3, "text": "Transport"},
    ]
    assert view["rights"] == ["Act", "Means", "Purpose"]  # "Act" once, alphabetical


def option_order(seed: int) -> list[str]:
    return [o["id"] for o in public_view(single_q(), seed=seed, shuffle=True)["options"]]


def test_public_view_shuffle_is_deterministic_per_seed():
    for seed in range(10):
        assert option_order(seed) == option_order(seed)
        assert sorted(option_order(seed)) == ["a", "b", "c", "d"]
    matching = [public_view(matching_q(), seed=5, shuffle=True)["rights"] for _ in range(3)]
    assert matching[0] == matching[1] == matching[2]
    assert sorted(matching[0]) == ["Act", "Means", "Purpose"]


def test_public_view_shuffle_differs_across_seeds():
    orders = {tuple(option_order(seed)) for seed in range(20)}
    assert len(orders) > 1  # 24 possible orders of 4 options; 20 seeds give several
    rights = {
        tuple(public_view(matching_q(), seed=seed, shuffle=True)["rights"]) for seed in range(20)
    }
    assert len(rights) > 1


# --------------------------------------------------------------------------- max_score


def test_max_score_sums_points():
    questions = [q() for q in ALL_QUESTIONS]
    # 1 + 2 + 1 + 1 + 3 + 1 = 9
    assert max_score(questions) == 9.0
    assert max_score([]) == 0.0
    questions[0]["points"] = 0.5
    assert max_score(questions) == 8.5  # 0.5 + 2 + 1 + 1 + 3 + 1


# --------------------------------------------------------------------------- validate_question


@pytest.mark.parametrize("make", ALL_QUESTIONS)
def test_valid_questions_have_no_problems(make):
    assert validate_question(make()) == []


DELETE = object()


def problems_for(make, **changes: Any) -> list[str]:
    question = make()
    for key, value in changes.items():
        if value is DELETE:
            question.pop(key, None)
        else:
            question[key] = value
    return validate_question(question)


def assert_problem(problems: list[str], *words: str) -> None:
    assert problems, "expected at least one problem"
    joined = " | ".join(problems).lower()
    for word in words:
        assert word.lower() in joined, f"{word!r} not in {problems}"


@pytest.mark.parametrize(
    ("make", "changes", "words"),
    [
        (single_q, {"type": "cloze"}, ("type", "not known")),
        (single_q, {"type": DELETE}, ("type", "not known")),
        (single_q, {"text": "   "}, ("no text",)),
        (single_q, {"text": DELETE}, ("no text",)),
        (single_q, {"points": 0}, ("points",)),
        (single_q, {"points": -1}, ("points",)),
        (single_q, {"points": "1"}, ("points",)),
        (single_q, {"objectives": []}, ("objective",)),
        (single_q, {"objectives": DELETE}, ("objective",)),
        (single_q, {"objectives": [5]}, ("objectives", "1 to 4")),
        (single_q, {"objectives": [0]}, ("objectives", "1 to 4")),
        (single_q, {"objectives": ["1"]}, ("objectives", "1 to 4")),
        (single_q, {"objectives": 1}, ("objective",)),
        (single_q, {"format": "rst"}, ("format",)),
    ],
)
def test_validate_common_fields(make, changes, words):
    assert_problem(problems_for(make, **changes), *words)


def test_validate_single_options():
    q = single_q()
    q["options"] = q["options"][:1]
    assert_problem(validate_question(q), "at least 2 options")

    q = single_q()
    q["options"][0]["fraction"] = 90  # best is now 90, not 100
    assert_problem(validate_question(q), "fraction of 100")

    q = single_q()
    q["options"][1]["fraction"] = 150
    assert_problem(validate_question(q), "Option 2", "between -100 and 100")

    q = single_q()
    q["options"][3]["fraction"] = -101
    assert_problem(validate_question(q), "Option 4", "between -100 and 100")

    q = single_q()
    q["options"][1]["id"] = "a"
    assert_problem(validate_question(q), "Option 2", "unique")

    q = single_q()
    q["options"][2]["text"] = ""
    assert_problem(validate_question(q), "Option 3", "no text")

    q = single_q()
    del q["options"][2]["id"]
    assert_problem(validate_question(q), "Option 3", "no id")

    q = single_q()
    q["options"][2]["fraction"] = "lots"
    assert_problem(validate_question(q), "Option 3", "not a number")

    q = single_q()
    del q["options"]
    assert_problem(validate_question(q), "at least 2 options")


def test_validate_single_allows_two_right_options():
    q = single_q()
    q["options"][1]["fraction"] = 100  # two options at 100 is allowed
    assert validate_question(q) == []


def test_validate_multiple_options():
    q = multiple_q()
    q["options"] = q["options"][:1]
    assert_problem(validate_question(q), "at least 2 options")

    q = multiple_q()
    q["options"][1]["fraction"] = 40  # positives 50 + 40 = 90
    assert_problem(validate_question(q), "add up to 90", "must add up to 100")

    q = multiple_q()
    q["options"][1]["fraction"] = 60  # positives 50 + 60 = 110
    assert_problem(validate_question(q), "add up to 110")

    q = multiple_q()
    q["options"][2]["fraction"] = -150
    assert_problem(validate_question(q), "Option 3", "between -100 and 100")

    q = multiple_q()
    q["options"][3]["id"] = "c"
    assert_problem(validate_question(q), "Option 4", "unique")


def test_validate_truefalse():
    assert_problem(problems_for(truefalse_q, answer="true"), "answer: true")
    assert_problem(problems_for(truefalse_q, answer=1), "answer: true")
    assert_problem(problems_for(truefalse_q, answer=DELETE), "answer: true")


def test_validate_short():
    q = short_q()
    q["answers"][0]["fraction"] = 90  # best is 90
    assert_problem(validate_question(q), "fraction of 100")

    assert_problem(problems_for(short_q, answers=[]), "at least one answer")
    assert_problem(problems_for(short_q, answers=DELETE), "at least one answer")

    q = short_q()
    q["answers"][1]["text"] = " "
    assert_problem(validate_question(q), "Answer 2", "no text")

    q = short_q()
    q["answers"][2]["fraction"] = 120
    assert_problem(validate_question(q), "Answer 3", "between -100 and 100")


def test_validate_matching():
    q = matching_q()
    q["pairs"] = q["pairs"][:1]
    assert_problem(validate_question(q), "at least 2 pairs")

    assert_problem(problems_for(matching_q, pairs=DELETE), "at least 2 pairs")

    q = matching_q()
    q["pairs"][1]["left"] = ""
    assert_problem(validate_question(q), "Pair 2", "no left")

    q = matching_q()
    del q["pairs"][2]["right"]
    assert_problem(validate_question(q), "Pair 3", "no right")


def test_validate_numerical():
    q = numerical_q()
    q["answers"][0]["fraction"] = 80
    assert_problem(validate_question(q), "fraction of 100")

    assert_problem(problems_for(numerical_q, answers=[]), "at least one answer")

    q = numerical_q()
    q["answers"][0]["tolerance"] = -0.5
    assert_problem(validate_question(q), "Answer 1", "negative tolerance")

    q = numerical_q()
    q["answers"][1] = {"min": 6, "max": 2, "fraction": 50}
    assert_problem(validate_question(q), "Answer 2", "greater than max")

    q = numerical_q()
    q["answers"][1] = {"min": 2, "fraction": 50}
    assert_problem(validate_question(q), "Answer 2", "min and max")

    q = numerical_q()
    q["answers"][1] = {"fraction": 50}
    assert_problem(validate_question(q), "Answer 2", "value", "min and max")

    q = numerical_q()
    q["answers"][0]["value"] = "3,5"
    assert_problem(validate_question(q), "Answer 1", "not a number")

    q = numerical_q()
    q["answers"][0]["min"] = 1
    assert_problem(validate_question(q), "Answer 1", "only one")

    q = numerical_q()
    q["answers"][2]["fraction"] = -200
    assert_problem(validate_question(q), "Answer 3", "between -100 and 100")


def test_validate_numerical_min_equal_max_and_zero_tolerance_are_fine():
    q = numerical_q()
    q["answers"] = [
        {"min": 3, "max": 3, "fraction": 100},
        {"value": 4, "tolerance": 0, "fraction": 50},
    ]
    assert validate_question(q) == []


def test_validate_reports_several_problems_at_once():
    problems = validate_question(
        {"type": "single", "text": "", "points": 0, "objectives": [], "options": []}
    )
    assert len(problems) >= 4
    assert all(isinstance(p, str) and p.endswith(".") for p in problems)


def test_validate_non_dict():
    assert validate_question([]) != []  # type: ignore[arg-type]
