"""The programme report: figures from fewer than 5 people are suppressed, on the page and in CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from factories import enrol, make_cohort, make_user
from sqlalchemy import insert

from portal.extensions import db
from portal.learning.content_files import ASSESSMENT_KEY
from portal.learning.models import Quiz, QuizSummary
from tests.progress.builders import small_curriculum


def _people(cohort, count: int, country: str, pre: float, post: float, quiz: Quiz):
    for index in range(count):
        person = make_user(display_name=f"Report Made-up {country}{index}", country=country)
        enrol(person, cohort)
        db.session.flush()
        db.session.execute(
            insert(QuizSummary),
            [
                {
                    "user_id": person.id,
                    "quiz_id": quiz.id,
                    "phase": phase,
                    "attempts": 1,
                    "objectives": {"1": [points, 10.0]},
                    "passed": False,
                }
                for phase, points in (("pre", pre), ("post", post))
            ],
        )
    db.session.commit()


@pytest.fixture
def report_world(app):
    small_curriculum()
    quiz = Quiz(key=ASSESSMENT_KEY, kind="assessment", title="Made-up assessment")
    db.session.add(quiz)
    db.session.commit()
    return quiz


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_four_people_are_suppressed_five_are_shown(as_admin, report_world):
    four = make_cohort("Four people (fictional)")
    five = make_cohort("Five people (fictional)")
    _people(four, 4, "KH", 4.0, 8.0, report_world)
    text = text_of(as_admin.client.get("/programme/report"))
    assert "Cambodia fewer than 5, not shown" in text
    assert "Four people (fictional) fewer than 5, not shown" in text
    assert "Objective 1 fewer than 5, not shown Not shown: fewer than 5 people." in text
    _people(five, 5, "TH", 2.0, 6.0, report_world)
    text = text_of(as_admin.client.get("/programme/report"))
    assert "Thailand 5" in text and "Cambodia fewer than 5, not shown" in text
    assert "Five people (fictional) 5 0" in text
    # Objective 1 across 9 people: pre (4×40 + 5×20)/9 = 28.9 %, post (4×80 + 5×60)/9 = 68.9 %.
    assert re.search(r"Objective 1 9 29 % 69 % \+40\.0 0\.56", text), text
    rows = list(
        csv.reader(
            io.StringIO(
                as_admin.client.get("/programme/report.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert ["Country", "KH", "suppressed (fewer than 5 people)", ""] in rows
    assert ["Country", "TH", "5", ""] in rows


def test_report_is_for_admins_only(web, report_world, trainer, participant):
    for person in (trainer, participant):
        web.login(person.email)
        assert web.client.get("/programme/report").status_code == 404
        assert web.client.get("/programme/report.csv").status_code == 404
        web.logout()


def _practices(count: int, country: str, org: str, status: str = "published") -> None:
    """`count` practices, each by a different made-up author, tagged with a country and type."""
    from portal.practices.models import Practice, PracticeTag

    for index in range(count):
        author = make_user(display_name=f"Practice author {country}{org}{index} (made-up)")
        practice = Practice(author_id=author.id, status=status, title=f"Made-up practice {index}")
        db.session.add(practice)
        db.session.flush()
        db.session.add_all(
            [
                PracticeTag(practice_id=practice.id, facet="country", value=country),
                PracticeTag(practice_id=practice.id, facet="org", value=org),
            ]
        )
    db.session.commit()


def test_practices_shared_by_country_and_type_with_suppression_at_4_and_5(as_admin, report_world):
    text = text_of(as_admin.client.get("/programme/report"))
    assert "Practices shared" in text and "No practice has been published yet." in text
    _practices(4, "KH", "ngo")
    _practices(5, "TH", "survivor_led")
    _practices(3, "TH", "survivor_led", status="draft")  # not published: not counted
    text = text_of(as_admin.client.get("/programme/report"))
    by_country = text.split("Practices shared by country")[-1].split("by organisation type")[0]
    assert "Thailand 5 5" in by_country
    assert "Cambodia fewer than 5 people, not shown" in by_country
    by_type = text.split("Practices shared by organisation type")[-1]
    assert "Survivor-led group 5 5" in by_type
    assert "NGO or civil society fewer than 5 people, not shown" in by_type
    body = as_admin.client.get("/programme/report.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    hidden = "suppressed (fewer than 5 people)"
    assert ["Practices shared by country", "TH", "5", "5"] in rows
    assert ["Practices shared by country", "KH", hidden, hidden] in rows
    assert ["Practices shared by organisation type", "survivor_led", "5", "5"] in rows
    assert ["Practices shared by organisation type", "ngo", hidden, hidden] in rows


@pytest.mark.parametrize("language", ["en", "id", "th", "ur"])
def test_the_completion_hint_shows_its_percent_sign_in_every_language(
    as_admin, admin, report_world, language
):
    """The hint's "100 %" was read as a format: English showed "100 {}nd", Thai and Urdu
    answered 500."""
    admin.language = language
    db.session.commit()
    response = as_admin.client.get("/programme/report")
    assert response.status_code == 200
    text = text_of(response)
    assert "100 %" in text
    assert "{}" not in text
    if language == "en":
        assert "(coverage 100 % and mastery at the cohort's threshold)" in text
