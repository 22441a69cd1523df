"""Smaller defects found by trying the portal as a newcomer (issue 8, item 6), in a real
browser with axe-core and the console watched for CSP violations during htmx swaps."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.discussion_data import build_forum, login
from browser.helpers import check_page
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.learning import content_files

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(params=["page", "page_nojs"], ids=["js", "nojs"])
def any_page(request) -> Page:
    return request.getfixturevalue(request.param)


def test_an_empty_search_passes_axe(page, live_app):
    page.goto("/search")
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()
    check_page(page)
    page.goto("/search?q=")
    check_page(page)


def test_a_visitors_reading_result_opens_the_public_session_outline(any_page, live_app):
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        db.session.commit()
        from portal.search.indexing import reindex_all

        with db.engine.begin() as connection:
            reindex_all(connection)
        db.session.remove()
    page = any_page
    page.goto("/search?q=victim")
    results = page.locator("ol.search-results li a")
    expect(results.first).to_be_visible()
    href = results.first.get_attribute("href")
    assert href.startswith("/sessions/") and "/readings/" not in href
    check_page(page)
    results.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session")
    assert page.url.endswith(href)


def test_moderating_says_what_was_done_and_hides_report_on_a_hidden_post(any_page, live_app):
    forum = build_forum(live_app, replies=3)
    page = any_page
    login(page, forum.trainer)
    page.goto(f"/discussion/threads/{forum.thread_id}")
    second = page.locator("article.post").filter(has=page.get_by_role("link", name="Post 2"))
    expect(second.get_by_role("link", name="Report")).to_have_count(1)
    second.get_by_role("button", name="Hide").click()
    expect(
        page.get_by_text("Post #2 is hidden: participants no longer see its text.")
    ).to_be_visible()
    second = page.locator("article.post").filter(has=page.get_by_role("link", name="Post 2"))
    expect(second.get_by_role("button", name="Restore")).to_be_visible()
    expect(second.get_by_role("link", name="Report")).to_have_count(0)
    check_page(page)
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.get_by_role("button", name="Lock").click()
    expect(
        page.get_by_text("The thread is locked: nobody can reply until it is unlocked.")
    ).to_be_visible()
    check_page(page)


def test_follow_labels_read_as_state_and_action_and_no_second_follow(any_page, live_app):
    forum = build_forum(live_app, replies=2)
    page = any_page
    login(page, forum.peer)
    page.goto(f"/discussion/boards/{forum.board_id}")
    page.get_by_role("button", name="Follow this board").click()
    subscription = page.locator("#subscription-board")
    expect(subscription.locator(".subscription-state")).to_have_text("Following")
    expect(subscription.get_by_role("button", name="Stop following")).to_be_visible()
    check_page(page)  # includes the console: no CSP error during the htmx swap

    page.goto(f"/discussion/threads/{forum.thread_id}")
    thread_widget = page.locator("#subscription-thread")
    expect(thread_widget).to_contain_text("You already follow the whole board.")
    expect(thread_widget.get_by_role("button")).to_have_count(0)
    check_page(page)
