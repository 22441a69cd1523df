"""Page weight in the real browser (SPEC §4), for `make bench`.

The system Chromium, driven by Playwright, visits every main page of the portal twice in one
browser context: first with an empty cache (cold), then the same page again with the cache
kept (warm). The Chrome DevTools Protocol's Network events give what went over the wire:
`Network.loadingFinished` carries each response's encodedDataLength (headers and the
compressed body, as received), and a response served from the cache is not a request on the
wire. The HTMX fragments are requested as HTMX does (`HX-Request: true`) and measured as
received, still gzip-compressed. The whole-session figure is one participant, from cold, in
one context: the session page, two readings (each marked done), a quiz attempt (started,
answered, autosaved, submitted) and one reply posted in a thread.

bench/run.py calls `measure()` while the portal is served by gunicorn on loopback; it needs
the portal's environment (it adds two fictional participants to the demo cohort).
`python bench/weight.py setup` is that set-up step, run inside the portal's environment.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")
# The flags the browser tests use (tests/browser/conftest.py): no traffic of Chromium's own.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "weight passphrase for fictional participants"
TIMEOUT_MS = 30_000

KB = 1024
# SPEC §4
COLD_BYTES, COLD_REQUESTS = 50 * KB, 6
WARM_BYTES = 10 * KB
FRAGMENT_BYTES = 5 * KB
SESSION_BYTES = 150 * KB

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REPLY_TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="token"')
CHOICE = re.compile(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"')
QUOTE = re.compile(r"[?&]quote=(\d+)")


# ------------------------------------------------------------------ pure helpers (tested)


class Traffic:
    """What a page asked for and what crossed the wire, from CDP Network events.

    Each request (and each redirect hop) counts once; a response from the browser's cache
    (memory or disk) is not on the wire and counts apart. Bytes are encodedDataLength:
    the response headers plus the body as received (compressed)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.entries: dict[str, dict] = {}
        self.hops: list[dict] = []

    def _entry(self, request_id: str) -> dict:
        return self.entries.setdefault(
            request_id, {"url": "", "bytes": 0, "header_bytes": 0, "cached": False, "done": False}
        )

    def request_will_be_sent(self, params: dict) -> None:
        entry = self._entry(params["requestId"])
        redirect = params.get("redirectResponse")
        if redirect is not None:  # the previous hop ended with this redirect answer
            self.hops.append(
                {
                    "url": entry["url"],
                    "bytes": int(redirect.get("encodedDataLength") or 0),
                    "cached": bool(redirect.get("fromDiskCache")),
                    "status": redirect.get("status"),
                }
            )
            entry.update(bytes=0, header_bytes=0, cached=False, done=False)
        entry["url"] = params["request"]["url"]

    def served_from_cache(self, params: dict) -> None:
        self._entry(params["requestId"])["cached"] = True

    def response_received(self, params: dict) -> None:
        entry = self._entry(params["requestId"])
        response = params["response"]
        entry["status"] = response.get("status")
        entry["header_bytes"] = int(response.get("encodedDataLength") or 0)
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            entry["cached"] = True

    def loading_finished(self, params: dict) -> None:
        entry = self._entry(params["requestId"])
        entry["bytes"] = int(params.get("encodedDataLength") or 0)
        entry["done"] = True

    def loading_failed(self, params: dict) -> None:
        self._entry(params["requestId"])["done"] = True

    def summary(self, origin: str) -> dict:
        """Bytes on the wire, requests on the wire, cache hits, other hosts asked."""
        rows = [*self.hops, *self.entries.values()]
        rows = [row for row in rows if row["url"].startswith(("http:", "https:"))]
        wire = [row for row in rows if not row["cached"]]
        host = urlsplit(origin).netloc
        return {
            "bytes": sum(row["bytes"] for row in wire),
            "requests": len(wire),
            "cache_hits": len(rows) - len(wire),
            "other_hosts": sorted({urlsplit(r["url"]).netloc for r in rows} - {host}),
            "sizes": {_short(row["url"], origin): row["bytes"] for row in wire},
        }


