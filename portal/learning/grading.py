"""Grading of quiz questions: pure functions over the canonical question dict.

The question dict is the one described in ``content/README.md``. Fractions are
percentages (-100..100); every function here returns fractions of the question's
points as 0.0..1.0. Nothing in this module touches Flask or the database.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

QUESTION_TYPES = (
    "single",
    "multiple",
    "truefalse",
    "short",
    "matching",
    "numerical",
    "essay",
    "description",
)
#: Types a trainer grades by hand; their answers wait with grading state "awaiting".
MANUAL_TYPES = ("essay",)
#: The longest essay answer kept (characters); longer text is refused at the form.
ESSAY_MAX_CHARS = 20_000
TEXT_FORMATS = ("markdown", "html", "plain", "moodle")

#: Feedback given when a numerical response cannot be read as a number.
NOT_A_NUMBER = "Your answer is not a number. Type digits only, for example 3.5 or 3,5."

# Percent sums within this distance of 100 count as full marks. It matches the
# tolerance validate_question allows for the positive fractions of a multiple question
# (e.g. 33.33 + 33.33 + 33.33), so a correct answer is never graded 0.9999.
_FULL_MARK_SLACK = 0.01 + 1e-9  # the 1e-9 absorbs float noise such as 3 * 33.33
# Relative epsilon for numerical ranges, so float noise never fails an exact answer.
_REL_EPS = 1e-9

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


class FormLike(Protocol):
    """What parse_response needs from a form (werkzeug MultiDict fits)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response to one question."""

    fraction: float
    feedback: list[str] = field(default_factory=list)
    is_correct: bool = False
    is_answered: bool = False


# --------------------------------------------------------------------------- helpers


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _fraction_pct(item: dict) -> float:
    value = item.get("fraction", 0)
    return float(value) if _is_number(value) else 0.0


def _points(question: dict) -> float:
    if question.get("type") == "description":
        return 0.0  # text shown between questions: nothing to answer
    value = question.get("points", 1)
    return float(value) if _is_number(value) else 0.0


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _from_percent(total: float) -> float:
    """Turn a percent total into a 0..1 fraction: floor at 0, cap at 1, snap near-100."""
    if total >= 100 - _FULL_MARK_SLACK:
        return 1.0
    return max(0.0, total / 100)


def _make(fraction: float, feedback: list[str], answered: bool = True) -> Grade:
    fraction = min(1.0, max(0.0, fraction))
    return Grade(
        fraction=fraction,
        feedback=[f for f in feedback if f],
        is_correct=fraction == 1.0,
        is_answered=answered,
    )


_UNANSWERED = Grade(fraction=0.0, feedback=[], is_correct=False, is_answered=False)


def _options(question: dict) -> list[dict]:
    options = question.get("options") or []
    return [o for o in options if isinstance(o, dict)]


def _option_id(option: dict) -> str:
    value = option.get("id")
    return "" if value is None else str(value)


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_APOSTROPHES = "'\u2019\u02bc\u2018`"
_ARTICLES = frozenset(("a", "an", "the"))
# Private characters stand for a wildcard star and an escaped (literal) star in keys.
_WILD, _STAR = "\U000f0001", "\U000f0002"
_BRACKETED = re.compile(r"\A(?P<outer>[^()\[\]]+?)\s*[(\[](?P<inner>[^()\[\]]+)[)\]]\W*\Z")
_INSIDE_NUMBER = re.compile(r"(?<=\d)[.,](?=\d)")
_KEEP_IN_NUMBER = "\U000f0003"
_SMALL_WORDS = frozenset(("and", "for", "in", "of", "on", "the", "to"))


def _fold(text: str, is_key: bool = False) -> str:
    """Fold a short answer or key for comparison (see normalise_short)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if is_key:
        text = text.replace("\\*", _STAR).replace("*", _WILD)
    text = _INSIDE_NUMBER.sub(_KEEP_IN_NUMBER, text)  # 3.5 stays one number
    text = text.replace("&", " and ")
    text = re.sub(f"(?<=\\w)[{_APOSTROPHES}](?=\\w)", "", text)  # victim's = victims
    out = []
    for char in text:
        if char in _DASHES or char in "/_":
            out.append(" ")
        elif char in (_WILD, _STAR, _KEEP_IN_NUMBER) or (char == "*" and not is_key):
            out.append(char)
        elif unicodedata.category(char)[0] in "PS":
            out.append(" ")
        else:
            out.append(char)
    words = "".join(out).replace(_KEEP_IN_NUMBER, ".").split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def normalise_short(text: str) -> str:
    """Normalise a short answer for comparison.

    Unicode NFKC and case folding; dashes, hyphens, slashes and other punctuation
    (quotes, a trailing full stop, commas, brackets) count as spaces; "&" is "and";
    an apostrophe inside a word is dropped; one leading article (a, an, the) is
    dropped; whitespace is collapsed. A decimal point or comma between digits stays.
    """
    return _fold(text)


