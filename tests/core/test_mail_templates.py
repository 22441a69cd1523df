"""E-mail from templates: a text and an HTML part, in the recipient's language, with
absolute links (issue 9, item 4)."""

from __future__ import annotations

import re
from pathlib import Path

from factories import make_user
from sqlalchemy import select

from portal.accounts import services
from portal.extensions import db
from portal.mail import OutboxMessage, absolute_url, deliver_pending


def _queued(address: str) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == address))


def test_a_reset_mail_is_rendered_in_the_recipients_language(app):
    """The locale in force while the templates render is the recipient's: the HTML part
    declares it, whether or not a catalogue for it exists yet."""
    indonesian = make_user(language="id")
    urdu = make_user(language="ur")
    unset = make_user(language="")
    db.session.commit()
    with app.test_request_context():  # the request's own locale is English
        for user in (indonesian, urdu, unset):
            services.request_password_reset(user.email)
    assert '<html lang="id" dir="ltr">' in _queued(indonesian.email).body_html
    assert '<html lang="ur" dir="rtl">' in _queued(urdu.email).body_html
    assert '<html lang="en" dir="ltr">' in _queued(unset.email).body_html


def test_the_reset_mail_has_the_same_absolute_link_in_both_parts(app):
    user = make_user(display_name="Fictional Reader")
    db.session.commit()
    with app.test_request_context():
        services.request_password_reset(user.email)
    message = _queued(user.email)
    assert message.subject == "Reset your VCA Portal password"
    assert message.body_text.startswith("Hello Fictional Reader,\n\n")
    link = re.search(r"https?://\S+/password/reset/\S+", message.body_text).group(0)
    assert link.startswith(app.config["BASE_URL"].rstrip("/"))
    assert f'<a href="{link}">' in message.body_html
    assert "Fictional Reader" in message.body_html


def test_html_parts_escape_what_people_typed(app):
    user = make_user(display_name='<img src=x onerror="alert(1)">')
    db.session.commit()
    with app.test_request_context():
        services.request_password_reset(user.email)
    message = _queued(user.email)
    assert "<img" not in message.body_html
    assert "&lt;img" in message.body_html
    assert message.body_text.startswith('Hello <img src=x onerror="alert(1)">,')  # text is text


def test_absolute_url_works_outside_a_request(app):
    base = app.config["BASE_URL"].rstrip("/")
    assert absolute_url("accounts.login") == f"{base}/login"
    assert absolute_url("public.home", "top") == f"{base}/#top"


def test_delivered_mail_has_a_text_and_an_html_part(mail_app):
    app, inbox = mail_app
    user = make_user()
    db.session.commit()
    with app.test_request_context():
        services.request_password_reset(user.email)
    assert deliver_pending() == (1, 0)
    received = inbox.messages[0]
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "/password/reset/" in text and "/password/reset/" in html


def test_every_mail_template_has_a_subject_a_text_and_an_html_part():
    folder = Path(__file__).resolve().parents[2] / "templates" / "mail"
    texts = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.txt")}
    htmls = {p.stem for p in folder.glob("*.html") if not p.name.startswith("_")}
    assert set(texts) == htmls and len(htmls) >= 6
    for name, text in texts.items():
        assert "{% block subject %}" in text and "{% block body %}" in text, name
