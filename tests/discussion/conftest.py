"""Discussion fixtures: two cohorts, alumni, boards, threads and posts (all fictional)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from factories import PASSWORD, enrol, make_cohort, make_user

from portal.database import utcnow
from portal.discussion import services
from portal.discussion.models import Board, Flag, Post, Thread
from portal.extensions import db
from portal.learning.models import CurriculumSession
from portal.markdown import render_markdown

HX = {"HX-Request": "true"}


def make_sessions(count: int = 2) -> list[CurriculumSession]:
    sessions = [
        CurriculumSession(number=n, slug=f"session-{n}", title=f"Invented session {n}")
        for n in range(1, count + 1)
    ]
    db.session.add_all(sessions)
    db.session.commit()
    return sessions


def board_for(cohort, kind="session", number=1) -> Board:
    services.ensure_cohort_boards(cohort)
    boards = db.session.scalars(db.select(Board).where(Board.cohort_id == cohort.id)).all()
    for board in boards:
        if board.kind == kind and (kind == "cohort" or board.position == number):
            return board
    raise LookupError(kind)


def make_thread(board, author, title="An invented thread", kind="discussion", replies=()):
    """A thread with an opening post and replies [(author, body)], written directly."""
    thread = Thread(board_id=board.id, author_id=author.id, title=title, kind=kind)
    db.session.add(thread)
    db.session.flush()
    posts = []
    for number, (who, body) in enumerate([(author, "Opening post text.")] + list(replies), 1):
        post = Post(
            thread_id=thread.id,
            number=number,
            author_id=who.id,
            body=body,
            body_html=str(render_markdown(body)),
            created_at=utcnow() - timedelta(hours=1),
        )
        db.session.add(post)
        posts.append(post)
    thread.last_number = thread.post_count = len(posts)
    thread.last_post_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return thread, posts


@dataclass
class Persona:
    name: str
    user: object | None


@pytest.fixture
def world(app, cohort, participant, trainer, admin):
    """Cohort A (participant, peer, trainer), cohort B (member, trainer), an alumnus of a
    finished cohort, an admin; boards, threads and posts in each place."""
    make_sessions(2)
    today = date.today()
    cohort_b = make_cohort("October workshop (fictional)")
    old = make_cohort(
        "Earlier workshop (fictional)",
        elearning_opens=today - timedelta(days=200),
        workshop_start=today - timedelta(days=150),
        workshop_end=today - timedelta(days=146),
        alumni_from=today - timedelta(days=140),
    )
    peer = make_user(display_name="Peer A")
    enrol(peer, cohort)
    member_b = make_user(display_name="Member B")
    enrol(member_b, cohort_b)
    trainer_b = make_user("trainer", display_name="Trainer B")
    enrol(trainer_b, cohort_b, "trainer")
    alumnus = make_user(display_name="Alumnus C")
    enrol(alumnus, old)
    alumni_board = Board(kind="alumni", title="Good practice (alumni)", position=1)
    db.session.add(alumni_board)
    for user in (participant, trainer, admin, peer, member_b, trainer_b, alumnus):
        user.created_at = utcnow() - timedelta(days=3)  # past the new-account limits
    db.session.commit()
    board_a = board_for(cohort)
    board_a2 = board_for(cohort, "cohort")
    board_b = board_for(cohort_b)
    thread_a, posts_a = make_thread(
        board_a,
        participant,
        "How do you identify victims at borders?",
        kind="question",
        replies=[(peer, "We use a checklist."), (peer, "A second reply by the peer.")],
    )
    posts_a[2].is_hidden = True
    thread_b, posts_b = make_thread(board_b, member_b, "Cohort B thread", replies=[(member_b, "B")])
    thread_alumni, posts_alumni = make_thread(alumni_board, alumnus, "Alumni thread")
    flag = Flag(post_id=posts_a[1].id, reporter_id=participant.id, reason="Names a person")
    flag_b = Flag(post_id=posts_b[1].id, reporter_id=member_b.id, reason="Off topic")
    db.session.add_all([flag, flag_b])
    db.session.commit()
    return SimpleNamespace(
        cohort=cohort,
        cohort_b=cohort_b,
        participant=participant,
        peer=peer,
        trainer=trainer,
        trainer_b=trainer_b,
        member_b=member_b,
        alumnus=alumnus,
        admin=admin,
        board_a=board_a,
        board_a2=board_a2,
        board_b=board_b,
        alumni_board=alumni_board,
        thread_a=thread_a,
        posts_a=posts_a,
        thread_b=thread_b,
        posts_b=posts_b,
        thread_alumni=thread_alumni,
        posts_alumni=posts_alumni,
        flag=flag,
        flag_b=flag_b,
    )


def sign_in(web, user):
    if user is not None:
        response = web.login(user.email, PASSWORD)
        assert response.status_code in (302, 303), response.status_code
    return web


def post_form(web, path, data, **kw):
    """POST with a CSRF token from any page the current user can open."""
    return web.post(path, data, token_from="/login" if _is_visitor(web) else "/", **kw)


def _is_visitor(web) -> bool:
    return web.client.get("/login").status_code == 200
