"""The exercise builder in a real browser, with JavaScript on (in place) and off (forms):
build, submit, accept, publish, copy; axe-core on every page; hostile text never runs."""

from __future__ import annotations

import pytest
from browser.conftest import _open_page
from browser.discussion_data import login
from browser.exercise_data import build_exercise_world
from browser.helpers import assert_no_csp_errors, check_page, has_javascript
from playwright.sync_api import expect

MARKER = "window.__noReload = 'still here'"


def act(page, button) -> None:
    """Click a builder button and wait until the builder shows the next revision (htmx
    swaps it in place; without JavaScript the page reloads)."""
    revision = page.locator("input[name=revision]").first
    before = revision.input_value()
    button.click()
    expect(revision).not_to_have_value(before)


def builder_steps(page) -> None:
    """Add, edit, reorder and remove items and sections on the author's draft."""
    js = has_javascript(page)
    if js:
        page.evaluate(MARKER)
    first_new = page.locator("input[id^='new-item-'][id$='-text']").first
    first_new.fill("Which languages does the audience speak?")
    act(page, page.get_by_role("button", name="Add item").first)
    items = page.locator(".builder-section").first.locator(".builder-items > li")
    expect(items).to_have_count(3)
    expect(items.nth(2).locator("input[name=text]")).to_have_value(
        "Which languages does the audience speak?"
    )
    # Edit the first item and move it down.
    first_item = items.nth(0).locator("input[name=text]")
    first_item.fill("Who exactly is the audience?")
    act(page, items.nth(0).get_by_role("button", name="Save"))
    expect(items.nth(0).locator("input[name=text]")).to_have_value("Who exactly is the audience?")
    act(page, items.nth(0).get_by_role("button", name="Down"))
    expect(items.nth(1).locator("input[name=text]")).to_have_value("Who exactly is the audience?")
    # Remove the (now first) item.
    act(page, items.nth(0).get_by_role("button", name="Remove"))
    expect(items).to_have_count(2)
    # Add a section, then an item in it.
    page.fill("#new-section-text", "Measuring results")
    act(page, page.get_by_role("button", name="Add section"))
    expect(page.locator(".builder-section")).to_have_count(3)
    last = page.locator(".builder-section").last
    expect(last.locator("h2")).to_have_text("Measuring results")
    last.locator("input[id^='new-item-']").fill("How will we know people used the help line?")
    act(page, last.get_by_role("button", name="Add item"))
    expect(page.locator(".builder-section").last.locator(".builder-items > li")).to_have_count(1)
    # An empty item is refused with a message; nothing is lost.
    section = page.locator(".builder-section").first
    section.locator(".builder-items > li").first.locator("input[name=text]").fill("   ")
    # `required` stops the browser first; bypass it to see the server's answer.
    page.evaluate("document.querySelectorAll('input[required]').forEach(e => e.required = false)")
    section.locator(".builder-items > li").first.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Write the item first.")
    expect(page.locator(".builder-section")).to_have_count(3)
    if js:
        assert page.evaluate("window.__noReload") == "still here", "the page reloaded"
    check_page(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_build_submit_accept_publish_copy(new_context, live_server, live_app, javascript):
    world = build_exercise_world(live_app)
    author = _open_page(new_context, live_server, javascript=javascript)
    login(author, world.author)
    author.goto("/sessions/3")
    author.get_by_role("link", name="Open the checklist builder").click()
    expect(author.get_by_role("heading", level=1)).to_contain_text("an invented checklist")
    check_page(author)
    author.get_by_role("button", name="Start a new checklist from the template").click()
    expect(author.locator("#title-text")).to_have_value("an invented checklist")
    check_page(author)
    builder_steps(author)
    author.get_by_role("button", name="Submit to the trainers").click()
    expect(author.locator(".flash")).to_contain_text("Submitted")
    expect(author.locator("h1 .status")).to_have_text("Submitted for review")
    check_page(author)
    exercise_url = author.url

    trainer = _open_page(new_context, live_server, javascript=javascript)
    login(trainer, world.trainer)
    trainer.goto("/exercises/review")
    check_page(trainer)
    trainer.get_by_role("link", name="an invented checklist").click()
    expect(trainer.get_by_role("heading", name="Measuring results")).to_be_visible()
    check_page(trainer)
    trainer.fill("#feedback", "Clear and **practical**. Well done.")
    trainer.get_by_role("button", name="Accept").click()
    expect(trainer.locator(".flash")).to_contain_text("Accepted")

    author.goto(exercise_url)
    expect(author.locator(".feedback strong")).to_have_text("practical")
    author.get_by_role("button", name="Publish").click()
    expect(author.locator("h1 .status")).to_have_text("Published")
    check_page(author)

    # Into the practice library: a draft practice made from the checklist, completed by
    # the author and published by a trainer through the practice review.
    author.get_by_role("button", name="Share in the practice library").click()
    expect(author.get_by_text("A draft practice was made from your checklist")).to_be_visible()
    expect(author.locator("#practice-title")).to_have_value("an invented checklist")
    expect(author.locator("#practice-description")).to_contain_text("## Measuring results")
    check_page(author)
    author.select_option("#countries", ["PH"])
    author.select_option("#organisation_type", "ngo")
    author.get_by_label("Prevention").check()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("Your practice is with the trainers for review.")).to_be_visible()
    practice_url = author.url
    trainer.goto(practice_url)
    expect(trainer.locator(".exercise-link")).to_contain_text("Built from the checklist")
    check_page(trainer)
    trainer.get_by_role("button", name="Publish").click()
    expect(trainer.get_by_text("The practice is published in the library.")).to_be_visible()
    trainer.locator(".exercise-link a").click()
    expect(trainer.locator(".practice-link")).to_contain_text("In the practice library")
    author.goto(exercise_url)
    expect(author.locator(".practice-link a")).to_have_text("an invented checklist")

    other = _open_page(new_context, live_server, javascript=javascript)
    login(other, world.other)
    other.goto("/sessions/3/exercise")
    expect(other.get_by_text("copied 0 times")).to_be_visible()
    other.get_by_role("link", name="an invented checklist").click()
    other.get_by_role("button", name="Copy into my drafts").click()
    expect(other.locator(".flash")).to_contain_text("Copied into your drafts")
    expect(other.locator(".source-link")).to_contain_text("Adapted from")
    expect(other.locator("#title-text")).to_have_value("an invented checklist")
    check_page(other)
    other.get_by_role("link", name="an invented checklist").click()  # back to the source
    expect(other.locator(".copies")).to_contain_text("Copied 1 time")
    expect(other.locator(".copies")).to_contain_text("Other Browser")
    other.locator(".practice-link a").click()  # the practice shared from it
    expect(other.locator(".exercise-link a")).to_have_text("an invented checklist")
    check_page(other)
    other.go_back()
    other.get_by_role("link", name="Printable view").click()
    expect(other.locator(".exercise-print h2, .exercise-print h3").first).to_be_visible()
    check_page(other)
    for p in (author, trainer, other):
        assert_no_csp_errors(p)
