"""The participant's path: curriculum, session pages, readings and mark as done."""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta

import pytest
from factories import enrol, make_cohort, make_user
from sqlalchemy import select

from learning.builders import make_session
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective, Reading, ReadingProgress

READING = "/sessions/1/readings/who-is-a-victim"


def test_visitors_see_the_public_outline(client, shipped):
    page = client.get("/curriculum").get_data(as_text=True)
    assert "Concept introduction" in page
    assert "Who is a victim of trafficking?" in page  # reading titles
    assert "its three elements" in page  # reading summaries
    assert "Not started" not in page
    assert 'href="/curriculum.pdf"' in page
    assert '<a href="/curriculum"' in client.get("/").get_data(as_text=True)  # nav entry


def test_visitors_see_a_session_outline_without_bodies_or_quiz(client, shipped):
    response = client.get("/sessions/1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Who is a victim of trafficking?" in page
    assert "One definition for the whole world" not in page  # a heading of the body
    assert 'href="/sessions/1/readings/' not in page
    assert "/sessions/1/quiz" not in page
    assert "Sign in as a participant" in page


def test_visitors_are_sent_to_sign_in_for_a_reading(client, shipped):
    response = client.get(READING)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_members_whose_elearning_has_not_opened_get_the_outline_only(web, shipped):
    later = make_cohort("Later workshop", elearning_opens=date.today() + timedelta(days=5))
    user = make_user()
    enrol(user, later)
    web.login(user.email)
    page = web.client.get("/curriculum").get_data(as_text=True)
    assert "Not started" not in page
    assert web.client.get(READING).status_code == 403
    assert web.client.get("/sessions/1/quiz").status_code == 403
    assert "open when your cohort" in web.client.get("/sessions/1").get_data(as_text=True)


@pytest.mark.parametrize("persona", ["participant", "trainer", "admin"])
def test_people_taking_part_read_the_readings(web, shipped, persona, request):
    user = request.getfixturevalue(persona)
    web.login(user.email)
    response = web.client.get(READING)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "One definition for the whole world" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_curriculum_shows_status_per_session(as_participant, participant, shipped):
    page = as_participant.client.get("/curriculum").get_data(as_text=True)
    assert page.count("Not started") == 11
    as_participant.post(f"{READING}/done", {"done": "1"}, token_from=READING)
    page = as_participant.client.get("/curriculum").get_data(as_text=True)
    assert page.count("Not started") == 10
    assert page.count("In progress") == 1


def test_session_page_has_everything_of_the_module(as_participant, shipped):
    page = as_participant.client.get("/sessions/3").get_data(as_text=True)
    for text in (
        "Exercise: awareness-raising campaign checklist",  # title
        "Objective 2",
        "Objective 4",
        "What makes a good awareness-raising campaign?",  # a reading
        "minute",
        "UNODC Blue Heart Campaign",  # a resource
        "Starter template",
        "Purpose and audience",  # a template section
        "Who is the main target audience",  # an item
        "Discussion question",
        "/sessions/3/quiz",
        "3 attempts left",
    ):
        assert text in page, text
    assert "Starter template" not in as_participant.client.get("/sessions/1").get_data(as_text=True)


def test_reading_has_time_previous_next_and_print_view(as_participant, shipped):
    page = as_participant.client.get(READING).get_data(as_text=True)
    assert "Reading 1 of 2" in page and "minutes" in page
    assert (
        'rel="next" href="/sessions/1/readings/victim-centred-approach-and-human-security"' in page
    )
    assert 'rel="prev"' not in page
    assert f'href="{READING}?print=1"' in page
    second = as_participant.client.get(
        "/sessions/1/readings/victim-centred-approach-and-human-security"
    ).get_data(as_text=True)
    assert f'rel="prev" href="{READING}"' in second and "Back to the session" in second
    printed = as_participant.client.get(f"{READING}?print=1").get_data(as_text=True)
    assert "One definition for the whole world" in printed
    assert "Mark as done" not in printed and "Sign out" not in printed


def test_the_reading_article_follows_each_of_its_inputs(as_participant, shipped):
    """The article is kept as HTML per worker; the reading's and the session's texts, the
    readings around it, the print view and the page's language each change it."""
    web = as_participant
    assert "<h1>Who is a victim of trafficking?</h1>" in web.client.get(READING).get_data(
        as_text=True
    )
    reading = db.session.scalar(select(Reading).where(Reading.slug == "who-is-a-victim"))
    reading.body = "A *revised* body."
    db.session.commit()
    page = web.client.get(READING).get_data(as_text=True)
    assert "<p>A <em>revised</em> body.</p>" in page
    assert "One definition for the whole world" not in page
    reading.title = "Revised title"
    db.session.commit()
    assert "<h1>Revised title</h1>" in web.client.get(READING).get_data(as_text=True)
    reading.minutes = 9
    db.session.commit()
    assert "about 9 minutes" in web.client.get(READING).get_data(as_text=True)
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
    session.title = "Revised session"
    db.session.commit()
    assert "Session 1: Revised session</a>" in web.client.get(READING).get_data(as_text=True)
    other = db.session.scalar(
        select(Reading).where(Reading.session_id == session.id, Reading.id != reading.id)
    )
    other.is_retired = True
    db.session.commit()
    assert "Reading 1 of 1" in web.client.get(READING).get_data(as_text=True)
    printed = web.client.get(f"{READING}?print=1").get_data(as_text=True)
    assert "Back to the normal view" in printed and "Print view" not in printed
    web.post("/language", {"language": "th", "next": "/"})
    page = web.client.get(READING).get_data(as_text=True)
    assert "<h1>Revised title</h1>" not in page and "Reading 1 of 1" not in page


def test_the_reading_s_toggle_and_pager_follow_each_of_their_inputs(as_participant, shipped):
    """The done toggle (around its CSRF token) and the pager are kept as HTML per worker;
    the reader's mark, the next reading's title and the page's language each change them."""
    web = as_participant
    page = web.client.get(READING).get_data(as_text=True)
    assert '<button type="submit" class="primary">Mark as done</button>' in page
    assert "A victim-centred approach" in page.split('rel="next"')[1].split("</a>")[0]
    web.post(f"{READING}/done", {"done": "1"}, token_from=READING)
    page = web.client.get(READING).get_data(as_text=True)
    assert "You marked this reading as done." in page and ">Mark as not done</button>" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.split("done-toggle")[1])
    assert token and token.group(1)
    following = db.session.scalar(
        select(Reading).where(Reading.slug == "victim-centred-approach-and-human-security")
    )
    following.title = "A renamed next reading"
    db.session.commit()
    page = web.client.get(READING).get_data(as_text=True)
    assert "A renamed next reading <span" in page
    web.post("/language", {"language": "th", "next": "/"})
    page = web.client.get(READING).get_data(as_text=True)
    assert "You marked this reading as done." not in page and "Mark as not done" not in page


