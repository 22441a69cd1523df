"""Fictional discussion data for the browser tests, written into the live app's database."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from factories import PASSWORD, enrol, make_cohort, make_user

from portal.database import utcnow
from portal.discussion import services
from portal.discussion.models import Board, Flag, Post, Thread
from portal.extensions import db
from portal.learning.models import CurriculumSession
from portal.markdown import render_markdown


def build_forum(live_app, replies: int = 25, bodies: list[str] | None = None) -> SimpleNamespace:
    """A cohort with a participant, a peer and a trainer; a question thread with replies."""
    with live_app.app_context():
        db.session.add(CurriculumSession(number=1, slug="one", title="Invented session"))
        cohort = make_cohort("Browser cohort (fictional)")
        participant = make_user(display_name="Amihan Browser")
        peer = make_user(display_name="Peer Browser")
        trainer = make_user("trainer", display_name="Trainer Browser")
        for user, role in (
            (participant, "participant"),
            (peer, "participant"),
            (trainer, "trainer"),
        ):
            enrol(user, cohort, role)
            user.created_at = utcnow() - timedelta(days=3)
        services.ensure_cohort_boards(cohort)
        board = db.session.scalar(
            db.select(Board).where(Board.cohort_id == cohort.id, Board.kind == "session")
        )
        thread = Thread(
            board_id=board.id,
            author_id=participant.id,
            kind="question",
            title="How do you identify victims at borders?",
        )
        db.session.add(thread)
        db.session.flush()
        texts = ["Opening question text."] + (
            bodies
            if bodies is not None
            else [f"Reply {n} from the peer." for n in range(2, replies + 2)]
        )
        earlier = utcnow() - timedelta(hours=1)
        for number, raw in enumerate(texts, 1):
            text = services.normalise_body(raw)  # exactly what posting through the service stores
            db.session.add(
                Post(
                    thread_id=thread.id,
                    number=number,
                    body=text,
                    author_id=(participant if number == 1 else peer).id,
                    body_html=str(render_markdown(text)),
                    created_at=earlier,
                )
            )
        thread.last_number = thread.post_count = len(texts)
        db.session.flush()
        second = db.session.scalar(
            db.select(Post).where(Post.thread_id == thread.id, Post.number == 2)
        )
        db.session.add(Flag(post_id=second.id, reporter_id=participant.id, reason="Please check"))
        db.session.commit()
        forum = SimpleNamespace(
            board_id=board.id,
            thread_id=thread.id,
            participant=participant.email,
            peer=peer.email,
            trainer=trainer.email,
            posts=len(texts),
        )
        db.session.remove()
    return forum


def login(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
