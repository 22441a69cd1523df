"""Every hostile input from the corpus as exercise titles, sections and items, shown in a
real browser (builder, read-only and printable views): nothing runs, nothing is active."""

from __future__ import annotations

from browser.discussion_data import login
from browser.exercise_data import build_hostile_exercises
from browser.helpers import csp_errors
from browser.test_discussion_xss import TRAP
from xss_corpus import HOSTILE_INPUTS

INSPECT = """() => {
  const bad = [];
  // Item and section texts are plain text: no element may appear inside them.
  for (const el of document.querySelectorAll(".checklist li, #builder h1, #builder h2, main h3"))
    for (const child of el.querySelectorAll("*"))
      if (!child.classList.contains("status")) bad.push(el.tagName + ">" + child.tagName);
  for (const el of document.querySelectorAll("main *")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "srcdoc")
        bad.push(el.tagName + "[" + name + "]");
    }
  }
  return bad;
}"""


def test_hostile_exercise_texts_do_not_execute(page, live_app):
    data = build_hostile_exercises(live_app, HOSTILE_INPUTS)
    assert data.lines > 100
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    login(page, data.author)
    for path in (
        f"/exercises/{data.draft}",
        f"/exercises/{data.published}",
        f"/exercises/{data.published}/print",
        "/sessions/3/exercise",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") == [], f"a payload ran on {path}"
        assert page.evaluate(INSPECT) == [], f"active content on {path}"
        page.mouse.move(200, 300)
        assert page.evaluate("window.__xss") == [], f"a hover payload ran on {path}"
    # The builder's inputs hold the texts as values: an edit round-trips in place.
    page.goto(f"/exercises/{data.draft}")
    first = page.locator(".builder-items input[name=text]").first
    value = first.input_value()
    first.locator("xpath=..").get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".builder-items input[name=text]").first.input_value() == value
    assert page.evaluate("window.__xss") == []
    assert dialogs == []
    assert csp_errors(page) == []


FEEDBACK_INSPECT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll(".feedback *")) {
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
        bad.push(el.tagName + "[" + name + "]");
    }
  }
  return bad;
}"""


def feedback_chunks(limit: int = 9_500) -> list[str]:
    """The corpus joined into pieces that fit the trainer's feedback box."""
    out, current = [], ""
    for text in (t for t in HOSTILE_INPUTS if len(t) <= limit):
        if current and len(current) + len(text) + 2 > limit:
            out.append(current)
            current = ""
        current = f"{current}\n\n{text}" if current else text
    return out + ([current] if current else [])


def test_hostile_trainer_feedback_typed_in_the_browser(new_context, live_server, live_app):
    """The trainer types the corpus as feedback (sending the checklist back each time);
    the author reads it above the builder: nothing runs, nothing is active."""
    from browser.conftest import _open_page
    from playwright.sync_api import expect

    from portal.accounts.models import User
    from portal.exercises import services
    from portal.exercises.models import Exercise
    from portal.extensions import db

    data = build_hostile_exercises(live_app, ["A plain invented item"])
    trainer = _open_page(new_context, live_server, javascript=True)
    author = _open_page(new_context, live_server, javascript=True)
    dialogs: list[str] = []
    for p in (trainer, author):
        p.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        p.add_init_script(TRAP)
    login(trainer, data.trainer)
    login(author, data.author)
    path = f"/exercises/{data.draft}"
    for index, piece in enumerate(feedback_chunks()):
        with live_app.app_context():
            exercise = db.session.get(Exercise, data.draft)
            user = db.session.scalar(db.select(User).where(User.email == data.author))
            services.submit(user, exercise, exercise.revision, "x")
            db.session.remove()
        trainer.goto(path)
        trainer.fill("#feedback", piece)
        trainer.get_by_role("button", name="Send back for changes").click()
        expect(trainer.locator(".flash")).to_contain_text("Sent back")
        assert trainer.evaluate("window.__xss") == [], f"a payload ran for the trainer ({index})"
        author.goto(path)
        expect(author.locator(".feedback")).to_be_visible()
        author.mouse.move(200, 300)
        assert author.evaluate("window.__xss") == [], f"a payload ran ({index})"
        assert author.evaluate(FEEDBACK_INSPECT) == [], f"active content ({index})"
    assert dialogs == []
    assert csp_errors(author) == [] and csp_errors(trainer) == []
