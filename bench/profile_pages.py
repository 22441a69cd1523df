"""Profile the main signed-in pages in-process (cProfile, Flask test client).

    .venv/bin/python bench/profile_pages.py [PAGE ...] [--requests N] [--top N] [--time]

PAGE is one of the bench's pages ("session page", "thread", ...) or "layout only", the
bench's reference row (a signed-in page-not-found).

Builds a fresh SQLite portal in a temporary folder (db upgrade, seed,
bench/setup_data.py), signs in, makes N requests of each page and prints the top
functions by cumulative time, as a share of the total. With --time, no profile: the CPU
time a request takes per page (process time, so other load on the machine hardly
matters). SQLite in a temporary folder, test client: nothing leaves the machine.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench passphrase for fictional demo accounts"


def prepare(work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PORTAL_INSTANCE": str(work),
        "PORTAL_DEMO_PASSWORD": PASSWORD,
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
        "FLASK_APP": "portal",
        "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
    }
    env.pop("DATABASE_URL", None)
    quiet = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], **quiet)
    subprocess.run([str(BIN / "flask"), "seed"], **quiet)
    setup = subprocess.run([str(BIN / "python"), "bench/setup_data.py"], **quiet)
    os.environ.update(env)
    return json.loads(setup.stdout.strip().splitlines()[-1])


def signed_in_client(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--time",
        action="store_true",
        help="no profile: CPU ms a request (process time, best of --rounds rounds) per page",
    )
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="portal-profile-"))
    try:
        paths = prepare(work)
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]  # this checkout's portal
        from setup_data import TRAINER_PAGES

        from portal import create_app

        app = create_app({"WTF_CSRF_ENABLED": False})
        participant = signed_in_client(app, "participant@demo.test")
        trainer = signed_in_client(app, "trainer@demo.test")
        # The bench's reference row: a signed-in page-not-found, the layout alone.
        paths["layout only"] = "/bench/no-such-page"
        for name in args.pages or list(paths):
            client = trainer if name in TRAINER_PAGES else participant
            path = paths[name]
            expected = 404 if name == "layout only" else 200
            for _ in range(20):  # warm-up: templates compiled, caches filled
                assert client.get(path).status_code == expected, path
            if args.time:
                rounds = []
                for _ in range(args.rounds):
                    started = time.process_time()
                    for _ in range(args.requests):
                        client.get(path)
                    rounds.append(1000 * (time.process_time() - started) / args.requests)
                median = sorted(rounds)[len(rounds) // 2]
                print(f"{name:<18} {min(rounds):7.2f} CPU ms a request (median {median:.2f})")
                continue
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            for _ in range(args.requests):
                client.get(path)
            profile.disable()
            elapsed = time.perf_counter() - started
            print(f"\n== {name} ({path}): {args.requests / elapsed:.0f} requests/s in-process")
            stats = pstats.Stats(profile)
            total = stats.total_tt
            rows = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)
            print(f"{'cum %':>6} {'own %':>6} {'calls/req':>9}  function")
            for (filename, line, function), (_, calls, own, cumulative, _) in rows[: args.top]:
                where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
                print(
                    f"{cumulative / total:>6.1%} {own / total:>6.1%} "
                    f"{calls / args.requests:>9.1f}  {where}:{line}({function})"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
