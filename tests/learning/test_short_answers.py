"""Short answers are graded as a fair marker would: the table of typed variants.

Each row is something a participant typed into a shipped quiz question and the grade a
fair marker gives it; the questions are read from content/, so a change to a shipped
key that would refuse a fair answer fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal.learning.grading import grade, key_display, normalise_short

CONTENT = Path(__file__).resolve().parents[2] / "content"


def _shipped_short_questions() -> dict[str, dict]:
    files = sorted(CONTENT.glob("sessions/*/quiz.yaml")) + [CONTENT / "assessment.yaml"]
    found = {}
    for path in files:
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if question["type"] == "short":
                found[question["key"]] = question
    return found


SHIPPED = _shipped_short_questions()

# (question key, typed answer, expected fraction of the points)
VARIANTS = [
    # s01-q08: the Protocol's name
    ("s01-q08", "The Palermo Protocol", 1.0),
    ("s01-q08", "Palermo Protocol.", 1.0),
    ("s01-q08", "“Palermo Protocol”", 1.0),
    ("s01-q08", '"palermo protocol"', 1.0),
    ("s01-q08", "the Trafficking in Persons (TIP) Protocol", 1.0),  # acronym mid-phrase
    ("s01-q08", "the Trafficking in Persons (Palermo) Protocol", 0.0),  # not an acronym
    ("s01-q08", "Trafficking in Persons Protocol (TIP Protocol)", 1.0),
    ("s01-q08", "UN TIP Protocol", 1.0),
    ("s01-q08", "Protocol to Prevent, Suppress, and Punish Trafficking in Persons", 1.0),
    ("s01-q08", "protocol to prevent suppress and punish trafficking in persons", 1.0),
    ("s01-q08", "ＰＡＬＥＲＭＯ　ＰＲＯＴＯＣＯＬ", 1.0),  # full-width letters and space (NFKC)
    ("s01-q08", "Palermo", 0.5),
    ("s01-q08", "the Palermo.", 0.5),
    ("s01-q08", "Palermo Convention", 0.0),
    # s03-q04: baseline, and no partial credit for "benchmark"
    ("s03-q04", "Baseline", 1.0),
    ("s03-q04", "a baseline", 1.0),
    ("s03-q04", "base-line", 1.0),
    ("s03-q04", "base–line", 1.0),  # en dash
    ("s03-q04", "a baseline study.", 1.0),
    ("s03-q04", "Baseline measurement", 1.0),
    ("s03-q04", "benchmark", 0.0),
    ("s03-q04", "a benchmark", 0.0),
    # s04-q07: UNHCR
    ("s04-q07", "UNHCR.", 1.0),
    ("s04-q07", "the UNHCR", 1.0),
    ("s04-q07", "U.N.H.C.R.", 0.0),  # the full stops split the letters: not the key
    ("s04-q07", "United Nations High Commissioner for Refugees (UNHCR)", 1.0),
    ("s04-q07", "UN High Commissioner for Refugees (UNHCR)", 1.0),
    ("s04-q07", "UNHCR (United Nations High Commissioner for Refugees)", 1.0),
    ("s04-q07", "the UN refugee agency", 1.0),
    ("s04-q07", "UN High Commission for Refugees", 1.0),
    ("s04-q07", "UNHCR (IOM)", 0.0),  # both keys, one of them wrong: the lower grade
    ("s04-q07", "IOM", 0.0),
    # s05-q07: debt bondage
    ("s05-q07", "Debt bondage.", 1.0),
    ("s05-q07", "debt-bondage", 1.0),
    ("s05-q07", "Debt—bondage", 1.0),  # em dash
    ("s05-q07", "bonded labour (debt bondage)", 1.0),
    ("s05-q07", "debt-bonded labour", 1.0),
    ("s05-q07", "Bonded Labor", 1.0),
    ("s05-q07", "debt slavery", 0.5),
    ("s05-q07", "  debt   bondage  ", 1.0),
    # s06-q05: recovery and reflection period
    ("s06-q05", "Recovery & reflection period", 1.0),
    ("s06-q05", "a recovery-and-reflection period", 1.0),
    ("s06-q05", "the reflection period.", 1.0),
    ("s06-q05", "period of recovery and reflection", 1.0),
    ("s06-q05", "recovery period", 0.5),
    # s07-q06: referral, with the wildcard key refer*
    ("s07-q06", "Referral.", 1.0),
    ("s07-q06", "a referral", 1.0),
    ("s07-q06", "referred", 1.0),
    ("s07-q06", "refer to services", 1.0),
    ("s07-q06", "Make a referral", 1.0),
    ("s07-q06", "arrest", 0.0),
    ("s07-q06", "investigate", 0.0),
    # s08-q05: logframe
    ("s08-q05", "Log-frame", 1.0),
    ("s08-q05", "the logframe.", 1.0),
    ("s08-q05", "logical framework (logframe)", 1.0),
    ("s08-q05", "Logical Framework Approach", 1.0),
    ("s08-q05", "budget", 0.0),
    # s09-q06: non-punishment
    ("s09-q06", "Non‑punishment", 1.0),  # non-breaking hyphen
    ("s09-q06", "the non-punishment principle.", 1.0),
    ("s09-q06", "principle of non-punishment", 1.0),
    ("s09-q06", "non-criminalisation", 1.0),
    ("s09-q06", "'non-punishment'", 1.0),
    ("s09-q06", "non-liability", 0.5),
    ("s09-q06", "punishment", 0.0),
    # s10-q06: multi-disciplinary team
    ("s10-q06", "a multi-disciplinary team (MDT)", 1.0),
    ("s10-q06", "Multidisciplinary team (MDT).", 1.0),
    ("s10-q06", "MDT", 1.0),
    ("s10-q06", "multi-sectoral team", 1.0),
    ("s10-q06", "a case conference", 0.5),
    # s11-q08: baseline (no article or spacing penalty)
    ("s11-q08", "The baseline.", 1.0),
    ("s11-q08", "baseline data", 1.0),
    ("s11-q08", "benchmark", 0.0),
    ("s11-q08", "target", 0.0),
    # pa-q17: national referral mechanism
    ("pa-q17", "National Referral Mechanism (NRM)", 1.0),
    ("pa-q17", "a national referral mechanism", 1.0),
    ("pa-q17", "NRM.", 1.0),
    ("pa-q17", "the national referral mechanism (N.R.M.)", 1.0),
    ("pa-q17", "referral mechanism (NRM)", 0.75),  # both keys: the lower grade
    ("pa-q17", "referral system", 0.5),
]


def test_the_table_is_large_enough_and_covers_every_shipped_short_question():
    assert len(VARIANTS) >= 60
    assert {key for key, _, _ in VARIANTS} >= set(SHIPPED) - {"s02-q04"}


@pytest.mark.parametrize(("key", "typed", "expected"), VARIANTS)
def test_a_fair_marker_grade(key, typed, expected):
    result = grade(SHIPPED[key], typed)
    assert result.fraction == pytest.approx(expected)
    assert result.is_answered


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("The  Palermo Protocol.", "palermo protocol"),
        ("“quoted”", "quoted"),
        ("victim’s rights", "victims rights"),
        ("3.5 days", "3.5 days"),
        ("an", "an"),  # a lone word is never dropped as an article
        ("STRASSE", "strasse"),
    ],
)
def test_normalise_short(typed, folded):
    assert normalise_short(typed) == folded


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("colo*r", "colour", 1.0),
        ("colo*r", "color", 1.0),
        ("colo*r", "colours", 0.0),
        ("*trafficking*", "human trafficking law", 1.0),
        ("a\\*b", "a*b", 1.0),  # an escaped star is literal
        ("a\\*b", "axb", 0.0),
        ("2 * 3", "2 times 3", 1.0),
    ],
)
def test_wildcard_keys(key, typed, expected):
    question = {"type": "short", "answers": [{"text": key, "fraction": 100}]}
    assert grade(question, typed).fraction == expected


def test_the_review_shows_a_wildcard_as_an_ellipsis():
    assert key_display("refer*") == "refer…"
    assert key_display("a\\*b") == "a*b"