@lru_cache(maxsize=4096)
def key_pattern(key: str) -> re.Pattern[str] | None:
    """The compiled form of a short-answer key: Moodle's '*' matches any text.

    Write '\\*' for a literal star. None when the key folds to nothing.
    """
    folded = _fold(key, is_key=True)
    if not folded.replace(_WILD, ""):
        return None if not folded else re.compile(".*", re.S)
    parts = [re.escape(part) for part in folded.split(_WILD)]
    return re.compile(".*".join(parts).replace(re.escape(_STAR), re.escape("*")), re.S)


def key_matches(key: str, typed_folded: str) -> bool:
    """Whether a folded response matches a short-answer key."""
    pattern = key_pattern(key)
    return bool(typed_folded) and pattern is not None and bool(pattern.fullmatch(typed_folded))


def _initials(text: str) -> set[str]:
    """The acronyms a phrase may have (all words, or without small words)."""
    words = _fold(text).split()
    every = "".join(w[0] for w in words)
    big = "".join(w[0] for w in words if w not in _SMALL_WORDS)
    return {every, big} - {""}


def key_display(key: str) -> str:
    """A key as the review shows it: a wildcard as "…", an escaped star as "*"."""
    return key.replace("\\*", _STAR).replace("*", "…").replace(_STAR, "*")


