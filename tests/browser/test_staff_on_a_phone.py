"""Staff pages on a phone: every staff page reached by a crawl as trainer and as admin fits
a 360 px wide screen without sideways scrolling, and its controls (buttons, selects,
checkboxes, radios and links in lists of actions) are at least 24 x 24 px."""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser.discussion_data import build_forum, login
from browser.helpers import check_page
from factories import enrol, make_invitation, make_user
from playwright.sync_api import Page
from sqlalchemy import select

from portal.cohorts.models import Cohort
from portal.extensions import db
from portal.learning import content_files

CONTENT = Path(__file__).resolve().parents[2] / "content"
PHONE = {"width": 360, "height": 740}
STAFF_PREFIXES = ("/cohorts", "/author", "/admin", "/discussion/moderation")
START = ("/cohorts/", "/author/", "/admin/users", "/discussion/moderation")
MAX_PAGES = 60
# Skip downloads and pages that change state on GET (none should, but be safe) or print.
SKIP = ("/export", "/logout", ".pdf", "/print")

MEASURE = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    'main button, main select, main input[type=checkbox], main input[type=radio], ' +
    'main input[type=submit], main a.button, main .actions a, main .actions-row a, ' +
    'main .row-actions a, main .post-actions a, main .pager a, main td a, header .nav a');
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || style.visibility === 'hidden' || el.closest('.sr-only')) continue;
    if (box.width < 23.5 || box.height < 23.5) {
      const label = (el.textContent || el.name || el.type).trim().slice(0, 30);
      const size = `${box.width.toFixed(1)}x${box.height.toFixed(1)}`;
      small.push(`${el.tagName.toLowerCase()} "${label}" ${size}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, viewport: window.innerWidth, small};
}"""


@pytest.fixture
def staff_world(live_app) -> dict:
    """The shipped curriculum, a forum with a reported post, members and personal invitations."""
    forum = build_forum(live_app, replies=3)
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        cohort = db.session.scalar(select(Cohort))
        for n in range(3):
            user = make_user(
                display_name=f"Fictional Member {n} With A Rather Long Display Name",
                email=f"fictional.member.number.{n}@long-organisation-name.example.test",
                organisation="Fictional Provincial Office for Social Welfare and Development",
            )
            enrol(user, cohort)
        make_invitation(
            cohort,
            email="invitee.with.a.very.long.address@fictional-ministry.example.test",
            name="Invitee",
            max_uses=1,
        )
        make_invitation(cohort, max_uses=30)
        admin = make_user("admin", display_name="Admin Browser")
        admin.created_at = admin.created_at - timedelta(days=3)
        db.session.commit()
        emails = {"trainer": forum.trainer, "admin": admin.email}
        db.session.remove()
    return emails


def crawl(page: Page) -> dict[str, dict]:
    """Visit staff pages breadth first from the staff entry points; measure each."""
    seen: dict[str, dict] = {}
    queue = deque(START)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = page.goto(path)
        if response is None or response.status != 200:
            seen[path] = {"status": response.status if response else None}
            continue
        seen[path] = page.evaluate(MEASURE)
        check_page(page)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc != urlsplit(page.url).netloc or any(s in link for s in SKIP):
                continue
            if link.startswith(STAFF_PREFIXES) and link not in seen:
                queue.append(link)
    return seen


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_every_staff_page_fits_360_px_and_has_24_px_targets(page, staff_world, role):
    page.set_viewport_size(PHONE)
    login(page, staff_world[role])
    pages = crawl(page)
    measured = {p: m for p, m in pages.items() if "scroll" in m}
    assert len(measured) >= (8 if role == "trainer" else 10), sorted(pages)
    too_wide = {p: m["scroll"] for p, m in measured.items() if m["scroll"] > m["viewport"]}
    assert not too_wide, f"sideways scrolling at 360 px: {too_wide}"
    too_small = {p: m["small"] for p, m in measured.items() if m["small"]}
    assert not too_small, f"targets under 24 x 24 px: {too_small}"
    for kind in ("/cohorts/", "/author/sessions/", "/discussion/moderation"):
        assert any(p.startswith(kind) for p in measured), kind
