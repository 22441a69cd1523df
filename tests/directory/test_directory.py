"""The opt-in directory and messages through the portal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from exercises.conftest import HX
from sqlalchemy import func, select

from directory.conftest import listed
from portal.audit import AuditEvent
from portal.database import utcnow
from portal.directory.models import DirectMessage, DirectoryEntry, MessageBlock
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending


@pytest.fixture
def inbox(app, smtp_server):
    server, port = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    return server.messages


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_only_people_who_opted_in_are_listed(actor, people):
    page = actor(people.writer).get("/directory/").get_data(as_text=True)
    assert "Reader Invented" in page and "Official Invented" in page
    for name in ("Not Listed Person", "Writer Invented", "No Cohort Person", "Trainer Invented"):
        assert name not in page
    # Nor can anyone open a conversation with an unlisted person who never wrote.
    assert actor(people.writer).get(f"/directory/messages/{people.hidden.id}").status_code == 404
    # The site search finds nobody either.
    found = actor(people.writer).get("/search?q=Listed").get_data(as_text=True)
    assert "Not Listed Person" not in found


def test_filters_by_country_type_and_pillar_work_without_and_with_htmx(actor, people):
    person = actor(people.writer)
    page = person.get("/directory/?country=TH").get_data(as_text=True)
    assert "Reader Invented" in page and "Official Invented" not in page
    page = person.get("/directory/?type=local_government").get_data(as_text=True)
    assert "Official Invented" in page and "Reader Invented" not in page
    page = person.get("/directory/?pillar=partnership").get_data(as_text=True)
    assert "Official Invented" in page and "Reader Invented" not in page
    response = person.get("/directory/?country=ID&type=local_government", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<div id="results"') and "Official Invented" in body
    # Unknown filter values are ignored, not an error.
    assert person.get("/directory/?country=XX&type=<b>&pillar=zzz&page=-3").status_code == 200
    # The country filter offers only countries with listed people, with counts.
    assert 'value="TH">Thailand (1)' in page or "Thailand (1)" in person.get(
        "/directory/"
    ).get_data(as_text=True)


def test_listing_oneself_and_leaving(actor, people):
    person = actor(people.writer)
    form = person.get("/directory/me").get_data(as_text=True)
    assert 'value="Writer Invented"' in form  # prefilled from the profile, not yet listed
    assert count(DirectoryEntry) == 2
    bad = person.post("/directory/me", {"display_name": "Writer\x07 Invented", "country": ""})
    assert bad.status_code == 400 and "Choose your country." in bad.get_data(as_text=True)
    assert 'value="Writer Invented"' in bad.get_data(as_text=True)  # kept, control char gone
    response = person.post(
        "/directory/me",
        {
            "display_name": "Writer W.",
            "country": "PH",
            "organisation": "Invented Task Force",
            "organisation_type": "national_government",
            "pillars": ["prevention", "partnership"],
        },
    )
    assert response.status_code == 303
    entry = db.session.scalar(
        select(DirectoryEntry).where(DirectoryEntry.user_id == people.writer.id)
    )
    assert entry.pillars == ",prevention,partnership,"
    seen = actor(people.reader).get("/directory/?country=PH").get_data(as_text=True)
    assert "Writer W." in seen and "Invented Task Force" in seen
    assert person.post("/directory/me/remove").status_code == 303
    assert "Writer W." not in actor(people.reader).get("/directory/").get_data(as_text=True)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == people.writer.id)
    ).all()
    assert "directory.listed" in actions and "directory.unlisted" in actions


def test_who_may_open_the_directory(actor, people):
    assert actor().get("/directory/").status_code == 302
    assert actor(people.outsider).get("/directory/").status_code == 403
    assert actor(people.outsider).get("/directory/me").status_code == 403
    assert actor(people.trainer).get("/directory/").status_code == 200


def test_a_message_reaches_a_real_smtp_server_without_either_address(actor, people, inbox):
    writer = actor(people.writer)
    page = writer.get(f"/directory/messages/{people.reader.id}").get_data(as_text=True)
    assert "reader@example.test" not in page
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"body": "Hello, how does your shelter work with **labour inspectors**?", "token": token}
    response = writer.post(f"/directory/messages/{people.reader.id}", data)
    assert response.status_code == 303
    assert writer.post(f"/directory/messages/{people.reader.id}", data).status_code == 303
    assert count(DirectMessage) == 1  # a double click sends once
    assert deliver_pending() == (1, 0)
    [received] = inbox
    raw = received.as_string()
    assert "writer@example.test" not in raw  # the sender's address is nowhere in the mail
    assert received["To"] == "reader@example.test"  # delivered, but never shown to the sender
    assert received["Reply-To"] is None
    body = received.get_body(("plain",)).get_content()
    assert "Writer Invented" in body and "labour inspectors" in body
    link = re.search(r"https?://\S+/directory/messages/(\d+)", body)
    assert int(link.group(1)) == people.writer.id
    # The reader replies through the portal; the writer's address never appears there.
    reader = actor(people.reader)
    thread = reader.get(f"/directory/messages/{people.writer.id}").get_data(as_text=True)
    assert "<strong>labour inspectors</strong>" in thread and "writer@example.test" not in thread
    assert (
        reader.post(
            f"/directory/messages/{people.writer.id}", {"body": "Gladly, let me explain."}
        ).status_code
        == 303
    )
    assert deliver_pending() == (1, 0)
    assert "reader@example.test" not in inbox[1].as_string()
    assert inbox[1]["To"] == "writer@example.test"


def test_an_unlisted_person_can_still_reply_to_whoever_wrote(actor, people):
    writer = actor(people.writer)  # not listed
    writer.post(f"/directory/messages/{people.reader.id}", {"body": "A first question."})
    reader = actor(people.reader)
    page = reader.get(f"/directory/messages/{people.writer.id}").get_data(as_text=True)
    assert "A first question." in page and "Block this person" in page
    # Someone the writer never wrote to cannot reach them.
    assert actor(people.official).get(f"/directory/messages/{people.writer.id}").status_code == 404


def test_blocking_stops_messages(actor, people):
    writer = actor(people.writer)
    writer.post(f"/directory/messages/{people.reader.id}", {"body": "First message."})
    reader = actor(people.reader)
    assert reader.post(f"/directory/messages/{people.writer.id}/block").status_code == 303
    assert count(MessageBlock) == 1
    db.session.execute(
        DirectMessage.__table__.update().values(created_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()
    response = writer.post(f"/directory/messages/{people.reader.id}", {"body": "Second try."})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "does not accept messages from you" in page and "Second try." in page
    assert count(DirectMessage) == 1
    assert count(OutboxMessage) == 1
    reader.post(f"/directory/messages/{people.writer.id}/unblock")
    assert (
        writer.post(f"/directory/messages/{people.reader.id}", {"body": "Third try."}).status_code
        == 303
    )
    # Blocking someone who never wrote and is not listed is not possible.
    assert reader.post(f"/directory/messages/{people.hidden.id}/block").status_code == 404


def test_messages_are_rate_limited(actor, people):
    writer = actor(people.writer)
    path = f"/directory/messages/{people.reader.id}"
    assert writer.post(path, {"body": "One."}).status_code == 303
    fast = writer.post(path, {"body": "Two, too soon."})
    assert fast.status_code == 429 and "Two, too soon." in fast.get_data(as_text=True)
    earlier = utcnow() - timedelta(hours=2)
    db.session.add_all(
        DirectMessage(
            sender_id=people.writer.id,
            recipient_id=people.reader.id,
            body="x",
            body_html="x",
            created_at=earlier,
        )
        for _ in range(19)
    )
    db.session.execute(DirectMessage.__table__.update().values(created_at=earlier))
    db.session.commit()
    day = writer.post(path, {"body": "Twenty-first today."})
    assert day.status_code == 429 and "come back tomorrow" in day.get_data(as_text=True)


def test_new_accounts_send_fewer_messages(actor, people):
    from factories import enrol, make_cohort, make_user

    newcomer = make_user(display_name="Brand New")
    enrol(newcomer, make_cohort())
    earlier = utcnow() - timedelta(minutes=10)
    db.session.add_all(
        DirectMessage(
            sender_id=newcomer.id,
            recipient_id=people.reader.id,
            body="x",
            body_html="x",
            created_at=earlier,
        )
        for _ in range(5)
    )
    db.session.commit()
    response = actor(newcomer).post(f"/directory/messages/{people.reader.id}", {"body": "Hi."})
    assert response.status_code == 429


def test_identifier_check_on_message_bodies(actor, people):
    writer = actor(people.writer)
    path = f"/directory/messages/{people.reader.id}"
    text = "The girl's passport is P1234567, call her at +66 81 555 0199."
    response = writer.post(path, {"body": text, "token": "k1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "may identify a person" in page
    assert count(DirectMessage) == 0 and "passport is P1234567" in page
    confirm = re.search(r'name="confirm" type="hidden" value="([0-9a-f]+)"', page).group(1)
    sent = writer.post(path, {"body": text, "token": "k1", "confirm": confirm, "anyway": "1"})
    assert sent.status_code == 303 and count(DirectMessage) == 1


def test_hidden_people_and_missing_ids_answer_404(actor, people):
    writer = actor(people.writer)
    for path in (
        f"/directory/messages/{people.hidden.id}",
        f"/directory/messages/{people.outsider.id}",
        f"/directory/messages/{people.writer.id}",  # oneself
        "/directory/messages/999999",
    ):
        assert writer.get(path).status_code == 404, path
        assert writer.post(path, {"body": "Hi"}).status_code == 404, path
    people.reader.deleted_at = utcnow()
    db.session.commit()
    assert writer.get(f"/directory/messages/{people.reader.id}").status_code == 404
    assert "Reader Invented" not in writer.get("/directory/").get_data(as_text=True)


def test_hostile_message_bodies_are_sanitised(actor, people):
    from discussion.test_xss import Inspector
    from xss_corpus import HOSTILE_INPUTS

    writer = actor(people.writer)
    path = f"/directory/messages/{people.reader.id}"
    sent = 0
    for index, text in enumerate(t for t in HOSTILE_INPUTS if len(t) <= 5000):
        db.session.execute(
            DirectMessage.__table__.update().values(created_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()
        response = writer.post(path, {"body": text, "token": f"h{index}"})
        if response.status_code == 422:
            confirm = re.search(
                r'name="confirm" type="hidden" value="([0-9a-f]+)"', response.get_data(True)
            ).group(1)
            response = writer.post(
                path, {"body": text, "token": f"h{index}", "confirm": confirm, "anyway": "1"}
            )
        assert response.status_code in (303, 400), (index, response.status_code)
        sent += response.status_code == 303
    assert sent > 150
    for message in db.session.scalars(select(DirectMessage)):
        inspector = Inspector()
        inspector.feed(message.body_html)
        assert not inspector.problems, (message.body[:60], inspector.problems)
    page = actor(people.reader).get(f"/directory/messages/{people.writer.id}").get_data(True)
    assert "<script>alert" not in page and "<img src=x" not in page
    listed(people.writer, display_name="<img src=x onerror=alert(1)>", country="PH")
    page = actor(people.reader).get("/directory/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
