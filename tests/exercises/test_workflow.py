"""The exercise workflow: build, submit, review, publish, copy; who may make each move."""

from __future__ import annotations

import re

from sqlalchemy import select

from exercises.conftest import HX, TEMPLATE, start
from portal.audit import AuditEvent
from portal.exercises.models import Exercise, ExerciseSummary
from portal.extensions import db
from portal.mail import OutboxMessage


def summary(user, session) -> ExerciseSummary | None:
    return db.session.scalar(
        select(ExerciseSummary).where(
            ExerciseSummary.user_id == user.id, ExerciseSummary.session_id == session.id
        )
    )


def texts(exercise: Exercise) -> list[tuple[str, list[str]]]:
    db.session.refresh(exercise)
    return [(s.title, [i.text for i in s.items]) for s in exercise.sections]


def actions(exercise: Exercise) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target_type == "exercise", AuditEvent.target_id == exercise.id)
            .order_by(AuditEvent.id)
        )
    )


def submitted(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    response = author.post(
        f"/exercises/{exercise.id}/submit", {"revision": author.revision(exercise.id)}
    )
    assert response.status_code == 303
    return author, exercise


def accepted(actor, world):
    author, exercise = submitted(actor, world)
    response = actor(world.trainer).post(
        f"/exercises/{exercise.id}/review", {"decision": "accept", "feedback": "Well done."}
    )
    assert response.status_code == 303
    return author, exercise


def published(actor, world):
    author, exercise = accepted(actor, world)
    assert author.post(f"/exercises/{exercise.id}/publish").status_code == 303
    return author, exercise


def test_session_page_links_to_the_builder_and_hub_shows_the_template_intro(actor, world):
    author = actor(world.author)
    page = author.get("/sessions/3").get_data(as_text=True)
    assert "/sessions/3/exercise" in page
    hub = author.get("/sessions/3/exercise").get_data(as_text=True)
    assert "<strong>checklist</strong>" in hub
    assert "You have not started this exercise yet." in hub


def test_session_page_slot_shows_own_checklists_and_starts_one(actor, world):
    author = actor(world.author)
    page = author.get("/sessions/3").get_data(as_text=True)
    assert "Start your checklist from the template" in page
    assert "0 checklists published by colleagues" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = author.post("/sessions/3/exercise", {"token": token})
    assert response.status_code == 303
    page = author.get("/sessions/3").get_data(as_text=True)
    assert "Draft" in page and response.location in page
    # Visitors and sessions without exercise get no slot.
    assert "Start your checklist" not in actor().get("/sessions/3").get_data(as_text=True)


def test_start_copies_the_session_template_and_writes_the_summary(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    assert exercise.state == "draft" and exercise.author_id == world.author.id
    assert texts(exercise) == [(s["title"], s["items"]) for s in TEMPLATE]
    row = summary(world.author, world.session)
    assert (row.state, row.exercise_count, row.first_submitted_at) == ("draft", 1, None)
    assert actions(exercise) == ["exercise.started"]
    page = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert 'value="Who is the audience?"' in page and "Submit to the trainers" in page


def test_a_double_clicked_start_makes_one_draft(actor, world):
    author = actor(world.author)
    first = start(author, world, token="same")
    second = start(author, world, token="same")
    assert first.id == second.id
    assert db.session.scalar(select(db.func.count(Exercise.id))) == 1


def test_sessions_without_exercise_have_no_builder(actor, world):
    author = actor(world.author)
    assert author.get("/sessions/1/exercise").status_code == 404
    assert author.post("/sessions/1/exercise", {"token": "x"}).status_code == 404
    assert author.get("/sessions/99/exercise").status_code == 404


def test_building_without_javascript(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    base = f"/exercises/{exercise.id}"
    first, second = exercise.sections
    item = first.items[0]

    def post(path, **data):
        response = author.post(base + path, {"revision": author.revision(exercise.id), **data})
        assert response.status_code == 303, (path, response.status_code)
        assert response.location.startswith(base)
        return response

    post(f"/sections/{first.id}/items", text="  Which   languages\tare spoken?  ")
    post(f"/items/{item.id}", text="Who exactly is the audience?")
    post(f"/items/{item.id}/down")
    post("/sections", text="Results")
    post(f"/sections/{second.id}", text="Safety and consent")
    post(f"/sections/{second.id}/up")
    assert [i.text for i in first.items][:2] == ["What should they do?", item.text]
    post(f"/items/{first.items[0].id}/remove")
    post("/title", text="My district's campaign checklist")
    assert texts(exercise) == [
        ("Safety and consent", ["Is consent recorded?"]),
        ("Before the campaign", ["Who exactly is the audience?", "Which languages are spoken?"]),
        ("Results", []),
    ]
    results = exercise.sections[2]
    post(f"/sections/{results.id}/remove")
    assert [t for t, _ in texts(exercise)] == ["Safety and consent", "Before the campaign"]
    assert exercise.title == "My district's campaign checklist"
    assert "exercise.item_added" in actions(exercise)


def test_building_in_place_returns_the_builder_fragment(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    section = exercise.sections[0]
    response = author.post(
        f"/exercises/{exercise.id}/sections/{section.id}/items",
        {"revision": exercise.revision, "text": "Is there a help line?"},
        headers=HX,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in body and body.lstrip().startswith('<div id="builder"')
    assert 'value="Is there a help line?"' in body


def test_bad_input_keeps_the_text_and_stores_nothing(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    section = exercise.sections[0]
    before = texts(exercise)
    too_long = "x" * 301
    response = author.post(
        f"/exercises/{exercise.id}/sections/{section.id}/items",
        {"revision": exercise.revision, "text": too_long},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most 300 characters" in page and f'value="{too_long}"' in page
    response = author.post(
        f"/exercises/{exercise.id}/items/{section.items[0].id}",
        {"revision": exercise.revision, "text": "   "},
        headers=HX,
    )
    assert response.status_code == 400 and "Write the item first." in response.get_data(True)
    assert texts(exercise) == before


def test_a_repeated_click_changes_nothing_twice(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    section = exercise.sections[0]
    data = {"revision": exercise.revision, "text": "Is there a help line?"}
    path = f"/exercises/{exercise.id}/sections/{section.id}/items"
    assert author.post(path, data).status_code == 303
    again = author.post(path, data)
    assert again.status_code == 409
    assert "what you typed is still in the box" in again.get_data(as_text=True)
    assert texts(exercise)[0][1].count("Is there a help line?") == 1


def test_submit_sets_the_state_and_the_summary(actor, world):
    author, exercise = submitted(actor, world)
    db.session.refresh(exercise)
    assert exercise.state == "submitted" and exercise.submitted_at is not None
    row = summary(world.author, world.session)
    assert row.state == "submitted" and row.first_submitted_at is not None
    # Once submitted, the draft can no longer be changed.
    section = exercise.sections[0]
    response = author.post(
        f"/exercises/{exercise.id}/sections/{section.id}/items",
        {"revision": exercise.revision, "text": "Late change"},
    )
    assert response.status_code == 409
    assert "no longer a draft" in response.get_data(as_text=True)
    assert "Late change" not in [i.text for i in section.items]
    # A repeated submit is harmless.
    again = author.post(f"/exercises/{exercise.id}/submit", {"revision": exercise.revision - 1})
    assert again.status_code == 303


def test_an_empty_checklist_cannot_be_submitted(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    for section in list(exercise.sections):
        author.post(
            f"/exercises/{exercise.id}/sections/{section.id}/remove",
            {"revision": author.revision(exercise.id)},
        )
    response = author.post(
        f"/exercises/{exercise.id}/submit", {"revision": author.revision(exercise.id)}
    )
    assert response.status_code == 409
    assert "Add at least one item" in response.get_data(as_text=True)
    db.session.refresh(exercise)
    assert exercise.state == "draft"


def test_submit_asks_before_sending_personal_identifiers(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    section = exercise.sections[0]
    author.post(
        f"/exercises/{exercise.id}/sections/{section.id}/items",
        {"revision": exercise.revision, "text": "Call the victim on +63 917 555 0123"},
    )
    revision = author.revision(exercise.id)
    response = author.post(f"/exercises/{exercise.id}/submit", {"revision": revision})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "may identify a person" in page
    db.session.refresh(exercise)
    assert exercise.state == "draft"
    confirm = re.search(r'name="confirm" value="([0-9a-f]+)"', page).group(1)
    response = author.post(
        f"/exercises/{exercise.id}/submit",
        {"revision": revision, "confirm": confirm, "anyway": "1"},
    )
    assert response.status_code == 303
    db.session.refresh(exercise)
    assert exercise.state == "submitted"


def test_trainer_of_the_cohort_accepts_and_the_author_is_told(actor, world):
    author, exercise = submitted(actor, world)
    trainer = actor(world.trainer)
    queue = trainer.get("/exercises/review").get_data(as_text=True)
    assert f"/exercises/{exercise.id}" in queue
    page = trainer.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert "Send back for changes" in page
    response = trainer.post(
        f"/exercises/{exercise.id}/review", {"decision": "accept", "feedback": "**Clear** items."}
    )
    assert response.status_code == 303
    db.session.refresh(exercise)
    assert exercise.state == "accepted" and exercise.reviewer_id == world.trainer.id
    assert "<strong>Clear</strong>" in exercise.feedback_html
    assert summary(world.author, world.session).state == "accepted"
    mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_addr == world.author.email)
    )
    assert "accepted your checklist" in mail.body_text
    assert f"/exercises/{exercise.id}" in mail.body_text
    assert "exercise.accepted" in actions(exercise)
    mine = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert "<strong>Clear</strong>" in mine and ">Publish<" in mine
    # Reviewed once: a second decision is refused.
    again = trainer.post(
        f"/exercises/{exercise.id}/review", {"decision": "return", "feedback": "x"}
    )
    assert again.status_code == 409 and "no longer waiting" in again.get_data(as_text=True)


def test_trainer_sends_back_with_feedback_and_the_author_can_edit_again(actor, world):
    author, exercise = submitted(actor, world)
    trainer = actor(world.trainer)
    empty = trainer.post(f"/exercises/{exercise.id}/review", {"decision": "return", "feedback": ""})
    assert empty.status_code == 400 and "Say what to change" in empty.get_data(as_text=True)
    response = trainer.post(
        f"/exercises/{exercise.id}/review",
        {"decision": "return", "feedback": "Add an item on referral."},
    )
    assert response.status_code == 303
    db.session.refresh(exercise)
    assert exercise.state == "draft"
    row = summary(world.author, world.session)
    assert row.state == "draft" and row.first_submitted_at is not None  # still counts
    page = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert "Add an item on referral." in page and "Submit to the trainers" in page
    # The trainer no longer sees a draft.
    assert trainer.get(f"/exercises/{exercise.id}").status_code == 404
    assert "exercise.returned" in actions(exercise)


def test_who_may_review(actor, world):
    author, exercise = submitted(actor, world)
    data = {"decision": "accept", "feedback": ""}
    assert actor(world.trainer_b).post(f"/exercises/{exercise.id}/review", data).status_code == 404
    assert actor(world.peer).post(f"/exercises/{exercise.id}/review", data).status_code == 404
    assert author.post(f"/exercises/{exercise.id}/review", data).status_code == 403
    assert actor(world.admin).post(f"/exercises/{exercise.id}/review", data).status_code == 303
    db.session.refresh(exercise)
    assert exercise.state == "accepted"


def test_publish_only_by_the_author_after_acceptance(actor, world):
    author, exercise = submitted(actor, world)
    early = author.post(f"/exercises/{exercise.id}/publish")
    assert early.status_code == 409 and "accepted by a trainer" in early.get_data(as_text=True)
    actor(world.trainer).post(
        f"/exercises/{exercise.id}/review", {"decision": "accept", "feedback": ""}
    )
    assert actor(world.trainer).post(f"/exercises/{exercise.id}/publish").status_code == 403
    assert actor(world.peer).post(f"/exercises/{exercise.id}/publish").status_code == 404
    assert author.post(f"/exercises/{exercise.id}/publish").status_code == 303
    db.session.refresh(exercise)
    assert exercise.state == "published" and exercise.published_at is not None
    assert summary(world.author, world.session).state == "published"
    assert actions(exercise)[-1] == "exercise.published"


def test_published_checklists_are_listed_and_copied_with_links_both_ways(actor, world):
    author, exercise = published(actor, world)
    other = actor(world.other)  # another cohort and country
    hub = other.get("/sessions/3/exercise").get_data(as_text=True)
    assert f"/exercises/{exercise.id}" in hub and "copied 0 times" in hub
    page = other.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = other.post(f"/exercises/{exercise.id}/copy", {"token": token})
    assert response.status_code == 303
    again = other.post(f"/exercises/{exercise.id}/copy", {"token": token})
    assert again.location == response.location  # a double click copies once
    copy = db.session.scalar(select(Exercise).where(Exercise.author_id == world.other.id))
    assert copy.state == "draft" and copy.source_id == exercise.id
    assert texts(copy) == texts(exercise)
    copy_page = other.get(f"/exercises/{copy.id}").get_data(as_text=True)
    assert "Adapted from" in copy_page and f'href="/exercises/{exercise.id}"' in copy_page
    source_page = author.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    assert "Copied 1 time" in source_page and "Other Cohort Person" in source_page
    assert "copied 1 time" in other.get("/sessions/3/exercise").get_data(as_text=True)
    # The copy is the copier's own draft: hidden from the source's author.
    assert author.get(f"/exercises/{copy.id}").status_code == 404
    assert summary(world.other, world.session).exercise_count == 1
    assert actions(copy) == ["exercise.copied"]


def test_alumni_and_staff_may_copy_but_not_unpublished_ones(actor, world):
    author, exercise = accepted(actor, world)
    assert actor(world.alumnus).post(f"/exercises/{exercise.id}/copy").status_code == 404
    author.post(f"/exercises/{exercise.id}/publish")
    assert actor(world.alumnus).post(f"/exercises/{exercise.id}/copy").status_code == 303
    assert actor(world.trainer_b).post(f"/exercises/{exercise.id}/copy").status_code == 303
    assert actor(world.outsider).post(f"/exercises/{exercise.id}/copy").status_code == 403


def test_printable_view(actor, world):
    author = actor(world.author)
    exercise = start(author, world)
    page = author.get(f"/exercises/{exercise.id}/print").get_data(as_text=True)
    assert (
        "Is consent recorded?" in page and "<form" not in page.split("<main")[1].split("</main>")[0]
    )


def test_shipped_templates_of_sessions_3_7_and_8_start_a_builder(actor, app):
    from pathlib import Path

    from factories import enrol, make_cohort, make_user

    from portal.learning import content_files

    content_files.import_curriculum(Path(__file__).resolve().parents[2] / "content")
    db.session.commit()
    user = make_user()
    enrol(user, make_cohort())
    person = actor(user)
    for number in (3, 7, 8):
        response = person.post(f"/sessions/{number}/exercise", {"token": f"n{number}"})
        assert response.status_code == 303
        exercise = db.session.get(Exercise, int(response.location.rsplit("/", 1)[1]))
        assert len(exercise.sections) >= 3 and exercise.item_count >= 8
        assert exercise.session.number == number
    assert person.get("/sessions/2/exercise").status_code == 404
