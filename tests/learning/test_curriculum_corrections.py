"""The shipped curriculum after the issue-12 review: every corrected fact is re-checked
in the files, objective tags follow each session's objective map, and the pre/post
assessment does not repeat session-quiz items."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content"
SESSIONS = sorted((CONTENT / "sessions").iterdir())


def _session(number: int) -> Path:
    return SESSIONS[number - 1]


def _text(number: int) -> str:
    """Everything a participant reads in one session: readings, session file and quiz."""
    folder = _session(number)
    parts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("readings/*.md"))]
    parts += [(folder / name).read_text(encoding="utf-8") for name in ("session.yaml", "quiz.yaml")]
    return " ".join(" ".join(parts).split())


def _quiz(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def _words(question: dict) -> set[str]:
    texts = [question.get("text", "")]
    texts += [o.get("text", "") for o in question.get("options") or []]
    texts += [p.get("left", "") + " " + p.get("right", "") for p in question.get("pairs") or []]
    return set(re.findall(r"[a-z0-9]+", " ".join(texts).lower()))


@pytest.mark.parametrize(
    ("number", "must_say"),
    [
        (1, "not a treaty and do not bind States"),  # Recommended Principles not the legal root
        (1, "freedom to live in dignity"),
        (1, "Bali Process Policy Guide on Protecting Victims of Trafficking"),
        (1, "These are the agencies' own descriptions, not international standards"),
        (2, "is an **interpretation**"),
        (2, "it is **not in the Protocol**"),
        (2, "US Secretary of State announced a fourth P"),
        (4, "**Article 31** of the 1951 Convention"),
        (4, "Article 3 of the **Convention against Torture**"),
        (4, "General Comment 31, 2004"),
        (4, "Guidelines on International Protection No. 7"),
        (6, "**6(5)**"),
        (6, "**6(6)**"),
        (
            6,
            "a recovery and reflection period of at least 30 days",
        ),
        (6, "The Palermo Protocol has **no** reflection period"),
        (6, "shared only with their informed consent"),
        (7, "is **not** a sign of lying"),
        (7, "They set out ten principles"),
        (9, "Article 25(2) of the UN Convention against Transnational Organized Crime"),
        (9, "Article 6(6) of the Trafficking in Persons Protocol"),
        (
            9,
            "Trafficking in Women and Children for Prostitution",
        ),
        (9, "This is a composite of common practices, not a report of a real programme"),
        (11, "a parent or relative was involved in the trafficking"),
    ],
)
def test_corrected_facts_are_taught(number, must_say):
    assert must_say in _text(number)


@pytest.mark.parametrize(
    ("number", "must_not_say"),
    [
        (1, "legal root"),
        (1, "indignity"),
        (2, "was added in 2009 and links them all"),
        (6, "day of rescue"),
        (7, "domestic work, sex work"),
    ],
)
def test_corrected_errors_are_gone(number, must_not_say):
    assert must_not_say not in _text(number)


def test_quiz_items_on_the_fourth_p_say_who_framed_it():
    files = [p / "quiz.yaml" for p in SESSIONS] + [CONTENT / "assessment.yaml"]
    mentions = [q for path in files for q in _quiz(path) if "fourth P" in yaml.safe_dump(q)]
    assert len(mentions) >= 3
    for question in mentions:
        assert "US" in yaml.safe_dump(question), question["key"]


def test_benchmark_earns_no_credit_where_baseline_is_meant():
    for path in (_session(3) / "quiz.yaml", _session(11) / "quiz.yaml"):
        for question in _quiz(path):
            for answer in question.get("answers") or []:
                if str(answer.get("text", "")).lower() == "benchmark":
                    assert answer["fraction"] == 0, question["key"]


def test_every_quiz_item_is_tagged_with_its_sessions_objectives():
    for folder in SESSIONS:
        allowed = set(yaml.safe_load((folder / "session.yaml").read_text())["objectives"])
        for question in _quiz(folder / "quiz.yaml"):
            assert set(question["objectives"]) <= allowed, (folder.name, question["key"])


def test_the_assessment_repeats_no_session_quiz_item():
    session_items = [(q["key"], _words(q)) for f in SESSIONS for q in _quiz(f / "quiz.yaml")]
    for item in _quiz(CONTENT / "assessment.yaml"):
        words = _words(item)
        for key, other in session_items:
            overlap = len(words & other) / max(1, len(words | other))
            assert overlap < 0.6, (item["key"], key, round(overlap, 2))


# --------------------------------------------------------------------------- issue 12, second pass

# Zimmerman and Watts, "WHO Ethical and Safety Recommendations for Interviewing Trafficked
# Women" (WHO, 2003; https://documentation.lastradainternational.org/doc-center/1120/). The
# headings of principles 1-7 were checked against the list quoted in Molo Songololo's resource
# manual, "Guidelines for interviewing victims of trafficking"
# (https://issuu.com/molosongololo/docs/resource-manual/24), which puts "victim" for "woman".
# Principles 8-10 could not be checked against a stored copy of the text: the strings below
# are the short forms the curriculum teaches (do not re-traumatise; be prepared for emergency
# intervention; put information collected to good use), not confirmed quotations.
WHO_TEN = (
    "do no harm",
    "assess the risks",
    "promises you cannot keep",
    "select and prepare interpreters and co-workers",
    "anonymity and confidentiality",
    "informed consent",
    "listen to and respect",
    "assessment of their situation and risks to their safety",
    "re-traumatise",
    "emergency",
    "good use",
)


@pytest.mark.parametrize("number", [7, 11])
def test_the_who_recommendations_are_taught_in_full(number):
    # WHO Ethical and Safety Recommendations for Interviewing Trafficked Women (2003),
    # Zimmerman and Watts: all ten principles, not only the first seven.
    text = _text(number).lower()
    for principle in WHO_TEN:
        assert principle in text, (number, principle)
    assert "the first seven are" not in text
    assert "remaining three" not in text
    # The readings send the reader to the full text: the session lists it as a resource.
    session = yaml.safe_load((_session(number) / "session.yaml").read_text(encoding="utf-8"))
    titles = [r["title"] for r in session["resources"]]
    assert any("Interviewing Trafficked Women" in title for title in titles), number


def test_consulates_are_contacted_only_with_consent():
    text = _text(8)
    assert (
        "Contact a person's consulate about them only with that person's informed consent" in text
    )
    item = next(q for q in _quiz(_session(8) / "quiz.yaml") if q["key"] == "s08-q09")
    keyed = [o["text"] for o in item["options"] if o["fraction"] == 100]
    assert len(keyed) == 1 and "only with that fisher's consent" in " ".join(keyed[0].split())
    assert "only with their informed consent" in " ".join(item["feedback"].split())


def test_the_measurable_objective_example_has_a_target_and_a_baseline():
    reading = (
        _session(3) / "readings" / "02-respectful-messages-and-measuring-results.md"
    ).read_text()
    example = re.search(r'For example: "([^"]+)"', reading).group(1)
    assert re.search(r"at least \d+%", example), example  # a target value
    assert re.search(r"from \d+% in the baseline", example), example
    assert "By the end of the year" in example  # and a date


def test_victims_are_not_placed_in_sex_work():
    for number in range(1, 12):
        assert "in sex work" not in _text(number), number


def test_a_childs_story_warns_that_a_parent_may_be_implicated():
    assert "a parent or relative may have been involved in the trafficking" in _text(3)


# Near-duplicate items across quizzes inflate measured gains and waste a learner's time.
# Two items are compared by their normalised stem: the question text with its keyed
# answers (options with credit, short-answer keys, matching pairs), lower-cased, without
# punctuation and common function words. Items in different files may not reach 0.6 on
# the word-sequence similarity nor 0.5 on the shared-word ratio (today's highest pair
# across files: 0.57 and 0.40).
_FUNCTION_WORDS = frozenset(
    "a an the of to and or in on for is are be it its this that which what with as by at "
    "from who whom their his her they them not no do does did than then can may must should "
    "would".split()
)
SEQUENCE_LIMIT = 0.6
SHARED_WORDS_LIMIT = 0.5


def _stem(question: dict) -> list[str]:
    parts = [question.get("text", "")]
    parts += [o["text"] for o in question.get("options") or [] if o.get("fraction", 0) > 0]
    parts += [p["left"] + " " + p["right"] for p in question.get("pairs") or []]
    parts += [
        str(a["text"]) for a in question.get("answers") or [] if "text" in a and a["fraction"] > 0
    ]
    words = re.findall(r"[a-z0-9]+", " ".join(parts).lower())
    return [w for w in words if w not in _FUNCTION_WORDS]


def _all_items() -> list[tuple[str, str, list[str]]]:
    files = [p / "quiz.yaml" for p in SESSIONS] + [CONTENT / "assessment.yaml"]
    return [(path.parent.name, q["key"], _stem(q)) for path in files for q in _quiz(path)]


def _similarity(a: list[str], b: list[str]) -> tuple[float, float]:
    import difflib

    sequence = difflib.SequenceMatcher(None, a, b).ratio()
    shared = len(set(a) & set(b)) / max(1, len(set(a) | set(b)))
    return sequence, shared


def test_no_near_duplicate_items_across_quizzes_and_the_assessment():
    items = _all_items()
    assert len(items) >= 120
    too_close = []
    for i, (file_a, key_a, stem_a) in enumerate(items):
        for file_b, key_b, stem_b in items[i + 1 :]:
            if file_a == file_b:
                continue
            sequence, shared = _similarity(stem_a, stem_b)
            if sequence >= SEQUENCE_LIMIT or shared >= SHARED_WORDS_LIMIT:
                too_close.append((key_a, key_b, round(sequence, 2), round(shared, 2)))
    assert too_close == []


def test_the_near_duplicate_check_catches_a_reworded_copy():
    # The same question asked again with a few words changed is caught.
    original = {
        "text": "According to Article 8 of the Protocol, how should the return of a victim "
        "to their country of origin take place?",
        "options": [
            {
                "text": "With due regard for safety and legal proceedings, preferably voluntarily.",
                "fraction": 100,
            }
        ],
    }
    copy = {
        "text": "Article 8 of the Palermo Protocol covers the return of victims. According "
        "to Article 8, return should:",
        "options": [
            {
                "text": "Take due regard for the person's safety and legal proceedings, "
                "and preferably be voluntary.",
                "fraction": 100,
            }
        ],
    }
    sequence, shared = _similarity(_stem(original), _stem(copy))
    assert sequence >= SEQUENCE_LIMIT or shared >= SHARED_WORDS_LIMIT


# An invented name introduced for a person in a case ("Lina, a 19-year-old ...", "a woman
# called Lina", "Lina (not her real name)") may appear in one session only, so that one
# pseudonym never stands for different people.
_NAME = r"([A-Z][a-z]{2,})"
_INTRODUCED = [
    re.compile(
        rf"\b{_NAME}, (?:a |an )?(?:\d+-year-old|aged \d+|(?:young )?(?:woman|man|girl|boy"
        r"|worker|fisher|survivor|mother|father|teenager|student|migrant|domestic worker)\b)"
    ),
    re.compile(rf"\b(?:called|named) {_NAME}\b"),
    re.compile(rf"\b{_NAME} \((?:not (?:her|his|their) real name|a pseudonym|\d+)\)"),
    re.compile(rf"\b{_NAME} (?:is|was) (?:a|an) (?:\d+|[a-z-]+)[- ]year[- ]old\b"),
]
_NOT_NAMES = frozenset({"Article", "Principle", "Guideline", "Session", "Step", "Case", "Women"})


def _pseudonyms(text: str) -> set[str]:
    names = {m.group(1) for pattern in _INTRODUCED for m in pattern.finditer(text)}
    return names - _NOT_NAMES


def test_no_pseudonym_is_reused_across_sessions():
    texts = {folder.name: _text(n) for n, folder in enumerate(SESSIONS, start=1)}
    texts["assessment"] = (CONTENT / "assessment.yaml").read_text(encoding="utf-8")
    seen: dict[str, str] = {}
    reused = []
    for place, text in texts.items():
        for name in _pseudonyms(text):
            if name in seen:
                reused.append((name, seen[name], place))
            seen.setdefault(name, place)
    assert reused == []


def test_the_pseudonym_check_finds_introduced_names():
    text = "Lina, a 19-year-old from a fictional village, met a recruiter called Aru."
    assert _pseudonyms(text) == {"Lina", "Aru"}


def test_matching_pairs_are_not_ambiguous():
    # No two answers of one matching item share half their content words,
    # so each prompt has one clearly right answer (the session 3 audiences item had two
    # answers about spotting and referring a possible victim).
    files = [p / "quiz.yaml" for p in SESSIONS] + [CONTENT / "assessment.yaml"]
    for path in files:
        for question in _quiz(path):
            pairs = question.get("pairs") or []
            for side in ("right",):
                words = [
                    {
                        w
                        for w in re.findall(r"[a-z0-9]+", p[side].lower())
                        if w not in _FUNCTION_WORDS
                    }
                    for p in pairs
                ]
                for i, a in enumerate(words):
                    for b in words[i + 1 :]:
                        assert len(a & b) / len(a | b) < 0.5, (question["key"], side, a, b)
    audiences = next(q for q in _quiz(_session(3) / "quiz.yaml") if q["type"] == "matching")
    rights = [p["right"] for p in audiences["pairs"]]
    assert sum("refer" in r for r in rights) == 1


def test_no_quiz_item_uses_rescue_framing():
    files = [p / "quiz.yaml" for p in SESSIONS] + [CONTENT / "assessment.yaml"]
    for path in files:
        for question in _quiz(path):
            assert "rescu" not in yaml.safe_dump(question).lower(), question["key"]
