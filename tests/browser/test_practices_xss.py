"""The hostile-input corpus in a real browser: typed into every field of the practice form
and shown on published practice pages and in the library; nothing runs."""

from __future__ import annotations

from browser.discussion_data import login
from browser.helpers import csp_errors
from browser.practices_data import build_library
from browser.test_discussion_xss import TRAP
from playwright.sync_api import expect
from practices.conftest import COMPLETE, data_from
from xss_corpus import HOSTILE_INPUTS

from portal.accounts.models import User
from portal.discussion.services import confirmation_for
from portal.extensions import db
from portal.practices import services
from portal.practices.models import Practice

POSTABLE = [text for text in HOSTILE_INPUTS if len(text) <= 5_000]
INSPECT = """() => {
  const bad = [];
  const places = ".post-body, .lead, h1, .practice-card, .practice-facts, "
    + ".review-comment, .pii-found, textarea";
  for (const place of document.querySelectorAll(places)) {
    for (const el of place.querySelectorAll("*")) {
      if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "FORM", "STYLE", "SVG", "BASE", "META",
           "LINK", "INPUT", "BUTTON", "TEXTAREA"].includes(el.tagName.toUpperCase()))
        bad.push(el.tagName);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on") || name.startsWith("hx-") || name === "style"
            || name === "srcdoc" || name === "formaction")
          bad.push(el.tagName + "[" + name + "]");
        const url = /^\\s*(javascript|data|vbscript):/i;
        if ((name === "href" || name === "src") && url.test(attr.value))
          bad.push(el.tagName + "[" + name + "=" + attr.value + "]");
      }
    }
  }
  return bad;
}"""


def chunks(limit: int = 4_800) -> list[str]:
    """The corpus joined into pieces that fit the smaller text fields."""
    out, current = [], ""
    for text in POSTABLE:
        if current and len(current) + len(text) + 2 > limit:
            out.append(current)
            current = ""
        current = f"{current}\n\n{text}" if current else text
    return out + ([current] if current else [])


def assert_nothing_ran(page, where: str) -> None:
    assert page.evaluate("window.__xss") == [], f"a payload ran ({where})"
    assert page.evaluate(INSPECT) == [], f"active content ({where})"


def test_hostile_text_typed_into_every_field_of_the_form(page, live_app):
    data = build_library(live_app, practices=0)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    login(page, data.author)
    pieces = chunks()
    for index, piece in enumerate(pieces):
        page.goto("/practices/new")
        first = piece.split("\n\n")[0]
        page.fill("#practice-title", f"{index} {first}"[:160])
        page.fill("#practice-summary", piece[:600])
        page.fill("#practice-description", piece)
        page.fill("#practice-results", piece)
        page.fill("#practice-lessons", piece)
        page.select_option("#countries", ["PH"])
        page.select_option("#organisation_type", "ngo")
        page.get_by_label("Prevention").check()
        page.get_by_role("button", name="Submit for review").click()
        page.wait_for_load_state("networkidle")
        assert_nothing_ran(page, f"form result {index}")
        anyway = page.get_by_role("button", name="Submit anyway")
        if anyway.count():
            anyway.click()
        expect(page.get_by_text("Your practice is with the trainers for review.")).to_be_visible()
        page.mouse.move(200, 300)
        assert_nothing_ran(page, f"practice page {index}")
    assert dialogs == []
    assert [e for e in csp_errors(page) if "Refused" in e] == []
    with live_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Practice)) == len(pieces)
        db.session.remove()


def test_hostile_published_practices_and_library(page, live_app):
    data = build_library(live_app, practices=0)
    with live_app.app_context():
        author = db.session.scalar(db.select(User).where(User.email == data.author))
        trainer = db.session.scalar(db.select(User).where(User.email == data.trainer))
        ids = []
        for index, text in enumerate(POSTABLE):
            title = (text.strip() or "blank")[:150]
            fields = {**COMPLETE, "title": f"{index} {title}", "summary": text[:600]}
            fields.update(description=text, results=text, lessons=text)
            practice = services.save(author, None, data_from(fields))
            confirm = confirmation_for(author, services.text_for_check(practice))
            services.submit(author, practice, confirm)
            services.publish(trainer, practice, text)
            ids.append(practice.id)
        db.session.remove()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    login(page, data.author)  # the author also sees the review comments
    for practice_id in ids:
        page.goto(f"/practices/{practice_id}")
        assert_nothing_ran(page, f"practice {practice_id}")
    for number in range(1, len(ids) // 10 + 2):
        page.goto(f"/practices/?page={number}")
        page.mouse.move(200, 300)
        assert_nothing_ran(page, f"library page {number}")
    assert dialogs == []
    assert [e for e in csp_errors(page) if "Refused" in e] == []


def test_hostile_comments_typed_in_the_browser(page, live_app):
    """The corpus typed into the comment box (in place, with htmx), then every input as
    its own comment, read by a peer: nothing runs, nothing is active."""
    data = build_library(live_app, practices=0)
    with live_app.app_context():
        author = db.session.scalar(db.select(User).where(User.email == data.author))
        trainer = db.session.scalar(db.select(User).where(User.email == data.trainer))
        practice = services.save(author, None, data_from(COMPLETE))
        services.submit(author, practice)
        services.publish(trainer, practice)
        practice_id = practice.id
        db.session.remove()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    # A trainer is not held to the pace between comments, so the whole corpus fits.
    login(page, data.trainer)
    path = f"/practices/{practice_id}"
    pieces = chunks(limit=19_000)
    for index, piece in enumerate(pieces):
        page.goto(path)
        page.fill("#comment-body", piece)
        page.get_by_role("button", name="Post the comment").click()
        anyway = page.get_by_role("button", name="Post anyway")
        posted = page.locator("#comments .post")
        expect(anyway.or_(posted.nth(index))).to_be_visible()
        assert_nothing_ran(page, f"comment form {index}")
        if anyway.count():
            anyway.click()
            expect(posted.nth(index)).to_be_visible()
        page.mouse.move(200, 300)
        assert_nothing_ran(page, f"comment {index}")
    with live_app.app_context():
        trainer = db.session.scalar(db.select(User).where(User.email == data.trainer))
        practice = db.session.get(Practice, practice_id)
        for index, text in enumerate(POSTABLE):
            confirm = confirmation_for(trainer, text)
            try:
                services.add_comment(trainer, practice, text, f"c{index}", confirm)
            except services.PracticeError:
                continue  # blank once normalised: refused with a message, nothing stored
        db.session.remove()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/practices" not in url)
    login(page, data.peer)
    page.goto(path)
    expect(page.locator("#comments .post").first).to_be_visible()
    page.mouse.move(200, 300)
    assert_nothing_ran(page, "every comment, read by a peer")
    assert dialogs == []
    assert [e for e in csp_errors(page) if "Refused" in e] == []
