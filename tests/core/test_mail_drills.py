"""Mail drills against a real SMTP server (aiosmtpd): it goes down, refuses mid-batch, and
two delivery workers run at once. Every message arrives exactly once (issue 15)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller
from conftest import free_port
from factories import csrf_from, make_user
from sqlalchemy import func, select, update

from portal import mail
from portal.database import utcnow
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending


class CountingServer:
    """An aiosmtpd server that counts each message by its Subject; it can refuse, or be
    stopped and started again on the same port, as a real mail server restarts."""

    def __init__(self, port: int, delay: float = 0.0):
        self.port = port
        self.delay = delay
        self.received: Counter[str] = Counter()
        self.refuse_after: int | None = None
        self._controller: Controller | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # other connections are served meanwhile
        with self._lock:
            if self.refuse_after is not None and sum(self.received.values()) >= self.refuse_after:
                return "421 Service not available, try again later"
            subject = next(
                line.split(":", 1)[1].strip()
                for line in envelope.content.decode().splitlines()
                if line.startswith("Subject:")
            )
            self.received[subject] += 1
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _pending() -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )


def _make_due() -> None:
    """As if the retry delay had passed."""
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def test_smtp_down_mail_waits_in_the_outbox_and_is_delivered_once_later(make_app, web):
    port = free_port()
    server = CountingServer(port)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        # A real user action queues a mail while the server is down.
        user = make_user("participant", email="forgetful@example.test")
        client = app.test_client()

        token = csrf_from(client.get("/password/forgot").get_data(as_text=True))
        answer = client.post("/password/forgot", data={"email": user.email, "csrf_token": token})
        assert answer.status_code in (200, 303)
        for i in range(9):
            mail.enqueue(f"p{i}@example.test", f"Drill message {i}", "Fictional body.")
        db.session.commit()
        assert _pending() == 10

        assert deliver_pending() == (0, 10)  # nothing listens on the port
        assert _pending() == 10
        assert all(
            m.attempts == 1 and m.last_error for m in db.session.scalars(select(OutboxMessage))
        )

        server.start()
        try:
            assert deliver_pending() == (0, 0)  # not due yet: the retry waits its turn
            _make_due()
            assert deliver_pending() == (10, 0)
            assert deliver_pending() == (0, 0)
            _make_due()
            assert deliver_pending() == (0, 0)  # sent ones stay sent
        finally:
            server.stop()
        assert len(server.received) == 10 and set(server.received.values()) == {1}
        assert _pending() == 0


def test_server_refusing_mid_batch_loses_nothing_and_sends_nothing_twice(make_app):
    port = free_port()
    server = CountingServer(port)
    server.refuse_after = 4
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    server.start()
    try:
        with app.app_context():
            for i in range(10):
                mail.enqueue(f"p{i}@example.test", f"Batch message {i}", "Fictional body.")
            db.session.commit()
            assert deliver_pending() == (4, 6)
            assert _pending() == 6
            server.refuse_after = None
            _make_due()
            assert deliver_pending() == (6, 0)
            assert _pending() == 0
    finally:
        server.stop()
    assert len(server.received) == 10 and set(server.received.values()) == {1}


def test_two_workers_at_once_deliver_every_message_exactly_once(make_app):
    port = free_port()
    server = CountingServer(port, delay=0.005)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    total = 120
    with app.app_context():
        for i in range(total):
            mail.enqueue(f"p{i}@example.test", f"Worker message {i:03d}", "Fictional body.")
        db.session.commit()

    sent_by: list[int] = [0, 0]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(index: int) -> None:
        try:
            with app.app_context():  # its own session and database connection
                barrier.wait()
                while True:
                    sent, failed = deliver_pending(limit=5)
                    assert failed == 0
                    sent_by[index] += sent
                    # An empty batch while messages wait (the other worker held the
                    # database, on a busy machine) is no reason to stop.
                    if not sent:
                        waiting = _pending()
                        db.session.rollback()  # no lock held (SQLite) while it waits
                        if waiting == 0:
                            break
                        time.sleep(0.01)
                db.session.remove()
        except BaseException as error:  # reported by the test below
            errors.append(error)

    server.start()
    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.stop()
    assert not errors, errors
    assert sum(sent_by) == total
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        # Both really took part: SKIP LOCKED lets each claim while the other sends. SQLite
        # serialises claims on its write lock, and a waiting writer can lose every race
        # to one that commits and begins again (one worker sent all 120 in 3 of 10 runs),
        # so there only "each message exactly once" is the portal's promise.
        assert min(sent_by) > 0, sent_by
    assert len(server.received) == total
    assert set(server.received.values()) == {1}  # nobody got a message twice
    with app.app_context():
        assert _pending() == 0
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
        assert statuses == ["sent"] * total
