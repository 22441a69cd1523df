"""Load with nothing lost (issue 15): 200 simulated participants doing a realistic mix.

    python bench/load.py                    a fresh single instance on SQLite (gunicorn)
    python bench/load.py --target cluster   a running `make cluster` (PostgreSQL, Redis)
    python bench/load.py --base URL         a portal already served on loopback at URL, whose
                                            database the environment names (bench/memory.py)

Each participant signs in, then repeats a mix until the request or time budget is spent:
read (session page, a reading), mark a reading done, take a quiz (start, answer, submit),
reply in a thread, mark a practice useful. One in ten replies and quiz submissions is sent
twice, as a double click would. Loopback only; bounded by --requests and --seconds.

Afterwards the database is checked: every request that got a success answer is stored
exactly once (a reply's text once, a submitted attempt submitted, a reading done, an
endorsement present), no 5xx, no "database is locked" in the server logs. Prints counts
and p50/p95 per action; exit status 1 when anything was lost, doubled or answered 5xx.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "scripts"))
PASSWORD = "load passphrase for fictional participants"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REPLY_TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="token"')
ATTEMPT = re.compile(r"/quiz/attempts/(\d+)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Participant:
    def __init__(self, base: str, email: str, user_id: int):
        self.base, self.email, self.user_id = base, email, user_id
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def call(self, path: str, data: dict | None = None) -> tuple[int, str, str, float]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                page = response.read().decode(errors="replace")
                status, location = response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            page = error.read().decode(errors="replace")
            status, location = error.code, error.headers.get("Location", "")
        return status, page, location, time.monotonic() - started


class Run:
    """Shared counters: answers per action, latencies, and what should now be stored."""

    def __init__(self, max_requests: int, seconds: float):
        self.lock = threading.Lock()
        self.left = max_requests
        self.deadline = time.monotonic() + seconds
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.replies: list[str] = []
        self.done: set[tuple[int, int]] = set()
        self.submitted: set[int] = set()
        self.endorsed: set[tuple[int, int]] = set()
        self.errors: list[str] = []

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() > self.deadline:
                return False
            self.left -= 1
            return True

    def record(self, action: str, answer) -> tuple[int, str, str]:
        status, page, location, seconds = answer
        with self.lock:
            self.latency[action].append(seconds)
            self.statuses[action][status] += 1
        return status, page, location


def letters(n: int = 12) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))


def act(run: Run, who: Participant, world: dict) -> None:
    rng = random.Random(who.user_id)
    while run.take():
        roll = rng.random()
        if roll < 0.40:
            path = rng.choice([world["session"], *world["readings"]])
            run.record("read", who.call(path))
        elif roll < 0.55:
            path = rng.choice(world["readings"])
            status, page, _ = run.record("read", who.call(path))
            token = TOKEN.search(page)
            if status != 200 or not token or not run.take():
                continue
            reading_id = world["reading_ids"][path]
            answer = who.call(path + "/done", {"csrf_token": token.group(1), "done": "1"})
            if run.record("mark done", answer)[0] in (200, 303):
                with run.lock:
                    run.done.add((who.user_id, reading_id))
        elif roll < 0.70:
            quiz(run, who, world, rng)
        elif roll < 0.85:
            status, page, _ = run.record("read", who.call(world["thread"]))
            csrf, token = TOKEN.search(page), REPLY_TOKEN.search(page)
            if status != 200 or not csrf or not token or not run.take():
                continue
            text = f"Load reply {letters()}: in our office we refer people the same day."
            data = {"csrf_token": csrf.group(1), "token": token.group(1) or token.group(2)}
            data["body"] = text
            times = 2 if rng.random() < 0.1 else 1  # a double click now and then
            for _ in range(times):
                answer = who.call(world["thread"] + "/reply", data)
                if run.record("reply", answer)[0] in (200, 303):
                    with run.lock:
                        run.replies.append(text)
        else:
            practice = rng.choice(world["practices"])
            path = f"/practices/{practice}"
            status, page, _ = run.record("read", who.call(path))
            token = TOKEN.search(page)
            if status != 200 or not token or 'name="useful" value="1"' not in page:
                continue
            if not run.take():
                return
            answer = who.call(path + "/useful", {"csrf_token": token.group(1), "useful": "1"})
            if run.record("endorse", answer)[0] in (200, 303):
                with run.lock:
                    run.endorsed.add((who.user_id, practice))


def quiz(run: Run, who: Participant, world: dict, rng: random.Random) -> None:
    status, page, _ = run.record("read", who.call(world["quiz"]))
    token = TOKEN.search(page)
    if status != 200 or not token or not run.take():
        return
    status, page, location = run.record(
        "quiz start", who.call(world["quiz"] + "/start", {"csrf_token": token.group(1)})
    )
    match = ATTEMPT.search(location or "")
    if not match or not run.take():
        return
    attempt = f"/quiz/attempts/{match.group(1)}"
    status, page, _ = run.record("read", who.call(attempt))
    token = TOKEN.search(page)
    if status != 200 or not token or not run.take():
        return
    data: dict[str, list[str] | str] = {"csrf_token": token.group(1), "action": "finish"}
    choices = re.findall(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"', page)
    for name, value in choices:
        data.setdefault(name, value)  # the first option of each question
    for name in re.findall(r'<input id="[^"]+" name="([^"]+)" type="text"', page):
        data[name] = "forty"
    for name in re.findall(r'<textarea id="[^"]+" name="([^"]+)"', page):
        data[name] = "An invented answer."
    for name in re.findall(r'<select id="[^"]+" name="([^"]+)"', page):
        data[name] = "1"
    times = 2 if rng.random() < 0.1 else 1
    for _ in range(times):
        status, _, location = run.record("quiz submit", who.call(attempt, data))
        if location.endswith("/confirm") and run.take():
            # Something left blank: the confirmation page's "submit as it is".
            data["action"] = "submit"
            status, _, location = run.record("quiz submit", who.call(attempt, data))
        if status == 303 and location.endswith("/review"):
            with run.lock:
                run.submitted.add(int(match.group(1)))


# ---------------------------------------------------------------------------- set-up


def demo_participants(wanted: list[tuple[str, str]], password: str, created_at=None):
    """Fictional participants (e-mail, display name) in the demo cohort, created the first
    time and found afterwards; returns the cohort's id and the users. Inside an app context
    of the portal's environment (the load run and the page-weight bench use it)."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.cohorts.models import Membership
    from portal.extensions import db

    cohort_id = db.session.scalar(
        select(Membership.cohort_id)
        .join(User, User.id == Membership.user_id)
        .where(User.email == "participant@demo.test")
    )
    password_hash = hash_password(password)
    users = []
    for email, name in wanted:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                display_name=name,
                password_hash=password_hash,
                role="participant",
                country="TH",
                organisation="Fictional Agency",
                organisation_type="ngo",
            )
            if created_at is not None:
                user.created_at = created_at
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, cohort_id=cohort_id))
        users.append(user)
    db.session.commit()
    return cohort_id, users