def test_the_session_page_s_outline_follows_each_of_its_inputs(web, participant, shipped):
    """The heading, objectives and reading list are kept as HTML per worker; the session's
    and the readings' texts, the objectives, the reader's marks, the page's language and
    whether the reader takes part each change them."""
    link = '<a href="/sessions/1/readings/who-is-a-victim">Who is a victim of trafficking?</a>'
    web.login(participant.email)
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert link in page and '<span class="status done">Done</span>' not in page
    assert "minutes</span>" in web.client.get("/sessions/2").get_data(as_text=True)
    web.post(f"{READING}/done", {"done": "1"}, token_from=READING)
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert f'{link}  <span class="hint">4 minutes</span>\n<span class="status done">Done' in page
    reading = db.session.scalar(select(Reading).where(Reading.slug == "who-is-a-victim"))
    reading.title, reading.minutes = "Who is a victim? (revised)", 5
    db.session.commit()
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert 'Who is a victim? (revised)</a>  <span class="hint">5 minutes</span>' in page
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
    session.summary = "A revised summary."
    db.session.commit()
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert '<p class="lead">A revised summary.</p>' in page
    assert page.count("<li><strong>Objective ") == 2
    session.objectives = session.objectives[:1]
    db.session.commit()
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert page.count("<li><strong>Objective ") == 1
    web.post("/language", {"language": "th", "next": "/"})
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert "Who is a victim? (revised)" not in page and "5 นาที" in page
    page = web.client.get("/sessions/2").get_data(as_text=True)  # not translated
    assert "minutes</span>" not in page and "นาที</span>" in page
    web.post("/language", {"language": "en", "next": "/"})
    web.post(f"{READING}/done", {"done": "0"}, token_from=READING)
    assert link.replace("Who is a victim of trafficking?", "Who is a victim? (revised)") in (
        web.client.get("/sessions/1").get_data(as_text=True)
    )
    web.logout()
    later = make_cohort("Later workshop", elearning_opens=date.today() + timedelta(days=5))
    waiting = make_user()
    enrol(waiting, later)
    web.login(waiting.email)
    page = web.client.get("/sessions/1").get_data(as_text=True)
    assert "<strong>Who is a victim? (revised)</strong>" in page
    assert 'href="/sessions/1/readings/' not in page and "Done</span>" not in page


