"""Discussion journeys in a real browser: with htmx nothing reloads; without JS all works."""

from __future__ import annotations

from browser.discussion_data import build_forum, login
from browser.helpers import assert_no_csp_errors, check_axe, check_page
from playwright.sync_api import expect

MARKER = "window.__noReload = 'still here'"


def marker_survives(page) -> None:
    assert page.evaluate("window.__noReload") == "still here", "the page reloaded"


def test_thread_journey_with_javascript_happens_in_place(page, live_app):
    forum = build_forum(live_app)
    login(page, forum.trainer)
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.evaluate(MARKER)
    posts = page.locator("#posts > li")
    expect(posts).to_have_count(21)  # 20 posts and the "load more" item

    # Load more (keyset on the post number), in place.
    page.get_by_role("link", name="Load more replies").click()
    expect(page.get_by_text("Reply 26 from the peer.")).to_be_visible()
    expect(posts).to_have_count(forum.posts)
    marker_survives(page)

    # Reply in place; the form comes back empty.
    page.fill("#reply-body", "A reply written **with** htmx.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply was posted.")).to_be_visible()
    expect(page.locator("#posts strong", has_text="with")).to_be_visible()
    expect(page.locator("#reply-body")).to_have_value("")
    marker_survives(page)

    # Edit the new reply in place.
    mine = page.locator("#posts article", has_text="A reply written")
    mine.get_by_role("link", name="Edit").click()
    editor = page.locator("#posts article.editing textarea")
    expect(editor).to_be_visible()
    editor.fill("An edited reply.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#posts article", has_text="An edited reply.")).to_be_visible()
    marker_survives(page)

    # Quote a reply: the reply box is prefilled with a Markdown quote.
    page.locator("#posts article", has_text="Reply 3 from the peer.").get_by_role(
        "link", name="Quote"
    ).click()
    expect(page.locator("#reply-body")).to_have_value(
        "Peer Browser wrote (post #3):\n> Reply 3 from the peer.\n\n"
    )
    marker_survives(page)

    # Accept an answer: it appears first, in place.
    page.locator("#posts article", has_text="Reply 4 from the peer.").get_by_role(
        "button", name="Accept as the answer"
    ).click()
    expect(page.locator("#accepted")).to_contain_text("Reply 4 from the peer.")
    marker_survives(page)
    assert_no_csp_errors(page)


def test_identifier_check_with_javascript(page, live_app):
    forum = build_forum(live_app, replies=2)
    login(page, forum.participant)
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.evaluate(MARKER)
    page.fill("#reply-body", "Her number is 0812 345 678.")
    # The live preview appears as the author types.
    expect(page.locator("#reply-live")).to_contain_text("Phone number")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".pii-found")).to_contain_text("0812 345 678")
    page.get_by_role("button", name="Post anyway").click()
    expect(page.get_by_text("Your reply was posted.")).to_be_visible()
    expect(page.locator("#posts")).to_contain_text("Her number is 0812 345 678.")
    marker_survives(page)
    assert_no_csp_errors(page)


def test_thread_journey_without_javascript(page_nojs, live_app):
    page = page_nojs
    forum = build_forum(live_app)
    login(page, forum.trainer)  # trainers are not rate limited, so the steps can follow quickly

    # Start a thread from the board.
    page.goto(f"/discussion/boards/{forum.board_id}")
    page.get_by_role("link", name="Start a thread").click()
    page.fill("#title", "Referral to shelters")
    page.fill("#thread-body", "How do *you* refer?")
    page.get_by_role("button", name="Start the thread").click()
    expect(page.get_by_role("heading", name="Referral to shelters")).to_be_visible()
    expect(page.locator("#posts em", has_text="you")).to_be_visible()

    # Load more on the long thread: a full page of the next replies.
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.get_by_role("link", name="Load more replies").click()
    expect(page.get_by_text("Reply 26 from the peer.")).to_be_visible()

    # Quote, then reply: the page redirects to the new post.
    page.locator("#posts article", has_text="Reply 22 from the peer.").get_by_role(
        "link", name="Quote"
    ).click()
    expect(page.locator("#reply-body")).to_have_value(
        "Peer Browser wrote (post #22):\n> Reply 22 from the peer.\n\n"
    )
    page.locator("#reply-body").press("End")
    page.locator("#reply-body").type("I agree.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#posts blockquote", has_text="Reply 22")).to_be_visible()
    expect(page.locator("#posts article", has_text="I agree.")).to_be_visible()

    # Edit it on its own page.
    page.locator("#posts article", has_text="I agree.").get_by_role("link", name="Edit").click()
    page.fill("textarea", "I agree, with one change.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#posts article", has_text="I agree, with one change.")).to_be_visible()

    # Accept an answer (as a trainer of the cohort).
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.locator("#posts article", has_text="Reply 5 from the peer.").get_by_role(
        "button", name="Accept as the answer"
    ).click()
    expect(page.locator("#accepted")).to_contain_text("Reply 5 from the peer.")


def test_pages_pass_axe(page, live_app):
    forum = build_forum(live_app)
    login(page, forum.trainer)
    for path in (
        "/discussion/",
        f"/discussion/boards/{forum.board_id}",
        f"/discussion/threads/{forum.thread_id}",
        f"/discussion/boards/{forum.board_id}/new",
        "/discussion/moderation",
    ):
        page.goto(path)
        check_page(page)
    # The identifier warning state too.
    page.goto(f"/discussion/threads/{forum.thread_id}")
    page.fill("#reply-body", "Write to a.person@example.org")
    page.get_by_role("button", name="Post reply").click()
    page.locator(".pii-found").wait_for()
    check_axe(page)
