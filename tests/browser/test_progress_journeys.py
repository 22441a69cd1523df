"""Participant home and cohort dashboard in a real browser, with JavaScript on and off;
axe finds no violations; the dashboard's filters work with and without HTMX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser.helpers import check_page, has_javascript
from factories import PASSWORD, enrol, make_cohort, make_user
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import Reading
from portal.learning.services import set_reading_done

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(params=["page", "page_nojs"], ids=["js", "nojs"])
def any_page(request) -> Page:
    return request.getfixturevalue(request.param)


@pytest.fixture
def people(live_app) -> dict:
    """The shipped curriculum, a cohort with a trainer and two made-up participants."""
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        cohort = make_cohort("September workshop (fictional)")
        trainer = make_user("trainer", display_name="Trainer Made-up")
        enrol(trainer, cohort, "trainer")
        reader = make_user(display_name="Reader Made-up", country="TH")
        enrol(reader, cohort)
        idle = make_user(display_name="Idle Made-up", country="KH")
        enrol(idle, cohort)
        db.session.commit()
        first = db.session.query(Reading).order_by(Reading.session_id, Reading.position).first()
        set_reading_done(reader, first, True)
        return {"cohort": cohort.id, "trainer": trainer.email, "reader": reader.email}


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_participant_lands_on_their_progress(any_page, people):
    page = any_page
    sign_in(page, people["reader"])
    assert page.url.endswith("/progress")
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    expect(page.get_by_role("heading", name="Next thing to do")).to_be_visible()
    expect(page.get_by_text("Continue with reading 2 of session 1")).to_be_visible()
    expect(page.get_by_role("table", name="Your progress per objective")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Continue with reading 2 of session 1").click()
    expect(page).to_have_url(re.compile(r"/sessions/1/readings/"))


def test_trainer_filters_the_dashboard(any_page, people):
    page = any_page
    sign_in(page, people["trainer"])
    page.goto(f"/cohorts/{people['cohort']}/progress")
    expect(page.get_by_text("2 participants shown.")).to_be_visible()
    expect(
        page.get_by_role("img", name="Average coverage and mastery per objective")
    ).to_be_visible()
    check_page(page)
    page.get_by_label("Country").select_option("KH")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 participant shown.")).to_be_visible()
    expect(page.locator(".matrix").get_by_role("link", name="Idle Made-up")).to_be_visible()
    expect(page.locator(".matrix").get_by_role("link", name="Reader Made-up")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"country=KH"))
    if has_javascript(page):
        # HTMX swapped only the results; the filter form is the same element.
        assert page.evaluate("document.querySelectorAll('form.filters').length") == 1
    check_page(page)
    page.locator(".matrix").get_by_role("link", name="Idle Made-up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idle Made-up")
    check_page(page)
