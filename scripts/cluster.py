"""`make cluster`: the production layout on one machine, then the cross-instance checks.

    python scripts/cluster.py up       start everything (idempotent), wait until healthy
    python scripts/cluster.py check    the cross-instance checks (exit 1 on a failure)
    python scripts/cluster.py down     stop what `up` started

Layout: nginx (Debian's package) on CLUSTER_PORT (8180) balancing over two portal
instances (gunicorn, CLUSTER_WORKERS workers each) on the next two ports; both on one
PostgreSQL database (CLUSTER_DATABASE_URL, default the local `cluster` database, created
when missing) and one Redis (CLUSTER_REDIS_URL); two outbox workers (`flask mail deliver
--loop`) writing mail as files under instance/cluster/mail (MAIL_BACKEND=file) and two
progress refreshers (`flask progress refresh --loop`). Everything
listens on 127.0.0.1 only. State (pids, the shared secret key, logs) is in instance/cluster.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
STATE = ROOT / "instance" / "cluster"
PORT = int(os.environ.get("CLUSTER_PORT", "8180"))
INSTANCES = (PORT + 1, PORT + 2)
WORKERS = os.environ.get("CLUSTER_WORKERS", "2")
DATABASE_URL = os.environ.get(
    "CLUSTER_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cluster"
)
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/1")
DEMO_PASSWORD = "cluster passphrase for fictional demo accounts"
# The checks count sign-in attempts up to this limit; the load script signs in its people
# after the checks, which reset the counters they used.
LOGIN_LIMIT = os.environ.get("CLUSTER_LOGIN_LIMIT", "40 per 15 minutes")

NGINX_CONF = """\
worker_processes 1;
pid {state}/nginx.pid;
error_log {state}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {state}/nginx-body;
    proxy_temp_path {state}/nginx-proxy;
    fastcgi_temp_path {state}/nginx-fastcgi;
    uwsgi_temp_path {state}/nginx-uwsgi;
    scgi_temp_path {state}/nginx-scgi;
    client_max_body_size 5m;
    upstream portal {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def environment() -> dict:
    key_file = STATE / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
    return {
        **os.environ,
        # Every instance signs sessions with the same key: that is what lets a cookie
        # issued by one instance work on the other.
        "SECRET_KEY": key_file.read_text().strip(),
        "PORTAL_ENV": "cluster",
        "PORTAL_INSTANCE": str(STATE / "instance"),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "MAIL_BACKEND": "file",
        "MAIL_DIR": str(STATE / "mail"),
        "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD,
        "LOGIN_LIMIT_PER_ADDRESS": LOGIN_LIMIT,
        "BASE_URL": f"http://127.0.0.1:{PORT}",
        "FLASK_APP": "portal",
    }


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not _listening(port):
        if time.monotonic() > deadline:
            raise SystemExit(f"nothing answers on port {port}; see {STATE}/*.log")
        time.sleep(0.2)


def _start(name: str, command: list[str], env: dict) -> None:
    log = open(STATE / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it open
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
    )
    pids = _pids()
    pids[name] = process.pid
    (STATE / "pids.json").write_text(json.dumps(pids))


def _pids() -> dict:
    path = STATE / "pids.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _create_database() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            print(f"created database {url.database}")
    admin.dispose()


def up() -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    (STATE / "mail").mkdir(exist_ok=True)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("install Debian's nginx (make cluster does so when run as root)")
    running = {name for name, pid in _pids().items() if _alive(pid)}
    env = environment()
    _create_database()
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True)
    subprocess.run([str(BIN / "flask"), "seed"], env=env, cwd=ROOT, check=True)
    for index, port in enumerate(INSTANCES, 1):
        name = f"portal-{index}"
        if name not in running:
            app = "portal:create_app()"
            bind = f"127.0.0.1:{port}"
            _start(name, [str(BIN / "gunicorn"), "-w", WORKERS, "-b", bind, app], env)
    for index in (1, 2):
        name = f"outbox-{index}"
        if name not in running:
            _start(name, [str(BIN / "flask"), "mail", "deliver", "--loop", "--every", "2"], env)
    # Two progress refreshers as well: they claim stale people with FOR UPDATE SKIP LOCKED,
    # so running both is safe and shows it.
    refresh = [str(BIN / "flask"), "progress", "refresh", "--loop", "--every", "2"]
    for index in (1, 2):
        name = f"progress-{index}"
        if name not in running:
            _start(name, refresh, env)
    if "nginx" not in running:
        conf = STATE / "nginx.conf"
        conf.write_text(NGINX_CONF.format(state=STATE, a=INSTANCES[0], b=INSTANCES[1], port=PORT))
        _start("nginx", [nginx, "-c", str(conf), "-p", str(STATE), "-g", "daemon off;"], env)
    for port in (*INSTANCES, PORT):
        _wait(port)
    print(
        f"cluster up: nginx http://127.0.0.1:{PORT}/ -> 127.0.0.1:{INSTANCES[0]}, "
        f"127.0.0.1:{INSTANCES[1]} ({WORKERS} workers each); two outbox workers, "
        "two progress refreshers;"
    )
    print(f"  PostgreSQL {DATABASE_URL}, Redis {REDIS_URL}; logs in {STATE}")


def down() -> None:
    for name, pid in _pids().items():
        if _alive(pid):
            os.killpg(pid, signal.SIGTERM)
            print(f"stopped {name} ({pid})")
    (STATE / "pids.json").unlink(missing_ok=True)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "up"
    if action == "up":
        up()
    elif action == "down":
        down()
    elif action == "check":
        sys.path.insert(0, str(ROOT / "scripts"))
        from cluster_check import main

        sys.exit(main(environment(), PORT, INSTANCES))
    else:
        raise SystemExit(__doc__)
