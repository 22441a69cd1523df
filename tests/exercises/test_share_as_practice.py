"""An accepted exercise shared into the practice library (B5): only its author, only once a
trainer accepted it; the practice it makes goes through the practice review (D2), and
both pages link to each other."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from exercises.conftest import start
from exercises.test_workflow import accepted, published, submitted
from portal.audit import AuditEvent
from portal.exercises.models import Exercise
from portal.extensions import db
from portal.practices.models import Practice


def practices_of(exercise: Exercise) -> list[Practice]:
    return list(
        db.session.scalars(select(Practice).where(Practice.source_exercise_id == exercise.id))
    )


def share(author, exercise: Exercise):
    return author.post(f"/exercises/{exercise.id}/practice")


def test_author_shares_an_accepted_checklist_as_a_draft_practice(actor, world):
    author, exercise = accepted(actor, world)
    page = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert "Share in the practice library" in page
    response = share(author, exercise)
    assert response.status_code == 303
    assert re.search(r"/practices/(\d+)/edit$", response.location)
    [practice] = practices_of(exercise)
    # Prefilled from the exercise: title, session (and its objectives), the checklist.
    assert practice.status == "draft" and practice.author_id == world.author.id
    assert practice.title == exercise.title
    assert practice.values("session") == ["3"]
    assert "## Before the campaign" in practice.description
    assert "- Who is the audience?" in practice.description
    assert "<h2>Before the campaign</h2>" in practice.description_html
    assert "<li>Is consent recorded?</li>" in practice.description_html
    assert "session 3" in practice.summary and "Before the campaign; Safety" in practice.summary
    # The edit form shows what was prefilled and asks for the rest.
    form = author.get(response.location).get_data(as_text=True)
    assert "A draft practice was made from your checklist" in form
    assert "Before the campaign" in form
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "practice.created", AuditEvent.target_id == practice.id
        )
    )
    assert event.detail == {"source_exercise": exercise.id}


def test_sharing_twice_returns_the_same_practice(actor, world):
    author, exercise = accepted(actor, world)
    first = share(author, exercise).location
    second = share(author, exercise).location
    assert first == second
    assert len(practices_of(exercise)) == 1
    # Once shared, the exercise page links to the practice instead of offering it again.
    page = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    practice = practices_of(exercise)[0]
    assert f'href="/practices/{practice.id}"' in page
    assert "Share in the practice library" not in page


def test_a_published_checklist_can_be_shared_too(actor, world):
    author, exercise = published(actor, world)
    assert share(author, exercise).status_code == 303
    assert len(practices_of(exercise)) == 1


def test_not_before_a_trainer_accepted_it(actor, world):
    author = actor(world.author)
    draft = start(author, world, token="d")
    response = share(author, draft)
    assert response.status_code == 409
    assert "Only a checklist accepted by a trainer" in response.get_data(as_text=True)
    _author, waiting = submitted(actor, world)
    assert share(author, waiting).status_code == 409
    assert "Share in the practice library" not in author.get(f"/exercises/{waiting.id}").get_data(
        as_text=True
    )
    assert practices_of(draft) == [] and practices_of(waiting) == []


@pytest.mark.parametrize(
    "persona", ["peer", "other", "alumnus", "trainer", "trainer_b", "admin", "outsider"]
)
def test_nobody_but_the_author_shares(actor, world, persona):
    _author, exercise = published(actor, world)
    client = actor(getattr(world, persona))
    response = share(client, exercise)
    # People who may not use exercises are refused; everyone else finds no such action.
    assert response.status_code == (403 if persona == "outsider" else 404)
    assert practices_of(exercise) == []
    page = client.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert "Share in the practice library" not in page


def test_visitor_is_sent_to_sign_in_and_csrf_is_required(actor, world):
    author, exercise = accepted(actor, world)
    visitor = actor(None)
    assert share(visitor, exercise).status_code == 302
    response = author.client.post(f"/exercises/{exercise.id}/practice")
    assert response.status_code == 400
    assert practices_of(exercise) == []


def test_unknown_exercise_is_404(actor, world):
    assert share(actor(world.author), Exercise(id=987654)).status_code == 404


def complete_and_submit(author, practice_id: int):
    """The author adds what the exercise does not know and submits it for review."""
    practice = db.session.get(Practice, practice_id)
    data = {
        "title": practice.title,
        "summary": practice.summary,
        "description": practice.description,
        "countries": ["PH"],
        "organisation_type": "ngo",
        "pillars": ["prevention"],
        "sessions": ["3"],
        "contact": "portal",
        "action": "submit",
    }
    return author.post(f"/practices/{practice_id}/edit", data)


def test_the_practice_goes_through_review_and_both_pages_link(actor, world):
    author, exercise = accepted(actor, world)
    share(author, exercise)
    [practice] = practices_of(exercise)
    response = complete_and_submit(author, practice.id)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.refresh(practice)
    assert practice.status == "submitted"
    # Not in the library until a trainer publishes it: a peer sees neither page link.
    peer = actor(world.peer)
    assert peer.get(f"/practices/{practice.id}").status_code == 404
    exercise_page = peer.get(f"/exercises/{exercise.id}")
    assert exercise_page.status_code == 404  # accepted, not published: the author's own
    trainer = actor(world.trainer)
    review = trainer.post(f"/practices/{practice.id}/review", {"action": "publish"})
    assert review.status_code == 303
    db.session.refresh(practice)
    assert practice.status == "published"
    # The author's exercise page links to the practice, the practice page to the exercise.
    mine = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert f'href="/practices/{practice.id}"' in mine and "In the practice library" in mine
    detail = author.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert f'href="/exercises/{exercise.id}"' in detail and "Built from the checklist" in detail
    # The trainer who accepted the exercise sees the link too; a peer reads the practice
    # but not the unpublished exercise, so no link to it.
    assert f'href="/exercises/{exercise.id}"' in trainer.get(f"/practices/{practice.id}").get_data(
        as_text=True
    )
    peer_view = peer.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Built from the checklist" not in peer_view
    # Once the exercise is published as well, readers see both links.
    assert author.post(f"/exercises/{exercise.id}/publish").status_code == 303
    peer_view = peer.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert f'href="/exercises/{exercise.id}"' in peer_view
    other_view = actor(world.other).get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert f'href="/practices/{practice.id}"' in other_view


def test_unpublished_practice_is_not_linked_for_others(actor, world):
    author, exercise = published(actor, world)
    share(author, exercise)
    [practice] = practices_of(exercise)
    other = actor(world.other).get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert f"/practices/{practice.id}" not in other
    mine = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert f'href="/practices/{practice.id}"' in mine and "not yet published" in mine


def test_checklist_text_stays_plain_in_the_description(actor, world):
    author, exercise = accepted(actor, world)
    item = exercise.sections[0].items[0]
    item.text = "- Use **bold** <b>tags</b> & [links](javascript:alert(1)) #1"
    db.session.commit()
    share(author, exercise)
    [practice] = practices_of(exercise)
    html = practice.description_html
    assert "<strong>" not in html and "<b>" not in html and "<a" not in html
    assert "**bold**" in html and "&lt;b&gt;tags&lt;/b&gt;" in html


def test_both_pages_stay_within_eight_statements(app, actor, world):
    """The link between the pages costs no statement beyond the budget (SPEC §4)."""
    from measure import count_statements

    author, exercise = accepted(actor, world)
    share(author, exercise)
    [practice] = practices_of(exercise)
    complete_and_submit(author, practice.id)
    assert (
        actor(world.trainer)
        .post(f"/practices/{practice.id}/review", {"action": "publish"})
        .status_code
        == 303
    )
    assert author.post(f"/exercises/{exercise.id}/publish").status_code == 303
    counts = {}
    for persona in ("author", "trainer", "peer", "other", "admin"):
        client = actor(getattr(world, persona))
        for path in (f"/practices/{practice.id}", f"/exercises/{exercise.id}"):
            with count_statements(app) as log:
                response = client.get(path)
            assert response.status_code == 200, (persona, path)
            assert "Built from the checklist" in response.get_data(
                as_text=True
            ) or "In the practice library" in response.get_data(as_text=True)
            counts[(persona, path)] = log.count
    assert max(counts.values()) <= 8, counts
