"""Fault drill: Redis goes away while the portal runs, and comes back (issue 15).

The portal reaches the real local Redis through a TCP link the test cuts. While Redis is
away, pages keep working, /healthz says "degraded", and sign-in limits are counted in the
worker's memory, as the README states; when Redis returns, counting goes back to it.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
import redis
from factories import csrf_from
from sqlalchemy.engine import make_url
from tcp_link import TcpLink

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL)")
    return client


def test_redis_away_portal_keeps_serving_and_limits_fall_back(make_app):
    real = _redis_or_skip()
    target = make_url(REDIS_URL)
    link = TcpLink(target.host or "127.0.0.1", target.port or 6379)
    link.up()
    through_link = f"redis://127.0.0.1:{link.port}/{target.database or 0}"
    prefix = f"drill-{uuid.uuid4().hex}"
    app = make_app(
        REDIS_URL=through_link,
        RATELIMIT_STORAGE_URI=through_link,
        RATELIMIT_KEY_PREFIX=prefix,
        LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes",
    )
    context = app.app_context()
    context.push()  # the test client opens each request in a context of its own
    client = app.test_client()

    def sign_in_attempt() -> int:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        data = {"email": "nobody@example.test", "password": "x" * 12, "csrf_token": token}
        return client.post("/login", data=data).status_code

    try:
        assert client.get("/healthz").get_json()["redis"] == "ok"
        assert [sign_in_attempt() for _ in range(2)] == [400, 400]
        assert real.keys(f"*{prefix}*")  # the attempts were counted in Redis

        link.down()
        started = time.monotonic()
        assert client.get("/").status_code == 200
        assert client.get("/curriculum").status_code == 200
        health = client.get("/healthz")
        assert health.status_code == 200 and health.get_json()["status"] == "degraded"
        # Counting restarts in this worker's memory: three more attempts, then refused.
        assert [sign_in_attempt() for _ in range(4)] == [400, 400, 400, 429]
        assert time.monotonic() - started < 5  # nothing waited on the missing Redis

        link.up()
        assert client.get("/healthz").get_json()["status"] == "ok"

        # Flask-Limiter looks at its storage again after a back-off of a few seconds.
        def counted_in_redis() -> int:
            return sum(int(real.get(key) or 0) for key in real.keys(f"*{prefix}*"))

        before = counted_in_redis()
        deadline = time.monotonic() + 20
        while counted_in_redis() == before and time.monotonic() < deadline:
            sign_in_attempt()
            time.sleep(0.5)
        assert counted_in_redis() > before  # counted in Redis again
    finally:
        link.down()
        for key in real.keys(f"*{prefix}*"):
            real.delete(key)
        context.pop()
