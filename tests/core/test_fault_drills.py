"""Fault drills: the database goes away and comes back while the portal keeps running."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from conftest import POSTGRES_URL
from conftest import test_settings as make_settings
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="the database drill needs a networked database (PORTAL_TEST_DB)"
)


class TcpLink:
    """A TCP forwarder between the portal and PostgreSQL that the test can cut and mend."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut every open one, as a database crash would."""
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open.update({client, upstream})
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


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
