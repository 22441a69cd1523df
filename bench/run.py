"""`make bench`: throughput of the main signed-in pages against a bare Flask route served by
the same gunicorn settings in the same run, with latency, memory, SQL statements and weight.

Loopback only and bounded: each page gets BENCH_SECONDS of load (default 8) from wrk.
Prints one table and writes bench/results.json. The portal runs on a fresh SQLite database
in a temporary folder (or on BENCH_DATABASE_URL, which it then fills: use a scratch one).
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
BIN = ROOT / ".venv" / "bin"
WORKERS = os.environ.get("BENCH_WORKERS", "2")
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
PASSWORD = "bench passphrase for fictional demo accounts"
TARGET_RATIO = 0.15  # SPEC §4: every signed-in page at least 15% of the bare route


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
        [str(BIN / "gunicorn"), "--workers", WORKERS, "--bind", f"127.0.0.1:{port}", app],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def sign_in(port: int) -> str:
    """Sign the demo participant in over HTTP; the Cookie header wrk will send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": "participant@demo.test", "password": PASSWORD}
    opener.open(base + "/login", data=urllib.parse.urlencode(form).encode())
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit("could not sign the demo participant in")
    return cookies


def fetch_status(port: int, path: str, cookie: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def load(port: int, path: str, cookie: str | None) -> dict:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s"]
    command += ["-s", str(ROOT / "bench" / "latency.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def worker_rss_mb(master: subprocess.Popen) -> float:
    """The largest resident set among the master's worker processes, in MB."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    largest = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        largest = max(largest, kb)
    return largest / 1024


def static_measures(paths: dict[str, str], env: dict) -> dict[str, dict]:
    """SQL statements and cold gzip weight per page, from the test-suite helpers."""
    code = (
        "import json, sys; sys.path.insert(0, 'tests');"
        "from measure import count_statements, page_weight;"
        "from portal import create_app;"
        "app = create_app(); app.config['WTF_CSRF_ENABLED'] = False;"
        "c = app.test_client();"
        f"c.post('/login', data={{'email': 'participant@demo.test', 'password': {PASSWORD!r}}});"
        f"paths = {paths!r}; out = {{}}\n"
        "for name, path in paths.items():\n"
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

    portal_port, bare_port = free_port(), free_port()
    portal = gunicorn("portal:create_app()", portal_port, env, ROOT)
    bare = gunicorn("bare:app", bare_port, env, ROOT / "bench")
    try:
        wait_until_up(portal_port)
        wait_until_up(bare_port)
        cookie = sign_in(portal_port)
        for name, path in paths.items():
            status = fetch_status(portal_port, path, cookie)
            if status != 200:
                raise SystemExit(f"{name} ({path}) answered {status}")
        load(bare_port, "/", None)  # warm-up
        bare_result = load(bare_port, "/", None)
        pages = {}
        for name, path in paths.items():
            load(portal_port, path, cookie)  # warm-up: compiled templates, pooled connections
            pages[name] = load(portal_port, path, cookie)
        rss = worker_rss_mb(portal)
    finally:
        for process in (portal, bare):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    statics = static_measures(paths, env)
    shutil.rmtree(work, ignore_errors=True)

    rows = []
    for name, result in pages.items():
        ratio = result["rps"] / bare_result["rps"]
        rows.append(
            {
                "page": name,
                "path": paths[name],
                "rps": result["rps"],
                "ratio": round(ratio, 4),
                "p50_ms": result["p50"] / 1000,
                "p95_ms": result["p95"] / 1000,
                "non2xx": result["non2xx"],
                "ratio_met": ratio >= TARGET_RATIO,
                **statics.get(name, {}),
            }
        )
    report = {
        "bare_flask": {"rps": bare_result["rps"], "p50_ms": bare_result["p50"] / 1000},
        "pages": rows,
        "worker_rss_mb": round(rss, 1),
        "settings": {"workers": WORKERS, "seconds": SECONDS, "connections": CONNECTIONS},
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(report, indent=2) + "\n")

    print(f"bare Flask route: {bare_result['rps']:.0f} requests/s")
    header = f"{'page':<16}{'req/s':>8}{'ratio':>8}{'p50 ms':>9}{'p95 ms':>9}"
    header += f"{'SQL':>5}{'cold B':>9}  budget"
    print(header)
    for row in rows:
        print(
            f"{row['page']:<16}{row['rps']:>8.0f}{row['ratio']:>8.1%}{row['p50_ms']:>9.1f}"
            f"{row['p95_ms']:>9.1f}{row.get('statements', '-'):>5}{row.get('cold_bytes', '-'):>9}"
            f"  {'met' if row['ratio_met'] else 'MISSED'} (>= {TARGET_RATIO:.0%})"
        )
    print(f"largest worker resident memory after the run: {rss:.1f} MB (budget 150 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
