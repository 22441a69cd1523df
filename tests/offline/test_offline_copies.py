"""Sessions to read offline: the HTML file, the PDF, and recording readings read offline."""

import re
from pathlib import Path

import pytest
from factories import make_user
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.learning.models import CurriculumSession, Reading, ReadingProgress
from portal.markdown import render_markdown

CONTENT = Path(__file__).resolve().parents[2] / "content"
LIMIT = 150 * 1024


@pytest.fixture
def curriculum(shipped_curriculum):
    return shipped_curriculum


def _readings(number):
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == number))
    return db.session.scalars(
        select(Reading).where(Reading.session_id == session.id).order_by(Reading.position)
    ).all()


def test_the_session_file_holds_everything_and_fetches_nothing(curriculum, as_participant):
    response = as_participant.client.get("/sessions/1/offline.html")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="vca-session-01-en.html"'
    )
    html = response.get_data(as_text=True)
    assert "<script" not in html.lower()
    assert not re.search(
        r'<(img|link|iframe|video|audio|source)\b[^>]*(src|href)="(https?:)?//', html
    )
    assert "<style>" in html and "@media print" in html
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
    for reading in _readings(1):
        assert f'id="{reading.slug}"' in html
        assert str(render_markdown(reading.body)) in html  # the whole reading, as on the page
    for resource in session.resources or []:
        assert resource["url"] in html
    assert "Discussion question" in html
    assert re.search(r"Offline copy, version [0-9a-f]{10} of \w{3} \d{1,2}, \d{4}\.", html)


def test_every_session_file_is_under_150_kb_in_every_language(curriculum, as_participant):
    sizes = {}
    for language in ["en", "th", "id", "ur"]:
        as_participant.post("/language", {"language": language, "next": "/"})
        for number in range(1, 12):
            body = as_participant.client.get(f"/sessions/{number}/offline.html").get_data()
            sizes[(language, number)] = len(body)
    assert all(size < LIMIT for size in sizes.values()), max(sizes.values())
    assert min(sizes.values()) > 5_000  # the readings are really in it


def test_the_file_is_in_the_person_s_language_and_says_what_is_not_translated(
    curriculum, as_participant
):
    as_participant.post("/language", {"language": "ur", "next": "/"})
    response = as_participant.client.get("/sessions/6/offline.html")
    html = response.get_data(as_text=True)
    assert 'filename="vca-session-06-ur.html"' in response.headers["Content-Disposition"]
    assert '<html lang="ur" dir="rtl">' in html
    assert "مباحثے کا سوال" in html  # "Discussion question"
    assert '<article class="reading" id=' in html and 'lang="en" dir="ltr"' in html


def test_the_version_changes_when_a_reading_changes(curriculum, as_participant):
    def version():
        html = as_participant.client.get("/sessions/2/offline.html").get_data(as_text=True)
        return re.search(r"version ([0-9a-f]{10})", html).group(1)

    before = version()
    assert version() == before
    _readings(2)[0].body += "\n\nA corrected sentence."
    db.session.commit()
    assert version() != before


def test_our_images_are_inlined_and_far_away_images_left_out(curriculum, as_participant):
    reading = _readings(3)[0]
    reading.body = (
        "![Logo of the portal](/static/img/favicon.svg)\n\n![A tracker](https://x.example/t.png)"
        "\n\n![A missing file](/static/img/none.png)"
    )
    db.session.commit()
    html = as_participant.client.get("/sessions/3/offline.html").get_data(as_text=True)
    assert '<img src="data:image/svg+xml;base64,' in html
    assert "x.example" not in html
    assert "A tracker" in html  # the Markdown pipeline keeps far-away images as their text
    assert "[A missing file]" in html and "/static/img/none.png" not in html


def test_the_session_pdf(curriculum, as_participant):
    response = as_participant.client.get("/sessions/1/session.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert 'filename="vca-session-01-en.pdf"' in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"%PDF")


@pytest.mark.parametrize(
    "path", ["/sessions/1/offline.html", "/sessions/1/session.pdf", "/sessions/1/readings/record"]
)
def test_who_may_download(curriculum, web, path):
    assert web.client.get(path).status_code == 302  # a visitor is asked to sign in
    outsider = make_user(display_name="No cohort (fictional)")
    web.login(outsider.email)
    assert web.client.get(path).status_code == 403


def test_an_unknown_session_is_404(curriculum, as_participant):
    assert as_participant.client.get("/sessions/99/offline.html").status_code == 404
    assert as_participant.client.get("/sessions/99/readings/record").status_code == 404


def test_readings_read_offline_are_recorded_at_once(curriculum, as_participant, participant):
    page = as_participant.client.get("/sessions/1/readings/record").get_data(as_text=True)
    readings = _readings(1)
    for reading in readings:
        assert f'name="reading" value="{reading.id}"' in page
    chosen = [str(r.id) for r in readings[:2]]
    token = as_participant.token("/sessions/1/readings/record")
    data = {"csrf_token": token, "reading": chosen}
    response = as_participant.client.post("/sessions/1/readings/record", data=data)
    assert response.status_code == 303
    page = as_participant.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 readings recorded as done." in page
    assert page.count(" checked>") == 2
    stored = select(func.count(ReadingProgress.id)).where(ReadingProgress.user_id == participant.id)
    assert db.session.scalar(stored) == 2
    # The same form sent again (a double click) stores nothing twice.
    as_participant.client.post("/sessions/1/readings/record", data=data)
    assert db.session.scalar(stored) == 2
    events = select(func.count(AuditEvent.id)).where(AuditEvent.action == "reading.recorded")
    assert db.session.scalar(events) == 1
    # Unticking one and sending the list changes only that one.
    data["reading"] = chosen[:1]
    as_participant.client.post("/sessions/1/readings/record", data=data)
    assert db.session.scalar(stored) == 1


def test_recording_ignores_readings_of_other_sessions_and_needs_csrf(
    curriculum, as_participant, participant
):
    other = _readings(2)[0]
    token = as_participant.token("/sessions/1/readings/record")
    response = as_participant.client.post(
        "/sessions/1/readings/record", data={"csrf_token": token, "reading": [str(other.id), "x"]}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(ReadingProgress.id))) == 0
    response = as_participant.client.post(
        "/sessions/1/readings/record", data={"reading": [str(_readings(1)[0].id)]}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(ReadingProgress.id))) == 0


def test_the_session_page_links_the_downloads(curriculum, as_participant):
    html = as_participant.client.get("/sessions/4").get_data(as_text=True)
    assert 'href="/sessions/4/offline.html" download' in html
    assert 'href="/sessions/4/session.pdf" download' in html
    assert 'href="/sessions/4/readings/record"' in html
