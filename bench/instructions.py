"""Machine instructions a request, counted by valgrind (callgrind): the same figure on every
run, whatever else the machine is doing, unlike requests per second or CPU time.

    .venv/bin/python bench/instructions.py [TARGET ...] [--requests N]

TARGET is one of the bench's pages ("session page", "thread", ...) or one of the layers
below, which show what every signed-in page pays before it does anything of its own (the
floor that bounds the throughput ratio of `make bench`):

    bare flask          bench/bare.py's route: the yardstick
    portal, visitor     a route of the portal's app that returns a word, nobody signed in
    portal, signed in   the same route, signed in (the session, the user, the locale)
    base layout         base.html with an empty page, signed in
    layout only         a signed-in page-not-found, the bench's reference row

The layers' routes are added to the app in the measuring process only. Each target runs
in its own process under `valgrind --tool=callgrind --instr-atstart=no`: the portal is
built and warmed up uninstrumented, then N requests are counted through the Flask test
client (no sockets, no server: gunicorn's own work is not in the figure). The portal runs
on a fresh SQLite database in a temporary folder, as bench/profile_pages.py builds it.
Needs Debian's valgrind. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("bare flask", "portal, visitor", "portal, signed in", "base layout", "layout only")
WARM_UP = 15


def _measured_process(target: str, requests: int, paths: dict[str, str]) -> None:
    """In the process valgrind runs: build the client, warm up, count `requests` requests."""
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    if target == "bare flask":
        from bare import app as bare_app

        client, path = bare_app.test_client(), "/"
    else:
        from flask import render_template
        from profile_pages import signed_in_client
        from setup_data import TRAINER_PAGES

        from portal import create_app

        app = create_app({"WTF_CSRF_ENABLED": False})
        app.add_url_rule("/bench/word", "bench_word", lambda: "word")
        # Compiled once, as a file template is (render_template takes a Template as it is).
        empty_page = app.jinja_env.from_string(
            '{% extends "base.html" %}{% block content %}{% endblock %}'
        )
        app.add_url_rule("/bench/base", "bench_base", lambda: render_template(empty_page))
        layer_paths = {
            "portal, visitor": "/bench/word",
            "portal, signed in": "/bench/word",
            "base layout": "/bench/base",
            "layout only": "/bench/no-such-page",
        }
        path = layer_paths.get(target) or paths[target]
        if target == "portal, visitor":
            client = app.test_client()
        else:
            demo = "trainer" if target in TRAINER_PAGES else "participant"
            client = signed_in_client(app, f"{demo}@demo.test")
    for _ in range(WARM_UP):
        client.get(path)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", pid], check=True, capture_output=True)
    for _ in range(requests):
        client.get(path)
    subprocess.run(["callgrind_control", "--instr=off", pid], check=True, capture_output=True)


def count(target: str, requests: int, paths: dict[str, str], instance: Path) -> float:
    """Millions of instructions a request for one target, from callgrind's total."""
    copy = Path(tempfile.mkdtemp(prefix="portal-instructions-"))
    try:
        shutil.copytree(instance, copy, dirs_exist_ok=True)  # each run starts from the same data
        env = {**os.environ, "PORTAL_INSTANCE": str(copy), "BENCH_PATHS": json.dumps(paths)}
        command = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--instr-atstart=no",
            sys.executable,
            __file__,
            "--measure",
            target,
            "--requests",
            str(requests),
        ]
        run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or not found:
        raise SystemExit(f"{target}: valgrind did not finish\n{run.stderr[-2000:]}")
    return int(found.group(1)) / requests / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measured_process(args.measure, args.requests, json.loads(os.environ["BENCH_PATHS"]))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: install Debian's valgrind")
    sys.path[:0] = [str(ROOT / "bench")]
    from profile_pages import prepare

    work = Path(tempfile.mkdtemp(prefix="portal-instructions-"))
    try:
        paths = prepare(work)
        targets = args.targets or [*LAYERS, *paths]
        bare = None
        print(f"{'target':<20} {'M instructions':>15} {'x bare':>8}")
        for target in targets:
            figure = count(target, args.requests, paths, work)
            bare = figure if target == "bare flask" else bare
            times = f"{figure / bare:7.1f}x" if bare else ""
            print(f"{target:<20} {figure:15.2f} {times:>8}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
