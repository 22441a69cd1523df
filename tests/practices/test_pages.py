"""Writing, submitting, reviewing and reading practices through the pages (no JavaScript)."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.practices import services
from portal.practices.models import Endorsement, Practice, PracticeComment
from practices.conftest import COMPLETE, HX, draft, form_fields, published, sign_in


def test_submit_through_the_form_and_trainer_publishes(web, people):
    sign_in(web, people.author)
    page = web.client.get("/practices/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Invented session 3" in html and 'name="countries"' in html
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    response = web.post(
        "/practices/new",
        form_fields(COMPLETE, action="submit", token=token),
        token_from="/practices/new",
    )
    assert response.status_code == 303
    practice = db.session.scalar(select(Practice))
    assert practice.status == "submitted"
    assert practice.values("country") == ["KH", "TH"]
    assert practice.organisation_type == "local_government"
    assert "<strong>every weekday</strong>" in practice.description_html
    # A resent form stores nothing new.
    web.post(
        "/practices/new",
        form_fields(COMPLETE, action="submit", token=token),
        token_from="/practices/new",
    )
    assert db.session.scalar(select(db.func.count()).select_from(Practice)) == 1
    web.logout()

    sign_in(web, people.trainer)
    queue = web.client.get("/practices/review").get_data(as_text=True)
    assert COMPLETE["title"] in queue
    response = web.post(
        f"/practices/{practice.id}/review",
        {"action": "publish", "comment": "Clear and useful."},
        token_from=f"/practices/{practice.id}",
    )
    assert response.status_code == 303
    db.session.refresh(practice)
    assert practice.status == "published"
    library = web.client.get("/practices/").get_data(as_text=True)
    assert COMPLETE["title"] in library


def test_draft_keeps_typed_text_and_missing_fields_are_marked(web, people):
    sign_in(web, people.author)
    typed = {"title": "Half-written idea", "summary": "", "description": "Some *notes*."}
    response = web.post(
        "/practices/new",
        {**typed, "action": "submit", "contact": "portal"},
        token_from="/practices/new",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Half-written idea" in html and "Some *notes*." in html
    assert "Choose at least one country." in html and "Write a short summary." in html
    assert 'aria-invalid="true"' in html
    practice = db.session.scalar(select(Practice))
    assert practice.status == "draft" and practice.description == "Some *notes*."
    # The page now posts to the edit address of the saved draft, so nothing is doubled.
    assert f'action="/practices/{practice.id}/edit"' in html


def test_identifier_check_names_each_field_and_submit_anyway(web, people):
    sign_in(web, people.author)
    fields = {**COMPLETE, "results": "Ask Mr. Lee, born 12 March 1985, for figures."}
    response = web.post(
        "/practices/new", form_fields(fields, action="submit"), token_from="/practices/new"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Some fields may identify a person." in html
    assert 'href="#practice-results"' in html and "Date of birth" in html
    assert 'href="#practice-description"' not in html
    practice = db.session.scalar(select(Practice))
    assert practice.status == "draft"
    confirm = re.search(r'name="confirm" type="hidden" value="([^"]+)"', html).group(1)
    response = web.post(
        f"/practices/{practice.id}/edit",
        form_fields(fields, action="submit_anyway", confirm=confirm),
        token_from=f"/practices/{practice.id}/edit",
    )
    assert response.status_code == 303
    db.session.refresh(practice)
    assert practice.status == "submitted"


def test_changes_requested_author_edits_and_resubmits(web, people):
    practice = draft(people.author)
    services.submit(people.author, practice)
    sign_in(web, people.trainer)
    web.post(
        f"/practices/{practice.id}/review",
        {"action": "request_changes", "comment": "Please add what it cost."},
        token_from=f"/practices/{practice.id}",
    )
    web.logout()
    sign_in(web, people.author)
    page = web.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert "Please add what it cost." in page and COMPLETE["summary"] in page
    response = web.post(
        f"/practices/{practice.id}/edit",
        form_fields({**COMPLETE, "lessons": "It cost little."}, action="submit"),
        token_from=f"/practices/{practice.id}/edit",
    )
    assert response.status_code == 303
    db.session.refresh(practice)
    assert practice.status == "resubmitted" and practice.lessons == "It cost little."


def test_request_changes_without_comment_is_refused_with_message(web, people):
    practice = draft(people.author)
    services.submit(people.author, practice)
    sign_in(web, people.trainer)
    response = web.post(
        f"/practices/{practice.id}/review",
        {"action": "request_changes", "comment": ""},
        token_from=f"/practices/{practice.id}",
    )
    assert response.status_code == 400
    assert "Tell the author what to change." in response.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.status == "submitted"


def test_endorse_in_place_and_without_javascript(web, people):
    practice = published(people.author, people.trainer)
    sign_in(web, people.peer)
    path = f"/practices/{practice.id}"
    response = web.post(f"{path}/useful", {"useful": "1"}, token_from=path, headers=HX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="useful"')
    assert 'aria-pressed="true"' in fragment and "1 person found this useful" in fragment
    # The same state twice is one endorsement (double click).
    web.post(f"{path}/useful", {"useful": "1"}, token_from=path, headers=HX)
    assert db.session.scalar(select(db.func.count()).select_from(Endorsement)) == 1
    response = web.post(f"{path}/useful", {"useful": "0"}, token_from=path)
    assert response.status_code == 303 and response.headers["Location"].endswith(path)
    db.session.refresh(practice)
    assert practice.useful_count == 0
    assert 'aria-pressed="false"' in web.client.get(path).get_data(as_text=True)


def test_author_cannot_endorse_own(web, people):
    practice = published(people.author, people.trainer)
    sign_in(web, people.author)
    path = f"/practices/{practice.id}"
    assert "aria-pressed" not in web.client.get(path).get_data(as_text=True)
    assert web.post(f"{path}/useful", {"useful": "1"}, token_from=path).status_code == 404


def test_comment_with_identifier_check_and_moderation(web, people):
    practice = published(people.author, people.trainer)
    sign_in(web, people.alumnus)
    path = f"/practices/{practice.id}"
    body = "We tried this too; our desk is on 14 Jalan Merdeka Street."
    response = web.post(
        f"{path}/comments", {"body": body, "token": "t1"}, token_from=path, headers=HX
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Street address" in html and body in html
    confirm = re.search(r'name="confirm" type="hidden" value="([^"]+)"', html).group(1)
    response = web.post(
        f"{path}/comments",
        {"body": body, "token": "t1", "confirm": confirm, "anyway": "1"},
        token_from=path,
    )
    assert response.status_code == 303
    comment = db.session.scalar(select(PracticeComment))
    assert comment.body == body
    web.logout()
    sign_in(web, people.trainer_b)
    response = web.post(f"/practices/comments/{comment.id}/hide", {}, token_from=path)
    assert response.status_code == 303
    web.logout()
    sign_in(web, people.peer)
    assert "Jalan Merdeka" not in web.client.get(path).get_data(as_text=True)
    events = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target_type == "practicecomment")
        .order_by(AuditEvent.id)
    ).all()
    assert events == ["practice.comment_added", "practice.comment_hidden"]


def test_adaptation_shown_on_both_sides_and_in_the_library(web, people):
    source = published(people.author, people.trainer, countries=["TH"])
    sign_in(web, people.member_b)
    page = web.client.get(f"/practices/new?adapts={source.id}").get_data(as_text=True)
    assert f'name="adapts" type="hidden" value="{source.id}"' in page
    response = web.post(
        "/practices/new",
        form_fields(
            {**COMPLETE, "title": "The desk, adapted", "countries": ["NP"]},
            action="submit",
            adapts=str(source.id),
        ),
        token_from="/practices/new",
    )
    assert response.status_code == 303
    adaptation = db.session.scalar(select(Practice).where(Practice.id != source.id))
    assert adaptation.adapts_id == source.id
    services.publish(people.trainer, adaptation)
    web.logout()
    sign_in(web, people.peer)
    source_page = web.client.get(f"/practices/{source.id}").get_data(as_text=True)
    assert "The desk, adapted" in source_page and "Nepal" in source_page
    adaptation_page = web.client.get(f"/practices/{adaptation.id}").get_data(as_text=True)
    assert "This practice adapts" in adaptation_page and COMPLETE["title"] in adaptation_page
    library = web.client.get("/practices/").get_data(as_text=True)
    assert "Adapted in: Nepal" in library


def test_unpublished_adaptation_is_not_shown_to_others(web, people):
    source = published(people.author, people.trainer)
    draft(people.member_b, title="Secret draft adaptation", adapts_id=source.id)
    sign_in(web, people.peer)
    assert "Secret draft adaptation" not in web.client.get(f"/practices/{source.id}").get_data(
        as_text=True
    )


def test_my_practices_lists_every_state(web, people):
    draft(people.author, title="My draft")
    published(people.author, people.trainer, title="My published one")
    sign_in(web, people.author)
    html = web.client.get("/practices/mine").get_data(as_text=True)
    assert "My draft" in html and "My published one" in html and "Draft" in html
