"""The session page links to the reader's board of that session in their most recent cohort,
with its thread count, and to no other board; visitors and people in no cohort get no link.
Discussion adds the link as a part of learning's session page, read by the page's own
statement (learning never imports discussion)."""

from __future__ import annotations

import re

from factories import enrol, make_user
from measure import count_statements
from sqlalchemy import func, select

from discussion.conftest import sign_in
from portal.cohorts.models import Membership
from portal.discussion.models import Board
from portal.extensions import db
from portal.learning.models import CurriculumSession

LINK = re.compile(
    r'<p class="session-board"><a href="/discussion/boards/(\d+)">Discuss it with your cohort'
    r'</a> <span class="hint">\((\d+) threads?\)</span></p>'
)


def board_link(web, number: int = 1) -> tuple[int, int] | None:
    """(board id, thread count) of the session page's board link, or None without one."""
    response = web.client.get(f"/sessions/{number}")
    assert response.status_code == 200
    found = LINK.findall(response.get_data(as_text=True))
    assert len(found) <= 1
    return tuple(int(n) for n in found[0]) if found else None


def test_members_see_their_own_cohorts_board_with_its_thread_count(web, world):
    sign_in(web, world.participant)
    assert board_link(web) == (world.board_a.id, 1)
    assert board_link(web, 2) == (board_of(world.cohort.id, 2).id, 0)
    web.logout()
    sign_in(web, world.member_b)
    assert board_link(web) == (world.board_b.id, 1)
    web.logout()
    sign_in(web, world.trainer)
    assert board_link(web) == (world.board_a.id, 1)


def test_a_member_of_two_cohorts_sees_the_board_of_the_most_recent(web, world):
    enrol(world.participant, world.cohort_b)
    sign_in(web, world.participant)
    assert board_link(web) == (world.board_b.id, 1)


def test_the_first_visit_of_a_cohort_creates_its_boards(web, world):
    old = db.session.scalar(
        select(Membership.cohort_id).where(Membership.user_id == world.alumnus.id)
    )
    assert not db.session.scalar(select(func.count(Board.id)).where(Board.cohort_id == old))
    sign_in(web, world.alumnus)
    link = board_link(web)
    assert link is not None and link[1] == 0
    assert db.session.get(Board, link[0]) == board_of(old, 1)
    assert board_link(web) == link


def test_no_link_for_visitors_and_people_in_no_cohort(web, world):
    assert board_link(web) is None
    sign_in(web, world.admin)
    assert board_link(web) is None
    web.logout()
    sign_in(web, make_user(display_name="No Cohort"))
    assert board_link(web) is None
    assert db.session.scalar(select(func.count(Board.id)).where(Board.cohort_id.is_(None))) == 1


def test_the_link_costs_no_statement_of_its_own(app, web, world):
    sign_in(web, world.participant)
    expected = (world.board_a.id, 1)
    assert board_link(web) == expected
    with count_statements(app) as log:
        found = board_link(web)
    assert found == expected
    # The user with their memberships, the session (with the board and its readings).
    assert log.count == 2, "\n".join(s[:80] for s in log.statements)


def board_of(cohort_id: int, number: int) -> Board:
    return db.session.scalar(
        select(Board).where(Board.slot == f"session:{cohort_id}:{session_id(number)}")
    )


def session_id(number: int) -> int:
    return db.session.scalar(select(CurriculumSession.id).where(CurriculumSession.number == number))
