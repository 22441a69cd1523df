"""`make bench`: throughput of the main signed-in pages against a bare Flask route served by
the same gunicorn settings in the same run, with latency, memory, SQL statements and weight.

Loopback only and bounded: each page gets BENCH_ROUNDS runs (default 3) of BENCH_SECONDS
of load each (default 4) from wrk, each run between two runs of the bare route, and its
ratio is the median of the runs' ratios; BENCH_PAGES (names separated by commas) limits
the run to some pages.
Prints one table and writes bench/results.json. The portal runs on a fresh SQLite database
in a temporary folder (or on BENCH_DATABASE_URL, which it then fills: use a scratch one).

Two more steps (SPEC §4), each skipped with its variable set to 0: page weight in Chromium
(bench/weight.py; BENCH_WEIGHT) while the portal is up, and worker memory after a load
run over 10,000 participants (bench/memory.py; BENCH_MEMORY) once the data has grown.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import memory  # noqa: E402  (worker memory after load at scale)
import weight  # noqa: E402  (page weight in the browser)
from setup_data import TRAINER_PAGES  # noqa: E402  (pages measured as the demo trainer)

BIN = ROOT / ".venv" / "bin"
WORKERS = os.environ.get("BENCH_WORKERS", "2")
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = max(int(os.environ.get("BENCH_ROUNDS", "3")), 1)
WARM_UP_SECONDS = 2
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
PASSWORD = "bench passphrase for fictional demo accounts"
TARGET_RATIO = 0.15  # SPEC §4: every signed-in page at least 15% of the bare route
WEIGHT = os.environ.get("BENCH_WEIGHT", "1") != "0"
MEMORY = os.environ.get("BENCH_MEMORY", "1") != "0"
FLOOR_PATH = "/bench/no-such-page"
# Signed in and loaded with one User-Agent, as a browser is. Flask-Login's session
# protection marks a session whose address or agent changed as no longer fresh and sets its
# cookie again; a browser keeps that cookie, but wrk sends the one it was given on every
# request, so a mismatch (urllib's agent at sign-in, none from wrk) re-signed and re-sent
# the session cookie on every measured request, work no real reader causes.
USER_AGENT = "portal-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port} within {timeout} s")


def gunicorn(app: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        # The same settings file for both: gunicorn would read it only from the directory
        # it starts in, and the bare route starts in bench/.
        [
            *(str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")),
            *("--workers", WORKERS, "--bind", f"127.0.0.1:{port}", app),
        ],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def sign_in(port: int, email: str = "participant@demo.test") -> str:
    """Sign a demo account in over HTTP; the Cookie header wrk will send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": email, "password": PASSWORD}
    opener.open(base + "/login", data=urllib.parse.urlencode(form).encode())
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit(f"could not sign {email} in")
    # wrk replays this cookie: a page that sets it again would measure that on every request.
    request = urllib.request.Request(
        base + FLOOR_PATH, headers={"Cookie": cookies, "User-Agent": USER_AGENT}
    )
    try:
        urllib.request.urlopen(request)
    except urllib.error.HTTPError as error:
        if error.headers.get("Set-Cookie"):
            raise SystemExit(f"a signed-in page sets {email}'s cookie again") from None
    return cookies


def fetch_status(port: int, path: str, cookie: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie, "User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def worker_pids(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def load(
    port: int, path: str, cookie: str | None, master: subprocess.Popen, seconds: int = SECONDS
) -> dict:
    """wrk's figures, plus the server workers' CPU time per request: on a machine other
    people also use, that is what the server itself spent, whatever it had to wait for."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    command += ["-s", str(ROOT / "bench" / "latency.lua"), "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    pids = worker_pids(master)
    before = cpu_seconds(pids)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pids) - before
    result = json.loads(output.strip().splitlines()[-1])
    result["cpu_ms"] = 1000 * used / max(result["requests"], 1)
    return result


def worker_rss_mb(master: subprocess.Popen) -> float:
    """The largest resident set among the master's worker processes, in MB."""
    largest = 0
    for pid in worker_pids(master):
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        largest = max(largest, kb)
    return largest / 1024


