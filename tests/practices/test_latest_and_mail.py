"""The pieces other features use: latest_practices() with its macro, and the author's
e-mail reaching a real SMTP server."""

from __future__ import annotations

from factories import enrol, make_cohort, make_user
from flask import render_template_string

from portal.discussion.permissions import viewer_for
from portal.mail import deliver_pending
from portal.practices import services
from portal.practices.queries import latest_practices
from practices.conftest import draft, published

MACRO = '{% from "practices/_macros.html" import latest_list %}{{ latest_list(items) }}'


def test_latest_practices_for_readers_only(app, people):
    older = published(people.author, people.trainer, title="Older practice")
    newer = published(people.author, people.trainer, title="Newer practice", countries=["NP"])
    draft(people.author, title="Unpublished draft")
    archived = published(people.author, people.trainer, title="Archived one")
    services.archive(people.trainer, archived)
    with app.test_request_context():
        items = latest_practices(viewer_for(people.alumnus), 5)
        assert [p.id for p in items] == [newer.id, older.id]
        assert latest_practices(viewer_for(people.alumnus), 1) == [newer]
        assert latest_practices(viewer_for(people.outsider), 5) == []
        html = render_template_string(MACRO, items=items)
    assert f'href="/practices/{newer.id}"' in html and "Nepal" in html
    assert "Unpublished draft" not in html and "Archived one" not in html


def test_author_mail_arrives_at_a_real_smtp_server(mail_app):
    app, inbox = mail_app
    cohort = make_cohort("Mail cohort (fictional)")
    participant = make_user(display_name="Mail Author")
    trainer = make_user("trainer", display_name="Mail Trainer")
    enrol(participant, cohort)
    enrol(trainer, cohort, "trainer")
    practice = draft(participant)
    services.submit(participant, practice)
    services.request_changes(trainer, practice, "Please add the results.")
    sent, failed = deliver_pending()
    assert (sent, failed) == (1, 0)
    message = inbox.messages[0]
    assert message["To"] == participant.email
    assert message["Subject"] == "Your practice needs a few changes"
    body = message.get_body(("plain",)).get_content()
    assert f"/practices/{practice.id}" in body
    # The trainer's comment stays on the portal, not in the mail.
    assert "Please add the results." not in body
