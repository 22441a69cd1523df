"""The home page of participants and alumni (issue 11, item 7): the latest threads of the
alumni forum and the latest published practices side by side for alumni; the practices for
every reader of the library; no alumni threads for someone who is not yet an alumnus."""

from __future__ import annotations

import re
from datetime import date, timedelta

from factories import enrol, make_cohort, make_user
from measure import count_statements
from practices.conftest import draft, published

from portal.database import utcnow
from portal.discussion.models import Board, Thread
from portal.extensions import db
from tests.progress.builders import small_curriculum

THREAD = "Invented thread: who runs a shelter hotline at night?"
PRACTICE = "Invented practice: a night hotline run by two provinces"
DRAFT = "Invented draft that nobody else may see"


def make_world(cohort):
    small_curriculum()
    today = date.today()
    old = make_cohort(
        "Earlier workshop (fictional)",
        elearning_opens=today - timedelta(days=200),
        workshop_start=today - timedelta(days=150),
        workshop_end=today - timedelta(days=146),
        alumni_from=today - timedelta(days=140),
    )
    alumnus = make_user(display_name="Alumna Invented")
    enrol(alumnus, old)
    participant = make_user(display_name="Participant Invented")
    enrol(participant, cohort)
    trainer = make_user("trainer", display_name="Trainer Invented")
    board = Board(kind="alumni", title="Ask a counterpart (fictional)")
    db.session.add(board)
    db.session.flush()
    db.session.add(Thread(board_id=board.id, title=THREAD, last_post_at=utcnow()))
    db.session.commit()
    published(alumnus, trainer, title=PRACTICE, countries=["NP"])
    draft(alumnus, title=DRAFT)
    return alumnus, participant


def panels(html: str) -> str:
    found = re.search(r'<div class="panels">(.*?)</div>\s*\n', html, re.S)
    assert found, "no side-by-side panels on the home page"
    return found.group(1)


def test_alumni_see_forum_threads_and_practices_side_by_side(app, web, cohort):
    alumnus, _participant = make_world(cohort)
    web.login(alumnus.email)
    response = web.client.get("/progress")
    assert response.status_code == 200
    side = panels(response.get_data(as_text=True))
    assert "New in the alumni forums" in side and THREAD in side
    assert "New in the practice library" in side and PRACTICE in side
    assert "Nepal" in side and 'href="/practices/"' in side
    assert DRAFT not in side
    # Forum first, then the library, in one row of panels.
    assert side.index(THREAD) < side.index(PRACTICE)


def test_a_participant_sees_the_practices_but_not_the_alumni_threads(app, web, cohort):
    _alumnus, participant = make_world(cohort)
    web.login(participant.email)
    html = web.client.get("/progress").get_data(as_text=True)
    side = panels(html)
    assert PRACTICE in side and "New in the practice library" in side
    assert THREAD not in html and "New in the alumni forums" not in html


def test_a_reader_without_practices_is_told_so(app, web, cohort):
    small_curriculum()
    participant = make_user(display_name="First Invented Reader")
    enrol(participant, cohort)
    web.login(participant.email)
    side = panels(web.client.get("/progress").get_data(as_text=True))
    assert "No practices have been published yet." in side


def test_the_library_news_costs_one_statement(app, web, cohort):
    """The latest practices with their countries come in one statement; the viewer's
    cohort roles are the request's (loaded once, shared with the navigation)."""
    alumnus, _participant = make_world(cohort)
    for number in range(8):
        published(alumnus, make_user("trainer"), title=f"Invented practice {number}")
    web.login(alumnus.email)
    with count_statements(app) as log:
        html = web.client.get("/progress").get_data(as_text=True)
    assert panels(html).count('<li><a href="/practices/') == 5
    practice_statements = [s for s in log.statements if "FROM practice" in s]
    assert len(practice_statements) == 1, practice_statements
    # No second lookup of the viewer's cohorts: the navigation's is the only one.
    roles = [s for s in log.statements if s.startswith("SELECT membership.cohort_id")]
    assert len(roles) <= 1, roles
    print("alumni home:", log.count, "statements")


def test_an_alumna_back_in_a_new_cohort_still_sees_the_alumni_threads(app, web, cohort):
    """The home follows the forum's own rule: a participant of any cohort whose alumni
    phase began reads the alumni forum, even while their latest cohort is still running."""
    alumnus, _participant = make_world(cohort)
    enrol(alumnus, cohort)  # the current cohort starts later than her earlier one
    db.session.commit()
    web.login(alumnus.email)
    side = panels(web.client.get("/progress").get_data(as_text=True))
    assert "New in the alumni forums" in side and THREAD in side
    link = re.search(r'<a href="([^"]+)">' + re.escape(THREAD), side).group(1)
    assert web.client.get(link).status_code == 200  # as the forum agrees
