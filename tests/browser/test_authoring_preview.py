"""Authoring in a real browser: the live Markdown preview (JS on), the Preview button (JS off)."""

from __future__ import annotations

import pytest
from authoring.builders import make_objectives, make_quiz, make_session, tf_spec
from browser.helpers import assert_no_csp_errors, check_axe, check_page
from factories import PASSWORD, make_cohort, make_user
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.learning.models import Question, Reading


@pytest.fixture
def trainer_account(live_app) -> dict:
    """A trainer and a made-up session with a reading and a one-question quiz."""
    with live_app.app_context():
        make_cohort("October workshop (fictional)")
        user = make_user("trainer", display_name="Trainer Test")
        make_objectives()
        session = make_session(1, objectives=(1, 2), readings=1)
        make_quiz(session, [tf_spec("br-q1")])
        reading = db.session.query(Reading).first()
        question = db.session.query(Question).first()
        return {
            "email": user.email,
            "session_id": session.id,
            "reading_id": reading.id,
            "question_id": question.id,
        }


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Authoring")).to_be_visible()


def test_live_preview_updates_as_the_trainer_types(page: Page, trainer_account):
    sign_in(page, trainer_account["email"])
    page.goto(f"/author/sessions/{trainer_account['session_id']}/readings/new")
    body = page.get_by_label("Text (Markdown)")
    preview = page.locator("#body-preview")
    body.press_sequentially("## Who is a victim\n\nA *victim-centred* approach", delay=5)
    expect(preview.locator("h2")).to_have_text("Who is a victim")
    expect(preview.locator("em")).to_have_text("victim-centred")
    expect(preview.locator("h1, header, nav, form")).to_have_count(0)  # a fragment, not a page
    # Typing more updates it again; hostile input arrives as inert text only.
    body.press_sequentially("\n\n<script>alert(1)</script>[x](javascript:alert(1))", delay=5)
    expect(preview).to_contain_text("<script>alert(1)</script>")
    expect(preview.locator("script")).to_have_count(0)
    expect(preview.locator("a")).to_have_count(0)
    check_page(page)


def test_preview_button_without_javascript(page_nojs: Page, trainer_account):
    page = page_nojs
    sign_in(page, trainer_account["email"])
    page.goto(f"/author/sessions/{trainer_account['session_id']}/readings/new")
    page.get_by_label("Title").fill("Made-up reading")
    page.get_by_label("Text (Markdown)").fill("## Protection first\n\n**Non-punishment** matters.")
    page.locator("main").get_by_role("button", name="Preview").click()
    preview = page.locator("#body-preview")
    expect(preview.locator("h2")).to_have_text("Protection first")
    expect(preview.locator("strong")).to_have_text("Non-punishment")
    expect(page.get_by_label("Title")).to_have_value("Made-up reading")
    # Then saving works as well.
    page.locator("main").get_by_role("button", name="Save reading").click()
    expect(page.locator("main")).to_contain_text("Made-up reading")
    assert_no_csp_errors(page)


def test_authoring_pages_have_no_axe_violations(page: Page, trainer_account):
    sign_in(page, trainer_account["email"])
    session_id = trainer_account["session_id"]
    for path in (
        "/author/",
        "/author/objectives",
        "/author/sessions/new",
        f"/author/sessions/{session_id}",
        f"/author/sessions/{session_id}/edit",
        f"/author/sessions/{session_id}/quiz",
        f"/author/readings/{trainer_account['reading_id']}/edit",
        f"/author/questions/{trainer_account['question_id']}/edit",
        *(
            f"/author/sessions/{session_id}/quiz/questions/new/{kind}"
            for kind in ("single", "multiple", "truefalse", "short", "matching", "numerical")
        ),
    ):
        page.goto(path)
        check_axe(page)
    assert_no_csp_errors(page)
