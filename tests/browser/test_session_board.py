"""Sessions and their discussions are joined: the session page links to its board with the
number of threads; the board shows the session's discussion question and links back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from browser.helpers import check_page
from factories import PASSWORD, enrol, make_cohort, make_user
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import CurriculumSession

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(params=["page", "page_nojs"], ids=["js", "nojs"])
def any_page(request) -> Page:
    return request.getfixturevalue(request.param)


@pytest.fixture
def learner(live_app) -> dict:
    """The shipped curriculum and a participant (old enough to post) of an open cohort."""
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        db.session.commit()
        user = make_user(display_name="Amihan Test")
        user.created_at = utcnow() - timedelta(days=3)
        enrol(user, make_cohort("June workshop (fictional)"))
        session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 2))
        return {"email": user.email, "title": session.title, "prompt": session.discussion_prompt}


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_session_and_board_link_to_each_other_with_the_thread_count(any_page, learner):
    page = any_page
    assert learner["prompt"], "session 2 of the shipped curriculum has a discussion question"
    first_words = " ".join(learner["prompt"].split()[:6])
    sign_in(page, learner["email"])

    page.goto("/sessions/2")
    board_link = page.locator("main").get_by_role("link", name="Discuss it with your cohort")
    expect(board_link).to_be_visible()
    expect(page.locator(".session-board")).to_contain_text("(0 threads)")
    check_page(page)

    board_link.click()
    expect(page.get_by_role("heading", name="Discussion question of session 2")).to_be_visible()
    expect(page.locator(".session-prompt")).to_contain_text(first_words)
    check_page(page)
    board_url = page.url

    page.get_by_role("link", name="Start a thread").click()
    page.fill("#title", "Screening questions we use")
    page.fill("#thread-body", "We ask open questions first.")
    page.get_by_role("button", name="Start the thread").click()
    expect(page.get_by_role("heading", name="Screening questions we use")).to_be_visible()

    page.goto(board_url)
    back = page.get_by_role("link", name=f"Back to session 2: {learner['title']}")
    back.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session 2")
    expect(page.locator(".session-board")).to_contain_text("(1 thread)")
    check_page(page)


def test_a_visitor_sees_no_board_link(page, learner):
    page.goto("/sessions/2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session 2")
    expect(page.get_by_role("link", name="Discuss it with your cohort")).to_have_count(0)
    check_page(page)
