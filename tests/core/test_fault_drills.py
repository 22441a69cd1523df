"""Fault drills: the database goes away and comes back while the portal keeps running."""

from __future__ import annotations

import time

import pytest
from conftest import POSTGRES_URL
from conftest import test_settings as make_settings
from sqlalchemy import literal, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from tcp_link import TcpLink

from portal import create_app
from portal.database import driver_rows
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


# Built once, as every statement given to driver_rows is.
_ONE = select(literal(1).label("one"))


def test_a_statement_sent_straight_to_the_driver_fails_as_sqlalchemy_would_and_recovers(
    _schema, database_url
):
    """database.driver_rows (the thread and the dashboard) bypasses SQLAlchemy's execution:
    a lost connection still raises SQLAlchemy's OperationalError, which the portal answers
    with its 503 page, and the next request gets a working connection."""
    real = make_url(database_url)
    link = TcpLink(real.host or "127.0.0.1", real.port or 5432)
    link.up()
    url = real.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    app = create_app(make_settings(SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            assert driver_rows(_ONE) == [(1,)]
            db.session.connection()  # the request holds its connection when the link breaks
            link.down()
            with pytest.raises(OperationalError):
                driver_rows(_ONE)
            db.session.remove()
        link.up()
        with app.app_context():
            assert driver_rows(_ONE) == [(1,)]
            db.session.remove()
    finally:
        link.down()
        with app.app_context():
            db.engine.dispose()
