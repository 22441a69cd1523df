"""Browser-test helpers: axe-core checks and the console watch for CSP violations."""

from __future__ import annotations

import weakref
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import ConsoleMessage, Error, Page

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# page.evaluate runs through the DevTools protocol, so our CSP (script-src 'self', no
# unsafe-inline) does not block it as it would block an injected <script> tag.
AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
  }));
}"""

_problems: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()
_javascript_off: weakref.WeakSet[Page] = weakref.WeakSet()


def check_axe(page: Page) -> None:
    """Assert that axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on the page."""
    # axe.run needs timers and promise jobs, which never run with JavaScript off: it
    # would wait forever. The markup is the same either way, so the JS-on runs check it.
    assert page not in _javascript_off, "axe-core cannot run in a page with JavaScript off"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(AXE_RUN, WCAG_TAGS)
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(
        _describe(v) for v in violations
    )


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        lines.append(f"    {' '.join(map(str, node['target']))}: {node['summary']}")
    return "\n".join(lines)


def watch_console(page: Page, *, javascript: bool = True) -> list[str]:
    """Start collecting CSP violations from the console and uncaught page errors."""
    problems = _problems.setdefault(page, [])
    if not javascript:
        _javascript_off.add(page)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"page error: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return problems


def has_javascript(page: Page) -> bool:
    """Whether the watched page runs scripts (htmx) or is a plain HTML browser."""
    return page not in _javascript_off


def csp_errors(page: Page) -> list[str]:
    """The CSP violations and page errors seen so far on a watched page."""
    return list(_problems.get(page, []))


def assert_no_csp_errors(page: Page) -> None:
    """Assert that the page logged no CSP violation and raised no script error."""
    errors = csp_errors(page)
    assert not errors, f"on {page.url}:\n" + "\n".join(errors)


def check_page(page: Page) -> None:
    """A clean console on every page, and no axe-core violations where scripts run."""
    assert_no_csp_errors(page)
    if has_javascript(page):
        check_axe(page)