def prepare(count: int) -> tuple[dict, list[tuple[str, int]]]:
    """Participants in the demo cohort and the paths they use (inside the portal's env)."""
    from sqlalchemy import select

    from portal import create_app
    from portal.accounts.models import User
    from portal.cohorts.models import Cohort
    from portal.discussion import services as discussion
    from portal.discussion.models import Board
    from portal.extensions import db
    from portal.learning.models import CurriculumSession, Reading
    from portal.practices.models import Practice

    app = create_app()
    with app.app_context():
        wanted = [(f"load-{n:03d}@example.test", f"Load Participant {n}") for n in range(count)]
        cohort_id, users = demo_participants(wanted, PASSWORD)
        people = [(user.email, user.id) for user in users]
        session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
        readings = db.session.scalars(
            select(Reading).where(Reading.session_id == session.id).order_by(Reading.position)
        ).all()
        trainer = db.session.scalar(select(User).where(User.email == "trainer@demo.test"))
        cohort = db.session.get(Cohort, cohort_id)
        discussion.ensure_cohort_boards(cohort)
        board = db.session.scalar(
            select(Board).where(Board.slot == f"session:{cohort_id}:{session.id}")
        )
        thread = discussion.create_thread(
            trainer, board, f"Load run {letters(6)}", "discussion",
            "An invented opening post for the load run.", letters(20), None,
        )  # fmt: skip
        practices = db.session.scalars(
            select(Practice.id).where(Practice.status == "published").limit(12)
        ).all()
        paths = {f"/sessions/1/readings/{r.slug}": r.id for r in readings}
        world = {
            "session": "/sessions/1",
            "readings": list(paths),
            "reading_ids": paths,
            "quiz": "/sessions/1/quiz",
            "thread": f"/discussion/threads/{thread.id}",
            "thread_id": thread.id,
            "practices": list(practices),
        }
        db.engine.dispose()
    return world, people


