"""The alumni forum ships with default categories that admins can rename, reorder, retire."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from exercises.conftest import Actor
from factories import enrol, make_cohort, make_user
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.discussion.models import Board
from portal.discussion.services import DEFAULT_ALUMNI_CATEGORIES, ensure_default_alumni_boards
from portal.extensions import db

TITLES = [title for _, title, _ in DEFAULT_ALUMNI_CATEGORIES]


def alumni_titles(include_retired: bool = True) -> list[str]:
    query = select(Board.title).where(Board.kind == "alumni").order_by(Board.position, Board.id)
    if not include_retired:
        query = query.where(Board.is_retired.is_(False))
    return list(db.session.scalars(query))


@pytest.fixture
def forum(app):
    today = date.today()
    ended = make_cohort(
        "Ended cohort (fictional)",
        elearning_opens=today - timedelta(days=200),
        workshop_start=today - timedelta(days=150),
        workshop_end=today - timedelta(days=146),
        alumni_from=today - timedelta(days=145),
    )
    current = make_cohort("Current cohort (fictional)")
    alumnus = make_user(display_name="Alumna Invented")
    participant = make_user(display_name="Participant Invented")
    enrol(alumnus, ended)
    enrol(participant, current)
    admin = make_user("admin", display_name="Admin Invented")
    return alumnus, participant, admin


def test_the_first_visit_of_an_alumnus_creates_the_default_categories_once(app, forum):
    alumnus, participant, _ = forum
    assert actor_page(app, participant, "/discussion/") and alumni_titles() == []
    page = actor_page(app, alumnus, "/discussion/")
    assert alumni_titles() == TITLES
    for title in TITLES:
        assert title in page
    actor_page(app, alumnus, "/discussion/")
    assert ensure_default_alumni_boards() == 0
    assert alumni_titles() == TITLES  # not duplicated


def test_seed_creates_them(app):
    result = app.test_cli_runner().invoke(args=["seed", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "alumni forum: 5 default categories added" in result.output
    again = app.test_cli_runner().invoke(args=["seed", "--no-demo"])
    assert "alumni forum: 0 default categories added" in again.output
    assert alumni_titles() == TITLES


def actor_page(app, user, path) -> str:
    response = Actor(app, user).get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_admin_renames_reorders_retires_and_restores(app, forum):
    alumnus, _, admin = forum
    ensure_default_alumni_boards()
    boards = {b.slot: b for b in db.session.scalars(select(Board).where(Board.kind == "alumni"))}
    prosecution = boards["alumni:prosecution"]
    staff = Actor(app, admin)
    assert (
        staff.post(
            f"/discussion/alumni-boards/{prosecution.id}",
            {"title": "Justice and prosecution", "description": "Renamed."},
        ).status_code
        == 303
    )
    assert staff.post(f"/discussion/alumni-boards/{prosecution.id}/up").status_code == 303
    assert alumni_titles()[:3] == ["Prevention", "Justice and prosecution", "Protection"]
    assert staff.post(f"/discussion/alumni-boards/{prosecution.id}/retire").status_code == 303
    assert "Justice and prosecution" not in actor_page(app, alumnus, "/discussion/")
    assert "Justice and prosecution" not in alumni_titles(include_retired=False)
    # Retired: still readable, no new threads, never re-created by the first-visit hook.
    reader = Actor(app, alumnus)
    detail = reader.get(f"/discussion/boards/{prosecution.id}").get_data(as_text=True)
    assert "This category is retired" in detail and "Start a thread" not in detail
    assert reader.get(f"/discussion/boards/{prosecution.id}/new").status_code == 403
    assert ensure_default_alumni_boards() == 0
    admin_page = staff.get("/discussion/alumni-boards").get_data(as_text=True)
    assert "retired" in admin_page and "Restore" in admin_page
    assert staff.post(f"/discussion/alumni-boards/{prosecution.id}/restore").status_code == 303
    assert "Justice and prosecution" in actor_page(app, alumnus, "/discussion/")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_id == prosecution.id)
    ).all()
    assert {
        "discussion.board_renamed",
        "discussion.board_retired",
        "discussion.board_restored",
    } <= set(actions)


def test_only_admins_retire_and_only_with_csrf(app, forum):
    alumnus, _, admin = forum
    ensure_default_alumni_boards()
    board = db.session.scalar(select(Board).where(Board.slot == "alumni:partnership"))
    assert (
        Actor(app, alumnus).post(f"/discussion/alumni-boards/{board.id}/retire").status_code == 404
    )
    assert Actor(app).post(f"/discussion/alumni-boards/{board.id}/retire").status_code == 302
    no_token = Actor(app, admin).client.post(f"/discussion/alumni-boards/{board.id}/retire")
    assert no_token.status_code == 400
    db.session.refresh(board)
    assert board.is_retired is False
