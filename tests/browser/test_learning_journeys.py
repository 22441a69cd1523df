"""A participant's learning journey in a real browser, with JavaScript on and off."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.helpers import check_axe, check_page, has_javascript
from factories import PASSWORD, enrol, make_cohort, make_user
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import AttemptAnswer, QuizAttempt, ReadingProgress

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(params=["page", "page_nojs"], ids=["js", "nojs"])
def any_page(request) -> Page:
    return request.getfixturevalue(request.param)


@pytest.fixture
def learner(live_app) -> dict:
    """The shipped curriculum and a participant of a cohort whose e-learning is open."""
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        db.session.commit()
        user = make_user(display_name="Amihan Test")
        enrol(user, make_cohort("June workshop (fictional)"))
        return {"id": user.id, "email": user.email}


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def count(live_app, statement) -> int:
    with live_app.app_context():
        return db.session.scalar(statement)


def test_read_mark_done_take_quiz_resume_submit_review(any_page, live_app, learner):
    page = any_page
    sign_in(page, learner["email"])

    page.goto("/sessions/1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session 1")
    check_page(page)

    page.get_by_role("link", name="Who is a victim of trafficking?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is a victim of trafficking?")
    check_page(page)
    url = page.url
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("You marked this reading as done.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not done")).to_be_visible()
    assert page.url == url
    assert count(live_app, select(func.count(ReadingProgress.id))) == 1
    check_page(page)

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is a victim of trafficking?")

    page.goto("/sessions/1/quiz")
    check_page(page)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    check_page(page)
    questions = page.locator("fieldset.question")
    first = questions.nth(0).locator("input[type=radio]").nth(1)
    first.check()
    chosen = first.get_attribute("value")
    if has_javascript(page):
        # htmx autosaves on change; no button needed.
        expect(page.locator("#save-status")).to_have_text("Answers saved.")
    else:
        page.get_by_role("button", name="Save and continue later").click()
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    page.reload()  # an interrupted attempt: the saved answer is still there
    expect(page.locator(f"input[value='{chosen}']")).to_be_checked()

    page.get_by_role("button", name="Submit answers").click()
    # Most questions are blank: the confirmation page lists them before anything is graded.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you submit")
    expect(page.get_by_text("Question 2", exact=True)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Go back to my answers").click()
    expect(page.locator(f"input[value='{chosen}']")).to_be_checked()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results")
    expect(page.get_by_text("Your answer").first).to_be_visible()
    # The default policy keeps the right answers back until a pass or the last attempt.
    expect(page.get_by_text("Correct answer", exact=True)).to_have_count(0)
    expect(page.get_by_text("shown when you pass or after your last attempt")).to_be_visible()
    expect(page.get_by_role("link", name="Go on to session 2")).to_be_visible()
    check_page(page)
    submitted = select(func.count(QuizAttempt.id)).where(QuizAttempt.state == "submitted")
    assert count(live_app, select(func.count(QuizAttempt.id))) == count(live_app, submitted) == 1
    assert count(live_app, select(func.count(AttemptAnswer.id))) >= 6


def test_axe_on_session_reading_and_attempt_pages(page, live_app, learner):
    sign_in(page, learner["email"])
    for path in ("/curriculum", "/sessions/3", "/sessions/7/readings/signs-not-proof"):
        page.goto(path)
        check_axe(page)
    page.goto("/sessions/5/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    check_axe(page)


def test_visitor_outline_is_accessible(page, live_app, learner):
    page.goto("/curriculum")
    expect(page.get_by_role("heading", level=1)).to_have_text("Curriculum")
    check_axe(page)
    page.goto("/sessions/2")
    check_axe(page)
