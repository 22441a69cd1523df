"""What /healthz reports: the database and Redis, separately."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from portal.extensions import db


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any database failure means unavailable
        db.session.rollback()
        return "unavailable"
    return "ok"


def _redis(url: str) -> str:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return "not configured"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return "unavailable"
    finally:
        client.close()
    return "ok"


def check(app: Flask) -> tuple[dict, int]:
    """({status, database, redis}, HTTP status). Redis down is "degraded" but 200: rate
    limits then count per worker in memory and everything else works; a database down
    is 503, because no page works without it."""
    url = app.config.get("REDIS_URL") or ""
    storage = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not url and storage.startswith(("redis://", "rediss://")):
        url = storage
    report = {"database": _database(), "redis": _redis(url)}
    if report["database"] != "ok":
        return {"status": "unavailable", **report}, 503
    if report["redis"] == "unavailable":
        return {"status": "degraded", **report}, 200
    return {"status": "ok", **report}, 200
