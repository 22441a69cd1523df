"""Worker memory after a load run over 10,000 participants (SPEC §4: ≤ 150 MB resident).

bench/run.py calls `measure()` once the database has grown (bench/grow_data.py: 10,000 more
participants in the demo cohort). It serves the portal with gunicorn on loopback, runs the
200-participant load script against it (bench/load.py --base, bounded in requests and
time), then has the demo trainer open the cohort dashboard and both exports over the
10,000 participants a few times, and reads each worker's VmRSS (resident now) and VmHWM
(the most it was ever resident) from /proc/<pid>/status before and after.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
BUDGET_MB = 150
LOAD_USERS = int(os.environ.get("BENCH_LOAD_USERS", "200"))
LOAD_REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "4000"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "90"))
TRAINER_ROUNDS = 1  # each trainer page this many times per worker


def status_kb(text: str, field: str) -> int:
    """A `kB` figure from the text of /proc/<pid>/status, e.g. field "VmRSS"."""
    match = re.search(rf"^{field}:\s+(\d+) kB$", text, re.M)
    if match is None:
        raise ValueError(f"no {field} in the status text")
    return int(match.group(1))


def worker_memory(master_pid: int) -> list[dict]:
    """VmRSS and VmHWM (MB, 1 MB = 1024 kB) of each worker process of a gunicorn master."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    rows = []
    for pid in sorted(int(child) for child in children):
        text = Path(f"/proc/{pid}/status").read_text()
        rows.append(
            {
                "pid": pid,
                "rss_mb": round(status_kb(text, "VmRSS") / 1024, 1),
                "hwm_mb": round(status_kb(text, "VmHWM") / 1024, 1),
            }
        )
    return rows


def verdict(workers: list[dict]) -> bool:
    """Met when every worker is resident in at most 150 MB after the run."""
    return bool(workers) and all(row["rss_mb"] <= BUDGET_MB for row in workers)


def _wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"memory: nothing answered at {base} within {timeout} s")


def _get(base: str, path: str, cookie: str) -> tuple[int, int]:
    """Status and body size; an error answer is a figure to report, not a stop."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def measure(env: dict, port: int, workers: str, trainer_cookie, cohort_path: str) -> dict:
    """Serve, load, read the workers' memory, stop. `trainer_cookie(base)` signs the demo
    trainer in; `cohort_path` is the cohort dashboard's path."""
    base = f"http://127.0.0.1:{port}"
    log = Path(env["PORTAL_INSTANCE"]) / "memory-gunicorn.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", workers, "--bind", f"127.0.0.1:{port}",
         "portal:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(log, "wb"),  # noqa: SIM115
    )  # fmt: skip
    started = time.monotonic()
    try:
        _wait_until_up(base)
        for _ in range(4):  # every worker has imported and served something
            urllib.request.urlopen(base + "/login", timeout=30).read()
        before = worker_memory(server.pid)
        load = subprocess.run(
            [str(BIN / "python"), "bench/load.py", "--base", base,
             "--users", str(LOAD_USERS), "--requests", str(LOAD_REQUESTS),
             "--seconds", str(LOAD_SECONDS)],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        after_load = worker_memory(server.pid)
        cookie = trainer_cookie(base)
        trainer_pages = {}
        for path in (cohort_path, cohort_path + ".csv", cohort_path + ".xlsx"):
            answers = [_get(base, path, cookie) for _ in range(TRAINER_ROUNDS * int(workers))]
            statuses = sorted({status for status, _ in answers})
            trainer_pages[path] = {"statuses": statuses, "bytes": answers[-1][1]}
        after = worker_memory(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    summary = [line for line in load.stdout.splitlines() if line.strip()]
    server_log = log.read_text(errors="replace")
    # The last server error, when there was one: an error answer is then explained.
    last_error = (
        server_log[server_log.rfind("Traceback") :][-3000:] if "Traceback" in server_log else ""
    )
    return {
        "budget_mb": BUDGET_MB,
        "load": {
            "users": LOAD_USERS,
            "max_requests": LOAD_REQUESTS,
            "max_seconds": LOAD_SECONDS,
            "exit_status": load.returncode,
            "summary": summary[-20:],
            "errors": load.stderr[-1500:] if load.returncode else "",
        },
        "trainer_pages": trainer_pages,
        "server_error": last_error,
        "workers_before": before,
        "workers_after_load": after_load,
        "workers": after,
        "met": verdict(after),
        "seconds": round(time.monotonic() - started, 1),
    }


def report(memory: dict) -> list[str]:
    mark = "met" if memory["met"] else "MISSED"
    load = memory["load"]
    result = next((line for line in load["summary"] if line.startswith("RESULT")), "no result")
    total = next((line for line in load["summary"] if "participants," in line), "")
    lines = [
        "",
        f"Worker memory over 10,000 participants ({total.strip() or 'load run'}; {result};",
        "then the trainer's dashboard, CSV and XLSX exports of that cohort):",
        f"{'worker':<8}{'RSS before':>11}{'after load':>11}{'after all':>10}{'peak (HWM)':>11}",
    ]
    stages = (memory["workers_before"], memory["workers_after_load"], memory["workers"])
    rows = zip(*stages, strict=False)
    for n, (before, mid, after) in enumerate(rows, start=1):
        lines.append(
            f"{n:<8}{before['rss_mb']:>11.1f}{mid['rss_mb']:>11.1f}{after['rss_mb']:>10.1f}"
            f"{after['hwm_mb']:>11.1f}"
        )
    pages = ", ".join(
        f"{path} {'/'.join(map(str, row['statuses']))}"
        for path, row in memory["trainer_pages"].items()
    )
    lines.append(f"trainer pages at 10,000 participants answered: {pages}")
    lines.append(f"budget: each worker <= {memory['budget_mb']} MB resident after the run: {mark}")
    return lines