def _short(url: str, origin: str) -> str:
    path = url[len(origin) :] if url.startswith(origin) else url
    return re.sub(r"\?v=[0-9a-f]+$", "", path)


def page_verdict(cold: dict, warm: dict) -> dict:
    """SPEC §4: cold ≤ 50 KB and ≤ 6 requests and no other host; warm ≤ 10 KB."""
    small = cold["bytes"] <= COLD_BYTES and cold["requests"] <= COLD_REQUESTS
    cold_met = small and not cold["other_hosts"]
    return {"cold_met": cold_met, "warm_met": warm["bytes"] <= WARM_BYTES}


def fragment_verdict(fragment: dict) -> bool:
    """SPEC §4: an HTMX fragment ≤ 5 KB (compressed body) and `Vary: HX-Request`."""
    return fragment["status"] < 400 and fragment["bytes"] <= FRAGMENT_BYTES and fragment["vary"]


def header_bytes(status_line: str, headers: list[tuple[str, str]]) -> int:
    """The size of an HTTP/1.1 response head: status line, each header line, blank line."""
    return len(status_line) + 2 + sum(len(k) + 2 + len(v) + 2 for k, v in headers) + 2


def kb(n: int) -> str:
    return f"{n / KB:.1f}"


# ---------------------------------------------------------------------------- set-up


def setup() -> dict:
    """Inside the portal's environment: two fictional participants in the demo cohort (one
    for the pages and fragments, one for the whole session, since a participant may post
    once in 30 s), a submitted and an open quiz attempt, and the paths to measure."""
    from datetime import timedelta

    from load import demo_participants
    from sqlalchemy import select

    from portal import create_app
    from portal.database import utcnow
    from portal.extensions import db
    from portal.learning import services as learning
    from portal.learning.models import CurriculumSession, Quiz, Reading
    from portal.practices.models import Practice

    app = create_app()
    with app.app_context():
        roles = ("pages", "session")
        wanted = [(f"weight-{role}@example.test", f"Weight Participant ({role})") for role in roles]
        old_enough = utcnow() - timedelta(days=60)  # not a new account (posting limits)
        cohort_id, users = demo_participants(wanted, PASSWORD, created_at=old_enough)
        people = dict(zip(roles, users, strict=True))
        session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
        readings = db.session.scalars(
            select(Reading)
            .where(Reading.session_id == session.id, Reading.is_retired.is_(False))
            .order_by(Reading.position)
        ).all()
        quiz = db.session.scalar(select(Quiz).where(Quiz.session_id == session.id))
        user = people["pages"]
        submitted = learning.start_attempt(user, quiz)
        learning.submit_attempt(user, submitted, quiz, responses={})
        open_attempt = learning.start_attempt(user, quiz)
        practice = db.session.scalar(
            select(Practice.id).where(Practice.status == "published").order_by(Practice.id)
        )
        number = session.number
        result = {
            "participants": {role: u.email for role, u in people.items()},
            "cohort_id": cohort_id,
            "session": f"/sessions/{number}",
            "readings": [f"/sessions/{number}/readings/{r.slug}" for r in readings[:2]],
            "quiz": f"/sessions/{number}/quiz",
            "attempt": f"/quiz/attempts/{open_attempt.id}",
            "review": f"/quiz/attempts/{submitted.id}/review",
            "practice": f"/practices/{practice}",
        }
        db.engine.dispose()
    return result


def pages(world: dict, thread: str, board: str) -> list[tuple[str, str, str | None]]:
    """(name, path, who): who is "participant", "trainer" or None (not signed in)."""
    cohort = world["cohort_id"]
    return [
        ("participant home", "/progress", "participant"),
        ("curriculum", "/curriculum", "participant"),
        ("session page", world["session"], "participant"),
        ("reading", world["readings"][0], "participant"),
        ("quiz attempt", world["attempt"], "participant"),
        ("quiz review", world["review"], "participant"),
        ("board list", "/discussion/", "participant"),
        ("board", board, "participant"),
        ("thread", thread, "participant"),
        ("practice library", "/practices/", "participant"),
        ("practice", world["practice"], "participant"),
        ("search results", "/search?q=referral", "participant"),
        ("cohort page", f"/cohorts/{cohort}", "trainer"),
        ("cohort dashboard", f"/cohorts/{cohort}/progress", "trainer"),
        ("public home", "/", None),
        ("get involved", "/get-involved", None),
        ("sign-in page", "/login", None),
    ]


