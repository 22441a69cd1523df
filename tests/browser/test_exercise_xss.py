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
