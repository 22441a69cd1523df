"""Practice journeys in a real browser, with JavaScript on and off: submit, a trainer asks
for changes and publishes, filter the library, mark a practice useful; axe on each page."""

from __future__ import annotations

import re

from browser.discussion_data import login
from browser.helpers import assert_no_csp_errors, check_axe, check_page
from browser.practices_data import build_library
from playwright.sync_api import expect

MARKER = "window.__noReload = 'still here'"
TITLE = "Night shelter referral line (invented)"


def marker_survives(page) -> None:
    assert page.evaluate("window.__noReload") == "still here", "the page reloaded"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/practices" not in url)


def fill_practice(page) -> None:
    page.fill("#practice-title", TITLE)
    page.fill(
        "#practice-summary", "Social workers answer a night line and refer people to shelters."
    )
    page.fill("#practice-description", "The line is open **every night**.")
    page.select_option("#countries", ["TH", "LA"])
    page.select_option("#organisation_type", "ngo")
    page.get_by_label("Protection").check()
    page.get_by_label("Women", exact=True).check()


def submit_and_review(page, data, javascript: bool) -> None:
    login(page, data.author)
    page.goto("/practices/new")
    if javascript:
        check_axe(page)
    fill_practice(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your practice is with the trainers for review.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    practice_url = page.url
    sign_out(page)

    login(page, data.trainer)
    page.goto("/practices/review")
    page.get_by_role("link", name=TITLE).click()
    if javascript:
        check_axe(page)
    page.fill("#comment", "Please say which hours the line is open.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("The author has been asked for changes.")).to_be_visible()
    sign_out(page)

    login(page, data.author)
    page.goto(practice_url)
    expect(page.get_by_text("Please say which hours the line is open.")).to_be_visible()
    page.get_by_role("link", name="Edit and submit").click()
    page.fill("#practice-results", "Open from 18:00 to 06:00; invented figures.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("p.notice strong")).to_have_text("Resubmitted for review")
    sign_out(page)

    login(page, data.trainer)
    page.goto(practice_url)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The practice is published in the library.")).to_be_visible()
    sign_out(page)


def test_practice_journey_with_javascript(page, live_app):
    data = build_library(live_app)
    submit_and_review(page, data, javascript=True)

    login(page, data.peer)
    page.goto("/practices/")
    check_page(page)
    expect(page.get_by_role("heading", name="16 practices")).to_be_visible()
    page.evaluate(MARKER)
    # Ticking a facet updates the results in place and the address for sharing.
    page.get_by_label(re.compile(r"^Laos")).check()
    expect(page.get_by_role("heading", name="1 practice", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"country=LA"))
    expect(page.locator("#f-country-LA")).to_be_checked()
    marker_survives(page)
    page.get_by_role("link", name=TITLE).click()
    check_page(page)
    page.evaluate(MARKER)
    useful = page.get_by_role("button", name="Useful")
    expect(useful).to_have_attribute("aria-pressed", "false")
    useful.click()
    expect(page.get_by_role("button", name="Useful")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("1 person found this useful")).to_be_visible()
    marker_survives(page)
    check_axe(page)
    # A comment is posted in place.
    page.fill("#comment-body", "We run a similar line in an invented province.")
    page.get_by_role("button", name="Post the comment").click()
    expect(page.locator("#comments .post-body")).to_contain_text("similar line")
    expect(page.locator("#comment-body")).to_have_value("")
    marker_survives(page)
    assert_no_csp_errors(page)


def test_practice_journey_without_javascript(page_nojs, live_app):
    page = page_nojs
    data = build_library(live_app)
    submit_and_review(page, data, javascript=False)

    login(page, data.peer)
    page.goto("/practices/")
    check_page(page)
    page.get_by_label(re.compile(r"^Laos")).check()
    page.get_by_role("button", name="Show practices").click()
    expect(page).to_have_url(re.compile(r"country=LA"))
    expect(page.get_by_role("heading", name="1 practice", exact=True)).to_be_visible()
    # Free text finds other word forms ("referrals", "sheltering"), with the filter kept.
    page.fill("#library-q", "referrals sheltering")
    page.get_by_role("button", name="Show practices").click()
    expect(page).to_have_url(re.compile(r"q=referrals"))
    expect(page.get_by_role("heading", name="1 practice", exact=True)).to_be_visible()
    expect(page.locator("#f-country-LA")).to_be_checked()
    page.fill("#library-q", "referrals prosecutors")
    page.get_by_role("button", name="Show practices").click()
    expect(page.get_by_role("heading", name="0 practices", exact=True)).to_be_visible()
    page.fill("#library-q", "")
    page.get_by_role("button", name="Show practices").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Useful").click()
    expect(page.get_by_role("button", name="Useful")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("1 person found this useful")).to_be_visible()
    page.get_by_role("button", name="Useful").click()
    expect(page.get_by_role("button", name="Useful")).to_have_attribute("aria-pressed", "false")
    check_page(page)


def test_identifier_check_in_the_browser(page, live_app):
    data = build_library(live_app, practices=0)
    login(page, data.author)
    page.goto("/practices/new")
    fill_practice(page)
    page.fill("#practice-lessons", "Ask for Ms. Dara at dara.k@example.org.")
    page.get_by_role("button", name="Submit for review").click()
    found = page.locator("#pii-found")
    expect(found).to_contain_text("Lessons learned")
    expect(found).to_contain_text("dara.k@example.org")
    expect(page.locator("#practice-lessons")).to_have_value(
        "Ask for Ms. Dara at dara.k@example.org."
    )
    check_axe(page)
    page.fill("#practice-lessons", "Ask the NGO's public desk.")
    page.get_by_role("button", name="Submit with my changes").click()
    expect(page.get_by_text("Your practice is with the trainers for review.")).to_be_visible()