def static_measures(paths: dict[str, str], env: dict) -> dict[str, dict]:
    """SQL statements and cold gzip weight per page, from the test-suite helpers."""
    code = (
        "import json, sys; sys.path.insert(0, 'tests'); sys.path.insert(0, 'bench');"
        "from measure import count_statements, page_weight;"
        "from setup_data import TRAINER_PAGES;"
        "from portal import create_app;"
        "app = create_app(); app.config['WTF_CSRF_ENABLED'] = False;"
        "clients = {}\n"
        "for who in ('participant', 'trainer'):\n"
        "    clients[who] = app.test_client()\n"
        "    clients[who].post('/login', data={'email': who + '@demo.test', "
        f"'password': {PASSWORD!r}}})\n"
        f"paths = {paths!r}; out = {{}}\n"
        "for name, path in paths.items():\n"
        "    c = clients['trainer' if name in TRAINER_PAGES else 'participant']\n"
        "    c.get(path)\n"
        "    with count_statements(app) as log:\n"
        "        c.get(path)\n"
        "    w = page_weight(c, path)\n"
        "    out[name] = {'statements': log.count, 'cold_bytes': w.bytes, 'requests': w.requests}\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run(
        [str(BIN / "python"), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict]) -> dict:
    """The run whose ratio to the bare route is the median of a page's runs (the lower
    middle one of an even number): its requests/s, latency and CPU time are the row's."""
    ordered = sorted(runs, key=lambda run: run["ratio"])
    return ordered[(len(ordered) - 1) // 2]


def step(measure, *args) -> dict:
    """A page-weight or memory step; its failure is reported, the other figures kept."""
    try:
        return measure(*args)
    except (Exception, SystemExit) as error:  # noqa: BLE001
        print(f"{measure.__module__} failed: {error!r}", file=sys.stderr)
        return {"error": repr(error)}


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (Debian package wrk)")
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = {
        **os.environ,
        "PORTAL_INSTANCE": str(work),
        "PORTAL_DEMO_PASSWORD": PASSWORD,
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
        "FLASK_APP": "portal",
        "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
    }
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    quiet = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], **quiet)
    subprocess.run([str(BIN / "flask"), "seed"], **quiet)
    setup = subprocess.run([str(BIN / "python"), "bench/setup_data.py"], **quiet)
    paths = json.loads(setup.stdout.strip().splitlines()[-1])
    all_paths = dict(paths)
    if os.environ.get("BENCH_PAGES"):  # e.g. BENCH_PAGES="reading,thread": only these
        wanted = {name.strip() for name in os.environ["BENCH_PAGES"].split(",")}
        paths = {name: path for name, path in paths.items() if name in wanted}

    portal_port, bare_port = free_port(), free_port()
    portal = gunicorn("portal:create_app()", portal_port, env, ROOT)
    bare = gunicorn("bare:app", bare_port, env, ROOT / "bench")
    try:
        wait_until_up(portal_port)
        wait_until_up(bare_port)
        cookies = {False: sign_in(portal_port), True: sign_in(portal_port, "trainer@demo.test")}
        for name, path in paths.items():
            cookie = cookies[name in TRAINER_PAGES]
            status = fetch_status(portal_port, path, cookie)
            if status != 200:
                raise SystemExit(f"{name} ({path}) answered {status}")
        # Each page is measured in ROUNDS short runs, each between two runs of the bare
        # route, and each run divided by the mean of the two around it: load from elsewhere
        # on the machine, which comes and goes over seconds, then moves both sides of a
        # ratio alike, and the median of the runs leaves out the one it moved most.
        load(bare_port, "/", None, bare, WARM_UP_SECONDS)  # warm-up
        bare_runs = [load(bare_port, "/", None, bare)]
        pages = {}
        for name, path in paths.items():
            cookie = cookies[name in TRAINER_PAGES]
            # warm-up: templates compiled, pooled connections, worker memos filled
            load(portal_port, path, cookie, portal, WARM_UP_SECONDS)
            runs = []
            for _ in range(ROUNDS):
                run = load(portal_port, path, cookie, portal)
                bare_runs.append(load(bare_port, "/", None, bare))
                around = bare_runs[-2:]
                run["ratio"] = run["rps"] / (sum(b["rps"] for b in around) / len(around))
                run["bare_cpu_ms"] = sum(b["cpu_ms"] for b in around) / len(around)
                runs.append(run)
            pages[name] = runs
        # A reference, not a page: a signed-in "page not found" is the layout alone (the
        # user loaded, the navigation, header and footer) with no content of its own, so
        # its ratio is the most any signed-in page can reach without changing those.
        load(portal_port, FLOOR_PATH, cookies[False], portal, WARM_UP_SECONDS)
        floor = load(portal_port, FLOOR_PATH, cookies[False], portal)
        bare_runs.append(load(bare_port, "/", None, bare))
        rss = worker_rss_mb(portal)
        # --- page weight in Chromium (bench/weight.py) ---
        base = f"http://127.0.0.1:{portal_port}"
        page_weight = step(weight.measure, base, env, all_paths, PASSWORD) if WEIGHT else None
    finally:
        for process in (portal, bare):
            process.send_signal(signal.SIGTERM)
        for process in (portal, bare):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a very busy machine: stop it hard
                process.kill()
                process.wait()
    statics = static_measures(paths, env)
    # The same pages again at scale (10,000 participants, 1,000 replies, 500 practices):
    # SPEC §4 wants as many statements as at small data.
    thread_id = all_paths["thread"].rsplit("/", 1)[-1]
    subprocess.run([str(BIN / "python"), "bench/grow_data.py", thread_id], **quiet)
    for name, measured in static_measures(paths, env).items():
        statics.setdefault(name, {})["statements_large"] = measured["statements"]
    # --- worker memory after a load run over the 10,000 participants (bench/memory.py) ---
    worker_memory = None
    if MEMORY:
        port = free_port()
        trainer = lambda base: sign_in(port, "trainer@demo.test")  # noqa: E731
        dashboard = all_paths["cohort dashboard"]
        worker_memory = step(memory.measure, env, port, WORKERS, trainer, dashboard)
    shutil.rmtree(work, ignore_errors=True)

    rows = []
    for name, runs in pages.items():
        result = median_run(runs)
        ratio = result["ratio"]
        rows.append(
            {
                "page": name,
                "path": paths[name],
                "rps": result["rps"],
                "bare_rps": round(result["rps"] / ratio, 1),
                "ratio": round(ratio, 4),
                "ratios": [round(run["ratio"], 4) for run in runs],
                "cpu_ms": round(result["cpu_ms"], 3),
                "cpu_ratio": (
                    round(result["bare_cpu_ms"] / result["cpu_ms"], 4) if result["cpu_ms"] else None
                ),
                "p50_ms": result["p50"] / 1000,
                "p95_ms": result["p95"] / 1000,
                "non2xx": sum(run["non2xx"] for run in runs),
                "ratio_met": ratio >= TARGET_RATIO,
                **statics.get(name, {}),
            }
        )
    bare_rps = sorted(run["rps"] for run in bare_runs)[len(bare_runs) // 2]
    bare_cpu = sorted(run["cpu_ms"] for run in bare_runs)[len(bare_runs) // 2]
    report = {
        "bare_flask": {
            "rps": bare_rps,
            "cpu_ms": round(bare_cpu, 3),
            "runs": [run["rps"] for run in bare_runs],
            "p50_ms": bare_runs[0]["p50"] / 1000,
        },
        "pages": rows,
        "signed_in_floor": {
            "path": FLOOR_PATH,
            "rps": floor["rps"],
            "ratio": round(floor["rps"] / bare_rps, 4),
            "cpu_ms": round(floor["cpu_ms"], 3),
            "status_404": floor["non2xx"],
        },
        "worker_rss_mb": round(rss, 1),
        "page_weight": page_weight,
        "memory_at_scale": worker_memory,
        "settings": {
            "workers": WORKERS,
            "seconds": SECONDS,
            "rounds": ROUNDS,
            "connections": CONNECTIONS,
        },
        "load_average": os.getloadavg(),
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(report, indent=2) + "\n")

    print(
        f"each page: the median of {ROUNDS} runs of {SECONDS} s, each divided by the bare "
        "route's mean over the runs just before and after it"
    )
    print(
        f"bare Flask route: {bare_rps:.0f} requests/s (median of {len(bare_runs)} runs), "
        f"{bare_cpu:.2f} ms of worker CPU a request; load average {os.getloadavg()[0]:.1f}"
    )
    header = f"{'page':<18}{'req/s':>7}{'ratio':>7}{'CPU ms':>8}{'CPU ratio':>10}"
    header += f"{'p50 ms':>8}{'p95 ms':>8}{'SQL':>5}{'at scale':>9}{'cold B':>8}  budget"
    header += f"{'':>17}each run's ratio"
    print(header)
    for row in rows:
        cpu_ratio = f"{row['cpu_ratio']:.1%}" if row["cpu_ratio"] else "-"
        print(
            f"{row['page']:<18}{row['rps']:>7.0f}{row['ratio']:>7.1%}{row['cpu_ms']:>8.2f}"
            f"{cpu_ratio:>10}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}"
            f"{row.get('statements', '-'):>5}{row.get('statements_large', '-'):>9}"
            f"{row.get('cold_bytes', '-'):>8}"
            f"  {'met' if row['ratio_met'] else 'MISSED'} (>= {TARGET_RATIO:.0%})"
            f"  {' '.join(f'{ratio:.1%}' for ratio in row['ratios'])}"
        )
    print(
        f"reference, a signed-in page-not-found (layout only): {floor['rps']:.0f} req/s, "
        f"{floor['rps'] / bare_rps:.1%} of the bare route, {floor['cpu_ms']:.2f} CPU ms"
    )
    print("SQL: statements per page with the demo data; at scale: with 10,000 more participants,")
    print("1,000 more replies in the thread and 500 more practices (budget: 8, the same at both)")
    print(f"largest worker resident memory after the run: {rss:.1f} MB (budget 150 MB)")
    for module, figures in ((weight, page_weight), (memory, worker_memory)):
        if figures and "error" in figures:
            print(f"\n{module.__name__}: FAILED, {figures['error']}")
        elif figures:
            print("\n".join(module.report(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
