"""Every hostile input from the corpus, shown in a thread in a real browser: nothing runs."""

from __future__ import annotations

from browser.discussion_data import build_forum, login
from browser.helpers import csp_errors
from xss_corpus import HOSTILE_INPUTS

POSTABLE = [text for text in HOSTILE_INPUTS if len(text) <= 20_000]
# Wrap the dialog functions before any page script, so a payload that runs is recorded.
TRAP = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  const original = window[name];
  window[name] = function (...args) { window.__xss.push(name); };
}
"""
INSPECT = """() => {
  const bad = [];
  for (const body of document.querySelectorAll(".post-body")) {
    for (const el of body.querySelectorAll("*")) {
      if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "FORM", "STYLE", "SVG", "BASE", "META",
           "LINK", "INPUT", "BUTTON", "TEXTAREA"].includes(el.tagName.toUpperCase()))
        bad.push(el.tagName);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on") || name.startsWith("hx-") || name.startsWith("data-")
            || name === "style" || name === "srcdoc" || name === "formaction")
          bad.push(el.tagName + "[" + name + "]");
        const url = /^\\s*(javascript|data|vbscript):/i;
        if ((name === "href" || name === "src") && url.test(attr.value))
          bad.push(el.tagName + "[" + name + "=" + attr.value + "]");
      }
    }
  }
  return bad;
}"""
SUSPICIOUS_PATHS = ("/admin", "/account/delete", "/transfer", "/poll", "/x", "/logout")


def test_hostile_posts_do_not_execute(page, live_app):
    forum = build_forum(live_app, bodies=POSTABLE)
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    login(page, forum.peer)
    page.on("request", lambda request: requests.append(request.url))
    after = 0
    pages = 0
    while True:
        page.goto(f"/discussion/threads/{forum.thread_id}" + (f"?after={after}" if after else ""))
        page.wait_for_load_state("networkidle")
        pages += 1
        assert page.evaluate("window.__xss") == [], f"a payload ran (after={after})"
        assert page.evaluate(INSPECT) == [], f"active content in posts (after={after})"
        page.mouse.move(200, 300)  # hover handlers, if any survived
        more = page.locator("#load-more a")
        if more.count() == 0:
            break
        after += 20
    assert pages >= len(POSTABLE) // 20
    assert dialogs == []
    assert page.evaluate("window.__xss") == []
    leaked = [
        url
        for url in requests
        if any(p in url.split("?")[0][-20:] for p in SUSPICIOUS_PATHS) and "/discussion/" not in url
    ]
    assert leaked == [], leaked
    foreign = [url for url in requests if not url.startswith(page.url.split("/discussion")[0])]
    assert foreign == [], foreign
    # CSP reports and script errors would show here (a blocked inline handler logs one).
    assert [e for e in csp_errors(page) if "Refused" in e or "error" in e] == []
