"""In-place (htmx) replies and accepted answers: what the user sees stays consistent."""

from __future__ import annotations

from browser.discussion_data import build_forum, login
from browser.helpers import assert_no_csp_errors, check_axe
from playwright.sync_api import expect

MARKER = "window.__noReload = 'still here'"


def marker_survives(page) -> None:
    assert page.evaluate("window.__noReload") == "still here", "the page reloaded"


def test_reply_before_load_more_is_shown_once(page, live_app):
    forum = build_forum(live_app)
    login(page, forum.trainer)  # trainers are not rate limited
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.evaluate(MARKER)
    expect(page.get_by_role("link", name="Load more replies")).to_be_visible()

    page.fill("#reply-body", "Written before loading more.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("Load more replies to see it")
    expect(page.get_by_role("link", name="go to your reply")).to_be_visible()
    # Not placed after the "load more" item, out of order.
    expect(page.locator("#posts article", has_text="Written before loading more.")).to_have_count(0)
    check_axe(page)

    page.get_by_role("link", name="Load more replies").click()
    mine = page.locator("#posts article", has_text="Written before loading more.")
    expect(mine).to_have_count(1)
    expect(page.locator("#posts > li").last).to_contain_text("Written before loading more.")
    expect(page.get_by_role("link", name="Load more replies")).to_have_count(0)

    # With the whole thread on the page the next reply is appended in place.
    page.fill("#reply-body", "Written after loading everything.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#posts > li").last).to_contain_text("Written after loading everything.")
    expect(page.locator("#posts article", has_text="Written after loading")).to_have_count(1)
    marker_survives(page)
    assert_no_csp_errors(page)


def test_switching_the_accepted_answer_marks_exactly_one_post(page, live_app):
    forum = build_forum(live_app)
    login(page, forum.trainer)
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.evaluate(MARKER)
    marked = page.locator("#posts article .tag", has_text="Accepted answer")
    first = page.locator("#posts article", has_text="Reply 4 from the peer.")
    second = page.locator("#posts article", has_text="Reply 5 from the peer.")
    accept = "Accept as the answer"

    first.get_by_role("button", name=accept).click()
    expect(page.locator("#accepted")).to_contain_text("Reply 4 from the peer.")
    expect(marked).to_have_count(1)
    expect(first.locator(".tag", has_text="Accepted answer")).to_be_visible()
    expect(first.get_by_role("button", name=accept)).to_have_count(0)

    second.get_by_role("button", name=accept).click()
    expect(page.locator("#accepted")).to_contain_text("Reply 5 from the peer.")
    expect(page.locator("#accepted")).not_to_contain_text("Reply 4 from the peer.")
    expect(marked).to_have_count(1)
    expect(second.locator(".tag", has_text="Accepted answer")).to_be_visible()
    expect(second.get_by_role("button", name=accept)).to_have_count(0)
    expect(first.get_by_role("button", name=accept)).to_be_visible()

    # And back again, from the refreshed button of the first post.
    first.get_by_role("button", name=accept).click()
    expect(page.locator("#accepted")).to_contain_text("Reply 4 from the peer.")
    expect(marked).to_have_count(1)
    expect(second.get_by_role("button", name=accept)).to_be_visible()

    page.get_by_role("button", name="Clear the accepted answer").click()
    expect(marked).to_have_count(0)
    expect(first.get_by_role("button", name=accept)).to_be_visible()
    marker_survives(page)
    assert_no_csp_errors(page)