def test_unknown_session_or_reading_is_404(as_participant, shipped):
    assert as_participant.client.get("/sessions/99").status_code == 404
    assert as_participant.client.get("/sessions/1/readings/nope").status_code == 404


def test_mark_as_done_without_javascript(as_participant, participant, shipped):
    response = as_participant.post(f"{READING}/done", {"done": "1"}, token_from=READING)
    assert response.status_code == 303
    assert response.headers["Location"] == READING
    stored = db.session.scalars(
        select(ReadingProgress).where(ReadingProgress.user_id == participant.id)
    ).all()
    assert len(stored) == 1
    page = as_participant.client.get(READING).get_data(as_text=True)
    assert "You marked this reading as done." in page and "Mark as not done" in page
    # Resending the same form changes nothing; sending "not done" removes the mark.
    as_participant.post(f"{READING}/done", {"done": "1"}, token_from=READING)
    assert db.session.scalar(select(db.func.count(ReadingProgress.id))) == 1
    as_participant.post(f"{READING}/done", {"done": "0"}, token_from=READING)
    assert db.session.scalar(select(db.func.count(ReadingProgress.id))) == 0


def test_mark_as_done_with_htmx_returns_the_toggle_only(as_participant, shipped):
    response = as_participant.post(
        f"{READING}/done", {"done": "1"}, token_from=READING, headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith("<form") and "<html" not in body
    assert "You marked this reading as done." in body
    assert 'hx-target="this"' in body
    assert "HX-Request" in response.headers["Vary"]
    assert len(body.encode()) < 5 * 1024


def test_mark_as_done_needs_the_csrf_token(as_participant, shipped):
    response = as_participant.client.post(f"{READING}/done", data={"done": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(ReadingProgress.id))) == 0


def test_visitor_cannot_mark_as_done(web, shipped):
    response = web.post(f"{READING}/done", {"done": "1"}, token_from="/login")
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count(ReadingProgress.id))) == 0


def test_reading_times_are_stored(shipped):
    reading = db.session.scalar(select(Reading).where(Reading.slug == "who-is-a-victim"))
    assert reading.words > 300 and reading.minutes >= 2


def test_curriculum_pdf_is_a_real_pdf(client, shipped):
    response = client.get("/curriculum.pdf")
    data = response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert data.startswith(b"%PDF-")
    inflated = inflate_streams(data)
    assert inflated.count(b"/Type /Page\n") + inflated.count(b"/Type /Page/") >= 2  # pages
    # The bookmarks carry the headings: the programme and each session title.
    assert b"/Title (Session 1: Concept introduction" in inflated
    assert b"/Title (Session 11: Monitoring and evaluation" in inflated


