"""The cross-instance checks of `make cluster` (run by `scripts/cluster.py check`).

1. A session cookie issued by one instance works on the other, and through nginx.
2. Login throttling holds across instances: the address limit is counted once in Redis,
   whichever instance answers.
3. No stale permissions: a role change made through one instance applies at once to the
   person's next request on the other.
4. The two outbox workers deliver each message exactly once.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """A cookie jar and the pages it fetches; `base` can be switched between instances."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def token(self, path: str = "/login") -> str:
        return TOKEN.search(self.request(path)[1]).group(1)

    def sign_in(self, email: str, password: str) -> int:
        data = {"email": email, "password": password, "csrf_token": self.token()}
        return self.request("/login", data)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _limit_count(limit: str) -> int:
    return int(limit.split()[0])


def _reset_login_counters(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("LIMITS:*accounts.login*"):
        client.delete(key)
    client.close()


def check_cookie(env, port, instances) -> str:
    first, second = (f"http://127.0.0.1:{p}" for p in instances)
    browser = Browser(first)
    assert browser.sign_in("participant@demo.test", env["PORTAL_DEMO_PASSWORD"]) == 303
    browser.base = second
    status, page = browser.request("/account/profile")
    assert status == 200 and "sign out" in page.lower(), status
    browser.base = f"http://127.0.0.1:{port}"
    statuses = {browser.request("/progress")[0] for _ in range(10)}
    assert statuses == {200}, statuses
    return "signed in on instance 1: profile on instance 2 = 200, 10 pages through nginx = 200"


def check_throttle(env, port, instances) -> str:
    limit = _limit_count(env["LOGIN_LIMIT_PER_ADDRESS"])
    _reset_login_counters(env["REDIS_URL"])
    browsers = [Browser(f"http://127.0.0.1:{p}") for p in instances]
    tokens = [b.token() for b in browsers]
    codes = []
    try:
        for n in range(limit + 2):
            index = n % 2
            data = {
                "email": f"nobody-{n}@example.test",
                "password": "not the password",
                "csrf_token": tokens[index],
            }
            codes.append(browsers[index].request("/login", data)[0])
    finally:
        _reset_login_counters(env["REDIS_URL"])  # the load run signs people in afterwards
    refused = [c for c in codes if c == 429]
    assert codes[:limit] == [400] * limit, codes[:limit]
    assert codes[limit:] == [429, 429], codes[limit:]
    return (
        f"{limit} failed sign-ins alternating between the instances were counted together; "
        f"attempts {limit + 1} and {limit + 2} (one on each instance) got {len(refused)} × 429"
    )


def check_permissions(env, port, instances) -> str:
    from portal import create_app
    from portal.accounts.models import User
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        trainer_id = db.session.scalar(db.select(User.id).where(User.email == "trainer@demo.test"))
    first, second = (f"http://127.0.0.1:{p}" for p in instances)
    admin = Browser(first)
    assert admin.sign_in("admin@demo.test", env["PORTAL_DEMO_PASSWORD"]) == 303
    trainer = Browser(second)
    assert trainer.sign_in("trainer@demo.test", env["PORTAL_DEMO_PASSWORD"]) == 303

    def trainer_sees() -> set[int]:
        return {trainer.request("/cohorts/")[0] for _ in range(8)}  # reaches every worker

    def set_role(role: str) -> None:
        path = f"/admin/users/{trainer_id}"
        data = {"role": role, "is_enabled": "y", "csrf_token": admin.token(path)}
        assert admin.request(path, data)[0] == 303

    assert trainer_sees() == {200}
    set_role("participant")
    after_demotion = trainer_sees()
    set_role("trainer")
    after_restoring = trainer_sees()
    assert after_demotion == {403}, after_demotion
    assert after_restoring == {200}, after_restoring
    return (
        "trainer on instance 2 sees /cohorts/ (200); demoted by the admin on instance 1: "
        "next 8 requests 403; role given back: next 8 requests 200"
    )


def check_outbox(env, port, instances) -> str:
    from portal import create_app, mail
    from portal.extensions import db
    from portal.mail import OutboxMessage

    run = uuid.uuid4().hex[:8]
    count = 60
    app = create_app()
    with app.app_context():
        for n in range(count):
            mail.enqueue(f"check-{n}@example.test", f"Cluster check {run} {n:03d}", "Fictional.")
        db.session.commit()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pending = db.session.scalar(
                db.select(db.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.subject.like(f"Cluster check {run}%"))
                .where(OutboxMessage.status != "sent")
            )
            db.session.rollback()
            if not pending:
                break
            time.sleep(0.5)
        assert not pending, f"{pending} messages still waiting"
    seen: dict[str, int] = {}
    for path in Path(env["MAIL_DIR"]).glob("*.eml"):
        match = re.search(rf"Subject: (Cluster check {run} \d+)", path.read_text(errors="replace"))
        if match:
            seen[match.group(1)] = seen.get(match.group(1), 0) + 1
    twice = [s for s, n in seen.items() if n > 1]
    assert len(seen) == count and not twice, (len(seen), twice)
    return f"{count} messages queued, {len(seen)} delivered, 0 twice (two workers running)"


def main(env: dict, port: int, instances: tuple[int, int]) -> int:
    os.environ.update(env)
    failures = 0
    for name, check in [
        ("session cookie across instances", check_cookie),
        ("login throttling across instances", check_throttle),
        ("no stale permissions after a role change", check_permissions),
        ("outbox: two workers, each message once", check_outbox),
    ]:
        started = time.monotonic()
        try:
            detail = check(env, port, instances)
        except AssertionError as error:
            failures += 1
            print(f"FAIL  {name}: {error}")
        else:
            print(f"ok    {name} ({time.monotonic() - started:.1f} s): {detail}")
    return 1 if failures else 0
