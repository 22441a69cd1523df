"""Which language a page speaks: profile, else the visitor's choice, else browser, else English."""

import re

from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db


def _html(response):
    return response.get_data(as_text=True)


def _root(html):
    return re.search(r"<html[^>]*>", html).group(0)


def test_english_without_any_preference(client):
    html = _html(client.get("/"))
    assert _root(html) == '<html lang="en" dir="ltr">'
    assert "Skip to content" in html


def test_the_browser_language_is_used(client):
    html = _html(client.get("/", headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"}))
    assert 'lang="th"' in _root(html)
    assert "ข้ามไปยังเนื้อหา" in html  # Skip to content
    assert "Skip to content" not in html


def test_an_unknown_browser_language_falls_back_to_english(client):
    html = _html(client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.8"}))
    assert 'lang="en"' in _root(html)


def test_urdu_pages_read_right_to_left(client):
    html = _html(client.get("/login", headers={"Accept-Language": "ur"}))
    assert _root(html) == '<html lang="ur" dir="rtl">'
    assert "سائن اِن" in html


def test_every_page_offers_the_switcher_with_names_in_their_own_language(client):
    html = _html(client.get("/login"))
    form = re.search(r'<form method="post" action="/language".*?</form>', html, re.S).group(0)
    assert 'name="csrf_token"' in form
    names = [("en", "English"), ("id", "Bahasa Indonesia"), ("th", "ไทย"), ("ur", "اردو")]
    for code, name in names:
        assert f'value="{code}" lang="{code}"' in form
        assert name in form
    assert 'value="ur" lang="ur" dir="rtl"' in form


def test_a_visitor_switches_and_stays_in_that_language(web):
    response = web.post("/language", {"language": "id", "next": "/login?next=%2Fcurriculum"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=%2Fcurriculum"
    html = _html(web.client.get("/login", headers={"Accept-Language": "th"}))
    assert 'lang="id"' in _root(html)
    assert "Lupa kata sandi?" in html


def test_switching_needs_the_csrf_token(client):
    response = client.post("/language", data={"language": "ur", "next": "/"})
    assert response.status_code == 400
    assert 'lang="en"' in _root(_html(client.get("/")))


def test_an_unknown_language_is_refused(web):
    assert web.post("/language", {"language": "xx", "next": "/"}).status_code == 400
    assert 'lang="en"' in _root(_html(web.client.get("/")))


def test_the_switcher_never_sends_people_off_site(web):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil"]:
        response = web.post("/language", {"language": "th", "next": target})
        assert response.headers["Location"] == "/"


def test_a_signed_in_switch_is_stored_in_the_profile_and_audited(as_participant, participant):
    response = as_participant.post("/language", {"language": "ur", "next": "/account/profile"})
    assert response.status_code == 303
    db.session.refresh(participant)
    assert participant.language == "ur"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "profile.language")
    ).one()
    assert event.actor_id == participant.id and event.detail == {"language": "ur"}
    html = _html(as_participant.client.get("/account/profile", headers={"Accept-Language": "th"}))
    assert _root(html) == '<html lang="ur" dir="rtl">'
    assert '<option selected value="ur">اردو</option>' in html


def test_the_profile_language_wins_over_the_browser(web, participant):
    participant.language = "th"
    db.session.commit()
    web.login(participant.email)
    html = _html(web.client.get("/curriculum", headers={"Accept-Language": "id"}))
    assert 'lang="th"' in _root(html)
    assert "หลักสูตร" in html


def test_sign_up_keeps_the_language_the_page_was_in(web, cohort):
    from factories import finish_signup, make_invitation

    from portal.accounts.models import User

    make_invitation(cohort, code="LANG-TEST-1")
    web.post("/language", {"language": "id", "next": "/signup"})
    response = web.post("/signup", {"code": "LANG-TEST-1", "email": "sari@example.org"})
    assert response.status_code in (302, 303)
    response = finish_signup(
        web,
        "sari@example.org",
        display_name="Sari (fictional)",
        country="ID",
        organisation_type="ngo",
    )
    assert response.status_code in (302, 303)
    user = db.session.scalars(select(User).where(User.email == "sari@example.org")).one()
    assert user.language == "id"


def test_dates_follow_the_language(as_trainer, cohort):
    from datetime import date

    cohort.workshop_start = date(2026, 6, 8)
    cohort.workshop_end = date(2026, 6, 12)
    db.session.commit()
    english = _html(as_trainer.client.get(f"/cohorts/{cohort.id}"))
    assert "Jun 8, 2026" in english
    as_trainer.post("/language", {"language": "th", "next": "/"})
    thai = _html(as_trainer.client.get(f"/cohorts/{cohort.id}"))
    assert "8 มิ.ย. 2569" in thai or "8 มิ.ย. 2026" in thai


def test_error_pages_are_translated(client):
    html = _html(client.get("/no-such-page", headers={"Accept-Language": "id"}))
    assert "Halaman tidak ditemukan" in html