def inflate_streams(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (pages, outline) inflated, to look inside."""
    out = pdf
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    return out


def test_own_data_export_carries_reading_progress_and_attempts(as_participant, shipped):
    as_participant.post(f"{READING}/done", {"done": "1"}, token_from=READING)
    start = as_participant.post("/sessions/1/quiz/start", token_from="/sessions/1/quiz")
    attempt = start.headers["Location"]
    as_participant.post(attempt, {"action": "submit"}, token_from=attempt)
    response = as_participant.post("/account/export", token_from="/account/profile")
    data = response.get_json()
    learning = data["learning"]
    assert learning["readings_done"][0]["reading"] == "who-is-a-victim"
    attempt_data = learning["quiz_attempts"][0]
    assert attempt_data["quiz"] == "session-01" and attempt_data["state"] == "submitted"
    assert len(attempt_data["answers"]) >= 6


def test_curriculum_pdf_is_made_once_then_served_from_cache(app, client, shipped):
    from pathlib import Path

    cache = Path(app.instance_path) / "pdf-cache"
    before = set(cache.glob("*.pdf")) if cache.exists() else set()
    first = client.get("/curriculum.pdf").get_data()
    made = set(cache.glob("*.pdf")) - before
    second = client.get("/curriculum.pdf").get_data()
    assert first == second and first.startswith(b"%PDF-")
    assert len(set(cache.glob("*.pdf")) - before) <= 1  # no second file for the same outline
    assert made or before  # the PDF is kept on disk for every worker


def test_the_session_page_lists_each_objective_and_reading_once(as_participant, participant):
    """The page reads its objectives and readings in one statement (each objective with
    each reading): every one appears once and in order, with none of the other, and the
    reader's marks stay on their own readings."""
    session = make_session(number=40, readings=3)

    def shown():
        page = as_participant.client.get("/sessions/40").get_data(as_text=True)
        objectives = re.findall(r"<li><strong>Objective (\d+):</strong> Objective text", page)
        readings = re.findall(r'<a href="/sessions/40/readings/(reading-\d)">', page)
        done = re.findall(r'readings/(reading-\d)".*\n<span class="status done">', page)
        return objectives, readings, done

    assert shown() == (["1", "2"], ["reading-1", "reading-2", "reading-3"], [])
    reading_2 = "/sessions/40/readings/reading-2"
    as_participant.post(f"{reading_2}/done", {"done": "1"}, token_from=reading_2)
    assert shown() == (["1", "2"], ["reading-1", "reading-2", "reading-3"], ["reading-2"])
    first = db.session.scalar(select(Reading).where(Reading.session_id == session.id))
    first.is_retired = True
    db.session.commit()
    assert shown() == (["1", "2"], ["reading-2", "reading-3"], ["reading-2"])
    session.objectives = []
    db.session.commit()
    assert shown() == ([], ["reading-2", "reading-3"], ["reading-2"])
    for reading in db.session.scalars(select(Reading).where(Reading.session_id == session.id)):
        reading.is_retired = True
    db.session.commit()
    assert shown() == ([], [], [])
    session.objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    db.session.commit()
    assert shown() == (["1", "2"], [], [])


def test_the_rest_of_the_session_page_follows_each_of_its_inputs(
    as_participant, participant, cohort, shipped
):
    """The title and the part after the exercise slot are kept as HTML per worker; the
    session's title, starter template, resources and discussion question, the reader's
    standing on the quiz and the board's thread count each change them."""
    from portal.discussion.models import Board, Thread

    def page():
        return as_participant.client.get("/sessions/3").get_data(as_text=True)

    first = page()
    assert "Go to the quiz" in first and "(0 threads)" in first
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 3))
    session.title = "A revised title"
    session.exercise_template = [{"title": "A revised section", "items": ["A revised item"]}]
    session.resources = [{"title": "A revised resource", "url": "https://example.org/r"}]
    session.discussion_prompt = "A revised question?"
    db.session.commit()
    second = page()
    assert "<title>Session 3: A revised title · " in second
    assert '<h4>A revised section</h4>\n<ul class="checklist">\n<li>A revised item</li>' in second
    assert '<a href="https://example.org/r" rel="noopener">A revised resource</a>' in second
    assert '<div class="prompt"><p>A revised question?</p>' in second
    board = db.session.scalar(
        select(Board).where(Board.slot == f"session:{cohort.id}:{session.id}")
    )
    db.session.add(
        Thread(board_id=board.id, author_id=participant.id, title="T", kind="discussion")
    )
    db.session.commit()
    assert "(1 thread)" in page()
    as_participant.post("/sessions/3/quiz/start", token_from="/sessions/3/quiz")
    assert "Continue the quiz" in page()
