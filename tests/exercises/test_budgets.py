"""SPEC §4 budgets for the exercise and directory pages: statements, page weight, fragments."""

from __future__ import annotations

import gzip

import pytest
from measure import count_statements, page_weight
from sqlalchemy import insert, select

from exercises.conftest import HX, start
from portal.database import utcnow
from portal.directory.models import DirectMessage, DirectoryEntry
from portal.exercises.models import Exercise
from portal.extensions import db

COLD_BYTES = 50 * 1024
FRAGMENT_BYTES = 5 * 1024
MAX_STATEMENTS = 8
REPORT: dict = {}


def statements(app, client, path, headers=None) -> int:
    with count_statements(app) as log:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code)
    return log.count


def grow(world, source: Exercise, n: int) -> None:
    """n published exercises by the peer, each copied from `source`; n directory entries and
    n messages to the author from as many invented people."""
    from factories import make_user

    now = utcnow()
    db.session.execute(
        insert(Exercise),
        [
            {
                "author_id": world.peer.id,
                "session_id": world.session.id,
                "title": f"Published checklist {k}",
                "state": "published",
                "source_id": source.id,
                "published_at": now,
            }
            for k in range(n)
        ],
    )
    people = [make_user(display_name=f"Listed person {k}", country="KH") for k in range(n // 10)]
    db.session.execute(
        insert(DirectoryEntry),
        [
            {
                "user_id": p.id,
                "display_name": p.display_name,
                "country": "KH",
                "organisation": "Invented Organisation",
                "organisation_type": "ngo",
                "pillars": ",protection,",
            }
            for p in people
        ],
    )
    db.session.execute(
        insert(DirectMessage),
        [
            {"sender_id": p.id, "recipient_id": world.author.id, "body": "x", "body_html": "x"}
            for p in people
        ],
    )
    db.session.commit()


def pages(exercise_id: int, source_id: int) -> list[str]:
    return [
        "/sessions/3",
        "/sessions/3/exercise",
        f"/exercises/{exercise_id}",
        f"/exercises/{source_id}",
        f"/exercises/{exercise_id}/print",
        "/directory/",
        "/directory/?country=KH&type=ngo&pillar=protection",
        "/directory/messages",
    ]


def test_statement_counts_do_not_grow(app, actor, world):
    author = actor(world.author)
    draft = start(author, world, "budget")
    source = start(author, world, "source")
    for step in ("submit", "review", "publish"):
        if step == "submit":
            author.post(f"/exercises/{source.id}/submit", {"revision": source.revision})
        elif step == "review":
            actor(world.trainer).post(
                f"/exercises/{source.id}/review", {"decision": "accept", "feedback": ""}
            )
        else:
            author.post(f"/exercises/{source.id}/publish")
    grow(world, source, 10)
    # A cohort's first session-page visit creates its discussion boards once (the page
    # links to the session's board); the budget is for every visit after it.
    author.client.get("/sessions/3")
    small = {p: statements(app, author.client, p) for p in pages(draft.id, source.id)}
    grow(world, source, 300)
    large = {p: statements(app, author.client, p) for p in pages(draft.id, source.id)}
    REPORT["statements"] = large
    assert small == large
    assert max(large.values()) <= MAX_STATEMENTS, large
    assert db.session.scalar(select(db.func.count(Exercise.id))) == 312


def test_page_weight_and_fragments(app, actor, world):
    from pathlib import Path

    from portal.learning import content_files
    from portal.learning.models import CurriculumSession

    # The heaviest real builder: session 8's shipped template.
    db.session.delete(world.session)
    db.session.commit()
    content_files.import_curriculum(Path(__file__).resolve().parents[2] / "content")
    db.session.commit()
    author = actor(world.author)
    response = author.post("/sessions/8/exercise", {"token": "w"})
    exercise = db.session.get(Exercise, int(response.location.rsplit("/", 1)[1]))
    assert db.session.get(CurriculumSession, exercise.session_id).number == 8
    for path in (f"/exercises/{exercise.id}", "/sessions/8/exercise", "/directory/"):
        weight = page_weight(author.client, path)
        REPORT[path] = weight.bytes
        assert weight.requests <= 6, weight.sizes
        assert weight.bytes <= COLD_BYTES, weight.sizes
        assert weight.other_hosts == []
    section = exercise.sections[0]
    fragment = author.post(
        f"/exercises/{exercise.id}/sections/{section.id}/items",
        {"revision": exercise.revision, "text": "One more item"},
        headers={**HX, "Accept-Encoding": "gzip"},
    )
    assert fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data()
    raw = gzip.decompress(body) if fragment.headers.get("Content-Encoding") == "gzip" else body
    assert b"<html" not in raw
    REPORT["builder fragment (gzip, raw)"] = (len(body), len(raw))
    assert len(body) <= FRAGMENT_BYTES, len(body)


@pytest.fixture(scope="module", autouse=True)
def _print_report():
    yield
    if REPORT:
        print("\nexercise/directory budgets:", REPORT)