def verify(run: Run, world: dict) -> dict:
    """Count what is stored for each success answer: each must be there exactly once."""
    from sqlalchemy import func, select

    from portal import create_app
    from portal.discussion.models import Post
    from portal.extensions import db
    from portal.learning.models import QuizAttempt, ReadingProgress
    from portal.practices.models import Endorsement

    app = create_app()
    with app.app_context():
        bodies = db.session.execute(
            select(Post.body, func.count())
            .where(Post.thread_id == world["thread_id"])
            .group_by(Post.body)
        ).all()
        stored = dict(bodies)
        replies = set(run.replies)
        lost_replies = [t for t in replies if t not in stored]
        doubled_replies = [t for t, n in stored.items() if n > 1]
        done = set(
            db.session.execute(select(ReadingProgress.user_id, ReadingProgress.reading_id)).all()
        )
        lost_done = [d for d in run.done if d not in done]
        attempts = dict(
            db.session.execute(
                select(QuizAttempt.id, QuizAttempt.submitted_at).where(
                    QuizAttempt.id.in_(run.submitted or {0})
                )
            ).all()
        )
        lost_submits = [a for a in run.submitted if attempts.get(a) is None]
        endorsed = set(db.session.execute(select(Endorsement.user_id, Endorsement.practice_id)))
        lost_endorse = [e for e in run.endorsed if e not in endorsed]
        db.engine.dispose()
    return {
        "replies": (len(replies), len(lost_replies), len(doubled_replies)),
        "readings done": (len(run.done), len(lost_done), 0),  # a unique key: never twice
        "quiz submissions": (len(run.submitted), len(lost_submits), 0),
        "endorsements": (len(run.endorsed), len(lost_endorse), 0),  # primary key
    }


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", choices=["single", "cluster"], default="single")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--base", help="a running portal on loopback (its env is ours)")
    args = parser.parse_args()

    logs: list[Path] = []
    server = None
    if args.base:
        env, base = dict(os.environ), args.base.rstrip("/")
    elif args.target == "cluster":
        import cluster

        env = cluster.environment()
        base = f"http://127.0.0.1:{cluster.PORT}"
        logs = [cluster.STATE / f"portal-{n}.log" for n in (1, 2)]
    else:
        folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
        port = 8190
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'load.db'}",
            "PORTAL_INSTANCE": str(folder),
            "SECRET_KEY": letters(48),
            "PORTAL_ENV": "load",
            "MAIL_BACKEND": "file",
            "MAIL_DIR": str(folder / "mail"),
            "PORTAL_DEMO_PASSWORD": "demo passphrase for fictional accounts",
            "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
            "FLASK_APP": "portal",
        }
        env.pop("REDIS_URL", None)
        for command in (["db", "upgrade"], ["seed"]):
            subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        log = folder / "gunicorn.log"
        logs = [log]
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "portal:create_app()"],
            env=env, cwd=ROOT, stdout=open(log, "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
    assert urllib.parse.urlsplit(base).hostname == "127.0.0.1"  # loopback only
    os.environ.update(env)
    offsets = {path: path.stat().st_size if path.exists() else 0 for path in logs}
    try:
        world, people = prepare(args.users)
        crowd = [Participant(base, email, user_id) for email, user_id in people]
        signed_in = 0
        for start in range(0, len(crowd), 20):
            if args.target == "cluster":
                cluster_check = __import__("cluster_check")
                # One loopback address stands for 200 people: its sign-in counter is reset
                # between batches (the checks showed the limit holds across instances).
                cluster_check._reset_login_counters(env["REDIS_URL"])
            batch = crowd[start : start + 20]

            def sign_in(who: Participant) -> None:
                nonlocal signed_in
                page = who.call("/login")[1]
                data = {"email": who.email, "password": PASSWORD}
                data["csrf_token"] = TOKEN.search(page).group(1)
                if who.call("/login", data)[0] == 303:
                    signed_in += 1

            threads = [threading.Thread(target=sign_in, args=(w,)) for w in batch]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        print(f"{signed_in} of {len(crowd)} participants signed in; load begins", flush=True)
        run = Run(args.requests, args.seconds)
        started = time.monotonic()
        threads = [threading.Thread(target=act, args=(run, w, world)) for w in crowd]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        checks = verify(run, world)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    locked = 0
    for path, offset in offsets.items():
        with open(path, "rb") as handle:
            handle.seek(offset)
            locked += handle.read().decode(errors="replace").count("database is locked")
    total = sum(sum(s.values()) for s in run.statuses.values())
    errors = sum(n for s in run.statuses.values() for code, n in s.items() if code >= 500)
    print(f"\n{args.base or args.target}: {len(crowd)} participants, {total} requests in "
          f"{elapsed:.1f} s ({total / elapsed:.0f}/s)")  # fmt: skip
    print(f"{'action':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}  answers")
    for action, times in run.latency.items():
        answers = ", ".join(f"{c}: {n}" for c, n in sorted(run.statuses[action].items()))
        print(f"{action:<14}{len(times):>9}{p(times, 0.5):>9.0f}{p(times, 0.95):>9.0f}  {answers}")
    print(f"\n{'stored check':<18}{'successes':>10}{'lost':>6}{'doubled':>8}")
    bad = errors + locked
    for name, (ok, lost, doubled) in checks.items():
        print(f"{name:<18}{ok:>10}{lost:>6}{doubled:>8}")
        bad += lost + doubled
    print(f"\n5xx answers: {errors}; 'database is locked' in the server logs: {locked}")
    print("RESULT:", "nothing lost, nothing doubled, no 5xx" if not bad else "FAILED")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