# ------------------------------------------------------------------------ over HTTP


def sign_in(base: str, email: str, password: str) -> http.cookiejar.CookieJar:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    form = {"csrf_token": TOKEN.search(page).group(1), "email": email, "password": password}
    opener.open(base + "/login", data=urllib.parse.urlencode(form).encode())
    if not any(cookie.name == "session" for cookie in jar):
        raise SystemExit(f"weight: could not sign {email} in")
    return jar


def cookie_header(jar: http.cookiejar.CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def get_page(base: str, path: str, cookie: str) -> str:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def fragment(base: str, method: str, path: str, cookie: str, data: dict | None = None) -> dict:
    """One HTMX request, measured as received: the gzip body and the response head."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {
        "Cookie": cookie,
        "HX-Request": "true",
        "HX-Current-URL": base + path,
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
    }
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        head = header_bytes(f"HTTP/1.1 {response.status} {response.reason}", response.getheaders())
        vary = response.getheader("Vary", "") or ""
        return {
            "method": method,
            "path": path,
            "status": response.status,
            "bytes": len(raw),
            "header_bytes": head,
            "gzip": response.getheader("Content-Encoding") == "gzip",
            "vary": "hx-request" in vary.lower(),
        }
    finally:
        connection.close()


def fragments(base: str, world: dict, thread: str, cookies: dict[str, str]) -> dict[str, dict]:
    """The HTMX fragments a participant (and the trainer's dashboard filter) receives."""
    me, trainer = cookies["participant"], cookies["trainer"]
    reading = world["readings"][0]
    token = TOKEN.search(get_page(base, reading, me)).group(1)
    out = {}
    out["mark reading done"] = fragment(
        base, "POST", reading + "/done", me, {"csrf_token": token, "done": "1"}
    )
    attempt_page = get_page(base, world["attempt"], me)
    answers: dict = {"csrf_token": token}
    for name, value in CHOICE.findall(attempt_page):
        answers.setdefault(name, value)
    out["quiz autosave"] = fragment(base, "POST", world["attempt"] + "/save", me, answers)
    page = get_page(base, thread, me)
    quote = QUOTE.search(page)
    match = REPLY_TOKEN.search(page)
    reply = {
        "csrf_token": token,
        "token": match.group(1) or match.group(2),
        "body": "In our office we refer people to the shelter on the same day.",
    }
    out["reply posted"] = fragment(base, "POST", thread + "/reply", me, reply)
    out["load more replies"] = fragment(base, "GET", thread + "?after=20", me)
    if quote:
        out["quote a post"] = fragment(base, "GET", f"{thread}?quote={quote.group(1)}", me)
    check = {"csrf_token": token, "body": "Call Somchai on +66 81 234 5678 or somchai@mail.test."}
    out["identifier check"] = fragment(base, "POST", "/discussion/check", me, check)
    out["library filter"] = fragment(base, "GET", "/practices/?pillar=prevention", me)
    out["search results"] = fragment(base, "GET", "/search?q=referral", me)
    dashboard = f"/cohorts/{world['cohort_id']}/progress?country=TH"
    out["dashboard filter"] = fragment(base, "GET", dashboard, trainer)
    for row in out.values():
        row["met"] = fragment_verdict(row)
    return out


# ---------------------------------------------------------------------- in the browser


def watch(page, traffic: Traffic):
    """A CDP session on the page that feeds its Network events to `traffic`."""
    cdp = page.context.new_cdp_session(page)
    cdp.on("Network.requestWillBeSent", traffic.request_will_be_sent)
    cdp.on("Network.requestServedFromCache", traffic.served_from_cache)
    cdp.on("Network.responseReceived", traffic.response_received)
    cdp.on("Network.loadingFinished", traffic.loading_finished)
    cdp.on("Network.loadingFailed", traffic.loading_failed)
    cdp.send("Network.enable")
    return cdp


def settle(page) -> None:
    """Until the network is quiet, so the last loadingFinished events are in."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(150)


def visit(page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        raise SystemExit(f"weight: {url} answered {response.status if response else 'nothing'}")
    settle(page)


def browser_cookies(jar: http.cookiejar.CookieJar | None, base: str) -> list[dict]:
    return [{"name": c.name, "value": c.value, "url": base} for c in jar or []]


def page_weights(browser, base: str, listing, jars: dict) -> list[dict]:
    rows = []
    for name, path, who in listing:
        context = browser.new_context()  # a new context: an empty cache
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies(browser_cookies(jars.get(who), base))
        page = context.new_page()
        traffic = Traffic()
        watch(page, traffic)
        visit(page, base + path)
        cold = traffic.summary(base)
        traffic.reset()
        page.goto("about:blank")  # then the same page again, as a new navigation
        visit(page, base + path)
        warm = traffic.summary(base)
        context.close()
        rows.append(
            {"page": name, "path": path, "who": who or "visitor", "cold": cold, "warm": warm}
            | page_verdict(cold, warm)
        )
    return rows


def whole_session(browser, base: str, world: dict, thread: str, jar) -> dict:
    """One participant from cold: session page, two readings marked done, a quiz attempt
    (start, answer, autosave, submit), one reply posted; every byte on the wire."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(browser_cookies(jar, base))
    page = context.new_page()
    traffic = Traffic()
    watch(page, traffic)
    steps = {}

    def step(name: str) -> None:
        settle(page)
        steps[name] = traffic.summary(base)["bytes"] - sum(steps.values())

    visit(page, base + world["session"])
    step("session page")
    for n, reading in enumerate(world["readings"], start=1):
        visit(page, base + reading)
        button = page.locator("form.done-toggle button")
        if button.count():
            with page.expect_response(lambda r: r.url.endswith("/done")):
                button.click()
        step(f"reading {n} (+ marked done)")
    visit(page, base + world["quiz"])
    with page.expect_navigation():
        page.locator('form[action$="/quiz/start"] button').click()
    step("quiz page, attempt started")
    names = page.eval_on_selector_all(
        "#attempt-form input[type=radio], #attempt-form input[type=checkbox]",
        "inputs => [...new Set(inputs.map(i => i.name))]",
    )
    for name in names:
        page.locator(f'#attempt-form input[name="{name}"]').first.check()
    for box in page.locator("#attempt-form input[type=text]").all():
        box.fill("forty")
    for box in page.locator("#attempt-form textarea").all():
        box.fill("An invented answer.")
    for box in page.locator("#attempt-form select").all():
        box.select_option(index=1)
    try:  # the autosave HTMX sends half a second after the last change
        with page.expect_response(lambda r: r.url.endswith("/save"), timeout=5000):
            pass
    except Exception:  # noqa: BLE001 (a quiz with nothing to tick has no autosave)
        pass
    page.locator('#attempt-form button[value="finish"]').click()
    page.wait_for_url(re.compile(r"/(confirm|review)$"))
    if page.url.endswith("/confirm"):  # something left blank: "submit anyway"
        page.locator("form.buttons button[type=submit]").click()
        page.wait_for_url(re.compile(r"/review$"))
    step("quiz answered and submitted (+ review)")
    visit(page, base + thread)
    page.locator("#reply-body").fill("We keep a list of shelters by district. (weight run)")
    with page.expect_response(lambda r: r.url.endswith("/reply")) as answer:
        page.locator("#reply-form button[type=submit]").click()
    if not 200 <= answer.value.status < 300:
        raise SystemExit(f"weight: the reply answered {answer.value.status}")
    step("thread, reply posted")
    total = traffic.summary(base)
    context.close()
    return {
        "bytes": total["bytes"],
        "requests": total["requests"],
        "cache_hits": total["cache_hits"],
        "other_hosts": total["other_hosts"],
        "steps": steps,
        "budget": SESSION_BYTES,
        "met": total["bytes"] <= SESSION_BYTES and not total["other_hosts"],
    }


# --------------------------------------------------------------------------- the run


def measure(base: str, env: dict, bench_paths: dict, demo_password: str) -> dict:
    """Everything above against the portal served at `base`; `env` is its environment."""
    from playwright.sync_api import sync_playwright

    assert urlsplit(base).hostname == "127.0.0.1"  # loopback only
    if not CHROMIUM.exists():
        raise SystemExit(f"weight: the system Chromium is missing ({CHROMIUM})")
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "python"), str(Path(__file__)), "setup"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    world = json.loads(done.stdout.strip().splitlines()[-1])
    thread = bench_paths["thread"]
    jars = {
        "participant": sign_in(base, world["participants"]["pages"], PASSWORD),
        "trainer": sign_in(base, "trainer@demo.test", demo_password),
    }
    cookies = {who: cookie_header(jar) for who, jar in jars.items()}
    board = re.search(
        r'href="(/discussion/boards/\d+)"', get_page(base, thread, cookies["participant"])
    )
    if board is None:
        raise SystemExit("weight: the thread page links to no board")
    board_path = board.group(1)
    listing = pages(world, thread, board_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            rows = page_weights(browser, base, listing, jars)
            session_jar = sign_in(base, world["participants"]["session"], PASSWORD)
            session = whole_session(browser, base, world, thread, session_jar)
        finally:
            browser.close()
    return {
        "budgets": {
            "cold_bytes": COLD_BYTES,
            "cold_requests": COLD_REQUESTS,
            "warm_bytes": WARM_BYTES,
            "fragment_bytes": FRAGMENT_BYTES,
            "session_bytes": SESSION_BYTES,
        },
        "pages": rows,
        "fragments": fragments(base, world, thread, cookies),
        "whole_session": session,
        "seconds": round(time.monotonic() - started, 1),
    }


def report(weight: dict) -> list[str]:
    """The printed part of the bench table for page weight."""
    mark = {True: "met", False: "MISSED"}
    lines = [
        "",
        "Page weight in Chromium (bytes on the wire: headers + gzip bodies; KB = 1024 bytes)",
        f"{'page':<18}{'cold KB':>8}{'req':>5}{'warm KB':>8}{'req':>5}{'cached':>7}"
        f"  cold (<= 50 KB, <= 6 req)  warm (<= 10 KB)",
    ]
    for row in weight["pages"]:
        cold, warm = row["cold"], row["warm"]
        lines.append(
            f"{row['page']:<18}{kb(cold['bytes']):>8}{cold['requests']:>5}"
            f"{kb(warm['bytes']):>8}{warm['requests']:>5}{warm['cache_hits']:>7}"
            f"  {mark[row['cold_met']]:<25}  {mark[row['warm_met']]}"
        )
    lines.append(f"{'HTMX fragment':<22}{'status':>7}{'body B':>8}{'head B':>8}  Vary  <= 5 KB")
    for name, row in weight["fragments"].items():
        lines.append(
            f"{name:<22}{row['status']:>7}{row['bytes']:>8}{row['header_bytes']:>8}"
            f"  {'yes' if row['vary'] else 'NO':<4}  {mark[row['met']]}"
        )
    session = weight["whole_session"]
    steps = ", ".join(f"{name} {kb(n)}" for name, n in session["steps"].items())
    lines.append(
        f"whole session from cold: {kb(session['bytes'])} KB in {session['requests']} requests "
        f"(budget 150 KB: {mark[session['met']]}); {steps}"
    )
    return lines


if __name__ == "__main__":
    if sys.argv[1:] == ["setup"]:
        print(json.dumps(setup()))
    else:
        sys.exit("usage: python bench/weight.py setup (bench/run.py runs the rest)")