def parse_number(text: Any) -> float | None:
    """Read a typed number ("3.5", " 3,5 ", "-2", "1e3"); None when it is not one."""
    if _is_number(text):
        return float(text)
    if not isinstance(text, str):
        return None
    cleaned = text.strip().replace("\u2212", "-")  # typographic minus sign
    if not _NUMBER_RE.fullmatch(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def _distinct_rights(question: dict) -> list[str]:
    seen: list[str] = []
    for pair in question.get("pairs") or []:
        if isinstance(pair, dict):
            right = _text(pair.get("right"))
            if right and right not in seen:
                seen.append(right)
    for distractor in question.get("distractors") or []:
        right = _text(distractor)
        if right and right not in seen:
            seen.append(right)  # an extra answer that matches no item
    return seen


# --------------------------------------------------------------------------- grading


def _grade_single(question: dict, response: Any) -> Grade:
    if response is None or (isinstance(response, str) and not response.strip()):
        return _UNANSWERED
    chosen = str(response).strip()
    for option in _options(question):
        if _option_id(option) == chosen:
            return _make(_from_percent(_fraction_pct(option)), [_text(option.get("feedback"))])
    return _UNANSWERED  # an id the question does not have


def _grade_multiple(question: dict, response: Any) -> Grade:
    if response is None:
        return _UNANSWERED
    if isinstance(response, str):
        response = [response]
    chosen = {str(r).strip() for r in response if r is not None}
    picked = [o for o in _options(question) if _option_id(o) in chosen]
    if not picked:
        return _UNANSWERED
    total = sum(_fraction_pct(o) for o in picked)
    return _make(_from_percent(total), [_text(o.get("feedback")) for o in picked])


def _grade_truefalse(question: dict, response: Any) -> Grade:
    if isinstance(response, str):
        response = {"true": True, "false": False}.get(response.strip().lower())
    if not isinstance(response, bool):
        return _UNANSWERED
    if response == question.get("answer"):
        return _make(1.0, [_text(question.get("feedback_right"))])
    return _make(0.0, [_text(question.get("feedback_wrong"))])


def _best_short(answers: list[dict], typed: str) -> dict | None:
    folded = _fold(typed)
    best: dict | None = None
    for answer in answers:
        if not key_matches(answer["text"], folded):
            continue
        if best is None or _fraction_pct(answer) > _fraction_pct(best):
            best = answer
    return best


def _bracketed(answers: list[dict], typed: str) -> dict | None:
    """ "Expansion (ACRONYM)": counts when both parts are keys (the lower grade), or when
    one part is a key and the other is its acronym."""
    match = _BRACKETED.match(unicodedata.normalize("NFKC", typed).strip(" \t\n\"'“”‘’«»"))
    if match is None:
        return None
    outer, inner = match.group("outer"), match.group("inner")
    first, second = _best_short(answers, outer), _best_short(answers, inner)
    if first is not None and second is not None:
        return min(first, second, key=_fraction_pct)
    if first is not None and _fold(inner).replace(" ", "") in _initials(outer):
        return first
    if second is not None and _fold(outer).replace(" ", "") in _initials(inner):
        return second
    return None


_INNER_BRACKETS = re.compile(r"\s*[(\[]([^()\[\]]+)[)\]]")


def _without_acronyms(typed: str) -> str | None:
    """The answer without bracketed acronyms of the words just before them, when it has
    any: "Trafficking in Persons (TIP) Protocol" -> "Trafficking in Persons Protocol"."""
    removed = False

    def drop(match: re.Match[str]) -> str:
        nonlocal removed
        before = _fold(typed[: match.start()]).split()
        acronym = _fold(match.group(1)).replace(" ", "")
        for n in range(1, min(len(before), 12) + 1):
            if acronym in _initials(" ".join(before[-n:])):
                removed = True
                return ""
        return match.group(0)

    shorter = _INNER_BRACKETS.sub(drop, typed)
    return shorter if removed else None


def _grade_short(question: dict, response: Any) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return _UNANSWERED
    answers = [
        a
        for a in question.get("answers") or []
        if isinstance(a, dict) and isinstance(a.get("text"), str)
    ]
    shorter = _without_acronyms(response)
    candidates = [_best_short(answers, response), _bracketed(answers, response)]
    if shorter is not None:
        candidates.append(_best_short(answers, shorter))
    found = [a for a in candidates if a]
    best = max(found, key=_fraction_pct) if found else None
    if best is None:
        return _make(0.0, [])
    return _make(_from_percent(_fraction_pct(best)), [_text(best.get("feedback"))])


def _grade_matching(question: dict, response: Any) -> Grade:
    pairs = [p for p in question.get("pairs") or [] if isinstance(p, dict)]
    if not isinstance(response, dict) or not pairs:
        return _UNANSWERED
    chosen: dict[str, str] = {}
    for key, value in response.items():
        if isinstance(value, str) and value.strip():
            chosen[str(key)] = value.strip()
    if not chosen:
        return _UNANSWERED
    correct = sum(
        1 for i, pair in enumerate(pairs) if chosen.get(str(i)) == _text(pair.get("right"))
    )
    return _make(correct / len(pairs), [])


def _in_range(number: float, low: float, high: float) -> bool:
    eps = _REL_EPS * max(abs(low), abs(high))
    return low - eps <= number <= high + eps


def _answer_range(answer: dict) -> tuple[float, float] | None:
    if _is_number(answer.get("value")):
        tolerance = answer.get("tolerance", 0)
        tolerance = abs(float(tolerance)) if _is_number(tolerance) else 0.0
        value = float(answer["value"])
        return value - tolerance, value + tolerance
    if _is_number(answer.get("min")) and _is_number(answer.get("max")):
        return float(answer["min"]), float(answer["max"])
    return None


def _grade_numerical(question: dict, response: Any) -> Grade:
    if response is None or (isinstance(response, str) and not response.strip()):
        return _UNANSWERED
    number = parse_number(response)
    if number is None:
        return _make(0.0, [NOT_A_NUMBER])
    best: dict | None = None
    for answer in question.get("answers") or []:
        if not isinstance(answer, dict):
            continue
        bounds = _answer_range(answer)
        if bounds is None or not _in_range(number, *bounds):
            continue
        if best is None or _fraction_pct(answer) > _fraction_pct(best):
            best = answer
    if best is None:
        # "Any other answer" (GIFT's ~ part): no credit, its own feedback.
        return _make(0.0, [_text(question.get("other_feedback"))])
    return _make(_from_percent(_fraction_pct(best)), [_text(best.get("feedback"))])


def _grade_essay(question: dict, response: Any) -> Grade:
    """An essay is graded by a trainer: answered or not, it scores 0 until then."""
    if not isinstance(response, str) or not response.strip():
        return _UNANSWERED
    return _make(0.0, [])


def _grade_description(question: dict, response: Any) -> Grade:
    return Grade(fraction=0.0, feedback=[], is_correct=False, is_answered=True)


def points_of(question: dict) -> float:
    """The points a question is worth (0 for a description item)."""
    return _points(question)


def needs_trainer(question: dict, response: Any) -> bool:
    """Whether this response waits for a trainer's grade (an answered essay)."""
    return question.get("type") in MANUAL_TYPES and grade(question, response).is_answered


_GRADERS = {
    "single": _grade_single,
    "multiple": _grade_multiple,
    "truefalse": _grade_truefalse,
    "short": _grade_short,
    "matching": _grade_matching,
    "numerical": _grade_numerical,
    "essay": _grade_essay,
    "description": _grade_description,
}


def grade(question: dict, response: Any) -> Grade:
    """Grade one response (as returned by parse_response) against one question."""
    grader = _GRADERS.get(question.get("type"))
    if grader is None:
        raise ValueError(f"Unknown question type: {question.get('type')!r}")
    return grader(question, response)


# --------------------------------------------------------------------------- forms


def parse_response(question: dict, form: FormLike, name: str) -> Any:
    """Read the response to one question from submitted form data (a MultiDict)."""
    kind = question.get("type")
    if kind == "single":
        value = form.get(name)
        value = value.strip() if isinstance(value, str) else ""
        known = {_option_id(o) for o in _options(question)}
        return value if value in known else None
    if kind == "multiple":
        known = {_option_id(o) for o in _options(question)}
        chosen: list[str] = []
        for value in form.getlist(name):
            value = str(value).strip()
            if value in known and value not in chosen:
                chosen.append(value)
        return chosen
    if kind == "truefalse":
        value = form.get(name)
        value = value.strip().lower() if isinstance(value, str) else ""
        return {"true": True, "false": False}.get(value)
    if kind in ("short", "numerical"):
        value = form.get(name)
        return value if isinstance(value, str) else ""
    if kind == "essay":
        value = form.get(name)
        if not isinstance(value, str):
            return ""
        return value.replace("\x00", "").replace("\r\n", "\n")[:ESSAY_MAX_CHARS]
    if kind == "description":
        return None
    if kind == "matching":
        rights = set(_distinct_rights(question))
        chosen_pairs: dict[str, str] = {}
        for i, _pair in enumerate(question.get("pairs") or []):
            value = form.get(f"{name}-{i}")
            value = value.strip() if isinstance(value, str) else ""
            if value in rights:
                chosen_pairs[str(i)] = value
        return chosen_pairs
    raise ValueError(f"Unknown question type: {kind!r}")


# --------------------------------------------------------------------------- display


def _shuffled(items: Iterable[Any], rng: random.Random | None) -> list[Any]:
    result = list(items)
    if rng is not None:
        rng.shuffle(result)
    return result


def public_view(question: dict, seed: int, shuffle: bool) -> dict:
    """Return what the page may show before submission: no fractions, feedback or answers."""
    kind = question.get("type")
    view: dict[str, Any] = {
        "key": question.get("key"),
        "type": kind,
        "text": question.get("text", ""),
        "format": question.get("format") or "markdown",
        "points": question.get("points", 1),
    }
    rng = random.Random(seed) if shuffle else None
    if kind in ("single", "multiple"):
        options = [{"id": _option_id(o), "text": o.get("text", "")} for o in _options(question)]
        view["options"] = _shuffled(options, rng)
    elif kind == "matching":
        pairs = [p for p in question.get("pairs") or [] if isinstance(p, dict)]
        view["lefts"] = [{"index": i, "text": _text(p.get("left"))} for i, p in enumerate(pairs)]
        view["rights"] = _shuffled(sorted(_distinct_rights(question)), rng)
    elif kind == "essay":
        view["rubric"] = [
            {"criterion": _text(c.get("criterion")), "points": c.get("points")}
            for c in question.get("rubric") or []
            if isinstance(c, dict)
        ]
    return view


def max_score(questions: list[dict]) -> float:
    """Return the total points of a list of questions."""
    return float(sum(_points(q) for q in questions))


# --------------------------------------------------------------------------- validation


def _check_fraction(item: dict, label: str, problems: list[str]) -> None:
    value = item.get("fraction", 0)
    if not _is_number(value):
        problems.append(f"{label} has a fraction that is not a number.")
    elif not -100 <= value <= 100:
        problems.append(f"{label} has a fraction of {value:g}; it must be between -100 and 100.")


def _validate_options(question: dict, kind: str, problems: list[str]) -> None:
    options = question.get("options") or []
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        problems.append("The options must be a list of options.")
        return
    if len(options) < 2:
        problems.append("The question needs at least 2 options.")
    seen: set[str] = set()
    for n, option in enumerate(options, start=1):
        label = f"Option {n}"
        option_id = _option_id(option).strip()
        if not option_id:
            problems.append(f"{label} has no id.")
        elif option_id in seen:
            problems.append(f"{label} repeats the id “{option_id}”; option ids must be unique.")
        seen.add(option_id)
        if not _text(option.get("text")):
            problems.append(f"{label} has no text.")
        _check_fraction(option, label, problems)
    fractions = [_fraction_pct(o) for o in options]
    if not fractions:
        return
    if kind == "single" and max(fractions) != 100:
        problems.append("At least one option must have a fraction of 100 (the right answer).")
    if kind == "multiple":
        positive = sum(f for f in fractions if f > 0)
        if abs(positive - 100) > _FULL_MARK_SLACK:
            problems.append(
                f"The positive fractions add up to {positive:g}; they must add up to 100."
            )


def _validate_answers(question: dict, kind: str, problems: list[str]) -> None:
    answers = question.get("answers") or []
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        problems.append("The answers must be a list of answers.")
        return
    if not answers:
        problems.append("The question needs at least one answer.")
    for n, answer in enumerate(answers, start=1):
        label = f"Answer {n}"
        _check_fraction(answer, label, problems)
        if kind == "short":
            if not _text(answer.get("text")):
                problems.append(f"{label} has no text.")
            continue
        has_value = "value" in answer
        has_range = "min" in answer or "max" in answer
        if has_value and has_range:
            problems.append(f"{label} gives both a value and a min/max range; give only one.")
        elif has_value:
            if not _is_number(answer.get("value")):
                problems.append(f"{label} has a value that is not a number.")
            tolerance = answer.get("tolerance", 0)
            if not _is_number(tolerance):
                problems.append(f"{label} has a tolerance that is not a number.")
            elif tolerance < 0:
                problems.append(f"{label} has a negative tolerance; it must be 0 or more.")
        elif has_range:
            low, high = answer.get("min"), answer.get("max")
            if not _is_number(low) or not _is_number(high):
                problems.append(f"{label} needs both min and max as numbers.")
            elif low > high:
                problems.append(f"{label} has min {low:g} greater than max {high:g}.")
        else:
            problems.append(f"{label} needs a value (with an optional tolerance) or a min and max.")
    if answers and not any(_fraction_pct(a) == 100 for a in answers):
        problems.append("At least one answer must have a fraction of 100 (the right answer).")


def _validate_rubric(question: dict, problems: list[str]) -> None:
    rubric = question.get("rubric")
    if rubric is None or rubric == []:
        return
    if not isinstance(rubric, list) or not all(isinstance(c, dict) for c in rubric):
        problems.append("The rubric must be a list of criteria with points.")
        return
    for n, criterion in enumerate(rubric, start=1):
        if not _text(criterion.get("criterion")):
            problems.append(f"Rubric criterion {n} has no text.")
        if not _is_number(criterion.get("points")) or criterion.get("points") <= 0:
            problems.append(f"Rubric criterion {n} needs points greater than 0.")
    total = sum(c.get("points") for c in rubric if _is_number(c.get("points")))
    points = question.get("points", 1)
    if _is_number(points) and abs(total - points) > 1e-9:
        problems.append(
            f"The rubric's points add up to {total:g}; they must add up to the question's "
            f"{points:g} points."
        )


def _validate_pairs(question: dict, problems: list[str]) -> None:
    pairs = question.get("pairs") or []
    if not isinstance(pairs, list) or not all(isinstance(p, dict) for p in pairs):
        problems.append("The pairs must be a list of pairs with a left and a right.")
        return
    if len(pairs) < 2:
        problems.append("The question needs at least 2 pairs.")
    for n, pair in enumerate(pairs, start=1):
        if not _text(pair.get("left")):
            problems.append(f"Pair {n} has no left text.")
        if not _text(pair.get("right")):
            problems.append(f"Pair {n} has no right text.")
    distractors = question.get("distractors") or []
    if not isinstance(distractors, list) or not all(_text(d) for d in distractors):
        problems.append("The extra answers (distractors) must be a list of texts.")


def validate_question(question: dict) -> list[str]:
    """Return the problems with a question in plain English; empty when it is valid."""
    if not isinstance(question, dict):
        return ["The question is not a set of fields."]
    problems: list[str] = []
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        problems.append(
            f"The question type “{kind}” is not known; use one of: {', '.join(QUESTION_TYPES)}."
        )
    if not _text(question.get("text")):
        problems.append("The question has no text.")
    text_format = question.get("format")
    if text_format is not None and text_format not in TEXT_FORMATS:
        problems.append(
            f"The format “{text_format}” is not known; use markdown, html, plain or moodle."
        )
    points = question.get("points", 1)
    if kind != "description" and (not _is_number(points) or points <= 0):
        problems.append("The points must be a number greater than 0.")
    objectives = question.get("objectives")
    if kind == "description":
        pass  # text between questions: no points, no objectives
    elif not isinstance(objectives, list) or not objectives:
        problems.append("The question must list at least one objective (1 to 4).")
    elif not all(
        isinstance(o, int) and not isinstance(o, bool) and 1 <= o <= 4 for o in objectives
    ):
        problems.append("Objectives must be whole numbers from 1 to 4.")
    if kind in ("single", "multiple"):
        _validate_options(question, kind, problems)
    elif kind == "truefalse":
        if not isinstance(question.get("answer"), bool):
            problems.append("A true/false question needs answer: true or answer: false.")
    elif kind in ("short", "numerical"):
        _validate_answers(question, kind, problems)
    elif kind == "matching":
        _validate_pairs(question, problems)
    elif kind == "essay":
        _validate_rubric(question, problems)
    return problems
