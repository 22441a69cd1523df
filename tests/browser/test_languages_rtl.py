"""The main journey in Thai, Bahasa Indonesia and Urdu on a 360 px phone; Urdu right to left."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from browser.helpers import check_page, watch_console
from factories import PASSWORD, enrol, make_cohort, make_user
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.database import utcnow
from portal.discussion import services as discussion
from portal.discussion.models import Board, Post, Thread
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import QuizAttempt, ReadingProgress
from portal.markdown import render_markdown

CONTENT = Path(__file__).resolve().parents[2] / "content"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "languages"
PHONE = {"width": 360, "height": 740}


def say(live_app, language: str, message: str, **values) -> str:
    """What the page shows for `message` in `language` (the catalogue, not a copy of it)."""
    with live_app.test_request_context(), force_locale(language):
        return gettext(message, **values)


@pytest.fixture
def learner(live_app) -> dict:
    """The shipped curriculum, a cohort whose e-learning is open, its boards and one thread."""
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        cohort = make_cohort("June workshop (fictional)")
        users = {}
        for language in ("th", "id", "ur"):
            user = make_user(
                created_at=utcnow() - timedelta(days=3),
                display_name=f"Tester {language} (fictional)",
                language=language,
            )
            enrol(user, cohort)
            users[language] = user.email
        discussion.ensure_cohort_boards(cohort)
        board = db.session.scalar(
            select(Board).where(Board.cohort_id == cohort.id, Board.kind == "session")
        )
        thread = Thread(board_id=board.id, author_id=None, kind="discussion", title="Shelters")
        db.session.add(thread)
        db.session.flush()
        text = discussion.normalise_body("Which referral steps work in your country?")
        db.session.add(
            Post(thread_id=thread.id, number=1, body=text, body_html=str(render_markdown(text)))
        )
        thread.last_number = thread.post_count = 1
        db.session.commit()
        return {"emails": users, "thread_id": thread.id}


def phone_page(new_context, live_server, language: str) -> Page:
    context = new_context(base_url=live_server, viewport=PHONE, locale=language)
    page = context.new_page()
    watch_console(page, javascript=True)
    return page


def check_phone(page: Page, language: str, name: str) -> None:
    """Language and direction on <html>, no sideways scroll at 360 px, axe clean, a screenshot."""
    expected_dir = "rtl" if language == "ur" else "ltr"
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", expected_dir)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > document.documentElement.clientWidth + 1 || r.left < -1;
        }).concat([...document.querySelectorAll('body *')].filter(
            e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'
        )).slice(-4).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))"""
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways in {language}: {widths} {wide}"
    check_page(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-{name}.png"), full_page=True)


def check_meters(page: Page, language: str) -> None:
    """The progress bars fill from the start of the line: the right edge in Urdu."""
    meters = page.locator("svg.meter")
    assert meters.count() > 0
    transform = meters.first.evaluate("e => getComputedStyle(e).transform")
    if language == "ur":
        assert transform.startswith("matrix(-1"), transform  # mirrored
    else:
        assert transform == "none"


def count(live_app, statement) -> int:
    with live_app.app_context():
        return db.session.scalar(statement)


@pytest.mark.parametrize("language", ["th", "id", "ur"])
def test_sign_in_session_reading_quiz_and_reply(
    new_context, live_server, live_app, learner, language
):
    page = phone_page(new_context, live_server, language)
    t = lambda message, **values: say(live_app, language, message, **values)  # noqa: E731

    page.goto("/")
    check_phone(page, language, "home")
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sign in"))
    check_phone(page, language, "login")
    page.get_by_label(t("E-mail address")).fill(learner["emails"][language])
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=t("Sign in")).click()
    expect(page.get_by_role("button", name=t("Sign out"))).to_be_visible()

    page.goto("/progress")
    check_phone(page, language, "progress")
    check_meters(page, language)

    page.goto("/curriculum")
    check_phone(page, language, "curriculum")
    page.goto("/sessions/1")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Session %(n)d", n=1))
    check_phone(page, language, "session")

    page.locator("main a[href^='/sessions/1/readings/']").first.click()
    expect(page.get_by_role("button", name=t("Mark as done"))).to_be_visible()
    check_phone(page, language, "reading")
    page.get_by_role("button", name=t("Mark as done")).click()
    expect(page.get_by_text(t("You marked this reading as done."))).to_be_visible()
    assert count(live_app, select(func.count(ReadingProgress.id))) == 1

    page.goto("/sessions/1/quiz")
    page.get_by_role("button", name=t("Start the quiz")).click()
    expect(page.get_by_role("button", name=t("Submit answers"))).to_be_visible()
    check_phone(page, language, "attempt")
    for question in page.locator("fieldset.question").all():
        choices = question.locator("input[type=radio], input[type=checkbox]")
        if choices.count():
            choices.first.check()
    page.get_by_role("button", name=t("Submit answers")).click()
    # Questions without choices (short answers, matching) are left empty: the portal asks
    # once before it submits.
    page.wait_for_url(re.compile(r"/quiz/attempts/\d+/(confirm|review)"))
    if page.url.endswith("/confirm"):
        check_phone(page, language, "confirm")
        page.get_by_role("button", name=t("Submit anyway")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Results"))
    check_phone(page, language, "results")
    submitted = select(func.count(QuizAttempt.id)).where(QuizAttempt.state == "submitted")
    assert count(live_app, submitted) == 1

    page.goto(f"/discussion/threads/{learner['thread_id']}")
    page.get_by_label(t("Your reply")).fill("A reply written in the test (fictional).")
    page.get_by_role("button", name=t("Post reply")).click()
    expect(page.get_by_text(t("Your reply was posted."))).to_be_visible()
    check_phone(page, language, "thread")
    assert count(live_app, select(func.count(Post.id))) == 2


def test_urdu_layout_is_mirrored(new_context, live_server, live_app, learner):
    """At desktop width the brand sits on the right and "previous" comes first, on the right."""
    context = new_context(base_url=live_server, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(learner["emails"]["ur"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="سائن آؤٹ")).to_be_visible()

    page.goto("/sessions/1")
    brand = page.locator("a.brand").bounding_box()
    assert brand["x"] > 512, "the brand should sit at the right edge in Urdu"
    readings = page.locator("main a[href^='/sessions/1/readings/']")
    readings.nth(1).click()
    previous = page.locator("a[rel=prev]").bounding_box()
    following = page.locator("nav.pager a").last.bounding_box()  # next, or back to the session
    assert previous["x"] > following["x"], "previous comes first, on the right, in Urdu"
    arrow = page.locator("a[rel=prev] .arrow")
    assert arrow.evaluate("e => getComputedStyle(e).transform") != "none"

    # A progress bar that is 40 % done fills its right-hand part in Urdu.
    page.goto("/progress")
    meter = page.locator("svg.meter").first
    box = meter.bounding_box()
    fill = meter.locator(".meter-fill").bounding_box()
    if fill and fill["width"] > 0:
        assert abs((fill["x"] + fill["width"]) - (box["x"] + box["width"])) < 1.5

    page.goto(f"/discussion/threads/{learner['thread_id']}")
    body = page.locator(".post-body").first
    expect(body).to_have_attribute("dir", "auto")
    assert body.evaluate("e => getComputedStyle(e).direction") == "ltr"  # English text stays LTR
