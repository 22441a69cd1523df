"""Fault drills: the database goes away and comes back while the portal keeps running."""

from __future__ import annotations

import time

import pytest
from conftest import POSTGRES_URL
from conftest import test_settings as make_settings
from sqlalchemy.engine import make_url
from tcp_link import TcpLink

from portal import create_app
from portal.extensions import db

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="the database drill needs a networked database (PORTAL_TEST_DB)"
)


def test_database_away_gives_friendly_503_then_recovers_without_restart(_schema, database_url):
    real = make_url(database_url)
    link = TcpLink(real.host or "127.0.0.1", real.port or 5432)
    link.up()
    url = real.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    app = create_app(make_settings(SQLALCHEMY_DATABASE_URI=url))
    client = app.test_client()
    try:
        assert client.get("/").status_code == 200  # the pool holds a live connection now

        link.down()
        started = time.monotonic()
        response = client.get("/")
        elapsed = time.monotonic() - started
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert elapsed < 5
        assert "briefly unavailable" in page and "Nothing you saved before has been lost" in page
        assert "Traceback" not in page and "psycopg" not in page
        assert response.headers["Retry-After"] == "30"
        assert "default-src" in response.headers["Content-Security-Policy"]

        link.up()
        assert client.get("/").status_code == 200  # recovered, same app, no restart
    finally:
        link.down()
        with app.app_context():
            db.engine.dispose()
